//! Local failures: everything that goes wrong before or instead of a server answer.

use std::ffi::CStr;
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
    /// A non-2xx status (or a redirect) without a readable JSON `code`, whatever the
    /// body (not JSON, a negative code, over the size cap).
    HttpStatus = -8,
    /// A 2xx answer whose body is not JSON, has no non-negative integer `code`, or
    /// is over the size cap.
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

    /// The status with this value, if there is one.
    pub fn from_code(code: i32) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.code() == code)
    }

    /// An English description, as `describe` gives it.
    pub fn description(self) -> &'static CStr {
        match self {
            Status::NullArgument => c"A required argument is NULL",
            Status::InvalidUtf8 => c"A string argument is not valid UTF-8",
            Status::InvalidArgument => c"Invalid argument",
            Status::BufferTooSmall => c"Output buffer too small",
            Status::Network => c"Network error (DNS, connection refused or reset)",
            Status::Timeout => c"Timed out",
            Status::Tls => c"TLS error",
            Status::HttpStatus => c"Unexpected HTTP status",
            Status::BadResponse => c"Bad response from the server",
            Status::InsecureUrl => c"Insecure URL: plain http is allowed for loopback hosts only",
            Status::Unsupported => c"Not supported: this build has no built-in transport",
            Status::Internal => c"Internal error (a bug in smscode)",
        }
    }
}

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
