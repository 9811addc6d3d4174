//! Where requests go: region presets, base URLs and the request URL.

use std::net::{IpAddr, Ipv6Addr};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{Error, Status};

/// The endpoint path, appended to the base URL (after any gateway prefix).
pub const ENDPOINT_PATH: &str = "/v2/sms/enduserapi/v2/sendPhoneSmsCode";

/// Public base URLs of the platform's regions.
pub const REGIONS: [(&str, &str); 3] = [
    ("cn", "https://iot-api.quectelcn.com"),
    ("eu", "https://iot-api.acceleronix.io"),
    ("na", "https://iot-api.landecia.com"),
];

/// Everything but RFC 3986 unreserved characters is percent-encoded, so `+86`
/// travels as `%2B86` and no form decoder can read it as a space.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Resolves a region name (`cn`, `eu`, `na`) or an `http(s)://` base URL to the full
/// endpoint URL without its query.
///
/// A base URL may carry a path prefix (a gateway); the endpoint path is appended.
/// It may not carry user info, a query or a fragment. Plain `http://` is allowed
/// only for loopback hosts (`localhost`, `127.0.0.0/8`, `::1`).
pub fn endpoint_url(base: &str) -> Result<String, Error> {
    if let Some((_, url)) = REGIONS.iter().find(|(name, _)| *name == base) {
        return Ok(format!("{url}{ENDPOINT_PATH}"));
    }
    let Some((scheme, rest)) = base.split_once("://") else {
        return Err(Error::invalid(
            "base URL must be a region (cn, eu, na) or an http(s):// URL",
        ));
    };
    let secure = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return Err(Error::invalid("base URL scheme must be http or https"));
    };
    if base.len() > 2048 || base.chars().any(|c| c.is_control() || c == ' ') {
        return Err(Error::invalid(
            "base URL is longer than 2048 bytes or contains spaces or control characters",
        ));
    }
    if rest.contains(['?', '#']) {
        return Err(Error::invalid(
            "base URL must not carry a query or a fragment",
        ));
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains('@') {
        return Err(Error::invalid("base URL must not carry user info"));
    }
    let host = host_of(authority)?;
    if !secure && !is_loopback(host) {
        return Err(Error::new(
            Status::InsecureUrl,
            "plain http:// is refused for a non-loopback host: use https://",
        ));
    }
    // Only what RFC 3986 allows, so any HTTP stack takes the URL as it is.
    if !is_authority(authority) || !path.bytes().all(is_path_byte) || !is_percent_encoded(path) {
        return Err(Error::invalid("base URL is not a valid URL"));
    }
    let scheme = if secure { "https" } else { "http" };
    let path = path.trim_end_matches('/');
    Ok(format!("{scheme}://{authority}{path}{ENDPOINT_PATH}"))
}

/// The request URL: the endpoint and the query, each value percent-encoded.
pub fn request_url(endpoint: &str, params: &[(&str, &str)]) -> String {
    let mut url = String::with_capacity(endpoint.len() + 256);
    url.push_str(endpoint);
    for (i, (name, value)) in params.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(name);
        url.push('=');
        url.extend(utf8_percent_encode(value, QUERY_VALUE));
    }
    url
}

fn host_of(authority: &str) -> Result<&str, Error> {
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        let end = bracketed
            .find(']')
            .ok_or_else(|| Error::invalid("base URL has an unclosed IPv6 bracket"))?;
        &bracketed[..end]
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.is_empty() {
        return Err(Error::invalid("base URL has no host"));
    }
    Ok(host)
}

/// `host[:port]`: a bracketed IPv6 address, or a name or IPv4 address of RFC 3986
/// characters; a port of 1 to 5 digits, at most 65535.
fn is_authority(authority: &str) -> bool {
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, after)) => (ip.parse::<Ipv6Addr>().is_ok(), after),
            None => return false,
        },
        None => {
            let (host, after) = authority.split_at(authority.find(':').unwrap_or(authority.len()));
            (!host.is_empty() && host.bytes().all(is_host_byte), after)
        }
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|digits| {
            (1..=5).contains(&digits.len())
                && digits.bytes().all(|b| b.is_ascii_digit())
                && digits.parse::<u32>().is_ok_and(|n| n <= 65535)
        });
    host_ok && port_ok
}

/// Every `%` in `text` starts a percent-encoded byte (`%` and two hex digits), as
/// RFC 3986 allows it in a path: HTTP stacks refuse `%zz`.
fn is_percent_encoded(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    })
}

/// Unreserved and sub-delims (RFC 3986 reg-name). Not `%`: RFC 3986 allows a
/// percent-encoded host name, but no DNS name needs one and HTTP stacks (the `http`
/// crate under ureq among them) refuse it.
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b)
}

/// A host byte, `%`, `:`, `@` or `/` (RFC 3986 path; see [`is_percent_encoded`]).
fn is_path_byte(b: u8) -> bool {
    is_host_byte(b) || b"%:@/".contains(&b)
}

/// `localhost`, or an IP address in 127.0.0.0/8 or `::1` (the host without brackets).
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_urls() {
        assert_eq!(
            endpoint_url("eu").unwrap(),
            "https://iot-api.acceleronix.io/v2/sms/enduserapi/v2/sendPhoneSmsCode"
        );
        assert_eq!(
            endpoint_url("https://gw.example.com/api/").unwrap(),
            "https://gw.example.com/api/v2/sms/enduserapi/v2/sendPhoneSmsCode"
        );
        assert_eq!(
            endpoint_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080/v2/sms/enduserapi/v2/sendPhoneSmsCode"
        );
        assert!(endpoint_url("http://[::1]:9/").is_ok());
        assert!(endpoint_url("http://localhost").is_ok());
        assert_eq!(
            endpoint_url("https://h.example:443/a-b_c~d/%41:@!").unwrap(),
            "https://h.example:443/a-b_c~d/%41:@!/v2/sms/enduserapi/v2/sendPhoneSmsCode"
        );
        assert!(endpoint_url("https://[2001:db8::1]:8443").is_ok());
        assert!(endpoint_url("https://[::ffff:192.0.2.1]").is_ok());
        assert!(endpoint_url("https://gw.example.com/%7e").is_ok());
        assert!(endpoint_url("http://127.8.9.10").is_ok());
    }

    #[test]
    fn refuses_insecure_and_malformed_bases() {
        let status = |b: &str| endpoint_url(b).unwrap_err().status();
        assert_eq!(status("http://example.com"), Status::InsecureUrl);
        assert_eq!(status("http://10.0.0.1"), Status::InsecureUrl);
        assert_eq!(status("http://localhost.evil.com"), Status::InsecureUrl);
        for bad in [
            "",
            "de",
            "ftp://x",
            "https://",
            "https://u:p@h",
            "https://h/?q",
            "https://h#f",
            "https://h x",
            "https://[::1",
            "https://h<x>",
            "https://h:99999",
            "https://h:",
            "https://h:8x",
            "https://h:443:1",
            "https://[zz]",
            "https://[::1]x",
            "https://h/{p}",
            "https://h/a\\b",
            "https://h\u{e9}",
            "https://gw%example.com",
            "https://gw%4.example.com",
            "https://gw%41.example.com",
            "https://h/a%2",
            "https://h/a%zz",
            "https://[::::]",
            "https://[1:2:3:4:5:6:7:8:9]",
            "https://[1.2.3.4]",
        ] {
            assert_eq!(status(bad), Status::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let url = request_url(
            "http://h/p",
            &[("internationalCode", "+86"), ("u", "a b&c=d")],
        );
        assert_eq!(url, "http://h/p?internationalCode=%2B86&u=a%20b%26c%3Dd");
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LocalHost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "0:0:0:0:0:0:0:1",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "localhost.evil.com",
            "128.0.0.1",
            "::2",
            "[::1]",
            "127.0.0.01",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
