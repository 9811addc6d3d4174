//! The design's two functions: `sms_sign` and `sms_send_code`.

use std::ffi::{c_char, CStr};

use super::boundary::{arg_ptr, arg_str, call};
use crate::error::{Error, Status};
use crate::sign::{sign_into, sign_short, CodeType, RANDOM_LEN, SIGNATURE_LEN};
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
/// Thread-safe; allocates nothing.
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
        // SAFETY: the caller's contract (above) is the one `sign_fast` needs.
        if unsafe {
            sign_fast(
                phone,
                code_type,
                random,
                ts,
                user_domain_secret,
                out,
                out_len,
            )
        } {
            return Ok(super::SMS_OK);
        }
        // Anything else: a bad argument (reported here), or a valid one the fast
        // path does not take (non-ASCII text, a message over 247 bytes).
        // SAFETY: each pointer is NULL or NUL-terminated (the caller's contract).
        let phone = unsafe { arg_str(phone, "phone") }?;
        // SAFETY: as above.
        let random = unsafe { arg_str(random, "random") }?;
        // SAFETY: as above.
        let secret = unsafe { arg_str(user_domain_secret, "user_domain_secret") }?;
        let out = arg_ptr(out, "out")? as *mut u8;
        check_sign(code_type, random, ts)?;
        if out_len < SIGNATURE_LEN + 1 {
            return Err(Error::new(
                Status::BufferTooSmall,
                format!("out_len is {out_len}; the signature needs 65 bytes"),
            ));
        }
        let mut signature = [0u8; SIGNATURE_LEN];
        sign_into(phone, code_type, random, ts, secret, &mut signature);
        // SAFETY: `out` is non-NULL and writable for `out_len` >= 65 bytes.
        let out = unsafe { std::slice::from_raw_parts_mut(out, SIGNATURE_LEN + 1) };
        out[..SIGNATURE_LEN].copy_from_slice(&signature);
        out[SIGNATURE_LEN] = 0;
        Ok(super::SMS_OK)
    })
}

/// Exactly 16 printable ASCII characters (0x21-0x7E), as `check_sign` demands,
/// tested 16 bytes at once.
#[inline(always)]
fn is_valid_random(random: &[u8]) -> bool {
    const ONES: u128 = u128::from_ne_bytes([1; RANDOM_LEN]);
    const HIGH_BITS: u128 = ONES * 0x80;
    let Ok(random) = <[u8; RANDOM_LEN]>::try_from(random) else {
        return false;
    };
    let bytes = u128::from_ne_bytes(random);
    // With every byte below 0x80 no sum below carries into the next byte, and a
    // byte b has its high bit set in b + 0x5F exactly when b >= 0x21, and in b + 1
    // exactly when b >= 0x7F.
    bytes & HIGH_BITS == 0
        && bytes.wrapping_add(ONES * 0x5f) & HIGH_BITS == HIGH_BITS
        && bytes.wrapping_add(ONES) & HIGH_BITS == 0
}

/// `sms_sign` for the common case: valid arguments, ASCII strings (found with
/// `strlen`, checked a word at a time) and a message that fits one stack buffer. Returns
/// false, having written nothing to `out`, for anything else.
///
/// # Safety
/// As for `sms_sign`.
#[inline(always)]
unsafe fn sign_fast(
    phone: *const c_char,
    code_type: i32,
    random: *const c_char,
    ts: i64,
    secret: *const c_char,
    out: *mut c_char,
    out_len: usize,
) -> bool {
    if phone.is_null()
        || random.is_null()
        || secret.is_null()
        || out.is_null()
        || !(1..=5).contains(&code_type)
        || ts < 0
        || out_len < SIGNATURE_LEN + 1
    {
        return false;
    }
    // SAFETY: non-NULL, so NUL-terminated by the caller's contract; the slices
    // live no longer than this call.
    let (phone, random, secret) = unsafe {
        (
            CStr::from_ptr(phone).to_bytes(),
            CStr::from_ptr(random).to_bytes(),
            CStr::from_ptr(secret).to_bytes(),
        )
    };
    if !(phone.is_ascii() && secret.is_ascii() && is_valid_random(random)) {
        return false;
    }
    // SAFETY: `out` is non-NULL and writable for `out_len` >= 65 bytes, and a byte
    // array needs no alignment; nothing else refers to that memory during the call.
    let out = unsafe { &mut *out.cast::<[u8; SIGNATURE_LEN + 1]>() };
    let (hex, nul) = out.split_at_mut(SIGNATURE_LEN);
    let hex = hex.try_into().expect("64 bytes, by the split");
    if !sign_short(phone, code_type, random, ts, secret, hex) {
        return false;
    }
    nul[0] = 0;
    true
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
/// Needs the built-in transport: `SMS_ERR_UNSUPPORTED` in a build without it.
///
/// # Safety
/// String arguments are NULL or NUL-terminated.
#[cfg(feature = "transport")]
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
        let code_type = code_type_arg(code_type)?;
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

pub(crate) fn code_type_arg(code_type: i32) -> Result<CodeType, Error> {
    CodeType::try_from(code_type).map_err(|_| {
        Error::new(
            Status::InvalidArgument,
            format!("code type {code_type} is out of range 1..=5"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 16-at-once check against the byte-wise rule, with every byte value in
    /// every position of an otherwise valid `random`, and wrong lengths.
    #[test]
    fn random_check_matches_the_bytewise_rule() {
        let valid = *b"76a6L647F02CAoN9";
        assert!(is_valid_random(&valid));
        for position in 0..RANDOM_LEN {
            for byte in 0..=u8::MAX {
                let mut random = valid;
                random[position] = byte;
                assert_eq!(
                    is_valid_random(&random),
                    (0x21..=0x7e).contains(&byte),
                    "byte {byte:#04x} at {position}"
                );
            }
        }
        assert!(!is_valid_random(&valid[..15]));
        assert!(!is_valid_random(b"76a6L647F02CAoN9x"));
        assert!(!is_valid_random(b""));
    }
}
