//! The built-in HTTPS transport (cargo feature `transport`): the ureq agent, TLS and
//! name resolution. Without the feature a stand-in takes its place, and every call
//! that needs it answers `Unsupported`; everything else (signing, preparing requests,
//! reading answers) is the same in both builds.

use std::time::Duration;

#[cfg(feature = "transport")]
mod http;
#[cfg(feature = "transport")]
mod resolver;
#[cfg(feature = "transport")]
mod tls;
#[cfg(feature = "transport")]
pub(crate) use http::{CaFile, Transport};

#[cfg(not(feature = "transport"))]
mod none;
#[cfg(not(feature = "transport"))]
pub(crate) use none::{CaFile, Transport};

/// Default connect timeout: bounds the DNS lookup, and then, separately, the TCP
/// connection, proxy `CONNECT` and TLS handshake.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default total timeout for one send, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// The settings only the built-in transport uses; `None` and empty are the defaults.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct TransportOptions {
    pub connect_timeout: Option<Duration>,
    pub timeout: Option<Duration>,
    pub proxy: Option<String>,
    pub ca_files: Vec<CaFile>,
}

impl std::fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            // A proxy URL may carry a user name and password.
            .field("proxy", &self.proxy.as_deref().map(without_user_info))
            .field("ca_files", &self.ca_files)
            .finish()
    }
}

/// The URL with any `user:password@` replaced by `<redacted>@`.
fn without_user_info(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://<redacted>{}", &rest[at..]),
        None => url.to_owned(),
    }
}

/// What the transport received: the HTTP status, the `Date` header and the body (at
/// most one byte past [`crate::MAX_BODY_BYTES`], which is enough to tell it is too
/// long), and the system clock (ms since the epoch) when the answer arrived.
pub(crate) struct HttpAnswer {
    pub status: u16,
    pub date: Option<String>,
    pub body: Vec<u8>,
    pub received_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_proxy_credentials() {
        let options = TransportOptions {
            proxy: Some("http://proxy-user:PROXY-PASSWORD-42@proxy.example:3128".into()),
            ..TransportOptions::default()
        };
        let shown = format!("{options:?}");
        assert!(!shown.contains("PROXY-PASSWORD-42"), "{shown}");
        assert!(!shown.contains("proxy-user"), "{shown}");
        assert!(shown.contains("proxy.example:3128"), "{shown}");
    }
}
