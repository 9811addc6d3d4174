//! A send in two halves, for an HTTP stack outside the library (the platform's own on
//! Android and iOS, libcurl, Qt...): [`Client::prepare`](crate::Client::prepare) builds
//! the signed request, the caller's stack sends it, and
//! [`Client::read_response`](crate::Client::read_response) maps the answer.
//!
//! The built-in transport goes through the same two functions ([`Target::request`] and
//! [`crate::response::read_response`]), so both ways behave the same by construction.

use crate::endpoint::{endpoint_url, request_url};
use crate::error::Error;
use crate::response::SendResult;
use crate::validate::check_header;

/// The method of every request: the platform's endpoint takes a `POST`.
pub const METHOD: &str = "POST";

/// What a prepare gives: a request to send, or an answer the library gave itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// Send this request and hand the answer to `Client::read_response`.
    Send(Request),
    /// Answered locally, as a send would have been: a validation code (5019, 5021,
    /// 5023, 5116) or the resend guard's 5058. Nothing is to be sent.
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
        check_header("user agent", user_agent)?;
        if let Some(language) = language {
            check_header("language", language)?;
        }
        Ok(Target {
            endpoint,
            user_agent: user_agent.to_owned(),
            language: language.map(str::to_owned),
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Status;

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
        for (ua, language) in [
            ("a\nb", None),
            ("ua", Some("en\r\nX: y")),
            ("", None),
            ("caf\u{e9}", None),
            ("ua", Some("fran\u{e7}ais")),
        ] {
            assert_eq!(
                Target::new("eu", ua, language).unwrap_err().status(),
                Status::InvalidArgument
            );
        }
    }
}
