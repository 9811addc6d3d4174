//! A send in two halves, for an HTTP stack outside the library (the platform's own on
//! Android and iOS, libcurl, Qt...): [`Client::prepare`](crate::Client::prepare) builds
//! the signed request, the caller's stack sends it, and
//! [`Client::read_response`](crate::Client::read_response) maps the answer.
//!
//! The built-in transport goes through the same two functions ([`Target::request`] and
//! [`read_response`]), so both ways behave the same by construction.

use crate::client::SendResult;
use crate::endpoint::{endpoint_url, request_url};
use crate::error::{Error, Status};
use crate::response::{parse_body, MAX_BODY_BYTES};
use crate::validate::check_text;

/// The method of every request: the platform's endpoint takes a `POST`.
pub const METHOD: &str = "POST";

/// What a prepare gives: a request to send, or an answer the library gave itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Send this request and hand the answer to `Client::read_response`.
    Send(Request),
    /// Answered locally, as a send would have been: a validation code (5019, 5021,
    /// 5023, 5116) or the resend guard's 5058, HTTP status 0. Nothing is to be sent.
    Answered(SendResult),
}

/// A signed request, ready for any HTTP stack: send exactly these bytes, never
/// retry (a repeated send replaces the code the user is typing) and do not follow
/// redirects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    url: String,
    headers: Vec<(String, String)>,
}

impl Request {
    /// Always `"POST"`.
    pub fn method(&self) -> &'static str {
        METHOD
    }

    /// The full URL with the signed query, already percent-encoded: pass it on
    /// unchanged (re-encoding would change `%2B86`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers the library sets, as (name, value): `User-Agent`, and
    /// `X-Q-Language` when configured. The HTTP stack adds its own (`Host`...).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body: always empty (every parameter is in the query).
    pub fn body(&self) -> &[u8] {
        &[]
    }
}

/// Where requests go and the headers they carry: checked once, when a client is built.
#[derive(Debug)]
pub(crate) struct Target {
    endpoint: String,
    user_agent: String,
    language: Option<String>,
}

impl Target {
    pub(crate) fn new(
        base: &str,
        user_agent: &str,
        language: Option<&str>,
    ) -> Result<Target, Error> {
        let endpoint = endpoint_url(base)?;
        check_text("user agent", user_agent)?;
        if let Some(language) = language {
            check_text("language", language)?;
        }
        Ok(Target {
            endpoint,
            user_agent: user_agent.to_owned(),
            language: language.map(str::to_owned),
        })
    }

    /// The endpoint URL without a query (for `Debug` output).
    #[cfg(feature = "transport")]
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The request carrying these query parameters.
    pub(crate) fn request(&self, params: &[(&str, &str)]) -> Request {
        let mut headers = vec![("User-Agent".to_owned(), self.user_agent.clone())];
        if let Some(language) = &self.language {
            headers.push(("X-Q-Language".to_owned(), language.clone()));
        }
        Request {
            url: request_url(&self.endpoint, params),
            headers,
        }
    }
}

/// The error for a body over [`MAX_BODY_BYTES`], whichever transport read it.
pub(crate) fn body_too_large() -> Error {
    Error::new(
        Status::BadResponse,
        format!("response body is larger than {MAX_BODY_BYTES} bytes"),
    )
}

/// Maps an HTTP answer to a result: the one mapping of every transport.
///
/// `received_ms` is this client's clock (system clock plus offset) when the answer
/// arrived; `date` is the `Date` header, if any. A JSON `code` wins over the HTTP
/// status (the platform sends business errors in a 200, and may send a code with
/// another status); without one, a non-2xx status is `HttpStatus`, a 2xx one
/// `BadResponse`.
pub(crate) fn read_response(
    http_status: u16,
    date: Option<&str>,
    body: &[u8],
    received_ms: i64,
) -> Result<SendResult, Error> {
    if body.len() as u64 > MAX_BODY_BYTES {
        return Err(body_too_large());
    }
    let clock_skew_ms = date
        .and_then(imf_fixdate_ms)
        // The header has one-second resolution: take the middle of that second.
        .map(|server_ms| server_ms + 500 - received_ms);
    let parsed = match parse_body(body) {
        Ok(parsed) => parsed,
        Err(_) if !(200..300).contains(&http_status) => {
            return Err(Error::new(
                Status::HttpStatus,
                format!(
                    "the server answered HTTP {} without a JSON code",
                    i32::from(http_status)
                ),
            ))
        }
        Err(error) => return Err(error),
    };
    Ok(SendResult {
        code: parsed.code,
        msg: parsed.msg,
        ext_msg: parsed.ext_msg,
        http_status,
        clock_skew_ms,
    })
}

/// Milliseconds since the epoch of an HTTP date in the IMF-fixdate form every server
/// sends (RFC 9110 5.6.7), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`; `None` for anything
/// else (the obsolete RFC 850 and asctime forms included) or an impossible date.
fn imf_fixdate_ms(text: &str) -> Option<i64> {
    // Three letters each, in one string: a table of `&str` would cost a relocation
    // per name in the library.
    const DAYS: &[u8; 21] = b"ThuFriSatSunMonTueWed";
    const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
    let b = text.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" {
        return None;
    }
    let separators = [(7, b' '), (11, b' '), (16, b' '), (19, b':'), (22, b':')];
    if separators.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i64> {
        let digits = &b[from..to];
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let day = number(5, 7)?;
    let month = MONTHS.chunks(3).position(|m| m == &b[8..11])? as i64 + 1;
    let year = number(12, 16)?;
    let (hour, minute, second) = (number(17, 19)?, number(20, 22)?, number(23, 25)?);
    if year < 1970 || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_since_epoch(year, month, day);
    // The weekday must be the date's (1970-01-01 was a Thursday).
    let weekday = days.rem_euclid(7) as usize * 3;
    if DAYS[weekday..weekday + 3] != b[..3] {
        return None;
    }
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
}

/// The number of days in a month (1..=12) of the Gregorian calendar.
fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (month 1..=12).
fn days_since_epoch(year: i64, month: i64, day: i64) -> i64 {
    // Count in years that start on March 1st, so the leap day ends a year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// An HTTP status a response can carry (three digits).
pub(crate) fn check_http_status(http_status: i64) -> Result<u16, Error> {
    u16::try_from(http_status)
        .ok()
        .filter(|status| (100..=999).contains(status))
        .ok_or_else(|| {
            Error::invalid(format!(
                "HTTP status {http_status} is not a three-digit status (100..=999)"
            ))
        })
}

/// The error of a call that needs the built-in transport in a build without it.
#[cfg_attr(feature = "transport", allow(dead_code))]
pub(crate) fn unsupported(what: &str) -> Error {
    Error::new(
        Status::Unsupported,
        format!(
            "{what} needs the built-in transport, which this build of smscode leaves out \
             (cargo feature `transport`): send with the platform's HTTP stack through \
             sms_client_prepare and sms_client_read_response"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
    const DATE_MS: i64 = 784_111_777_000;

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
    fn without_a_code_the_status_decides() {
        let status = |http: u16, body: &[u8]| read_response(http, None, body, 0).unwrap_err();
        assert_eq!(status(502, b"<html>").status(), Status::HttpStatus);
        assert_eq!(status(302, b"").status(), Status::HttpStatus);
        assert!(status(502, b"").message().contains("HTTP 502"));
        assert_eq!(status(200, b"<html>").status(), Status::BadResponse);
        assert_eq!(status(204, b"").status(), Status::BadResponse);
    }

    #[test]
    fn the_body_cap_is_64_kib_exactly() {
        let mut body = br#"{"code":200,"msg":""#.to_vec();
        body.resize(MAX_BODY_BYTES as usize - 2, b' ');
        body.extend_from_slice(b"\"}");
        assert_eq!(read_response(200, None, &body, 0).unwrap().code, 200);
        body.insert(10, b' ');
        let error = read_response(200, None, &body, 0).unwrap_err();
        assert_eq!(error, body_too_large());
        assert_eq!(error.status(), Status::BadResponse);
    }

    #[test]
    fn skew_is_the_middle_of_the_date_second_minus_the_local_clock() {
        let at = |received_ms| {
            read_response(200, Some(DATE), br#"{"code":200}"#, received_ms)
                .unwrap()
                .clock_skew_ms
        };
        assert_eq!(at(DATE_MS), Some(500));
        assert_eq!(at(DATE_MS + 60_500), Some(-60_000));
        for unusable in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:3x GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT\u{e9}",
        ] {
            let result = read_response(200, Some(unusable), br#"{"code":200}"#, 0).unwrap();
            assert_eq!(result.clock_skew_ms, None, "{unusable:?}");
        }
    }

    #[test]
    fn imf_fixdate_matches_the_calendar() {
        let at = |text: &str| imf_fixdate_ms(text);
        assert_eq!(at("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(at(DATE), Some(DATE_MS));
        assert_eq!(at("Tue, 29 Feb 2000 12:00:00 GMT"), Some(951_825_600_000));
        assert_eq!(at("Mon, 01 Mar 2100 00:00:00 GMT"), Some(4_107_542_400_000));
        assert_eq!(
            at("Thu, 29 Feb 2100 00:00:00 GMT"),
            None,
            "2100 is no leap year"
        );
        assert_eq!(at("Sun, 30 Nov 2026 11:18:26 GMT"), None, "a Monday");
        assert_eq!(at("Mon, 30 Nov 2026 11:18:26 GMT"), Some(1_796_037_506_000));
        let year_length = |year| {
            (1..=12)
                .map(|month| days_in_month(year, month))
                .sum::<i64>()
        };
        assert_eq!(
            [1900, 2000, 2024, 2026, 2100].map(year_length),
            [365, 366, 366, 365, 365]
        );
        // Every day from 1970 to 2100 agrees with counting days one by one.
        let mut days = 0;
        for year in 1970..2100 {
            for month in 1..=12 {
                for day in 1..=days_in_month(year, month) {
                    assert_eq!(
                        days_since_epoch(year, month, day),
                        days,
                        "{year}-{month}-{day}"
                    );
                    days += 1;
                }
            }
        }
    }

    #[test]
    fn http_status_must_have_three_digits() {
        for good in [100, 200, 599, 999] {
            assert_eq!(check_http_status(good).unwrap(), good as u16);
        }
        for bad in [-1, 0, 99, 1000, 70_000] {
            assert_eq!(
                check_http_status(bad).unwrap_err().status(),
                Status::InvalidArgument
            );
        }
    }

    #[test]
    fn requests_carry_the_configured_headers_and_no_body() {
        let target = Target::new("https://gw.example.com/api", "ua/1", Some("en-US")).unwrap();
        let request = target.request(&[("phone", "1"), ("internationalCode", "+86")]);
        assert_eq!(request.method(), "POST");
        assert_eq!(
            request.url(),
            "https://gw.example.com/api/v2/sms/enduserapi/v2/sendPhoneSmsCode\
             ?phone=1&internationalCode=%2B86"
        );
        let headers: Vec<(&str, &str)> = request
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(headers, [("User-Agent", "ua/1"), ("X-Q-Language", "en-US")]);
        assert!(request.body().is_empty());
        let plain = Target::new("eu", "ua/1", None).unwrap().request(&[]);
        assert_eq!(plain.headers().len(), 1);
        for (ua, language) in [("a\nb", None), ("ua", Some("en\r\nX: y"))] {
            assert_eq!(
                Target::new("eu", ua, language).unwrap_err().status(),
                Status::InvalidArgument
            );
        }
    }
}
