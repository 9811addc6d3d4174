//! Validation and signing: `validate::check_send`, `validate::check_sign`,
//! `sign_into` / `sign`, and the C ABI `ffi::sms_sign` (plus
//! `sms_last_error_message` after a refusal).
//!
//! Input layout (plain bytes, so the seeds are easy to write by hand):
//!
//! | bytes  | field                                                        |
//! |--------|--------------------------------------------------------------|
//! | 0..4   | `code_type`, i32 little-endian                               |
//! | 4..12  | `ts`, i64 little-endian                                      |
//! | 12..14 | `out_len`, u16 little-endian (the buffer is exactly that big)|
//! | 14     | flags: bit 0..3 pass NULL for phone, random, secret, out     |
//! | 15     | size of the buffer given to `sms_last_error_message`         |
//! | 16..   | phone NUL random NUL secret NUL user_domain NUL intl_code    |
//!
//! A short input is padded with zeros; a missing string is "". Splitting at NUL
//! makes every string a valid C string with arbitrary other bytes.

#![no_main]

use std::ffi::{c_char, CStr, CString};

use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use smscode::ffi::{
    sms_last_error_message, sms_sign, SMS_ERR_BUFFER_TOO_SMALL, SMS_ERR_INVALID_ARGUMENT,
    SMS_ERR_INVALID_UTF8, SMS_ERR_NULL_ARGUMENT, SMS_OK,
};
use smscode::validate::{check_send, check_sign, Rejection};
use smscode::{sign, sign_into, CodeType, Status, SIGNATURE_LEN};

const HEADER: usize = 16;
/// What an untouched output byte holds.
const FILL: u8 = 0xA5;

struct Input<'a> {
    code_type: i32,
    ts: i64,
    out_len: usize,
    null: [bool; 4],
    message_len: usize,
    strings: [&'a [u8]; 5],
}

fn split(data: &[u8]) -> Input<'_> {
    let mut header = [0u8; HEADER];
    let n = data.len().min(HEADER);
    header[..n].copy_from_slice(&data[..n]);
    let mut strings: [&[u8]; 5] = [b""; 5];
    if data.len() > HEADER {
        // Pieces after the fifth are ignored.
        for (slot, piece) in strings.iter_mut().zip(data[HEADER..].split(|&b| b == 0)) {
            *slot = piece;
        }
    }
    Input {
        code_type: i32::from_le_bytes(header[0..4].try_into().unwrap()),
        ts: i64::from_le_bytes(header[4..12].try_into().unwrap()),
        out_len: usize::from(u16::from_le_bytes(header[12..14].try_into().unwrap())),
        null: [0, 1, 2, 3].map(|bit| header[14] & (1 << bit) != 0),
        message_len: usize::from(header[15]),
        strings,
    }
}

fuzz_target!(|data: &[u8]| {
    let input = split(data);
    let [phone, random, secret, user_domain, intl] = input
        .strings
        .map(|s| String::from_utf8_lossy(s).into_owned());
    check_core(&phone, input.code_type, &random, input.ts, &secret);
    check_send_rules(&user_domain, &secret, &intl, &phone, input.code_type);
    check_c_sign(&input);
});

fn valid_code_type(code_type: i32) -> bool {
    (1..=5).contains(&code_type)
}

fn valid_random(random: &[u8]) -> bool {
    random.len() == 16 && random.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// `check_sign` and the bare signature, on any values.
fn check_core(phone: &str, code_type: i32, random: &str, ts: i64, secret: &str) {
    let valid = valid_random(random.as_bytes()) && ts >= 0;
    assert_eq!(CodeType::try_from(code_type).is_ok(), valid_code_type(code_type));
    match check_sign(random, ts) {
        Ok(()) => assert!(valid, "check_sign accepted invalid input"),
        Err(e) => {
            assert!(!valid, "check_sign refused valid input: {e}");
            assert_eq!(e.status(), Status::InvalidArgument);
        }
    }

    // The documented formula, numbers in decimal as Rust prints them.
    let message = format!("{phone}{code_type}{random}{ts}{secret}");
    let expected = hex::encode(Sha256::digest(message.as_bytes()));
    let mut out = [0u8; SIGNATURE_LEN];
    sign_into(phone, code_type, random, ts, secret, &mut out);
    assert_eq!(
        &out[..],
        expected.as_bytes(),
        "sign_into is not SHA-256 hex"
    );
    if let Ok(t) = CodeType::try_from(code_type) {
        assert_eq!(sign(phone, t, random, ts, secret), expected);
    }
}

/// `check_send`: Ok exactly when every rule holds, and each answer has its cause.
fn check_send_rules(user_domain: &str, secret: &str, intl: &str, phone: &str, code_type: i32) {
    let digits =
        |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    let phone_ok = digits(phone, 20);
    let intl_ok = digits(intl.strip_prefix('+').unwrap_or(intl), 6);
    let domain_text_ok = user_domain.len() <= 256 && !user_domain.chars().any(char::is_control);
    let Ok(_) = CodeType::try_from(code_type) else {
        return;
    };
    let all_ok = !secret.is_empty()
        && phone_ok
        && !user_domain.is_empty()
        && domain_text_ok
        && intl_ok;
    match check_send(user_domain, secret, intl, phone) {
        Ok(()) => assert!(all_ok, "check_send accepted invalid input"),
        Err(Rejection::Code(code)) => {
            assert!(!all_ok);
            let cause = match code {
                5021 => phone.is_empty(),
                5023 => user_domain.is_empty(),
                5116 => intl.is_empty(),
                5019 => !phone_ok,
                _ => panic!("check_send answered an undocumented code {code}"),
            };
            assert!(cause, "code {code} without its cause");
        }
        Err(Rejection::Invalid(e)) => {
            assert!(!all_ok, "check_send refused valid input: {e}");
            assert_eq!(e.status(), Status::InvalidArgument);
            assert!(
                secret.is_empty() || !domain_text_ok || !intl_ok,
                "INVALID_ARGUMENT without an invalid argument: {e}"
            );
        }
    }
}

/// Calls `sms_sign` with the given secret; returns the status, the output buffer
/// and the last error message (after a failure).
fn call_c_sign(input: &Input, secret: Option<&CStr>) -> (i32, Vec<u8>, Option<String>) {
    let c = |i: usize| (!input.null[i]).then(|| CString::new(input.strings[i]).unwrap());
    let (phone, random) = (c(0), c(1));
    let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    let secret_ptr = secret.map_or(std::ptr::null(), CStr::as_ptr);
    // Exactly out_len bytes, so AddressSanitizer catches any write past it.
    let mut out = vec![FILL; input.out_len];
    let out_ptr = if input.null[3] {
        std::ptr::null_mut()
    } else {
        out.as_mut_ptr().cast::<c_char>()
    };
    let status = unsafe {
        sms_sign(
            ptr(&phone),
            input.code_type,
            ptr(&random),
            input.ts,
            secret_ptr,
            out_ptr,
            input.out_len,
        )
    };
    let message = (status != SMS_OK).then(|| last_error(input.message_len));
    (status, out, message)
}

/// Reads the last error through a buffer of `len` bytes and checks the
/// snprintf-style contract; returns the full message.
fn last_error(len: usize) -> String {
    let full = unsafe { sms_last_error_message(std::ptr::null_mut(), 0) };
    let mut buf = vec![FILL; len];
    let ptr = if len == 0 {
        std::ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    let reported = unsafe { sms_last_error_message(ptr, len) };
    assert_eq!(reported, full, "length depends on the buffer");
    let mut whole = vec![0u8; full + 1];
    unsafe { sms_last_error_message(whole.as_mut_ptr().cast(), whole.len()) };
    assert_eq!(whole[full], 0);
    let message = String::from_utf8(whole[..full].to_vec()).expect("last error is UTF-8");
    if len > 0 {
        let copied = buf.iter().position(|&b| b == 0).expect("NUL-terminated");
        assert!(copied < len && copied <= full);
        assert!(
            message.as_bytes().starts_with(&buf[..copied]),
            "a prefix of the message"
        );
        assert!(
            std::str::from_utf8(&buf[..copied]).is_ok(),
            "cut at a char boundary"
        );
        assert!(
            buf[copied + 1..].iter().all(|&b| b == FILL),
            "wrote past the NUL"
        );
    }
    message
}

fn check_c_sign(input: &Input) {
    let secret = (!input.null[2]).then(|| CString::new(input.strings[2]).unwrap());
    let (status, out, message) = call_c_sign(input, secret.as_deref());

    let present = |i: usize| !input.null[i];
    let utf8 = |i: usize| std::str::from_utf8(input.strings[i]).is_ok();
    let any_null = (0..4).any(|i| input.null[i]);
    let any_bad_utf8 = (0..3).any(|i| present(i) && !utf8(i));
    let invalid = !valid_code_type(input.code_type)
        || (present(1) && !valid_random(input.strings[1]))
        || input.ts < 0;
    let too_small = input.out_len < SIGNATURE_LEN + 1;

    match status {
        SMS_OK => {
            assert!(
                !any_null && !any_bad_utf8 && !invalid && !too_small,
                "SMS_OK on bad input"
            );
            let text = |i: usize| std::str::from_utf8(input.strings[i]).unwrap();
            let t = CodeType::try_from(input.code_type).unwrap();
            let expected = sign(text(0), t, text(1), input.ts, text(2));
            assert_eq!(
                &out[..SIGNATURE_LEN],
                expected.as_bytes(),
                "sms_sign != sign"
            );
            assert_eq!(out[SIGNATURE_LEN], 0, "not NUL-terminated");
            assert!(
                out[SIGNATURE_LEN + 1..].iter().all(|&b| b == FILL),
                "wrote past 65 bytes"
            );
        }
        SMS_ERR_NULL_ARGUMENT => assert!(any_null),
        SMS_ERR_INVALID_UTF8 => assert!(any_bad_utf8),
        SMS_ERR_INVALID_ARGUMENT => assert!(invalid),
        SMS_ERR_BUFFER_TOO_SMALL => assert!(too_small),
        other => panic!("sms_sign returned {other}, outside its documented set"),
    }
    if status == SMS_OK {
        return;
    }
    assert!(out.iter().all(|&b| b == FILL), "out touched on failure");
    let message = message.unwrap();
    assert!(message.starts_with("sms_sign: "), "last error: {message:?}");

    // The message must not depend on the secret: the same call with another
    // secret of the same validity gives the same status and the same words.
    if let Some(secret) = secret.as_deref().filter(|s| s.to_str().is_ok()) {
        let other = if secret.to_bytes() == b"x" {
            c"y"
        } else {
            c"x"
        };
        let (status2, _, message2) = call_c_sign(input, Some(other));
        assert_eq!(status2, status);
        assert_eq!(
            message2.unwrap(),
            message,
            "the last error depends on the secret"
        );
    }
}
