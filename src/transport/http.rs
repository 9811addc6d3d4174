//! The built-in transport: ureq with our own TLS link and name cache, one connection
//! pool per client (and per process, after a `fork()`).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, TrustAnchor};
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};

use super::resolver::{CachingResolver, NameCache};
use super::tls::{client_config, TlsConnector};
use super::{HttpAnswer, TransportOptions, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
use crate::client::unix_ms_now;
use crate::error::{Error, Status};
use crate::request::Request;
use crate::response::MAX_BODY_BYTES;

/// The pools a forked child inherited from its parent: kept, never used or dropped.
static INHERITED_POOLS: Mutex<Vec<Pool>> = Mutex::new(Vec::new());

/// Idle keep-alive connections a client keeps (it talks to one host).
const MAX_IDLE_CONNECTIONS: usize = 16;

/// The built-in transport: the HTTP agent (its connection pool) that posts, built
/// again in a forked child.
pub(crate) struct Transport {
    config: ureq::config::Config,
    /// The extra CAs' trust anchors, kept to build each pool's TLS configuration.
    ca_files: Vec<CaFile>,
    pool: RwLock<Pool>,
}

/// An agent, its name cache, and the process they belong to.
struct Pool {
    pid: u32,
    agent: ureq::Agent,
    names: NameCache,
}

impl Pool {
    fn new(config: &ureq::config::Config, ca_files: &[CaFile]) -> Result<Pool, Error> {
        let names = NameCache::default();
        // Our own TLS link: the bundled roots as trust anchors plus the CA files. A new
        // rustls config also means new TLS state (it holds the session tickets).
        let tls = TlsConnector {
            config: client_config(ca_files.iter().flat_map(|file| file.anchors.iter()))?,
        };
        let agent = ureq::Agent::with_parts(
            config.clone(),
            ().chain(ConnectProxyConnector::default())
                .chain(TcpConnector::default())
                .chain(tls),
            CachingResolver::new(names.clone()),
        );
        Ok(Pool {
            pid: std::process::id(),
            agent,
            names,
        })
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport").finish_non_exhaustive()
    }
}

impl Transport {
    pub(crate) fn new(options: &TransportOptions) -> Result<Transport, Error> {
        let connect_timeout = options.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let timeout = options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if connect_timeout.is_zero() || timeout.is_zero() {
            return Err(Error::invalid("timeouts must be greater than zero"));
        }
        let proxy = match &options.proxy {
            Some(url) => Some(
                ureq::Proxy::new(url)
                    .ok()
                    // The connector chain (below) has no SOCKS link: a SOCKS proxy
                    // would be bypassed, so it is refused.
                    .filter(|proxy| {
                        matches!(
                            proxy.protocol(),
                            ureq::ProxyProtocol::Http | ureq::ProxyProtocol::Https
                        )
                    })
                    .ok_or_else(|| {
                        Error::invalid(
                            "proxy must be an http:// or https:// URL like http://host:port",
                        )
                    })?,
            ),
            None => None,
        };
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // ureq keeps 3 idle connections per host by default: with more threads
            // sending at once, the sends past the third opened new connections.
            .max_idle_connections(MAX_IDLE_CONNECTIONS)
            .max_idle_connections_per_host(MAX_IDLE_CONNECTIONS)
            // ureq's connect timeout starts after the lookup: bound the lookup too.
            .timeout_resolve(Some(connect_timeout))
            .timeout_connect(Some(connect_timeout))
            .timeout_global(Some(timeout))
            .proxy(proxy)
            .build();
        Ok(Transport {
            pool: RwLock::new(Pool::new(&config, &options.ca_files)?),
            config,
            ca_files: options.ca_files.clone(),
        })
    }

    /// The agent and name cache of this process. After a `fork()` the child starts
    /// its own: the parent's connections and TLS sessions are not shared with it.
    fn pool(&self) -> Result<(ureq::Agent, NameCache), Error> {
        let pid = std::process::id();
        {
            let pool = self.pool.read().unwrap_or_else(|p| p.into_inner());
            if pool.pid == pid {
                return Ok((pool.agent.clone(), pool.names.clone()));
            }
        }
        let mut pool = self.pool.write().unwrap_or_else(|p| p.into_inner());
        if pool.pid != pid {
            // The same inputs built the parent's pool, so this cannot fail in practice;
            // if it did, the send reports it instead of reusing the parent's pool.
            let fresh = Pool::new(&self.config, &self.ca_files)?;
            let inherited = std::mem::replace(&mut *pool, fresh);
            // Dropping the parent's connections here could write into them (a TLS
            // close_notify): leave them to the parent, never touched, but reachable
            // (a leak checker run on the child reports them as such, not as lost).
            INHERITED_POOLS
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(inherited);
        }
        Ok((pool.agent.clone(), pool.names.clone()))
    }

    /// Sends with this build: always possible.
    pub(crate) fn check_available(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Sends a prepared request, exactly as given, and reads the answer.
    pub(crate) fn post(&self, request: &Request) -> Result<HttpAnswer, Error> {
        let (agent, names) = self.pool()?;
        let mut call = agent.post(request.url());
        for (name, value) in request.headers() {
            call = call.header(name.as_str(), value.as_str());
        }
        let mut response = call.send_empty().map_err(|error| {
            // The address may be stale (a network change, NAT64): look it up again
            // next time instead of reusing it for the rest of its cache life.
            names.clear();
            transport_error(error)
        })?;
        let received_ms = unix_ms_now();
        let date = response
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // One byte past the cap is enough to know the body is too long; the answer's
        // mapping then decides what that means for its status.
        let mut body = Vec::new();
        response
            .body_mut()
            .as_reader()
            .take(MAX_BODY_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| transport_error(e.into()))?;
        Ok(HttpAnswer {
            status: response.status().as_u16(),
            date,
            body,
            received_ms,
        })
    }
}

/// The CA certificates of one PEM file, read and checked once when it is added, as
/// the trust anchors rustls verifies with.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CaFile {
    path: PathBuf,
    anchors: Arc<Vec<TrustAnchor<'static>>>,
}

impl fmt::Debug for CaFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaFile")
            .field("path", &self.path)
            .field("certificates", &self.anchors.len())
            .finish()
    }
}

impl CaFile {
    /// Reads the PEM file's certificates; each must be usable as a trust anchor.
    pub(crate) fn read(path: &Path) -> Result<CaFile, Error> {
        let shown = path.display();
        let pem = std::fs::read(path)
            .map_err(|e| Error::invalid(format!("cannot read CA file {shown}: {e}")))?;
        let mut store = rustls::RootCertStore::empty();
        for item in CertificateDer::pem_slice_iter(&pem) {
            let cert =
                item.map_err(|_| Error::invalid(format!("CA file {shown} is not valid PEM")))?;
            let number = store.roots.len() + 1;
            store.add(cert).map_err(|e| {
                Error::invalid(format!(
                    "CA file {shown}: certificate {number} is not usable as a CA: {e}"
                ))
            })?;
        }
        if store.roots.is_empty() {
            return Err(Error::invalid(format!(
                "CA file {shown} holds no certificate"
            )));
        }
        Ok(CaFile {
            path: path.to_owned(),
            anchors: Arc::new(store.roots),
        })
    }
}

/// Maps a transport failure to a status. Messages name the kind of failure and
/// the underlying reason; they never carry the request (it holds the signature).
fn transport_error(error: ureq::Error) -> Error {
    use ureq::Error as E;
    // These quote the request URL, whose query holds the phone and the signature.
    if matches!(
        error,
        E::BadUri(_) | E::Http(_) | E::RequireHttpsOnly(_) | E::InvalidProxyUrl
    ) {
        return Error::invalid("invalid request: the HTTP client refused its URL or a header");
    }
    let reason = error.to_string();
    let status = match &error {
        E::Timeout(_) => Status::Timeout,
        E::Tls(_) | E::Pem(_) | E::Rustls(_) => Status::Tls,
        E::Io(io) if is_tls(io) => Status::Tls,
        E::Io(io) if is_timeout(io.kind()) => Status::Timeout,
        _ => Status::Network,
    };
    let what = match status {
        Status::Timeout => "timed out",
        Status::Tls => "TLS failure",
        _ => "network failure",
    };
    Error::new(status, format!("{what}: {reason}"))
}

fn is_timeout(kind: std::io::ErrorKind) -> bool {
    matches!(
        kind,
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    )
}

fn is_tls(error: &std::io::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = error.get_ref().map(|e| e as _);
    while let Some(current) = source {
        if current.is::<rustls::Error>() {
            return true;
        }
        source = current.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_errors_do_not_echo_the_request() {
        // ureq's URL errors quote the URL, whose query holds the phone number and
        // the signature.
        let url = "http://h/p?phone=13912345678&signature=abc123";
        for error in [
            ureq::Error::BadUri(format!("{url} is missing host")),
            ureq::Error::RequireHttpsOnly(url.to_owned()),
        ] {
            let mapped = transport_error(error);
            assert!(!mapped.message().contains("13912345678"), "{mapped}");
            assert!(!mapped.message().contains("abc123"), "{mapped}");
            assert!(!mapped.message().is_empty());
        }
    }
}
