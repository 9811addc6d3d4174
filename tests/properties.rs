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
use smscode::{endpoint_url, parse_body, sign, CodeType, Status};

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

// The response reader (`parse_body`) against serde_json, which it replaced: the same
// bodies accepted, with the same code and texts, and the same bodies refused.

/// What serde_json makes of a body: `Err(true)` when it is JSON but not an answer
/// with a code from 0 to i32::MAX, `Err(false)` when it is not JSON.
type Expected = Result<(i32, Option<String>, Option<String>), bool>;

fn serde_json_reading(body: &[u8]) -> Expected {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| false)?;
    let object = value.as_object().ok_or(true)?;
    let code = object
        .get("code")
        .and_then(serde_json::Value::as_i64)
        .and_then(|c| i32::try_from(c).ok())
        .filter(|c| *c >= 0)
        .ok_or(true)?;
    let text = |key: &str| object.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Ok((code, text("msg"), text("extMsg")))
}

/// Checks `parse_body` against serde_json on one body; returns the branch:
/// 0 accepted, 1 not JSON, 2 JSON but not an answer.
fn agrees_with_serde_json(body: &[u8]) -> Result<usize, TestCaseError> {
    let shown = String::from_utf8_lossy(body);
    match (parse_body(body), serde_json_reading(body)) {
        (Ok(parsed), Ok((code, msg, ext_msg))) => {
            prop_assert_eq!(parsed.code, code, "{}", shown);
            prop_assert_eq!(parsed.msg, msg, "{}", shown);
            prop_assert_eq!(parsed.ext_msg, ext_msg, "{}", shown);
            Ok(0)
        }
        (Err(error), Err(is_json)) => {
            prop_assert_eq!(error.status(), Status::BadResponse);
            // Only a body that is not JSON gets the "not JSON" message.
            let says_not_json = error.message().starts_with("response is not JSON:");
            prop_assert_eq!(says_not_json, !is_json, "{}: {}", shown, error);
            Ok(if is_json { 2 } else { 1 })
        }
        (Ok(parsed), Err(_)) => Err(TestCaseError::fail(format!(
            "accepted what serde_json refuses ({parsed:?}): {shown}"
        ))),
        (Err(error), Ok(_)) => Err(TestCaseError::fail(format!(
            "refused what serde_json accepts ({error}): {shown}"
        ))),
    }
}

/// JSON number texts, the edges of i64, u64 and f64 included.
fn json_number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| format!("{f:e}")),
        (0u32..1000, -1..2i32).prop_map(|(n, sign)| format!("{}", i64::from(sign) * i64::from(n))),
        "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,24})?([eE][+-]?[0-9]{1,12})?",
        "-?[0-9]{1,3}(\\.[0-9]{0,3})?([eE][+-]?[0-9]{0,4})?",
        "-?1[0-9]{0,20}e3[01][0-9]",
    ]
}

/// JSON string texts, quotes included: serde_json's own output, and escapes
/// (surrogates in pairs or not, invalid ones, raw control characters).
fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_map(|s| serde_json::to_string(&s).unwrap()),
        "\"([^\"\\\\]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\\\[a-z0-9]){0,8}\"",
    ]
}

fn json_value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        json_number(),
        json_string(),
        prop::sample::select(vec!["true", "false", "null", "nul", "tru", "[]", "{}"])
            .prop_map(str::to_owned),
    ];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((json_key(), inner), 0..5).prop_map(|v| {
                let members: Vec<String> = v.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["code", "msg", "extMsg", "data", "c\\u006fde", "ms\\u0067", "Code"])
            .prop_map(|k| format!("\"{k}\"")),
        1 => json_string(),
    ]
}

/// An answer object: the read members (possibly twice, of any type) among others,
/// in any order, with any whitespace.
fn json_answer() -> impl Strategy<Value = String> {
    let member = prop_oneof![
        2 => json_number().prop_map(|n| ("\"code\"".to_owned(), n)),
        2 => json_string().prop_map(|s| ("\"msg\"".to_owned(), s)),
        2 => json_string().prop_map(|s| ("\"extMsg\"".to_owned(), s)),
        1 => prop::sample::select(vec!["\"msg\"", "\"extMsg\"", "\"code\""])
            .prop_map(|k| (k.to_owned(), "null".to_owned())),
        2 => (json_key(), json_value()),
    ];
    let space = prop::sample::select(vec!["", "", " ", "\n", "\t\r\n  "]);
    (prop::collection::vec((member, space.clone()), 0..6), space).prop_map(|(members, end)| {
        let members: Vec<String> = members
            .iter()
            .map(|((k, v), sp)| format!("{sp}{k}{sp}:{sp}{v}{sp}"))
            .collect();
        format!("{end}{{{}}}{end}", members.join(","))
    })
}

/// One small change to a text: the usual ways a body is cut or garbled.
fn garbled(text: String) -> impl Strategy<Value = Vec<u8>> {
    let len = text.len();
    let noise = prop::sample::select(b"{}[],:\"\\-+.eE0129tfnu \n\x00\x1f\x7f\xc3\xff".to_vec());
    (0..=len, noise, 0..4u8).prop_map(move |(at, byte, how)| {
        let mut bytes = text.clone().into_bytes();
        match how {
            0 => bytes.truncate(at),
            1 => bytes.insert(at, byte),
            2 if at < len => bytes[at] = byte,
            _ if at < len => {
                bytes.remove(at);
            }
            _ => bytes.push(byte),
        }
        bytes
    })
}

#[test]
fn response_reader_agrees_with_serde_json() {
    let bodies = prop_oneof![
        4 => json_answer().prop_map(String::into_bytes),
        3 => json_answer().prop_flat_map(garbled),
        1 => json_value().prop_map(String::into_bytes),
        1 => json_value().prop_flat_map(garbled),
        1 => prop::collection::vec(any::<u8>(), 0..40),
    ];
    run_counting(4000, bodies, 3, |body| agrees_with_serde_json(&body));
}

#[test]
fn response_reader_agrees_with_serde_json_on_edges() {
    let nested = |depth: usize, open: &str, close: &str| {
        format!(
            "{{\"code\":1,\"data\":{}{}}}",
            open.repeat(depth),
            close.repeat(depth)
        )
    };
    let mut bodies: Vec<Vec<u8>> = [
        // Numbers: i64 and i32 edges, -0, floats that are whole, f64's range.
        "{\"code\":0}",
        "{\"code\":-0}",
        "{\"code\":2147483647}",
        "{\"code\":2147483648}",
        "{\"code\":-1}",
        "{\"code\":-2147483649}",
        "{\"code\":9223372036854775807}",
        "{\"code\":9223372036854775808}",
        "{\"code\":-9223372036854775808}",
        "{\"code\":-9223372036854775809}",
        "{\"code\":18446744073709551615}",
        "{\"code\":18446744073709551616}",
        "{\"code\":200.0}",
        "{\"code\":2e2}",
        "{\"code\":200,\"x\":1e308}",
        "{\"code\":200,\"x\":1e309}",
        "{\"code\":200,\"x\":-1e309}",
        "{\"code\":200,\"x\":1.7976931348623157e308}",
        "{\"code\":200,\"x\":1.7976931348623159e308}",
        "{\"code\":200,\"x\":17976931348623157e292}",
        "{\"code\":200,\"x\":18446744073709551615e289}",
        "{\"code\":200,\"x\":0e999999999999}",
        "{\"code\":200,\"x\":1e999999999999}",
        "{\"code\":200,\"x\":1e-999999999999}",
        "{\"code\":200,\"x\":0.0e400}",
        "{\"code\":200,\"x\":1844674407370955161600000000000000000000.0e270}",
        "{\"code\":200,\"x\":18446744073709551610.5e290}",
        "{\"code\":200,\"x\":0.000000000000000000000000000001e330}",
        "{\"code\":200,\"x\":01}",
        "{\"code\":200,\"x\":1.}",
        "{\"code\":200,\"x\":.5}",
        "{\"code\":200,\"x\":1e}",
        "{\"code\":200,\"x\":1e+}",
        "{\"code\":200,\"x\":+1}",
        "{\"code\":200,\"x\":-}",
        "{\"code\":200,\"x\":-a}",
        // Strings and escapes.
        "{\"code\":200,\"msg\":\"\\ud83d\\ude00 \\u00e9\\/\\b\\f\\n\\r\\t\\\"\\\\\"}",
        "{\"code\":200,\"msg\":\"\\ud83d\"}",
        "{\"code\":200,\"msg\":\"\\ude00\"}",
        "{\"code\":200,\"msg\":\"\\ud83d\\n\"}",
        "{\"code\":200,\"msg\":\"\\ud83d\\u0041\"}",
        "{\"code\":200,\"msg\":\"\\ud83d\\ud83d\"}",
        "{\"code\":200,\"msg\":\"\\u12\"}",
        "{\"code\":200,\"msg\":\"\\x\"}",
        "{\"code\":200,\"msg\":\"a\tb\"}",
        "{\"code\":200,\"msg\":\"\\u0000\"}",
        "{\"code\":200,\"msg\":\"\u{7f}\"}",
        "{\"c\\u006fde\":200,\"ext\\u004dsg\":\"x\"}",
        // Members twice, of other types, and structure.
        "{\"code\":200,\"code\":\"200\"}",
        "{\"code\":\"200\",\"code\":200}",
        "{\"code\":200,\"msg\":\"a\",\"msg\":5}",
        "{\"code\":200,\"msg\":5,\"msg\":\"a\"}",
        "{\"code\":200,}",
        "{\"code\":200,\"data\":[1,]}",
        "{,}",
        "{\"code\" 200}",
        "{code:200}",
        "{\"code\":200}}",
        "{\"code\":200} x",
        " \n{\"code\":200}\t\r ",
        "\u{feff}{\"code\":200}",
        "{\"code\":200,\"data\":[true,false,null,{}]}",
        "{\"code\":200,\"data\":nulll}",
        "{\"code\":200,\"data\":True}",
        "",
        " ",
        "[]",
        "200",
        "\"x\"",
        "null",
        "{\"code\":200,\"data\":{\"code\":-1}}",
    ]
    .iter()
    .map(|b| b.as_bytes().to_vec())
    .collect();
    // Invalid UTF-8 inside a string, and a lone continuation byte outside one.
    bodies.push(b"{\"code\":200,\"msg\":\"\xc3\"}".to_vec());
    bodies.push(b"{\"code\":200,\"msg\":\"\xc3\xa9\"}".to_vec());
    bodies.push(b"{\"code\":200}\x80".to_vec());
    // Nesting: serde_json's limit, both sides of it.
    for depth in [126, 127, 128] {
        bodies.push(nested(depth, "[", "]").into_bytes());
        bodies.push(nested(depth, "{\"a\":", "}").into_bytes());
    }
    let mut branches = [0; 3];
    for body in &bodies {
        match agrees_with_serde_json(body) {
            Ok(branch) => branches[branch] += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(branches.iter().all(|&n| n > 0), "{branches:?}");
}
