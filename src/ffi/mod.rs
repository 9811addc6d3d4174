//! The C ABI. Every export is a thin shim: check pointers and UTF-8, call the core,
//! translate the result. Each runs inside [`boundary::call`], so a panic becomes
//! `SMS_ERR_INTERNAL` instead of unwinding into C. Every export exists in both
//! builds; without the built-in transport the core answers `SMS_ERR_UNSUPPORTED`
//! for what needs it.

use crate::error::Status;

mod boundary;
mod client;
mod info;
mod request;
mod sign;

pub use client::*;
pub use info::*;
pub use request::*;
pub use sign::*;

#[cfg(feature = "test-panic")]
pub use boundary::sms_test_arm_panic;

/// Success (a local status; a server success is the code 200, or 0).
pub const SMS_OK: i32 = 0;
/// A required pointer argument was NULL.
pub const SMS_ERR_NULL_ARGUMENT: i32 = -1;
/// A string argument was not valid UTF-8.
pub const SMS_ERR_INVALID_UTF8: i32 = -2;
/// An argument is out of range or malformed (see `sms_last_error_message`).
pub const SMS_ERR_INVALID_ARGUMENT: i32 = -3;
/// The output buffer is too small; nothing was written.
pub const SMS_ERR_BUFFER_TOO_SMALL: i32 = -4;
/// DNS failure, connection refused or reset.
pub const SMS_ERR_NETWORK: i32 = -5;
/// The connect or total timeout expired (see `sms_client_set_timeouts`).
pub const SMS_ERR_TIMEOUT: i32 = -6;
/// TLS handshake or certificate verification failed.
pub const SMS_ERR_TLS: i32 = -7;
/// A non-2xx HTTP status (or a redirect, never followed) without a readable JSON
/// `code`, whatever the body: not JSON, a negative code, or over
/// `SMS_MAX_RESPONSE_BODY` bytes.
pub const SMS_ERR_HTTP_STATUS: i32 = -8;
/// A 2xx answer whose body is not JSON, has no integer `code` (or a negative one),
/// or is over `SMS_MAX_RESPONSE_BODY` bytes.
pub const SMS_ERR_BAD_RESPONSE: i32 = -9;
/// Plain `http://` to a host that is not loopback.
pub const SMS_ERR_INSECURE_URL: i32 = -10;
/// The call needs the library's built-in transport, which this build leaves out
/// (a build for the platform's own HTTP stack): use `sms_client_prepare` and
/// `sms_client_read_response`.
pub const SMS_ERR_UNSUPPORTED: i32 = -11;
/// A panic was caught at the C boundary (a bug in smscode); the process lives on.
pub const SMS_ERR_INTERNAL: i32 = -99;

/// Code type 1: password reset.
pub const SMS_CODE_TYPE_PASSWORD_RESET: i32 = 1;
/// Code type 2: login.
pub const SMS_CODE_TYPE_LOGIN: i32 = 2;
/// Code type 3: registration.
pub const SMS_CODE_TYPE_REGISTRATION: i32 = 3;
/// Code type 4: account cancellation.
pub const SMS_CODE_TYPE_ACCOUNT_CANCELLATION: i32 = 4;
/// Code type 5: add push recipient.
pub const SMS_CODE_TYPE_ADD_PUSH_RECIPIENT: i32 = 5;

/// Server code: the SMS was sent (the status table's value; 0 also means sent).
pub const SMS_CODE_SENT: i32 = 200;
/// Server code: sending exceeds the frequency limit (also the resend guard's answer).
pub const SMS_CODE_FREQUENCY_LIMIT: i32 = 5058;

/// Size of the buffer `sms_sign` needs: 64 hex characters and a NUL.
pub const SMS_SIGNATURE_BUFFER_LEN: usize = 65;

/// The largest response body the library reads (64 KiB): a longer one is never the
/// platform's answer. An HTTP stack that hands bodies to `sms_client_read_response`
/// needs to read at most one byte more.
pub const SMS_MAX_RESPONSE_BODY: usize = 65536;

/// `sms_response_clock_skew_ms` returns this when the server sent no usable `Date`.
pub const SMS_CLOCK_SKEW_UNKNOWN: i64 = i64::MIN;

// The C constants are written out above (cbindgen copies literals); the build fails
// unless they are the core's values.
const _: () = {
    let constants = [
        (Status::NullArgument, SMS_ERR_NULL_ARGUMENT),
        (Status::InvalidUtf8, SMS_ERR_INVALID_UTF8),
        (Status::InvalidArgument, SMS_ERR_INVALID_ARGUMENT),
        (Status::BufferTooSmall, SMS_ERR_BUFFER_TOO_SMALL),
        (Status::Network, SMS_ERR_NETWORK),
        (Status::Timeout, SMS_ERR_TIMEOUT),
        (Status::Tls, SMS_ERR_TLS),
        (Status::HttpStatus, SMS_ERR_HTTP_STATUS),
        (Status::BadResponse, SMS_ERR_BAD_RESPONSE),
        (Status::InsecureUrl, SMS_ERR_INSECURE_URL),
        (Status::Unsupported, SMS_ERR_UNSUPPORTED),
        (Status::Internal, SMS_ERR_INTERNAL),
    ];
    assert!(constants.len() == Status::ALL.len());
    let mut i = 0;
    while i < constants.len() {
        assert!(constants[i].0 as i32 == constants[i].1);
        assert!(Status::ALL[i] as i32 == constants[i].1);
        i += 1;
    }
    assert!(SMS_MAX_RESPONSE_BODY as u64 == crate::MAX_BODY_BYTES);
    assert!(SMS_SIGNATURE_BUFFER_LEN == crate::SIGNATURE_LEN + 1);
    assert!(SMS_CODE_FREQUENCY_LIMIT == crate::validate::CODE_FREQUENCY_LIMIT);
};
