//! The HTTP side: hyper 1 over tokio, optional TLS, and the fault behaviours.
//! Thin I/O around [`crate::check`] and [`crate::state`].

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::time::Sleep;
use tokio_rustls::TlsAcceptor;

use crate::check::{self, codes, SendParams};
use crate::config::Config;
use crate::state::{Fault, FaultKind, IssuedCode, State};

/// The platform's send-code path.
pub const SEND_PATH: &str = "/v2/sms/enduserapi/v2/sendPhoneSmsCode";
const CODES_PATH: &str = "/emulator/v1/codes";
const RESET_PATH: &str = "/emulator/v1/reset";
const FAULTS_PATH: &str = "/emulator/v1/faults";
const STATS_PATH: &str = "/emulator/v1/stats";

/// Request bodies are read (so keep-alive works) up to this size; the send body is ignored.
const MAX_REQUEST_BODY: usize = 64 * 1024;
/// How long a `hang` lasts at most before the emulator closes the socket itself.
const HANG_FOR: Duration = Duration::from_secs(3600);
/// Size of the `huge_body` answer.
pub const HUGE_BODY_LEN: usize = 2 * 1024 * 1024;
/// The `http500` body.
pub const HTML_500: &str = "<html><body><h1>500 Internal Server Error</h1></body></html>";
/// The `not_json` body.
pub const NOT_JSON: &str = "this is not json";
/// The `redirect` target.
pub const REDIRECT_TO: &str = "http://127.0.0.1:1/elsewhere";
/// The `negative_code` body: `-5` is also a client library's local network status.
pub const NEGATIVE_CODE_BODY: &str = r#"{"code":-5,"msg":"negative","data":null,"extMsg":null}"#;
/// The success body (also what `slow_drip` sends).
pub const SUCCESS_BODY: &str = r#"{"code":200,"msg":"","data":null,"extMsg":null}"#;

/// What every connection shares: the fixed config and the mutable state.
pub(crate) struct Shared {
    pub config: Config,
    state: Mutex<State>,
}

impl Shared {
    pub fn new(config: Config) -> Shared {
        Shared {
            config,
            state: Mutex::new(State::default()),
        }
    }

    /// The state; a panic elsewhere cannot leave it half-updated, so poisoning is ignored.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn codes(&self, phone: Option<&str>) -> Vec<IssuedCode> {
        self.state().codes(now_ms(), phone)
    }
}

/// Milliseconds since the Unix epoch from the system clock (what `ts` is compared with).
pub fn now_ms() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Returned by the service to make hyper drop the connection without writing a response.
#[derive(Debug)]
struct CloseConnection;

impl std::fmt::Display for CloseConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed on purpose (fault injection)")
    }
}

impl std::error::Error for CloseConnection {}

type ResBody = Either<Full<Bytes>, Drip>;

/// Accepts connections until `shutdown` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // E.g. out of file descriptors: back off instead of spinning.
                    eprintln!("[emulator] accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Small responses on keep-alive connections: don't wait for Nagle.
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_connection(stream, shared).await,
                Some(acceptor) => {
                    // A client that does not trust the certificate fails here: nothing to do.
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve_connection(stream, shared).await;
                    }
                }
            }
        });
    }
}

async fn serve_connection<I>(io: I, shared: Arc<Shared>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| handle(req, Arc::clone(&shared)));
    // Errors here are clients going away or the `close` fault: nothing to report.
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(io), service)
        .await;
}

async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<ResBody>, CloseConnection> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(api_error(StatusCode::PAYLOAD_TOO_LARGE, "body too large")),
    };
    let query = parts.uri.query().unwrap_or("");
    let method = &parts.method;
    match parts.uri.path() {
        SEND_PATH if method == Method::POST => send(query, &shared).await,
        STATS_PATH if method == Method::GET => {
            let aborted = shared.state().aborted();
            Ok(json(
                StatusCode::OK,
                format!(r#"{{"aborted":{aborted}}}"#).into(),
            ))
        }
        CODES_PATH if method == Method::GET => Ok(list_codes(query, &shared)),
        RESET_PATH if method == Method::POST => {
            shared.state().reset();
            Ok(json(StatusCode::OK, r#"{"ok":true}"#.into()))
        }
        FAULTS_PATH if method == Method::POST => Ok(arm_fault(&body, &shared)),
        FAULTS_PATH if method == Method::DELETE => {
            shared.state().disarm();
            Ok(json(StatusCode::OK, r#"{"ok":true,"armed":0}"#.into()))
        }
        SEND_PATH | CODES_PATH | RESET_PATH | FAULTS_PATH | STATS_PATH => Ok(api_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method not allowed",
        )),
        _ => Ok(api_error(StatusCode::NOT_FOUND, "not found")),
    }
}

/// The send endpoint: an armed fault, or the real answer.
async fn send(query: &str, shared: &Arc<Shared>) -> Result<Response<ResBody>, CloseConnection> {
    let fault = shared.state().next_fault();
    let Some(Fault { kind, delay_ms }) = fault else {
        return Ok(answer(query, shared));
    };
    if shared.config.log {
        eprintln!("[emulator] fault {kind:?} on a send request");
    }
    match kind {
        FaultKind::Delay => {
            // Handled (and a code issued) on arrival; only the answer is late, like a
            // server whose response is slow to come back.
            let response = answer(query, shared);
            let watch = AbortWatch::new(shared);
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            watch.finish();
            Ok(response)
        }
        FaultKind::Hang => {
            let watch = AbortWatch::new(shared);
            tokio::time::sleep(HANG_FOR).await;
            watch.finish();
            Err(CloseConnection)
        }
        FaultKind::Close => Err(CloseConnection),
        FaultKind::Http500 => Ok(plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            Bytes::from_static(HTML_500.as_bytes()),
        )),
        FaultKind::NotJson => Ok(plain(
            StatusCode::OK,
            "text/plain; charset=utf-8",
            Bytes::from_static(NOT_JSON.as_bytes()),
        )),
        FaultKind::HugeBody => Ok(json(StatusCode::OK, huge_body())),
        FaultKind::SlowDrip => {
            let mut response = Response::new(Either::Right(Drip::new(SUCCESS_BODY, shared)));
            set_content_type(&mut response, "application/json");
            Ok(response)
        }
        FaultKind::Redirect => {
            let mut response = plain(StatusCode::FOUND, "text/plain", Bytes::new());
            response
                .headers_mut()
                .insert(LOCATION, HeaderValue::from_static(REDIRECT_TO));
            Ok(response)
        }
        FaultKind::NegativeCode => Ok(json(
            StatusCode::OK,
            Bytes::from_static(NEGATIVE_CODE_BODY.as_bytes()),
        )),
    }
}

/// Contract steps 1-12 for one request, against the system clock.
fn answer(query: &str, shared: &Shared) -> Response<ResBody> {
    let now = now_ms();
    let params = SendParams::from_query(query);
    let result = check::check(&params, now, &shared.config)
        .and_then(|key| shared.state().send(key, now, &shared.config, new_code));
    let code = match result {
        Ok(issued) => {
            if shared.config.log {
                log_code(&issued, shared.config.code_ttl_secs);
            }
            codes::SENT
        }
        Err(code) => code,
    };
    json(StatusCode::OK, reply_body(code).into())
}

/// The platform's JSON reply for `code`.
pub fn reply_body(code: i32) -> String {
    // Messages are fixed ASCII without quotes or backslashes: no escaping needed.
    format!(
        r#"{{"code":{code},"msg":"{}","data":null,"extMsg":null}}"#,
        check::message(code)
    )
}

/// A fresh 6-digit code from the OS-seeded CSPRNG.
fn new_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// "The way a phone would receive it".
fn log_code(c: &IssuedCode, ttl_secs: u64) {
    let purpose = smscode::CodeType::try_from(c.code_type)
        .map(|t| t.name())
        .unwrap_or("verification");
    eprintln!(
        "[sms] to {} {}: your {purpose} code is {} (valid {ttl_secs} s)",
        c.international_code, c.phone, c.code
    );
}

fn list_codes(query: &str, shared: &Shared) -> Response<ResBody> {
    let phone = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| check::form_decode(k) == "phone")
        .map(|(_, v)| check::form_decode(v).into_owned());
    let codes = shared.codes(phone.as_deref());
    let body = serde_json::json!({ "codes": codes }).to_string();
    json(StatusCode::OK, body.into())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ArmRequest {
    fault: FaultKind,
    #[serde(default = "one")]
    count: u64,
    #[serde(default)]
    delay_ms: u64,
}

fn one() -> u64 {
    1
}

fn arm_fault(body: &[u8], shared: &Shared) -> Response<ResBody> {
    match serde_json::from_slice::<ArmRequest>(body) {
        Ok(req) => {
            let fault = Fault {
                kind: req.fault,
                delay_ms: req.delay_ms,
            };
            let armed = shared.state().arm(fault, req.count);
            json(
                StatusCode::OK,
                format!(r#"{{"ok":true,"armed":{armed}}}"#).into(),
            )
        }
        Err(e) => api_error(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

/// A valid JSON success reply padded to exactly [`HUGE_BODY_LEN`] bytes; built once.
pub fn huge_body() -> Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| {
        let head = r#"{"code":200,"msg":"","data":{"padding":""#;
        let tail = r#""},"extMsg":null}"#;
        let mut body = String::with_capacity(HUGE_BODY_LEN);
        body.push_str(head);
        body.extend(std::iter::repeat_n(
            'x',
            HUGE_BODY_LEN - head.len() - tail.len(),
        ));
        body.push_str(tail);
        Bytes::from(body)
    })
    .clone()
}

fn json(status: StatusCode, body: Bytes) -> Response<ResBody> {
    plain(status, "application/json", body)
}

fn api_error(status: StatusCode, error: &str) -> Response<ResBody> {
    let body = serde_json::json!({ "ok": false, "error": error }).to_string();
    json(status, body.into())
}

fn plain(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<ResBody> {
    let mut response = Response::new(Either::Left(Full::new(body)));
    *response.status_mut() = status;
    set_content_type(&mut response, content_type);
    response
}

fn set_content_type(response: &mut Response<ResBody>, content_type: &'static str) {
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
}

/// Counts a send request as aborted when dropped before [`AbortWatch::finish`]: hyper
/// drops the service future, or the body, when the client closes the connection first.
/// What tests of cancellation count (`GET /emulator/v1/stats`).
struct AbortWatch {
    shared: Arc<Shared>,
    finished: bool,
}

impl AbortWatch {
    fn new(shared: &Arc<Shared>) -> AbortWatch {
        AbortWatch {
            shared: Arc::clone(shared),
            finished: false,
        }
    }

    /// The answer went out whole (or the emulator itself ended it): not an abort.
    fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        if !self.finished {
            self.shared.state().count_abort();
        }
    }
}

/// A body that sends one byte, then one more each second (`slow_drip`).
pub struct Drip {
    data: Bytes,
    sent: usize,
    timer: Pin<Box<Sleep>>,
    watch: Option<AbortWatch>,
}

impl Drip {
    fn new(text: &'static str, shared: &Arc<Shared>) -> Drip {
        Drip {
            data: Bytes::from_static(text.as_bytes()),
            sent: 0,
            timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
            watch: Some(AbortWatch::new(shared)),
        }
    }
}

impl Body for Drip {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.sent >= self.data.len() {
            return Poll::Ready(None);
        }
        if self.timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let byte = self.data.slice(self.sent..self.sent + 1);
        self.sent += 1;
        if self.sent == self.data.len() {
            if let Some(watch) = self.watch.take() {
                watch.finish();
            }
        }
        let next = tokio::time::Instant::now() + Duration::from_secs(1);
        self.timer.as_mut().reset(next);
        Poll::Ready(Some(Ok(Frame::data(byte))))
    }

    fn is_end_stream(&self) -> bool {
        self.sent >= self.data.len()
    }

    fn size_hint(&self) -> SizeHint {
        // Exact, so hyper sends a Content-Length and the client knows what to wait for.
        SizeHint::with_exact((self.data.len() - self.sent) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_bodies_are_json_with_the_contract_shape() {
        for code in [200, 5019, 5058, 5126, 5420] {
            let v: serde_json::Value = serde_json::from_str(&reply_body(code)).unwrap();
            assert_eq!(v["code"], code);
            assert_eq!(v["msg"], check::message(code));
            assert!(v["data"].is_null() && v["extMsg"].is_null());
        }
        assert_eq!(reply_body(200), SUCCESS_BODY);
    }

    #[test]
    fn huge_body_is_two_mib_of_json() {
        let body = huge_body();
        assert_eq!(body.len(), HUGE_BODY_LEN);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["code"], 200);
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..100 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
