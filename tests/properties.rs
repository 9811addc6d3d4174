//! Property tests for signing, validation and base-URL handling.

use std::ffi::{CStr, CString};

use proptest::prelude::*;
use sha2::Digest;
use smscode::ffi::{sms_sign, SMS_ERR_INVALID_ARGUMENT, SMS_ERR_INVALID_UTF8, SMS_OK};
use smscode::validate::{check_send, is_international_code, is_phone, Rejection};
use smscode::{endpoint_url, sign, CodeType, Status};

fn code_type() -> impl Strategy<Value = CodeType> {
    prop::sample::select(CodeType::ALL.to_vec())
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
        prop_assert!(got.len() == 64 && got.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn c_sign_agrees_with_rust_or_refuses_cleanly(
        phone in any::<Vec<u8>>(),
        code_type in -2i32..8,
        random in any::<Vec<u8>>(),
        ts in any::<i64>(),
        secret in any::<Vec<u8>>(),
    ) {
        let strip = |mut bytes: Vec<u8>| { bytes.retain(|b| *b != 0); CString::new(bytes).unwrap() };
        let (c_phone, c_random, c_secret) = (strip(phone), strip(random), strip(secret));
        let mut out = [0x7f as std::ffi::c_char; 65];
        let status = unsafe {
            sms_sign(c_phone.as_ptr(), code_type, c_random.as_ptr(), ts, c_secret.as_ptr(), out.as_mut_ptr(), out.len())
        };
        let texts = (c_phone.to_str(), c_random.to_str(), c_secret.to_str());
        match texts {
            (Ok(phone), Ok(random), Ok(secret)) => {
                let valid = (1..=5).contains(&code_type)
                    && random.len() == 16
                    && random.bytes().all(|b| b.is_ascii_graphic())
                    && ts >= 0;
                if valid {
                    prop_assert_eq!(status, SMS_OK);
                    let expected = sign(phone, CodeType::try_from(code_type).unwrap(), random, ts, secret);
                    prop_assert_eq!(unsafe { CStr::from_ptr(out.as_ptr()) }.to_str().unwrap(), expected);
                } else {
                    prop_assert_eq!(status, SMS_ERR_INVALID_ARGUMENT);
                    prop_assert!(out.iter().all(|&c| c == 0x7f), "out untouched on failure");
                }
            }
            _ => {
                prop_assert_eq!(status, SMS_ERR_INVALID_UTF8);
                prop_assert!(out.iter().all(|&c| c == 0x7f), "out untouched on failure");
            }
        }
    }

    #[test]
    fn phone_rule_is_one_to_twenty_digits(phone in any::<String>()) {
        let expected = (1..=20).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(is_phone(&phone), expected);
    }

    #[test]
    fn international_code_rule(code in "\\+?[0-9]{0,8}|.{0,8}") {
        let digits = code.strip_prefix('+').unwrap_or(&code);
        let expected = (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(is_international_code(&code), expected);
    }

    #[test]
    fn send_checks_never_panic_and_only_pass_valid_input(
        domain in any::<String>(), secret in any::<String>(), intl in any::<String>(),
        phone in any::<String>(), code_type in any::<i32>(),
    ) {
        match check_send(&domain, &secret, &intl, &phone, code_type) {
            Ok(()) => {
                prop_assert!(is_phone(&phone) && is_international_code(&intl));
                prop_assert!(!domain.is_empty() && !secret.is_empty() && (1..=5).contains(&code_type));
            }
            Err(Rejection::Code(code)) => prop_assert!([5019, 5021, 5023, 5116].contains(&code)),
            Err(Rejection::Invalid(error)) => prop_assert_eq!(error.status(), Status::InvalidArgument),
        }
    }

    #[test]
    fn base_urls_never_panic_and_plain_http_stays_on_loopback(base in any::<String>()) {
        if let Ok(url) = endpoint_url(&base) {
            prop_assert!(url.ends_with(smscode::ENDPOINT_PATH));
            if let Some(rest) = url.strip_prefix("http://") {
                let host = rest.split(['/', ':']).next().unwrap();
                prop_assert!(host.eq_ignore_ascii_case("localhost") || host.starts_with("127.") || host == "[");
            } else {
                prop_assert!(url.starts_with("https://"));
            }
        }
    }
}
