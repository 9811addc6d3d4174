//! The server's answer: the one mapping from (HTTP status, `Date`, body) to a result,
//! for every transport.

use std::time::UNIX_EPOCH;

use serde_json::Value;

use crate::codes::is_success;
use crate::error::{Error, Status};

/// Largest response body read; anything longer is never the platform's answer.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;

/// The outcome of a send that got an answer: from the server, or from the local
/// checks that answer with the server's own codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendResult {
    /// The platform's `code`: 200 (or 0) when sent. Unknown codes pass through.
    pub code: i32,
    /// `msg` as the server sent it; `None` when `null`, missing, or answered locally.
    pub msg: Option<String>,
    /// `extMsg` as the server sent it; `None` when `null`, missing, or answered locally.
    pub ext_msg: Option<String>,
    /// The HTTP status, or 0 when the answer came from the local checks
    /// (validation or the resend guard) and nothing was sent.
    pub http_status: u16,
    /// Server clock (`Date` header) minus this client's clock (system clock plus the
    /// configured offset), in ms; `None` without a usable `Date` header. The header
    /// has one-second resolution (its middle is used), so this is accurate to ±0.5 s.
    pub clock_skew_ms: Option<i64>,
}

impl SendResult {
    /// True when the code was sent (`code` is 200 or 0).
    pub fn is_success(&self) -> bool {
        is_success(self.code)
    }

    /// An answer of the local checks: nothing was sent.
    pub(crate) fn local(code: i32) -> SendResult {
        SendResult {
            code,
            msg: None,
            ext_msg: None,
            http_status: 0,
            clock_skew_ms: None,
        }
    }
}

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

/// Parses `{"code": int, "msg": str|null, "extMsg": str|null, "data": ...}` with
/// serde_json.
///
/// `code` must be an integer from 0 to `i32::MAX`: a negative code would read as one
/// of the library's own negative statuses. `msg` and `extMsg` may be missing or
/// `null` (the real service sends `null`), and are ignored when of another type.
/// Other members are skipped; a member given twice counts with its last value.
pub fn parse_body(body: &[u8]) -> Result<ResponseBody, Error> {
    let bad = |message: String| Error::new(Status::BadResponse, message);
    let value: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("response is not JSON: {e}")))?;
    let Value::Object(members) = value else {
        return Err(bad("response is not a JSON object".into()));
    };
    let code = members
        .get("code")
        .and_then(Value::as_i64)
        .ok_or_else(|| bad("response has no integer \"code\" field".into()))?;
    if code < 0 {
        return Err(bad(format!(
            "response has a negative \"code\" ({code}); server codes are never negative"
        )));
    }
    let code = i32::try_from(code)
        .map_err(|_| bad(format!("response \"code\" {code} is out of range")))?;
    let text = |name| members.get(name).and_then(Value::as_str).map(str::to_owned);
    Ok(ResponseBody {
        code,
        msg: text("msg"),
        ext_msg: text("extMsg"),
    })
}

/// Maps an HTTP answer to a result: the one mapping of every transport.
///
/// `received_ms` is this client's clock (system clock plus offset) when the answer
/// arrived; `date` is the `Date` header, if any. A readable JSON `code` (a
/// non-negative integer in a body of at most [`MAX_BODY_BYTES`]) wins over the HTTP
/// status: the platform sends business errors in a 200, and may send a code with
/// another status. Without one, a non-2xx status is `HttpStatus` whatever the body
/// (a gateway's large HTML error page included), and a 2xx one is `BadResponse`.
pub fn read_response(
    http_status: u16,
    date: Option<&str>,
    body: &[u8],
    received_ms: i64,
) -> Result<SendResult, Error> {
    let parsed = if body.len() as u64 > MAX_BODY_BYTES {
        Err(Error::new(
            Status::BadResponse,
            format!("response body is larger than {MAX_BODY_BYTES} bytes"),
        ))
    } else {
        parse_body(body)
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) if (200..300).contains(&http_status) => return Err(error),
        Err(error) => {
            return Err(Error::new(
                Status::HttpStatus,
                format!("the server answered HTTP {http_status} without a code ({error})"),
            ))
        }
    };
    let clock_skew_ms = date
        .and_then(http_date_ms)
        // The header has one-second resolution: take the middle of that second.
        .map(|server_ms| server_ms + 500 - received_ms);
    Ok(SendResult {
        code: parsed.code,
        msg: parsed.msg,
        ext_msg: parsed.ext_msg,
        http_status,
        clock_skew_ms,
    })
}

/// Milliseconds since the epoch of an HTTP date in any of the three forms RFC 9110
/// (5.6.7) says a recipient must read: IMF-fixdate, RFC 850 and asctime, with
/// surrounding whitespace ignored; `None` for anything else or an impossible date.
fn http_date_ms(text: &str) -> Option<i64> {
    let time = httpdate::parse_http_date(text.trim()).ok()?;
    let since_epoch = time.duration_since(UNIX_EPOCH).ok()?;
    i64::try_from(since_epoch.as_millis()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
    const DATE_MS: i64 = 784_111_777_000;

    #[test]
    fn parses_the_real_success_body_with_nulls() {
        let body = parse_body(br#"{"code":200,"msg":"","data":null,"extMsg":null}"#).unwrap();
        assert_eq!(body.code, 200);
        assert_eq!(body.msg.as_deref(), Some(""));
        assert_eq!(body.ext_msg, None);
    }

    #[test]
    fn unknown_codes_pass_through_and_the_last_member_wins() {
        let body = parse_body(br#"{"code":1,"code":7777,"msg":"new","extMsg":"x"}"#).unwrap();
        assert_eq!(body.code, 7777);
        assert_eq!(body.ext_msg.as_deref(), Some("x"));
        let odd = parse_body(br#"{"code":5,"msg":3,"extMsg":{"a":1}}"#).unwrap();
        assert_eq!((odd.msg, odd.ext_msg), (None, None));
    }

    #[test]
    fn rejects_what_is_not_a_response() {
        for body in [
            &b"not json"[..],
            b"",
            b"[]",
            b"{}",
            b"{\"code\":200} x",
            br#"{"code":"200"}"#,
            br#"{"code":1.5}"#,
            br#"{"code":200.0}"#,
            br#"{"code":4294967296}"#,
            br#"{"code":-5}"#,
            br#"{"code":-1,"msg":"x"}"#,
            b"{\"code\":200,\"msg\":\"\xff\"}",
        ] {
            let error = parse_body(body).unwrap_err();
            assert_eq!(error.status(), Status::BadResponse, "{body:?}");
        }
    }

    #[test]
    fn a_code_wins_over_the_http_status() {
        let ok = read_response(200, None, br#"{"code":200,"msg":""}"#, 0).unwrap();
        assert_eq!(
            (ok.code, ok.http_status, ok.clock_skew_ms),
            (200, 200, None)
        );
        let refused = read_response(403, None, br#"{"code":5420,"msg":"no"}"#, 0).unwrap();
        assert_eq!((refused.code, refused.http_status), (5420, 403));
        assert_eq!(refused.msg.as_deref(), Some("no"));
    }

    #[test]
    fn without_a_readable_code_the_status_decides() {
        let status = |http: u16, body: &[u8]| read_response(http, None, body, 0).unwrap_err();
        let big_page = vec![b'x'; MAX_BODY_BYTES as usize + 1];
        for (http, body) in [
            (502, &b"<html>"[..]),
            (302, b""),
            (500, br#"{"code":-5}"#),
            (502, &big_page),
        ] {
            let error = status(http, body);
            assert_eq!(error.status(), Status::HttpStatus, "{http}");
            assert!(error.message().contains(&format!("HTTP {http}")), "{error}");
        }
        for (http, body) in [
            (200, &b"<html>"[..]),
            (204, b""),
            (200, br#"{"code":-5}"#),
            (200, &big_page),
        ] {
            assert_eq!(status(http, body).status(), Status::BadResponse, "{http}");
        }
    }

    #[test]
    fn the_body_cap_is_64_kib_exactly() {
        let mut body = br#"{"code":200,"msg":""#.to_vec();
        body.resize(MAX_BODY_BYTES as usize - 2, b' ');
        body.extend_from_slice(b"\"}");
        assert_eq!(read_response(200, None, &body, 0).unwrap().code, 200);
        body.insert(10, b' ');
        let error = read_response(200, None, &body, 0).unwrap_err();
        assert_eq!(error.status(), Status::BadResponse);
        assert!(error.message().contains("65536"), "{error}");
    }

    #[test]
    fn skew_is_the_middle_of_the_date_second_minus_the_local_clock() {
        let at = |date: &str, received_ms| {
            read_response(200, Some(date), br#"{"code":200}"#, received_ms)
                .unwrap()
                .clock_skew_ms
        };
        assert_eq!(at(DATE, DATE_MS), Some(500));
        assert_eq!(at(DATE, DATE_MS + 60_500), Some(-60_000));
        // The three forms RFC 9110 says a recipient must read, with whitespace around.
        for same in [
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "  Sun, 06 Nov 1994 08:49:37 GMT\t",
        ] {
            assert_eq!(at(same, DATE_MS), Some(500), "{same:?}");
        }
        assert_eq!(at("Thu, 01 Jan 1970 00:00:00 GMT", 0), Some(500));
        assert_eq!(
            at("Tue, 29 Feb 2000 12:00:00 GMT", 951_825_600_000),
            Some(500)
        );
        for unusable in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Thu, 29 Feb 2100 00:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:3x GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{e9}",
        ] {
            assert_eq!(at(unusable, 0), None, "{unusable:?}");
        }
    }
}
