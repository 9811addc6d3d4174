//! Local failures: everything that goes wrong before or instead of a server answer.

use std::fmt;

/// A local status. The values are the C ABI's negative `SMS_ERR_*` constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Status {
    /// A required pointer was NULL (C ABI only).
    NullArgument = -1,
    /// A string was not valid UTF-8 (C ABI only).
    InvalidUtf8 = -2,
    /// An argument is out of range or malformed.
    InvalidArgument = -3,
    /// The caller's output buffer is too small (C ABI only).
    BufferTooSmall = -4,
    /// DNS failure, connection refused or reset.
    Network = -5,
    /// The connect or total timeout expired.
    Timeout = -6,
    /// TLS handshake or certificate verification failed.
    Tls = -7,
    /// A non-2xx status (or a redirect) without a JSON `code`.
    HttpStatus = -8,
    /// The body is not JSON, has no integer `code`, or is over the size cap.
    BadResponse = -9,
    /// Plain `http://` to a host that is not loopback.
    InsecureUrl = -10,
    /// The call needs the built-in transport (cargo feature `transport`), which this
    /// build leaves out: send through the platform's HTTP stack with
    /// `Client::prepare` and `Client::read_response` instead.
    Unsupported = -11,
    /// A panic was caught at the C boundary: a bug in smscode.
    Internal = -99,
}

impl Status {
    /// Every status, in the order of their values.
    pub const ALL: [Status; 12] = [
        Status::NullArgument,
        Status::InvalidUtf8,
        Status::InvalidArgument,
        Status::BufferTooSmall,
        Status::Network,
        Status::Timeout,
        Status::Tls,
        Status::HttpStatus,
        Status::BadResponse,
        Status::InsecureUrl,
        Status::Unsupported,
        Status::Internal,
    ];

    /// The C ABI value.
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// The C ABI constant of each status. The match is exhaustive, so a new variant
/// cannot be added without naming its constant.
const fn c_constant(status: Status) -> i32 {
    use crate::ffi::*;
    match status {
        Status::NullArgument => SMS_ERR_NULL_ARGUMENT,
        Status::InvalidUtf8 => SMS_ERR_INVALID_UTF8,
        Status::InvalidArgument => SMS_ERR_INVALID_ARGUMENT,
        Status::BufferTooSmall => SMS_ERR_BUFFER_TOO_SMALL,
        Status::Network => SMS_ERR_NETWORK,
        Status::Timeout => SMS_ERR_TIMEOUT,
        Status::Tls => SMS_ERR_TLS,
        Status::HttpStatus => SMS_ERR_HTTP_STATUS,
        Status::BadResponse => SMS_ERR_BAD_RESPONSE,
        Status::InsecureUrl => SMS_ERR_INSECURE_URL,
        Status::Unsupported => SMS_ERR_UNSUPPORTED,
        Status::Internal => SMS_ERR_INTERNAL,
    }
}

// The status values are written three times: this enum's discriminants, the C
// ABI's constants (src/ffi/mod.rs, hence include/smscode.h) and the description
// table (`response::describe_c`, which matches on the constants). The build fails
// unless the enum and the constants agree, and `ALL` lists every status once.
const _: () = {
    let mut i = 0;
    while i < Status::ALL.len() {
        let status = Status::ALL[i];
        assert!(
            status as i32 == c_constant(status),
            "a Status value differs from its SMS_ERR_* constant"
        );
        assert!(
            i == 0 || (Status::ALL[i - 1] as i32) > status as i32,
            "Status::ALL is not in order (or lists a status twice)"
        );
        i += 1;
    }
    // SMS_OK is the one local status that is not an error.
    assert!(crate::ffi::SMS_OK == 0);
};

/// A local failure with a human-readable message that never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    status: Status,
    message: String,
}

impl Error {
    pub(crate) fn new(status: Status, message: impl Into<String>) -> Self {
        Error {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::new(Status::InvalidArgument, message)
    }

    /// What kind of failure this is.
    pub fn status(&self) -> Status {
        self.status
    }

    /// The message alone, without the status name.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
