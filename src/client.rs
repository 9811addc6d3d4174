//! The client: configuration, connection reuse and one send.

use std::fmt;
#[cfg(feature = "transport")]
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
#[cfg(feature = "transport")]
use std::sync::{LazyLock, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[cfg(feature = "transport")]
use rustls::pki_types::pem::PemObject;
#[cfg(feature = "transport")]
use rustls::pki_types::{CertificateDer, TrustAnchor};
#[cfg(feature = "transport")]
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};

use crate::error::Error;
#[cfg(feature = "transport")]
use crate::error::Status;
#[cfg(feature = "transport")]
use crate::request::Request;
use crate::request::{check_http_status, read_response, Prepared, Target};
#[cfg(feature = "transport")]
use crate::resolver::{CachingResolver, NameCache};
use crate::response::is_success;
#[cfg(feature = "transport")]
use crate::response::MAX_BODY_BYTES;
use crate::sign::{new_random, sign_into, CodeType, SIGNATURE_LEN};
#[cfg(feature = "transport")]
use crate::tls::{client_config, TlsConnector};
use crate::validate::{check_send, check_sign, check_text, Rejection, CODE_FREQUENCY_LIMIT};

/// Default connect timeout: bounds the DNS lookup, and then, separately, the TCP
/// connection, proxy `CONNECT` and TLS handshake.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default total timeout for one send, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// Default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("smscode/", env!("CARGO_PKG_VERSION"));

/// The user domain secret: kept out of every `Debug` output and wiped on drop.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

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
    /// configured offset), in ms; `None` without a `Date` header. The header has
    /// one-second resolution (its middle is used), so this is accurate to about ±0.5 s.
    pub clock_skew_ms: Option<i64>,
}

impl SendResult {
    /// True when the code was sent (`code` is 200 or 0).
    pub fn is_success(&self) -> bool {
        is_success(self.code)
    }

    fn local(code: i32) -> SendResult {
        SendResult {
            code,
            msg: None,
            ext_msg: None,
            http_status: 0,
            clock_skew_ms: None,
        }
    }
}

/// Configuration of a [`Client`]. Every setter only records; [`ClientBuilder::build`]
/// checks everything and reports the first problem.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base: String,
    user_domain: String,
    secret: Secret,
    transport: TransportOptions,
    ssid: Option<String>,
    stid: Option<String>,
    clock_offset_ms: i64,
    resend_guard: Option<Duration>,
}

/// The options that shape connections; clients with equal options could share them.
/// Without the built-in transport only the user agent and language are used.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(not(feature = "transport"), allow(dead_code))]
struct TransportOptions {
    connect_timeout: Duration,
    timeout: Duration,
    proxy: Option<String>,
    #[cfg(feature = "transport")]
    ca_files: Vec<CaFile>,
    user_agent: String,
    language: Option<String>,
}

impl fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("TransportOptions");
        debug
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            // A proxy URL may carry a user name and password.
            .field("proxy", &self.proxy.as_deref().map(without_user_info));
        #[cfg(feature = "transport")]
        debug.field("ca_files", &self.ca_files);
        debug
            .field("user_agent", &self.user_agent)
            .field("language", &self.language)
            .finish()
    }
}

/// The URL with any `user:password@` replaced by `<redacted>@`.
#[cfg_attr(not(feature = "transport"), allow(dead_code))]
fn without_user_info(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://<redacted>{}", &rest[at..]),
        None => url.to_owned(),
    }
}

impl Default for TransportOptions {
    fn default() -> Self {
        TransportOptions {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            proxy: None,
            #[cfg(feature = "transport")]
            ca_files: Vec::new(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            language: None,
        }
    }
}

impl ClientBuilder {
    /// `base` is a region (`cn`, `eu`, `na`) or an `http(s)://` base URL, which may
    /// carry a gateway path prefix. Plain `http://` is allowed for loopback only.
    pub fn new(base: &str, user_domain: &str, secret: &str) -> ClientBuilder {
        ClientBuilder {
            base: base.to_owned(),
            user_domain: user_domain.to_owned(),
            secret: Secret(secret.to_owned()),
            transport: TransportOptions::default(),
            ssid: None,
            stid: None,
            clock_offset_ms: 0,
            resend_guard: None,
        }
    }

    /// Connect timeout (default 10 s), non-zero: bounds the DNS lookup, and then,
    /// separately, the TCP connection, proxy `CONNECT` and TLS handshake (so at most
    /// twice this before the request is written; the total timeout bounds it all).
    #[cfg(feature = "transport")]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = timeout;
        self
    }

    /// Total timeout for one send, from the start to the last byte of the answer:
    /// lookup, connection, request, response and body (default 20 s). Non-zero.
    #[cfg(feature = "transport")]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.timeout = timeout;
        self
    }

    /// An HTTP(S) proxy URL such as `http://proxy:3128`; `""` means none (the
    /// default). Environment variables (`HTTPS_PROXY`...) are never read.
    #[cfg(feature = "transport")]
    pub fn proxy(mut self, url: &str) -> Self {
        self.transport.proxy = non_empty(url);
        self
    }

    /// Trusts the certificates of a PEM file on top of the bundled Mozilla roots.
    /// May be called more than once. The file is read and checked now, once: a
    /// missing or unreadable file, bad PEM, no certificate or a certificate that
    /// cannot be a trust anchor is an `InvalidArgument` error. Later builds use
    /// what was read, so the file may change or go away afterwards.
    #[cfg(feature = "transport")]
    pub fn ca_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(self.with_ca_file(CaFile::read(path.as_ref())?))
    }

    /// Adds an already read CA file (the C ABI reads it outside the client's lock).
    #[cfg(feature = "transport")]
    pub(crate) fn with_ca_file(mut self, ca_file: CaFile) -> Self {
        self.transport.ca_files.push(ca_file);
        self
    }

    /// The `User-Agent` header (default `smscode/<version>`).
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        self.transport.user_agent = user_agent.to_owned();
        self
    }

    /// Sends `X-Q-Language: <language>` (for example `en-US`) with every request;
    /// `""` sends none (the default).
    pub fn language(mut self, language: &str) -> Self {
        self.transport.language = non_empty(language);
        self
    }

    /// The enterprise SMS signature ID, sent as `ssid`; `""` sends none (the default).
    pub fn ssid(mut self, ssid: &str) -> Self {
        self.ssid = non_empty(ssid);
        self
    }

    /// The enterprise SMS template ID, sent as `stid`; `""` sends none (the default).
    pub fn stid(mut self, stid: &str) -> Self {
        self.stid = non_empty(stid);
        self
    }

    /// Added to the system clock for `ts`: set it from [`SendResult::clock_skew_ms`]
    /// when the device clock is wrong (the server refuses `ts` off by over 10 minutes).
    pub fn clock_offset_ms(mut self, offset_ms: i64) -> Self {
        self.clock_offset_ms = offset_ms;
        self
    }

    /// Double-tap guard: a second send to the same international code, phone and
    /// code type within `interval` answers 5058 without touching the network.
    /// `Duration::ZERO` turns it off (the default).
    /// `+86` and `86` are the same international code.
    pub fn resend_guard(mut self, interval: Duration) -> Self {
        self.resend_guard = (!interval.is_zero()).then_some(interval);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(&self) -> Result<Client, Error> {
        for (what, value) in [("ssid", &self.ssid), ("stid", &self.stid)] {
            if let Some(value) = value {
                check_text(what, value)?;
            }
        }
        if self.clock_offset_ms.unsigned_abs() > MAX_CLOCK_OFFSET_MS {
            return Err(Error::invalid("clock offset is larger than 100 years"));
        }
        #[cfg(feature = "transport")]
        let transport = Arc::new(Transport::new(&self.base, &self.transport)?);
        #[cfg(feature = "transport")]
        let target = Arc::clone(&transport.target);
        #[cfg(not(feature = "transport"))]
        let target = Arc::new(Target::new(
            &self.base,
            &self.transport.user_agent,
            self.transport.language.as_deref(),
        )?);
        Ok(Client {
            #[cfg(feature = "transport")]
            transport,
            target,
            user_domain: self.user_domain.clone(),
            secret: self.secret.clone(),
            ssid: self.ssid.clone(),
            stid: self.stid.clone(),
            clock_offset_ms: self.clock_offset_ms,
            guard: self.resend_guard,
            sent: Arc::default(),
        })
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

const MAX_CLOCK_OFFSET_MS: u64 = 100 * 365 * 24 * 3600 * 1000;

/// Signs and sends requests. `Send + Sync`: share one per app (connections are
/// reused). A send is not idempotent, so the client never retries one.
#[derive(Debug)]
pub struct Client {
    #[cfg(feature = "transport")]
    transport: Arc<Transport>,
    target: Arc<Target>,
    user_domain: String,
    secret: Secret,
    ssid: Option<String>,
    stid: Option<String>,
    clock_offset_ms: i64,
    /// The resend guard's interval, when it is on.
    guard: Option<Duration>,
    /// When each key was last sent (kept even while the guard is off).
    sent: Arc<SendHistory>,
}

impl Client {
    /// Carries the resend guard's history over from the client this one replaces
    /// (the C ABI rebuilds its client when a setter runs).
    pub(crate) fn keep_history_of(&mut self, previous: &Client) {
        self.sent = Arc::clone(&previous.sent);
    }

    /// Shorthand for [`ClientBuilder::new`].
    pub fn builder(base: &str, user_domain: &str, secret: &str) -> ClientBuilder {
        ClientBuilder::new(base, user_domain, secret)
    }

    /// Asks the platform to text a verification code to `international_code` +
    /// `phone`, through the built-in transport (cargo feature `transport`).
    ///
    /// `Ok` carries the platform's answer (check [`SendResult::is_success`]); bad
    /// input the platform has a code for is answered locally with that code
    /// (5021, 5023, 5116, 5019) and nothing is sent. `Err` is a local failure.
    ///
    /// The same as [`Client::prepare`], sending the request, and
    /// [`Client::read_response`].
    #[cfg(feature = "transport")]
    pub fn send_code(
        &self,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
    ) -> Result<SendResult, Error> {
        match self.prepare(international_code, phone, code_type)? {
            Prepared::Answered(result) => Ok(result),
            Prepared::Send(request) => self.transport.post(&request, self.clock_offset_ms),
        }
    }

    /// The first half of a send through another HTTP stack: the same local checks,
    /// resend guard, clock offset and enterprise options as [`Client::send_code`],
    /// ending in the signed request instead of sending it.
    ///
    /// The resend guard counts a prepare as a send (whether the request is then sent
    /// or not), as the built-in send counts one that fails. Send the request once,
    /// then pass the answer to [`Client::read_response`].
    pub fn prepare(
        &self,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
    ) -> Result<Prepared, Error> {
        self.prepare_inner(international_code, phone, code_type, None)
    }

    /// [`Client::prepare`] with a given `random` and `ts` (ms since the epoch, used as
    /// they are: no clock offset), checked as [`crate::sign`]'s callers are: 16
    /// printable ASCII characters, `ts >= 0`. For tests and test vectors: fixed
    /// inputs give the same request in every language.
    pub fn prepare_with(
        &self,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
        random: &str,
        ts: i64,
    ) -> Result<Prepared, Error> {
        check_sign(code_type.as_i32(), random, ts)?;
        self.prepare_inner(international_code, phone, code_type, Some((random, ts)))
    }

    /// The second half: maps the answer another HTTP stack received (status, `Date`
    /// header, body) exactly as the built-in transport maps its own: a JSON `code`,
    /// `msg` and `extMsg`, `HttpStatus` for a non-2xx answer without a code,
    /// `BadResponse` for a body that is not the platform's JSON or is over 64 KiB,
    /// and the clock skew from `Date` against this client's clock now.
    ///
    /// A failure to get an answer at all is the caller's to report (its network,
    /// timeout and TLS errors); there is nothing to read then.
    pub fn read_response(
        &self,
        http_status: u16,
        date: Option<&str>,
        body: &[u8],
    ) -> Result<SendResult, Error> {
        let http_status = check_http_status(http_status.into())?;
        read_response(http_status, date, body, self.now_ms())
    }

    fn prepare_inner(
        &self,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
        fixed: Option<(&str, i64)>,
    ) -> Result<Prepared, Error> {
        let secret = &self.secret.0;
        match check_send(
            &self.user_domain,
            secret,
            international_code,
            phone,
            code_type.as_i32(),
        ) {
            Ok(()) => {}
            Err(Rejection::Code(code)) => return Ok(Prepared::Answered(SendResult::local(code))),
            Err(Rejection::Invalid(error)) => return Err(error),
        }
        if let Some(interval) = self.guard {
            if !self
                .sent
                .admit(interval, international_code, phone, code_type)
            {
                return Ok(Prepared::Answered(SendResult::local(CODE_FREQUENCY_LIMIT)));
            }
        }
        let (random, ts) = match fixed {
            Some((random, ts)) => (random.to_owned(), ts),
            None => (new_random(), self.now_ms()),
        };
        let mut signature = [0u8; SIGNATURE_LEN];
        sign_into(
            phone,
            code_type.as_i32(),
            &random,
            ts,
            secret,
            &mut signature,
        );
        // A match, not `expect`: that would format the error with Debug, in the shipped
        // library for a case that cannot happen.
        let Ok(signature) = std::str::from_utf8(&signature) else {
            unreachable!("hex is ASCII")
        };
        // Both as i64: one integer-to-string in the library.
        let code_type_text = i64::from(code_type.as_i32()).to_string();
        let ts_text = ts.to_string();
        let mut params = vec![
            ("codeType", code_type_text.as_str()),
            ("internationalCode", international_code),
            ("phone", phone),
            ("random", random.as_str()),
            ("signature", signature),
            ("ts", ts_text.as_str()),
            ("userDomain", self.user_domain.as_str()),
        ];
        if let Some(ssid) = &self.ssid {
            params.push(("ssid", ssid));
        }
        if let Some(stid) = &self.stid {
            params.push(("stid", stid));
        }
        Ok(Prepared::Send(self.target.request(&params)))
    }

    fn now_ms(&self) -> i64 {
        unix_ms_now().saturating_add(self.clock_offset_ms)
    }
}

/// The design's one-call send: `base` is a region or URL as for [`ClientBuilder::new`].
/// Connections are reused across calls through one shared default client per base.
#[cfg(feature = "transport")]
pub fn send_code(
    base: &str,
    user_domain: &str,
    secret: &str,
    international_code: &str,
    phone: &str,
    code_type: CodeType,
) -> Result<SendResult, Error> {
    let transport = shared_transport(base)?;
    let client = Client {
        target: Arc::clone(&transport.target),
        transport,
        user_domain: user_domain.to_owned(),
        secret: Secret(secret.to_owned()),
        ssid: None,
        stid: None,
        clock_offset_ms: 0,
        guard: None,
        sent: Arc::default(),
    };
    client.send_code(international_code, phone, code_type)
}

/// At most this many distinct bases keep a shared transport; past it the cache restarts.
#[cfg(feature = "transport")]
const MAX_SHARED_TRANSPORTS: usize = 16;

#[cfg(feature = "transport")]
fn shared_transport(base: &str) -> Result<Arc<Transport>, Error> {
    static SHARED: LazyLock<Mutex<std::collections::HashMap<String, Arc<Transport>>>> =
        LazyLock::new(Default::default);
    let mut map = SHARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(transport) = map.get(base) {
        return Ok(Arc::clone(transport));
    }
    let transport = Arc::new(Transport::new(base, &TransportOptions::default())?);
    if map.len() >= MAX_SHARED_TRANSPORTS {
        map.clear();
    }
    map.insert(base.to_owned(), Arc::clone(&transport));
    Ok(transport)
}

/// Milliseconds since the Unix epoch by the system clock.
pub(crate) fn unix_ms_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Idle keep-alive connections a client keeps (it talks to one host).
#[cfg(feature = "transport")]
const MAX_IDLE_CONNECTIONS: usize = 16;

/// The built-in transport: what it posts to, and the HTTP agent (its connection
/// pool) that posts.
#[cfg(feature = "transport")]
struct Transport {
    target: Arc<Target>,
    config: ureq::config::Config,
    /// The extra CAs' trust anchors, kept to build each pool's TLS configuration.
    ca_files: Vec<CaFile>,
    pool: RwLock<Pool>,
}

/// An agent, its name cache, and the process they belong to.
#[cfg(feature = "transport")]
struct Pool {
    pid: u32,
    agent: ureq::Agent,
    names: NameCache,
}

#[cfg(feature = "transport")]
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

#[cfg(feature = "transport")]
impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("endpoint", &self.target.endpoint())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "transport")]
impl Transport {
    fn new(base: &str, options: &TransportOptions) -> Result<Transport, Error> {
        let target = Target::new(base, &options.user_agent, options.language.as_deref())?;
        if options.connect_timeout.is_zero() || options.timeout.is_zero() {
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
            .timeout_resolve(Some(options.connect_timeout))
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.timeout))
            .proxy(proxy)
            .user_agent(options.user_agent.as_str())
            .build();
        Ok(Transport {
            pool: RwLock::new(Pool::new(&config, &options.ca_files)?),
            config,
            ca_files: options.ca_files.clone(),
            target: Arc::new(target),
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
            // close_notify): leave them to the parent.
            std::mem::forget(inherited);
        }
        Ok((pool.agent.clone(), pool.names.clone()))
    }

    /// Sends a prepared request; the answer goes through the same mapping as
    /// [`Client::read_response`].
    fn post(&self, request: &Request, clock_offset_ms: i64) -> Result<SendResult, Error> {
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
        let received_ms = unix_ms_now().saturating_add(clock_offset_ms);
        let http_status = response.status().as_u16();
        let date = response
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(transport_error)?;
        read_response(http_status, date.as_deref(), &body, received_ms)
    }
}

/// The CA certificates of one PEM file, read and checked once when it is added, as
/// the trust anchors rustls verifies with.
#[cfg(feature = "transport")]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CaFile {
    path: PathBuf,
    anchors: Arc<Vec<TrustAnchor<'static>>>,
}

#[cfg(feature = "transport")]
impl fmt::Debug for CaFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaFile")
            .field("path", &self.path)
            .field("certificates", &self.anchors.len())
            .finish()
    }
}

#[cfg(feature = "transport")]
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
#[cfg(feature = "transport")]
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
        E::BodyExceedsLimit(_) => return crate::request::body_too_large(),
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

#[cfg(feature = "transport")]
fn is_timeout(kind: std::io::ErrorKind) -> bool {
    matches!(
        kind,
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
    )
}

#[cfg(feature = "transport")]
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

/// When each (international code, phone, code type) was last sent, for the resend
/// guard. `+86` and `86` are one key. A list sorted by key and binary-searched rather
/// than a hash map: a backend may send to thousands of phones within one interval,
/// and the map (hashbrown, SipHash, a random seed) costs 11 K in the library.
#[derive(Default)]
struct SendHistory(Mutex<GuardEntries>);

#[derive(Default)]
struct GuardEntries {
    /// Sorted by (international code without `+`, phone, code type).
    sent: Vec<(String, String, i32, Instant)>,
    /// Expired entries are dropped when the list reaches this length; then it is set
    /// to twice what is left, so the pruning costs O(1) per send on average.
    prune_at: usize,
}

impl fmt::Debug for SendHistory {
    // Phone numbers stay out of Debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendHistory")
    }
}

/// The fewest remembered keys at which expired ones are dropped.
const GUARD_PRUNE_AT: usize = 1024;

impl SendHistory {
    /// Records the send and returns true, or returns false inside `interval`.
    fn admit(
        &self,
        interval: Duration,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
    ) -> bool {
        let now = Instant::now();
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entries = &mut *entries;
        if entries.sent.len() >= entries.prune_at.max(GUARD_PRUNE_AT) {
            // `retain` keeps the order, so the list stays sorted.
            entries
                .sent
                .retain(|entry| now.duration_since(entry.3) < interval);
            entries.prune_at = entries.sent.len() * 2;
        }
        let country = international_code
            .strip_prefix('+')
            .unwrap_or(international_code);
        let key = (country, phone, code_type.as_i32());
        let found = entries
            .sent
            .binary_search_by(|entry| (entry.0.as_str(), entry.1.as_str(), entry.2).cmp(&key));
        match found {
            Ok(at) => {
                let last = &mut entries.sent[at].3;
                if now.duration_since(*last) < interval {
                    return false;
                }
                *last = now;
            }
            Err(at) => {
                let entry = (country.to_owned(), phone.to_owned(), key.2, now);
                entries.sent.insert(at, entry);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secret() {
        let builder = ClientBuilder::new("eu", "domain", "MARKER-SECRET-123");
        assert!(!format!("{builder:?}").contains("MARKER-SECRET-123"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("MARKER-SECRET-123"));
    }

    #[test]
    #[cfg(feature = "transport")]
    fn local_checks_answer_without_network() {
        // Port 9 on loopback: nothing is listening, so any network use would fail.
        let client = Client::builder("http://127.0.0.1:9", "d", "s")
            .build()
            .unwrap();
        let code =
            |intl: &str, phone: &str| client.send_code(intl, phone, CodeType::Login).unwrap().code;
        assert_eq!(code("+86", ""), 5021);
        assert_eq!(code("", "13800138000"), 5116);
        assert_eq!(code("+86", "1380013800x"), 5019);
        let no_domain = Client::builder("http://127.0.0.1:9", "", "s")
            .build()
            .unwrap();
        let result = no_domain.send_code("+86", "1", CodeType::Login).unwrap();
        assert_eq!((result.code, result.http_status), (5023, 0));
    }

    #[test]
    #[cfg(feature = "transport")]
    fn build_rejects_bad_options() {
        let status = |b: ClientBuilder| b.build().unwrap_err().status();
        let base = || ClientBuilder::new("http://127.0.0.1:9", "d", "s");
        assert_eq!(
            status(base().timeout(Duration::ZERO)),
            Status::InvalidArgument
        );
        assert_eq!(
            status(base().proxy("::nonsense::")),
            Status::InvalidArgument
        );
        // No SOCKS link in the connector chain: refused, never silently bypassed.
        assert_eq!(
            status(base().proxy("socks5://127.0.0.1:1080")),
            Status::InvalidArgument
        );
        assert_eq!(
            base().ca_file("/nonexistent.pem").unwrap_err().status(),
            Status::InvalidArgument
        );
        assert_eq!(
            status(base().language("en\r\nX: y")),
            Status::InvalidArgument
        );
        assert_eq!(status(base().user_agent("a\nb")), Status::InvalidArgument);
        assert_eq!(status(base().ssid("a\u{7}")), Status::InvalidArgument);
        assert_eq!(
            status(base().clock_offset_ms(i64::MAX)),
            Status::InvalidArgument
        );
        assert_eq!(
            status(ClientBuilder::new("http://example.com", "d", "s")),
            Status::InsecureUrl
        );
    }

    #[test]
    #[cfg(feature = "transport")]
    fn debug_output_hides_proxy_credentials() {
        let builder = ClientBuilder::new("eu", "d", "s")
            .proxy("http://proxy-user:PROXY-PASSWORD-42@proxy.example:3128");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("PROXY-PASSWORD-42"), "{shown}");
        assert!(!shown.contains("proxy-user"), "{shown}");
        assert!(shown.contains("proxy.example:3128"), "{shown}");
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("PROXY-PASSWORD-42"));
    }

    #[test]
    #[cfg(feature = "transport")]
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

    /// Thousands of phones inside one interval, in an order that is not the sorted
    /// one: every first send is admitted, every repeat refused, and the pruning (past
    /// GUARD_PRUNE_AT entries) keeps the ones still inside the interval.
    #[test]
    fn guard_remembers_thousands_of_phones() {
        let sent = SendHistory::default();
        let phones: Vec<String> = (0..5000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) % 100_000).to_string())
            .collect();
        let interval = Duration::from_secs(600);
        for phone in &phones {
            assert!(
                sent.admit(interval, "+86", phone, CodeType::Login),
                "{phone}"
            );
        }
        for phone in &phones {
            assert!(
                !sent.admit(interval, "86", phone, CodeType::Login),
                "{phone}"
            );
            assert!(
                sent.admit(interval, "+86", phone, CodeType::Registration),
                "{phone}"
            );
        }
        let entries = sent.0.lock().unwrap();
        assert_eq!(entries.sent.len(), 10_000);
        let key =
            |entry: &(String, String, i32, Instant)| (entry.0.clone(), entry.1.clone(), entry.2);
        assert!(entries
            .sent
            .windows(2)
            .all(|pair| key(&pair[0]) < key(&pair[1])));
    }

    /// An interval that has passed frees its key, and the pruning drops the expired
    /// entries once the list is long enough.
    #[test]
    fn guard_forgets_expired_sends() {
        let sent = SendHistory::default();
        let interval = Duration::from_millis(1);
        for i in 0..GUARD_PRUNE_AT {
            assert!(sent.admit(interval, "+86", &i.to_string(), CodeType::Login));
        }
        std::thread::sleep(Duration::from_millis(5));
        assert!(sent.admit(interval, "+86", "0", CodeType::Login));
        assert!(sent.admit(interval, "+86", "new", CodeType::Login));
        let entries = sent.0.lock().unwrap();
        assert!(entries.sent.len() <= 2, "{} left", entries.sent.len());
    }

    #[test]
    fn guard_blocks_a_double_tap_only() {
        let sent = SendHistory::default();
        let admit =
            |intl, phone, code_type| sent.admit(Duration::from_secs(60), intl, phone, code_type);
        assert!(admit("+86", "1", CodeType::Login));
        assert!(!admit("+86", "1", CodeType::Login));
        assert!(!admit("86", "1", CodeType::Login));
        assert!(admit("+86", "1", CodeType::Registration));
        assert!(admit("+86", "2", CodeType::Login));
        assert!(admit("+44", "1", CodeType::Login));
    }
}
