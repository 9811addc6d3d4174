//! Where requests go: region presets, base URLs and the request URL.

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
    // Byte searches rather than `str` patterns here and below: the same results with
    // less generic code in the library.
    let Some(colon) = base.as_bytes().windows(3).position(|w| w == b"://") else {
        return Err(Error::invalid(
            "base URL must be a region (cn, eu, na) or an http(s):// URL",
        ));
    };
    let (scheme, rest) = (&base[..colon], &base[colon + 3..]);
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
    if rest.bytes().any(|b| b == b'?' || b == b'#') {
        return Err(Error::invalid(
            "base URL must not carry a query or a fragment",
        ));
    }
    let (authority, path) = rest.split_at(byte_index(rest, b'/').unwrap_or(rest.len()));
    if byte_index(authority, b'@').is_some() {
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
    let url = format!(
        "{}://{authority}{}{ENDPOINT_PATH}",
        if secure { "https" } else { "http" },
        &path[..path.len() - path.bytes().rev().take_while(|&b| b == b'/').count()]
    );
    Ok(url)
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
        let end = byte_index(bracketed, b']')
            .ok_or_else(|| Error::invalid("base URL has an unclosed IPv6 bracket"))?;
        &bracketed[..end]
    } else {
        &authority[..byte_index(authority, b':').unwrap_or(authority.len())]
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
        Some(rest) => match byte_index(rest, b']').map(|end| (&rest[..end], &rest[end + 1..])) {
            Some((ip, after)) => (is_ipv6(ip), after),
            None => return false,
        },
        None => {
            let (host, after) =
                authority.split_at(byte_index(authority, b':').unwrap_or(authority.len()));
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

/// Where `byte` (ASCII) first is in `text`.
fn byte_index(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
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

/// An IPv6 address as the text between a URL's brackets.
fn is_ipv6(text: &str) -> bool {
    let mut ip = IpText {
        text: text.as_bytes(),
        pos: 0,
    };
    ip.ipv6().is_some() && ip.pos == text.len()
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

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let mut text = IpText {
        text: host.as_bytes(),
        pos: 0,
    };
    match text.ipv4() {
        Some(ip) => text.pos == host.len() && ip[0] == 127,
        None => text
            .ipv6()
            .is_some_and(|ip| text.pos == host.len() && ip == [0, 0, 0, 0, 0, 0, 0, 1]),
    }
}

/// Reads IP addresses exactly as `std::net::IpAddr`'s parser does (the same steps:
/// greedy groups, an IPv4 tail in IPv6, no leading zeros in IPv4), for
/// [`is_loopback`]; a few hundred bytes instead of std's parser in the library.
struct IpText<'a> {
    text: &'a [u8],
    pos: usize,
}

impl IpText<'_> {
    /// Runs `read`; on `None` nothing is consumed.
    fn atomically<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let start = self.pos;
        let value = read(self);
        if value.is_none() {
            self.pos = start;
        }
        value
    }

    fn given(&mut self, byte: u8) -> Option<()> {
        (self.text.get(self.pos) == Some(&byte)).then(|| self.pos += 1)
    }

    /// A number of at most `max_digits` digits and at most `max`.
    fn number(&mut self, radix: u32, max_digits: u32, zero_prefix: bool, max: u32) -> Option<u32> {
        self.atomically(|p| {
            let leading_zero = p.text.get(p.pos) == Some(&b'0');
            let (mut value, mut digits) = (0, 0);
            while let Some(digit) = p
                .text
                .get(p.pos)
                .and_then(|&b| char::from(b).to_digit(radix))
            {
                p.pos += 1;
                value = value * radix + digit;
                digits += 1;
                if digits > max_digits || value > max {
                    return None;
                }
            }
            (digits > 0 && (zero_prefix || !leading_zero || digits == 1)).then_some(value)
        })
    }

    fn ipv4(&mut self) -> Option<[u8; 4]> {
        self.atomically(|p| {
            let mut octets = [0; 4];
            for (i, octet) in octets.iter_mut().enumerate() {
                if i > 0 {
                    p.given(b'.')?;
                }
                *octet = p.number(10, 3, false, 255)? as u8;
            }
            Some(octets)
        })
    }

    /// Fills `groups` as far as it can; true when it ended with an IPv4 tail.
    fn groups(&mut self, groups: &mut [u16]) -> (usize, bool) {
        let limit = groups.len();
        for i in 0..limit {
            if i + 1 < limit {
                let ipv4 = self.atomically(|p| {
                    if i > 0 {
                        p.given(b':')?;
                    }
                    p.ipv4()
                });
                if let Some([a, b, c, d]) = ipv4 {
                    groups[i] = u16::from_be_bytes([a, b]);
                    groups[i + 1] = u16::from_be_bytes([c, d]);
                    return (i + 2, true);
                }
            }
            let group = self.atomically(|p| {
                if i > 0 {
                    p.given(b':')?;
                }
                p.number(16, 4, true, 0xFFFF)
            });
            match group {
                Some(group) => groups[i] = group as u16,
                None => return (i, false),
            }
        }
        (limit, false)
    }

    fn ipv6(&mut self) -> Option<[u16; 8]> {
        self.atomically(|p| {
            let mut head = [0; 8];
            let (head_size, head_ipv4) = p.groups(&mut head);
            if head_size == 8 {
                return Some(head);
            }
            if head_ipv4 {
                return None;
            }
            // `::`, then what follows the zeros it stands for.
            p.given(b':')?;
            p.given(b':')?;
            let mut tail = [0; 7];
            let (tail_size, _) = p.groups(&mut tail[..7 - head_size]);
            head[8 - tail_size..].copy_from_slice(&tail[..tail_size]);
            Some(head)
        })
    }
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
    fn loopback_is_what_std_reads_as_loopback() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let hosts = prop_oneof![
            // IPv4 shapes: octets with leading zeros, past 255, too many or few.
            "(127|0?12[0-9]|[0-9]{1,4})(\\.[0-9]{1,4}){0,4}",
            // IPv6 shapes around ::1, with and without an IPv4 tail.
            "(0{0,5}:){0,8}:?(0{0,5}:){0,7}0{0,4}1?",
            "(0{1,4}:){0,6}:?(0{1,4}:){0,5}(127|0)\\.0\\.0\\.(1|01)",
            "[0-9a-fA-F:.]{0,24}",
            "[:1]{0,12}",
        ];
        let seen = [std::cell::Cell::new(0), std::cell::Cell::new(0)];
        let config = Config {
            failure_persistence: None,
            ..Config::with_cases(20_000)
        };
        TestRunner::new(config)
            .run(&hosts, |host| {
                let std_says = host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
                prop_assert_eq!(is_loopback(&host), std_says, "{}", host);
                seen[usize::from(std_says)].set(seen[usize::from(std_says)].get() + 1);
                Ok(())
            })
            .unwrap();
        assert!(seen.iter().all(|n| n.get() > 50), "{seen:?}");
        for host in [
            "::1",
            "0:0:0:0:0:0:0:1",
            "::0.0.0.1",
            "127.1.2.3",
            "[::1]",
            "::01.0.0.1",
        ] {
            assert_eq!(
                is_loopback(host),
                host.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback()),
                "{host}"
            );
        }
    }
}
