//! The client: configuration, the resend guard and one send.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::Error;
use crate::request::{Prepared, Target};
use crate::response::{read_response, SendResult};
use crate::sign::{new_random, sign_into, CodeType, SIGNATURE_LEN};
use crate::transport::{CaFile, Transport, TransportOptions};
use crate::validate::CODE_FREQUENCY_LIMIT;
use crate::validate::{check_send, check_sign, check_text, check_ts, Rejection};

/// Default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("smscode/", env!("CARGO_PKG_VERSION"));

/// The largest clock offset a client takes: 100 years either way.
pub const MAX_CLOCK_OFFSET_MS: i64 = 100 * 365 * 24 * 3600 * 1000;

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

/// Configuration of a [`Client`]. Every setter only records; [`ClientBuilder::build`]
/// checks everything and reports the first problem.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base: String,
    user_domain: String,
    secret: Secret,
    transport: TransportOptions,
    user_agent: String,
    language: Option<String>,
    ssid: Option<String>,
    stid: Option<String>,
    clock_offset_ms: i64,
    resend_guard: Option<Duration>,
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
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            language: None,
            ssid: None,
            stid: None,
            clock_offset_ms: 0,
            resend_guard: None,
        }
    }

    /// Connect timeout (default 10 s), non-zero: bounds the DNS lookup, and then,
    /// separately, the TCP connection, proxy `CONNECT` and TLS handshake (so at most
    /// twice this before the request is written; the total timeout bounds it all).
    /// Built-in transport only: `build` answers `Unsupported` without it.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = Some(timeout);
        self
    }

    /// Total timeout for one send, from the start to the last byte of the answer:
    /// lookup, connection, request, response and body (default 20 s). Non-zero.
    /// Built-in transport only: `build` answers `Unsupported` without it.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.timeout = Some(timeout);
        self
    }

    /// An HTTP(S) proxy URL such as `http://proxy:3128`; `""` means none (the
    /// default). Environment variables (`HTTPS_PROXY`...) are never read.
    /// Built-in transport only: `build` answers `Unsupported` without it.
    pub fn proxy(mut self, url: &str) -> Self {
        self.transport.proxy = non_empty(url);
        self
    }

    /// Trusts the certificates of a PEM file on top of the bundled Mozilla roots.
    /// May be called more than once. The file is read and checked now, once: a
    /// missing or unreadable file, bad PEM, no certificate or a certificate that
    /// cannot be a trust anchor is an `InvalidArgument` error (`Unsupported` without
    /// the built-in transport). Later builds use what was read, so the file may
    /// change or go away afterwards.
    pub fn ca_file(self, path: impl AsRef<Path>) -> Result<Self, Error> {
        Ok(self.with_ca_file(CaFile::read(path.as_ref())?))
    }

    /// Adds an already read CA file (the C ABI reads it outside the client's lock).
    pub(crate) fn with_ca_file(mut self, ca_file: CaFile) -> Self {
        self.transport.ca_files.push(ca_file);
        self
    }

    /// The `User-Agent` header (default `smscode/<version>`): non-empty printable
    /// ASCII, at most 256 bytes.
    pub fn user_agent(mut self, user_agent: &str) -> Self {
        self.user_agent = user_agent.to_owned();
        self
    }

    /// Sends `X-Q-Language: <language>` (for example `en-US`) with every request;
    /// `""` sends none (the default). Printable ASCII, at most 256 bytes.
    pub fn language(mut self, language: &str) -> Self {
        self.language = non_empty(language);
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
    /// At most [`MAX_CLOCK_OFFSET_MS`] either way; a send whose `ts` would fall before
    /// 1970 is refused.
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
        self.build_with_history(Arc::default())
    }

    /// [`ClientBuilder::build`], keeping the resend guard's history of the client this
    /// one replaces (the C ABI rebuilds its client when a setter runs).
    pub(crate) fn rebuild(&self, previous: &Client) -> Result<Client, Error> {
        self.build_with_history(Arc::clone(&previous.sent))
    }

    fn build_with_history(&self, sent: Arc<SendHistory>) -> Result<Client, Error> {
        for (what, value) in [("ssid", &self.ssid), ("stid", &self.stid)] {
            if let Some(value) = value {
                check_text(what, value)?;
            }
        }
        if self.clock_offset_ms.unsigned_abs() > MAX_CLOCK_OFFSET_MS.unsigned_abs() {
            return Err(Error::invalid(
                "clock offset is larger than 100 years either way",
            ));
        }
        Ok(Client {
            target: Target::new(&self.base, &self.user_agent, self.language.as_deref())?,
            transport: Arc::new(Transport::new(&self.transport)?),
            user_domain: self.user_domain.clone(),
            secret: self.secret.clone(),
            ssid: self.ssid.clone(),
            stid: self.stid.clone(),
            clock_offset_ms: self.clock_offset_ms,
            guard: self.resend_guard,
            sent,
        })
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// Signs and sends requests. `Send + Sync`: share one per app (connections are
/// reused). A send is not idempotent, so the client never retries one.
#[derive(Debug)]
pub struct Client {
    target: Target,
    transport: Arc<Transport>,
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
    /// Shorthand for [`ClientBuilder::new`].
    pub fn builder(base: &str, user_domain: &str, secret: &str) -> ClientBuilder {
        ClientBuilder::new(base, user_domain, secret)
    }

    /// The clock offset added to the system clock for `ts`, in ms.
    pub fn clock_offset_ms(&self) -> i64 {
        self.clock_offset_ms
    }

    /// Asks the platform to text a verification code to `international_code` +
    /// `phone`, through the built-in transport (`Unsupported` in a build without it).
    ///
    /// `Ok` carries the platform's answer (check [`SendResult::is_success`]); bad
    /// input the platform has a code for is answered locally with that code
    /// (5021, 5023, 5116, 5019) and nothing is sent. `Err` is a local failure.
    ///
    /// The same as [`Client::prepare`], sending the request, and
    /// [`Client::read_response`].
    pub fn send_code(
        &self,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
    ) -> Result<SendResult, Error> {
        self.transport.check_available()?;
        match self.prepare(international_code, phone, code_type)? {
            Prepared::Answered(result) => Ok(result),
            Prepared::Send(request) => {
                let answer = self.transport.post(&request)?;
                let received_ms = answer.received_ms.saturating_add(self.clock_offset_ms);
                read_response(
                    answer.status,
                    answer.date.as_deref(),
                    &answer.body,
                    received_ms,
                )
            }
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
        let ts = unix_ms_now().saturating_add(self.clock_offset_ms);
        self.prepare_signed(international_code, phone, code_type, &new_random(), ts)
    }

    /// [`Client::prepare`] with a given `random` and `ts` (ms since the epoch, used as
    /// they are: no clock offset): 16 printable ASCII characters, `ts >= 0`. For tests
    /// and test vectors: fixed inputs give the same request in every language.
    pub fn prepare_with(
        &self,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
        random: &str,
        ts: i64,
    ) -> Result<Prepared, Error> {
        check_sign(random, ts)?;
        self.prepare_signed(international_code, phone, code_type, random, ts)
    }

    /// The second half: maps the answer another HTTP stack received (status
    /// 100..=999, `Date` header, body) exactly as the built-in transport maps its
    /// own, with the clock skew from `Date` against
    /// this client's clock now.
    ///
    /// A failure to get an answer at all is the caller's to report (its network,
    /// timeout and TLS errors); there is nothing to read then.
    pub fn read_response(
        &self,
        http_status: i32,
        date: Option<&str>,
        body: &[u8],
    ) -> Result<SendResult, Error> {
        let http_status = u16::try_from(http_status)
            .ok()
            .filter(|status| (100..=999).contains(status))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "HTTP status {http_status} is not a three-digit status (100..=999)"
                ))
            })?;
        let received_ms = unix_ms_now().saturating_add(self.clock_offset_ms);
        read_response(http_status, date, body, received_ms)
    }

    fn prepare_signed(
        &self,
        international_code: &str,
        phone: &str,
        code_type: CodeType,
        random: &str,
        ts: i64,
    ) -> Result<Prepared, Error> {
        let secret = &self.secret.0;
        match check_send(&self.user_domain, secret, international_code, phone) {
            Ok(()) => {}
            Err(Rejection::Code(code)) => return Ok(Prepared::Answered(SendResult::local(code))),
            Err(Rejection::Invalid(error)) => return Err(error),
        }
        // A clock offset can put the clock's `ts` before 1970: refused as a given one is.
        check_ts(ts)?;
        if let Some(interval) = self.guard {
            if !self
                .sent
                .admit(interval, international_code, phone, code_type)
            {
                return Ok(Prepared::Answered(SendResult::local(CODE_FREQUENCY_LIMIT)));
            }
        }
        let mut signature = [0u8; SIGNATURE_LEN];
        sign_into(
            phone,
            code_type.as_i32(),
            random,
            ts,
            secret,
            &mut signature,
        );
        let signature = std::str::from_utf8(&signature).expect("hex is ASCII");
        let code_type_text = code_type.as_i32().to_string();
        let ts_text = ts.to_string();
        let mut params = vec![
            ("codeType", code_type_text.as_str()),
            ("internationalCode", international_code),
            ("phone", phone),
            ("random", random),
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
}

/// The design's one-call send: `base` is a region or URL as for [`ClientBuilder::new`],
/// with the default settings. Every call shares one built-in transport, so connections
/// are reused across calls (`Unsupported` in a build without it).
pub fn send_code(
    base: &str,
    user_domain: &str,
    secret: &str,
    international_code: &str,
    phone: &str,
    code_type: CodeType,
) -> Result<SendResult, Error> {
    let client = Client {
        target: Target::new(base, DEFAULT_USER_AGENT, None)?,
        transport: shared_transport()?,
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

/// The transport with the default settings that [`send_code`] shares.
fn shared_transport() -> Result<Arc<Transport>, Error> {
    static SHARED: Mutex<Option<Arc<Transport>>> = Mutex::new(None);
    let mut shared = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(transport) = &*shared {
        return Ok(Arc::clone(transport));
    }
    let transport = Arc::new(Transport::new(&TransportOptions::default())?);
    *shared = Some(Arc::clone(&transport));
    Ok(transport)
}

/// Milliseconds since the Unix epoch by the system clock.
pub(crate) fn unix_ms_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// When each (international code, phone, code type) was last sent, for the resend
/// guard. `+86` and `86` are one key.
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
    use crate::error::Status;

    #[test]
    fn debug_output_hides_the_secret() {
        let builder = ClientBuilder::new("eu", "domain", "MARKER-SECRET-123");
        assert!(!format!("{builder:?}").contains("MARKER-SECRET-123"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("MARKER-SECRET-123"));
    }

    #[test]
    fn local_checks_answer_without_a_request() {
        let client = Client::builder("http://127.0.0.1:9", "d", "s")
            .build()
            .unwrap();
        let code = |intl: &str, phone: &str| match client.prepare(intl, phone, CodeType::Login) {
            Ok(Prepared::Answered(result)) => result.code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code("+86", ""), 5021);
        assert_eq!(code("", "13800138000"), 5116);
        assert_eq!(code("+86", "1380013800x"), 5019);
        let no_domain = Client::builder("http://127.0.0.1:9", "", "s")
            .build()
            .unwrap();
        let Ok(Prepared::Answered(result)) = no_domain.prepare("+86", "1", CodeType::Login) else {
            panic!("answered locally");
        };
        assert_eq!((result.code, result.http_status), (5023, 0));
    }

    #[test]
    fn a_clock_offset_that_puts_ts_before_1970_is_refused() {
        let client = Client::builder("http://127.0.0.1:9", "d", "s")
            .clock_offset_ms(-MAX_CLOCK_OFFSET_MS)
            .build()
            .unwrap();
        assert_eq!(client.clock_offset_ms(), -MAX_CLOCK_OFFSET_MS);
        let error = client
            .prepare("+86", "13800138000", CodeType::Login)
            .unwrap_err();
        assert_eq!(error.status(), Status::InvalidArgument);
        assert!(error.message().contains("before 1970"), "{error}");
        // Refused before the resend guard counts it, so a fixed offset sends again.
        let now_ok = Client::builder("http://127.0.0.1:9", "d", "s")
            .clock_offset_ms(-unix_ms_now() + 60_000)
            .build()
            .unwrap();
        assert!(matches!(
            now_ok.prepare("+86", "13800138000", CodeType::Login),
            Ok(Prepared::Send(_))
        ));
    }

    #[test]
    fn build_rejects_bad_options() {
        let status = |b: ClientBuilder| b.build().unwrap_err().status();
        let base = || ClientBuilder::new("http://127.0.0.1:9", "d", "s");
        assert_eq!(
            status(base().language("en\r\nX: y")),
            Status::InvalidArgument
        );
        assert_eq!(status(base().user_agent("a\nb")), Status::InvalidArgument);
        assert_eq!(status(base().user_agent("")), Status::InvalidArgument);
        assert_eq!(status(base().ssid("a\u{7}")), Status::InvalidArgument);
        assert_eq!(
            status(base().clock_offset_ms(MAX_CLOCK_OFFSET_MS + 1)),
            Status::InvalidArgument
        );
        assert!(base().clock_offset_ms(MAX_CLOCK_OFFSET_MS).build().is_ok());
        assert_eq!(
            status(ClientBuilder::new("http://example.com", "d", "s")),
            Status::InsecureUrl
        );
    }

    /// Without the built-in transport, its options and sending answer `Unsupported`,
    /// and the rest of the client works.
    #[test]
    #[cfg(not(feature = "transport"))]
    fn transport_options_are_unsupported_without_the_transport() {
        let status = |b: ClientBuilder| b.build().unwrap_err().status();
        let base = || ClientBuilder::new("http://127.0.0.1:9", "d", "s");
        assert_eq!(
            status(base().timeout(Duration::from_secs(1))),
            Status::Unsupported
        );
        assert_eq!(status(base().proxy("http://p:3128")), Status::Unsupported);
        assert_eq!(
            base().ca_file("/nonexistent.pem").unwrap_err().status(),
            Status::Unsupported
        );
        let client = base().build().unwrap();
        let error = client.send_code("+86", "", CodeType::Login).unwrap_err();
        assert_eq!(
            error.status(),
            Status::Unsupported,
            "before the local checks"
        );
    }

    #[test]
    #[cfg(feature = "transport")]
    fn build_rejects_bad_transport_options() {
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
