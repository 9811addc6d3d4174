//! Base URLs and the request URL: `smscode::endpoint_url` and `smscode::request_url`.
//!
//! The input is used three ways: as raw text, both a base URL and a query value
//! (so the seeds are plain text), and as `arbitrary` data for a base URL built
//! from parts (whose expected answer is known) and for `request_url` parameters.

#![no_main]

use std::net::IpAddr;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use percent_encoding::percent_decode_str;
use smscode::{endpoint_url, request_url, Status, ENDPOINT_PATH, REGIONS};
use ureq::http::Uri;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let raw_endpoint = check_endpoint(&raw);
    // The raw text as query values too, so plain seeds like "+86" reach request_url.
    let eu = endpoint_url("eu").unwrap();
    let raw_params = [
        (Name::InternationalCode, raw.to_string()),
        (Name::UserDomain, raw.to_string()),
    ];
    check_request_url(raw_endpoint.as_deref().unwrap_or(&eu), &raw_params);

    let mut u = Unstructured::new(data);
    if let Ok(built) = Built::arbitrary(&mut u) {
        check_built(&built);
    }
    if let Ok(params) = Vec::<(Name, String)>::arbitrary(&mut u) {
        check_request_url(raw_endpoint.as_deref().unwrap_or(&eu), &params);
    }
});

/// `localhost` (any case) or a loopback IP literal, brackets allowed.
fn is_loopback(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Properties of any answer; returns the endpoint when Ok.
fn check_endpoint(base: &str) -> Option<String> {
    match endpoint_url(base) {
        Ok(url) => {
            assert!(url.ends_with(ENDPOINT_PATH), "{base:?} -> {url:?}");
            if let Some((_, region)) = REGIONS.iter().find(|(name, _)| *name == base) {
                assert_eq!(url, format!("{region}{ENDPOINT_PATH}"));
            }
            assert!(
                !url.chars().any(|c| c.is_control() || c.is_whitespace()),
                "{base:?} -> {url:?}"
            );
            let uri: Uri = url
                .parse()
                .unwrap_or_else(|e| panic!("{base:?} -> {url:?} is not a Uri: {e}"));
            let authority = uri.authority().expect("an absolute URL has an authority");
            assert!(!authority.as_str().contains('@'), "user info in {url:?}");
            assert_eq!(uri.query(), None, "query in {url:?}");
            assert!(
                uri.path().ends_with(ENDPOINT_PATH),
                "{url:?}: path {:?}",
                uri.path()
            );
            // The host the HTTP client would really connect to.
            let host = authority.host();
            match uri.scheme_str() {
                Some("https") => assert!(url.starts_with("https://")),
                Some("http") => {
                    assert!(url.starts_with("http://"));
                    assert!(
                        is_loopback(host),
                        "plain http to non-loopback {host:?}: {base:?}"
                    );
                }
                other => panic!("{base:?} -> {url:?}: scheme {other:?}"),
            }
            Some(url)
        }
        Err(e) => {
            assert!(!e.message().is_empty());
            match e.status() {
                Status::InvalidArgument => {}
                Status::InsecureUrl => assert!(
                    base.get(..7)
                        .is_some_and(|s| s.eq_ignore_ascii_case("http://")),
                    "InsecureUrl for a non-http base {base:?}"
                ),
                other => panic!("{base:?}: status {other:?}"),
            }
            None
        }
    }
}

/// A well-formed base URL from parts, so the right answer is known.
#[derive(Arbitrary, Debug)]
struct Built {
    secure: bool,
    upper_scheme: bool,
    host: Host,
    port: Option<u16>,
    path: Vec<String>,
    trailing_slash: bool,
}

#[derive(Arbitrary, Debug)]
enum Host {
    Localhost { upper: bool },
    V4([u8; 4]),
    V6([u16; 8]),
    V6Loopback,
    Name(Vec<String>),
}

/// Keeps RFC 3986 unreserved characters only.
fn unreserved(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-._~".contains(*c))
        .collect()
}

fn check_built(built: &Built) {
    let host = match &built.host {
        Host::Localhost { upper: false } => "localhost".to_owned(),
        Host::Localhost { upper: true } => "LocalHost".to_owned(),
        Host::V4(octets) => IpAddr::from(*octets).to_string(),
        Host::V6(segments) => format!("[{}]", IpAddr::from(*segments)),
        Host::V6Loopback => "[::1]".to_owned(),
        Host::Name(labels) => {
            let labels: Vec<String> = labels
                .iter()
                .map(|l| {
                    l.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect()
                })
                .filter(|l: &String| !l.is_empty())
                .collect();
            if labels.is_empty() {
                "example.com".to_owned()
            } else {
                labels.join(".")
            }
        }
    };
    let authority = match built.port {
        Some(port) => format!("{host}:{port}"),
        None => host.clone(),
    };
    let segments: Vec<String> = built
        .path
        .iter()
        .map(|s| unreserved(s))
        .filter(|s| !s.is_empty())
        .collect();
    let mut path = String::new();
    for segment in &segments {
        path.push('/');
        path.push_str(segment);
    }
    if built.trailing_slash {
        path.push('/');
    }
    let scheme = match (built.secure, built.upper_scheme) {
        (true, false) => "https",
        (true, true) => "HTTPS",
        (false, false) => "http",
        (false, true) => "Http",
    };
    let base = format!("{scheme}://{authority}{path}");
    let result = endpoint_url(&base);
    if base.len() > 2048 {
        assert_eq!(result.map_err(|e| e.status()), Err(Status::InvalidArgument));
    } else if built.secure || is_loopback(&host) {
        let expected = format!(
            "{}://{authority}{}{ENDPOINT_PATH}",
            scheme.to_ascii_lowercase(),
            path.trim_end_matches('/')
        );
        assert_eq!(
            result.as_ref().ok(),
            Some(&expected),
            "{base:?}: {result:?}"
        );
    } else {
        assert_eq!(
            result.as_ref().map_err(|e| e.status()),
            Err(Status::InsecureUrl),
            "{base:?}"
        );
    }
    check_endpoint(&base);
}

/// Query parameter names: the client's real ones, or any alphanumeric name.
#[derive(Arbitrary, Debug)]
enum Name {
    CodeType,
    InternationalCode,
    Phone,
    Random,
    Signature,
    Ts,
    UserDomain,
    Ssid,
    Stid,
    Other(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::CodeType => "codeType".into(),
            Name::InternationalCode => "internationalCode".into(),
            Name::Phone => "phone".into(),
            Name::Random => "random".into(),
            Name::Signature => "signature".into(),
            Name::Ts => "ts".into(),
            Name::UserDomain => "userDomain".into(),
            Name::Ssid => "ssid".into(),
            Name::Stid => "stid".into(),
            Name::Other(s) => {
                let s: String = s.chars().filter(char::is_ascii_alphanumeric).collect();
                if s.is_empty() {
                    "x".into()
                } else {
                    s
                }
            }
        }
    }
}

fn check_request_url(endpoint: &str, params: &[(Name, String)]) {
    let names: Vec<String> = params.iter().map(|(n, _)| n.text()).collect();
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .zip(params)
        .map(|(n, (_, v))| (n.as_str(), v.as_str()))
        .collect();
    let url = request_url(endpoint, &pairs);

    let query = url
        .strip_prefix(endpoint)
        .expect("starts with the endpoint");
    if pairs.is_empty() {
        assert_eq!(query, "");
        return;
    }
    let query = query.strip_prefix('?').expect("'?' before the query");
    let pieces: Vec<&str> = query.split('&').collect();
    assert_eq!(
        pieces.len(),
        pairs.len(),
        "a value leaked a raw '&': {url:?}"
    );
    for (piece, (name, value)) in pieces.iter().zip(&pairs) {
        let (got_name, encoded) = piece.split_once('=').expect("name=value");
        assert_eq!(got_name, *name);
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "raw reserved character in {encoded:?} for {value:?}"
        );
        let bytes = encoded.as_bytes();
        for (i, _) in encoded.match_indices('%') {
            let hex = bytes.get(i + 1..i + 3).unwrap_or_default();
            assert!(
                hex.len() == 2
                    && hex
                        .iter()
                        .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b)),
                "raw '%' in {encoded:?} for {value:?}"
            );
        }
        let decoded: Vec<u8> = percent_decode_str(encoded).collect();
        assert_eq!(
            decoded,
            value.as_bytes(),
            "{encoded:?} does not decode to {value:?}"
        );
    }
    // A valid endpoint plus an encoded query is still a valid URL, with that query
    // (up to the `http` crate's own limit of 65,534 bytes, which long enough values
    // pass: 4,096 bytes of invalid UTF-8 encode to 36 KB).
    if url.len() <= 65_534 {
        let uri: Uri = url
            .parse()
            .unwrap_or_else(|e| panic!("request URL {url:?} is not a Uri: {e}"));
        assert_eq!(uri.query(), Some(query));
    }
}
