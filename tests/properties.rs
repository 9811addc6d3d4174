//! Property tests for signing, validation, base-URL handling and the response reader.
//!
//! Each input mixes values valid by construction with arbitrary ones (`prop_oneof!`),
//! so both the success and the failure branch run; the tests that check a branch
//! count assert that every branch was reached in the run.

use std::ffi::{CStr, CString};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sha2::Digest;
use smscode::ffi::{sms_sign, SMS_ERR_INVALID_ARGUMENT, SMS_ERR_INVALID_UTF8, SMS_OK};
use smscode::validate::{check_send, is_international_code, is_phone, Rejection};
use smscode::{endpoint_url, sign, CodeType, Status};

fn code_type() -> impl Strategy<Value = CodeType> {
    prop::sample::select(CodeType::ALL.to_vec())
}

/// Runs `property` over `cases` inputs; it returns the branch it took (an index
/// below `branches`). Fails on the first failing case, or when a branch never ran.
fn run_counting<S: Strategy>(
    cases: u32,
    strategy: S,
    branches: usize,
    property: impl Fn(S::Value) -> Result<usize, TestCaseError>,
) {
    let counts: Vec<AtomicUsize> = (0..branches).map(|_| AtomicUsize::new(0)).collect();
    let config = Config {
        failure_persistence: None,
        ..Config::with_cases(cases)
    };
    let mut runner = TestRunner::new(config);
    runner
        .run(&strategy, |input| {
            counts[property(input)?].fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    let counts: Vec<usize> = counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    assert!(
        counts.iter().all(|&n| n > 0),
        "a branch never ran: {counts:?}"
    );
}

proptest! {
    #[test]
    fn signature_is_sha256_hex_of_the_concatenation(
        phone in "[0-9]{0,24}",
        code_type in code_type(),
        random in "[A-Za-z0-9]{16}",
        ts in 0i64..=i64::MAX,
        secret in any::<String>(),
    ) {
        let got = sign(&phone, code_type, &random, ts, &secret);
        let message = format!("{phone}{}{random}{ts}{secret}", code_type.as_i32());
        prop_assert_eq!(&got, &hex::encode(sha2::Sha256::digest(message.as_bytes())));
    }

    #[test]
    fn phone_rule_is_one_to_twenty_digits(phone in prop_oneof!["[0-9]{0,24}", any::<String>()]) {
        let expected = (1..=20).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(is_phone(&phone), expected);
    }

    #[test]
    fn international_code_rule(code in "\\+?[0-9]{0,8}|.{0,8}") {
        let digits = code.strip_prefix('+').unwrap_or(&code);
        let expected = (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(is_international_code(&code), expected);
    }
}

/// Text for a C string argument: valid UTF-8 of the expected form, or arbitrary bytes.
fn c_text(valid: &'static str) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => valid.prop_map(String::into_bytes),
        1 => any::<Vec<u8>>(),
    ]
}

#[test]
fn c_sign_agrees_with_rust_or_refuses_cleanly() {
    let inputs = (
        c_text("[0-9]{1,20}"),
        prop_oneof![3 => 1i32..=5, 1 => any::<i32>()],
        prop_oneof![3 => "[A-Za-z0-9]{16}", 1 => "[!-~]{16}", 1 => any::<String>()]
            .prop_map(String::into_bytes)
            .boxed(),
        prop_oneof![3 => 0i64..=i64::MAX, 1 => any::<i64>()],
        c_text("[A-Za-z0-9]{1,64}"),
    );
    // Branches: 0 signed, 1 refused as an invalid argument, 2 refused as not UTF-8.
    run_counting(512, inputs, 3, |(phone, code_type, random, ts, secret)| {
        let strip = |mut bytes: Vec<u8>| {
            bytes.retain(|b| *b != 0);
            CString::new(bytes).unwrap()
        };
        let (c_phone, c_random, c_secret) = (strip(phone), strip(random), strip(secret));
        let mut out = [0x7f as std::ffi::c_char; 65];
        // SAFETY: the strings are live C strings and `out` is writable for its length.
        let status = unsafe {
            sms_sign(
                c_phone.as_ptr(),
                code_type,
                c_random.as_ptr(),
                ts,
                c_secret.as_ptr(),
                out.as_mut_ptr(),
                out.len(),
            )
        };
        let (Ok(phone), Ok(random), Ok(secret)) =
            (c_phone.to_str(), c_random.to_str(), c_secret.to_str())
        else {
            prop_assert_eq!(status, SMS_ERR_INVALID_UTF8);
            prop_assert!(out.iter().all(|&c| c == 0x7f), "out untouched on failure");
            return Ok(2);
        };
        let valid = (1..=5).contains(&code_type)
            && random.len() == 16
            && random.bytes().all(|b| b.is_ascii_graphic())
            && ts >= 0;
        if !valid {
            prop_assert_eq!(status, SMS_ERR_INVALID_ARGUMENT);
            prop_assert!(out.iter().all(|&c| c == 0x7f), "out untouched on failure");
            return Ok(1);
        }
        prop_assert_eq!(status, SMS_OK);
        let expected = sign(
            phone,
            CodeType::try_from(code_type).unwrap(),
            random,
            ts,
            secret,
        );
        // SAFETY: on success `out` holds a NUL-terminated signature.
        let written = unsafe { CStr::from_ptr(out.as_ptr()) };
        prop_assert_eq!(written.to_str().unwrap(), expected);
        Ok(0)
    });
}

#[test]
fn send_checks_pass_exactly_valid_input() {
    let inputs = (
        prop_oneof![3 => "[a-z]{1,12}", 1 => any::<String>()],
        prop_oneof![3 => "[A-Za-z0-9]{1,44}", 1 => any::<String>()],
        prop_oneof![3 => "\\+?[0-9]{1,6}", 1 => any::<String>()],
        prop_oneof![3 => "[0-9]{1,20}", 1 => any::<String>()],
    );
    // Branches: 0 passed, 1 answered with a platform code, 2 invalid argument.
    run_counting(512, inputs, 3, |(domain, secret, intl, phone)| {
        let valid = !domain.is_empty()
            && !secret.is_empty()
            && is_phone(&phone)
            && is_international_code(&intl);
        match check_send(&domain, &secret, &intl, &phone) {
            Ok(()) => {
                prop_assert!(valid);
                Ok(0)
            }
            Err(Rejection::Code(code)) => {
                prop_assert!(!valid);
                prop_assert!([5019, 5021, 5023, 5116].contains(&code), "{}", code);
                Ok(1)
            }
            Err(Rejection::Invalid(error)) => {
                prop_assert!(!valid);
                prop_assert_eq!(error.status(), Status::InvalidArgument);
                Ok(2)
            }
        }
    });
}

/// Base URLs accepted by construction: https to any host name, or http to loopback.
fn valid_base() -> impl Strategy<Value = String> {
    prop_oneof![
        "https://[a-z][a-z0-9-]{0,10}(\\.[a-z]{2,6}){0,2}(:[1-9][0-9]{0,3})?(/[a-z0-9]{1,8}){0,2}/?",
        "http://(localhost|127(\\.(0|[1-9][0-9]?)){3}|\\[::1\\])(:[1-9][0-9]{0,3})?(/[a-z]{1,8})?",
        prop::sample::select(vec!["cn", "eu", "na"]).prop_map(str::to_owned),
    ]
}

#[test]
fn base_urls_are_accepted_exactly_when_valid_and_plain_http_stays_on_loopback() {
    let inputs = prop_oneof![
        2 => valid_base().prop_map(|b| (b, true)),
        // The same shapes to any host: plain http must be refused off loopback.
        1 => "http://[a-z]{1,10}\\.[a-z]{2,5}(/[a-z]{1,8})?".prop_map(|b| (b, false)),
        1 => any::<String>().prop_map(|b| (b, false)),
    ];
    // Branches: 0 accepted, 1 refused.
    run_counting(512, inputs, 2, |(base, valid)| match endpoint_url(&base) {
        Ok(url) => {
            prop_assert!(url.ends_with(smscode::ENDPOINT_PATH));
            if let Some(rest) = url.strip_prefix("http://") {
                let authority = rest.split('/').next().unwrap();
                let host = authority.strip_prefix('[').map_or_else(
                    || authority.split(':').next().unwrap(),
                    |v6| v6.split(']').next().unwrap(),
                );
                let loopback = host == "localhost"
                    || host
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback());
                prop_assert!(loopback, "plain http to {}", host);
            } else {
                prop_assert!(url.starts_with("https://"), "{}", url);
            }
            Ok(0)
        }
        Err(error) => {
            prop_assert!(!valid, "{} refused: {}", base, error);
            Ok(1)
        }
    });
}
