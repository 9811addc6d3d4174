//! The design's two functions: `sms_sign` and `sms_send_code`.

use std::ffi::c_char;

use super::boundary::{arg_ptr, arg_str, call};
use super::{SMS_OK, SMS_SIGNATURE_BUFFER_LEN};
use crate::error::{Error, Status};
use crate::sign::{sign_into, CodeType, SIGNATURE_LEN};
use crate::validate::check_sign;

/// Computes the request signature: lowercase hex of
/// SHA-256(phone + code_type + random + ts + user_domain_secret), numbers in
/// decimal, strings as UTF-8 bytes.
///
/// Writes 64 hex characters and a NUL into `out` and returns `SMS_OK`.
/// Checks: every pointer non-NULL (`SMS_ERR_NULL_ARGUMENT`), strings UTF-8
/// (`SMS_ERR_INVALID_UTF8`), `code_type` 1..=5, `random` exactly 16 printable ASCII
/// characters (0x21-0x7E), `ts >= 0` (`SMS_ERR_INVALID_ARGUMENT`), `out_len >= 65`
/// (`SMS_ERR_BUFFER_TOO_SMALL`). On failure `out` is left untouched.
///
/// Erratum: the platform's page prints e3b0c442...b855 for its example; that is
/// SHA-256 of the empty string. The example's real signature is
/// adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891.
///
/// Thread-safe; allocates nothing (except for the message of a failure).
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out` is NULL or writable for
/// `out_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn sms_sign(
    phone: *const c_char,
    code_type: i32,
    random: *const c_char,
    ts: i64,
    user_domain_secret: *const c_char,
    out: *mut c_char,
    out_len: usize,
) -> i32 {
    call("sms_sign", || {
        // SAFETY: each pointer is NULL or NUL-terminated (the caller's contract).
        let (phone, random, secret) = unsafe {
            (
                arg_str(phone, "phone")?,
                arg_str(random, "random")?,
                arg_str(user_domain_secret, "user_domain_secret")?,
            )
        };
        let out = arg_ptr(out, "out")? as *mut u8;
        let code_type = CodeType::try_from(code_type)?;
        check_sign(random, ts)?;
        if out_len < SMS_SIGNATURE_BUFFER_LEN {
            return Err(Error::new(
                Status::BufferTooSmall,
                format!(
                    "out_len is {out_len}; the signature needs {SMS_SIGNATURE_BUFFER_LEN} bytes"
                ),
            ));
        }
        let mut signature = [0u8; SIGNATURE_LEN];
        sign_into(
            phone,
            code_type.as_i32(),
            random,
            ts,
            secret,
            &mut signature,
        );
        // SAFETY: `out` is non-NULL and writable for `out_len` >= 65 bytes.
        let out = unsafe { std::slice::from_raw_parts_mut(out, SMS_SIGNATURE_BUFFER_LEN) };
        out[..SIGNATURE_LEN].copy_from_slice(&signature);
        out[SIGNATURE_LEN] = 0;
        Ok(SMS_OK)
    })
}

/// Sends the verification code: the design's one-call form.
///
/// Returns the server's `code` (200, or 0, when sent; any other code passes through
/// unchanged) or a negative `SMS_ERR_*` status for a local failure (see
/// `sms_last_error_message`). `base_url` is a region (`"cn"`, `"eu"`, `"na"`) or an
/// `http(s)://` URL, optionally with a gateway path prefix; plain `http://` only for
/// loopback hosts (`SMS_ERR_INSECURE_URL`). Bad input the platform has a code for is
/// answered locally with that code and nothing is sent: empty phone 5021, empty user
/// domain 5023, empty international code 5116, phone not 1-20 digits 5019.
/// An international code that is not `+` and 1-6 digits, an empty secret or a code
/// type outside 1..=5 is `SMS_ERR_INVALID_ARGUMENT`.
///
/// Uses a shared default client per base URL (default timeouts 10 s connect, 20 s
/// total), so repeated calls reuse connections. Blocks until the answer. Never
/// retries: a send is not idempotent. Thread-safe.
///
/// Needs the built-in transport: `SMS_ERR_UNSUPPORTED` in a build without it
/// (once the arguments are read: NULL and non-UTF-8 are reported first).
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sms_send_code(
    base_url: *const c_char,
    user_domain: *const c_char,
    user_domain_secret: *const c_char,
    international_code: *const c_char,
    phone: *const c_char,
    code_type: i32,
) -> i32 {
    call("sms_send_code", || {
        // SAFETY: each pointer is NULL or NUL-terminated (the caller's contract).
        let base_url = unsafe { arg_str(base_url, "base_url") }?;
        // SAFETY: as above.
        let user_domain = unsafe { arg_str(user_domain, "user_domain") }?;
        // SAFETY: as above.
        let secret = unsafe { arg_str(user_domain_secret, "user_domain_secret") }?;
        // SAFETY: as above.
        let international_code = unsafe { arg_str(international_code, "international_code") }?;
        // SAFETY: as above.
        let phone = unsafe { arg_str(phone, "phone") }?;
        let code_type = CodeType::try_from(code_type)?;
        let result = crate::client::send_code(
            base_url,
            user_domain,
            secret,
            international_code,
            phone,
            code_type,
        )?;
        Ok(result.code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::*;

    #[test]
    fn sms_sign_refuses_bad_arguments_and_writes_nothing() {
        use std::ffi::CString;
        let c = |text: &str| CString::new(text).unwrap();
        let sign_c = |random: &str, code_type: i32, ts: i64, out_len: usize| {
            let (phone, random, secret) = (c("1"), c(random), c("s"));
            let mut out = [0x7f as std::ffi::c_char; 65];
            // SAFETY: NUL-terminated strings and a buffer of at least `out_len` bytes.
            let status = unsafe {
                sms_sign(
                    phone.as_ptr(),
                    code_type,
                    random.as_ptr(),
                    ts,
                    secret.as_ptr(),
                    out.as_mut_ptr(),
                    out_len.min(65),
                )
            };
            assert!(status == SMS_OK || out.iter().all(|&b| b == 0x7f));
            status
        };
        let good = "76a6L647F02CAoN9";
        assert_eq!(sign_c(good, 3, 0, 65), SMS_OK);
        let invalid = SMS_ERR_INVALID_ARGUMENT;
        assert_eq!(sign_c("76a6L647F02CAoN", 3, 0, 65), invalid);
        assert_eq!(sign_c("76a6L647F02CAoN9x", 3, 0, 65), invalid);
        assert_eq!(sign_c("76a6L647F02CAo 9", 3, 0, 65), invalid);
        assert_eq!(sign_c(good, 0, 0, 65), invalid);
        assert_eq!(sign_c(good, 6, 0, 65), invalid);
        assert_eq!(sign_c(good, 3, -1, 65), invalid);
        assert_eq!(sign_c(good, 3, 0, 64), SMS_ERR_BUFFER_TOO_SMALL);
    }
}
