//! The server's answer: parsing and the documented codes.

use crate::error::{Error, Status};

/// Largest response body read; anything longer is a `BadResponse`.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;

/// The fields of the platform's JSON answer that a caller needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseBody {
    /// `code`: 200 (or 0) when the SMS was sent, otherwise the platform's reason.
    pub code: i32,
    /// `msg`, when present and a string.
    pub msg: Option<String>,
    /// `extMsg`, when present and a string.
    pub ext_msg: Option<String>,
}

/// Parses `{"code": int, "msg": str|null, "extMsg": str|null, "data": ...}`.
///
/// `code` must be an integer from 0 to `i32::MAX`: a negative code would read as one
/// of the library's own negative statuses. `msg` and `extMsg` may be missing or
/// `null` (the real service sends `null`), and are ignored when of another type.
pub fn parse_body(body: &[u8]) -> Result<ResponseBody, Error> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| Error::new(Status::BadResponse, format!("response is not JSON: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| Error::new(Status::BadResponse, "response is not a JSON object"))?;
    let code = object
        .get("code")
        .and_then(serde_json::Value::as_i64)
        .and_then(|c| i32::try_from(c).ok())
        .ok_or_else(|| {
            Error::new(
                Status::BadResponse,
                "response has no integer \"code\" field",
            )
        })?;
    if code < 0 {
        return Err(Error::new(
            Status::BadResponse,
            format!("response has a negative \"code\" ({code}); server codes are never negative"),
        ));
    }
    let text = |key: &str| object.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    Ok(ResponseBody {
        code,
        msg: text("msg"),
        ext_msg: text("extMsg"),
    })
}

/// True for the two success codes: 200 (status table) and 0 (the spec's example).
pub fn is_success(code: i32) -> bool {
    code == 200 || code == 0
}

/// An English description of a server code or a local status. Never empty.
pub fn describe(code: i32) -> &'static str {
    describe_c(code).to_str().expect("descriptions are ASCII")
}

/// [`describe`] as a C string, for the C ABI.
pub(crate) fn describe_c(code: i32) -> &'static std::ffi::CStr {
    use crate::ffi::*;
    match code {
        0 | 200 => c"SMS verification code sent",
        5000 => c"Service exception",
        5019 => c"Phone number format incorrect",
        5021 => c"Please enter phone number",
        5023 => c"Please enter user domain",
        5058 => c"SMS sending exceeds frequency limit",
        5059 => c"SMS sending exception",
        5092 => c"User domain is not set",
        5093 => c"User domain is abnormal",
        5104 => c"User domain is disabled",
        5116 => c"Please enter international code",
        5117 => c"Please enter enterprise SMS signature ID",
        5118 => c"Please enter enterprise SMS template ID",
        5119 => c"SMS signature is not configured",
        5120 => c"SMS template is not configured",
        5122 => c"No permission to use this enterprise SMS signature ID",
        5123 => c"Enterprise SMS signature ID has been disabled",
        5124 => c"No permission to use this enterprise SMS template ID",
        5125 => c"Enterprise SMS template ID has been disabled",
        5126 => c"SMS signature and template not under the same SMS account",
        5128 => c"Enterprise SMS account has been disabled",
        5145 => c"Incorrect timestamp format",
        5147 => c"Account locked for 20 minutes",
        5148 => c"IP blocked for 20 minutes",
        5188 => c"Enterprise SMS account does not exist",
        5202 => c"Enterprise SMS signature does not exist",
        5209 => c"Enterprise SMS template does not exist",
        5216 => c"Signature ID and template ID types must be consistent",
        5420 => c"Signature verification failed",
        5421 => c"Signature verification error",
        1.. => c"Unknown code",
        // The local statuses, by their C ABI constants (tied to `Status` in error.rs).
        SMS_ERR_NULL_ARGUMENT => c"A required argument is NULL",
        SMS_ERR_INVALID_UTF8 => c"A string argument is not valid UTF-8",
        SMS_ERR_INVALID_ARGUMENT => c"Invalid argument",
        SMS_ERR_BUFFER_TOO_SMALL => c"Output buffer too small",
        SMS_ERR_NETWORK => c"Network error (DNS, connection refused or reset)",
        SMS_ERR_TIMEOUT => c"Timed out",
        SMS_ERR_TLS => c"TLS error",
        SMS_ERR_HTTP_STATUS => c"Unexpected HTTP status",
        SMS_ERR_BAD_RESPONSE => c"Bad response from the server",
        SMS_ERR_INSECURE_URL => c"Insecure URL: plain http is allowed for loopback hosts only",
        SMS_ERR_UNSUPPORTED => c"Not supported: this build has no built-in transport",
        SMS_ERR_INTERNAL => c"Internal error (a bug in smscode)",
        _ => c"Unknown status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_success_body_with_nulls() {
        let body = parse_body(br#"{"code":200,"msg":"","data":null,"extMsg":null}"#).unwrap();
        assert_eq!(body.code, 200);
        assert_eq!(body.msg.as_deref(), Some(""));
        assert_eq!(body.ext_msg, None);
    }

    #[test]
    fn unknown_codes_pass_through() {
        let body = parse_body(br#"{"code":7777,"msg":"new","extMsg":"x"}"#).unwrap();
        assert_eq!(body.code, 7777);
        assert_eq!(describe(7777), "Unknown code");
        assert_eq!(body.ext_msg.as_deref(), Some("x"));
    }

    #[test]
    fn rejects_what_is_not_a_response() {
        for body in [
            &b"not json"[..],
            b"[]",
            b"{}",
            br#"{"code":"200"}"#,
            br#"{"code":1.5}"#,
            br#"{"code":4294967296}"#,
            br#"{"code":-5}"#,
            br#"{"code":-1,"msg":"x"}"#,
        ] {
            assert_eq!(parse_body(body).unwrap_err().status(), Status::BadResponse);
        }
    }

    #[test]
    fn every_status_has_its_own_description() {
        let texts: std::collections::HashSet<&str> =
            Status::ALL.iter().map(|s| describe(s.code())).collect();
        assert_eq!(texts.len(), Status::ALL.len());
        assert!(!texts.contains("Unknown status"));
        assert_eq!(describe(-12), "Unknown status");
    }

    #[test]
    fn success_is_zero_or_two_hundred() {
        assert!(is_success(0) && is_success(200));
        assert!(!is_success(5058) && !is_success(-5) && !is_success(201));
    }
}
