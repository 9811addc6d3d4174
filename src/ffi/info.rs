//! Descriptions, version and the last error message.

use std::ffi::c_char;

use super::boundary::{call_or, with_last_error};

/// Copies the calling thread's last error message (set by the most recent export
/// that returned a negative status on this thread; `""` if none has) into `out`,
/// truncated to `out_len - 1` bytes and always NUL-terminated when `out_len > 0`.
/// Returns the full message length in bytes, without the NUL, like `snprintf`:
/// call with `out = NULL, out_len = 0` to size a buffer. Messages are English and
/// never contain the secret.
///
/// # Safety
/// `out` is NULL (only with `out_len == 0`) or writable for `out_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn sms_last_error_message(out: *mut c_char, out_len: usize) -> usize {
    call_or(0, || {
        with_last_error(|message| {
            if !out.is_null() && out_len > 0 {
                // Cut at a character boundary so the copy stays valid UTF-8.
                let mut len = message.len().min(out_len - 1);
                while !message.is_char_boundary(len) {
                    len -= 1;
                }
                // SAFETY: `out` is not NULL and the caller made it writable for
                // `out_len` bytes; `len + 1 <= out_len`.
                let out = unsafe { std::slice::from_raw_parts_mut(out as *mut u8, len + 1) };
                out[..len].copy_from_slice(&message.as_bytes()[..len]);
                out[len] = 0;
            }
            message.len()
        })
    })
}

/// An English description of a server code (every documented one) or of a local
/// `SMS_ERR_*` status: "Unknown code" for other codes. A static string: never
/// NULL, never freed.
#[no_mangle]
pub extern "C" fn sms_code_description(code: i32) -> *const c_char {
    call_or(c"Internal error".as_ptr(), || {
        crate::codes::describe_c(code).as_ptr()
    })
}

/// 1 when `code` means the SMS was sent (200, or 0 as in the spec's example), else 0.
#[no_mangle]
pub extern "C" fn sms_is_success(code: i32) -> i32 {
    call_or(0, || i32::from(crate::codes::is_success(code)))
}

/// The library version, e.g. `"0.1.0"`. A static string: never NULL, never freed.
#[no_mangle]
pub extern "C" fn sms_version() -> *const c_char {
    call_or(c"unknown".as_ptr(), || {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    })
}
