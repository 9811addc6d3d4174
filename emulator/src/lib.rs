//! A local stand-in for the platform's `sendPhoneSmsCode` endpoint, with an
//! inspection API and fault injection. The contract it implements is in
//! `emulator/README.md`.
//!
//! In-process use (the CLI's `--emulator`, Rust tests):
//!
//! ```
//! let emu = smscode_emulator::Emulator::start(smscode_emulator::Config::default()).unwrap();
//! assert!(emu.base_url().starts_with("http://127.0.0.1:"));
//! assert!(emu.codes().is_empty());
//! // Dropping the handle stops the server.
//! ```

pub mod check;
pub mod config;
mod server;
pub mod state;

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

pub use config::{Args, Config, Enterprise, DEMO_SECRET, DEMO_USER_DOMAIN};
pub use server::{now_ms, reply_body, SEND_PATH};
pub use state::{Fault, FaultKind, IssuedCode};

use server::Shared;

/// Starts emulators. See [`Emulator::start`].
pub struct Emulator;

impl Emulator {
    /// Binds `config.listen`, writes the TLS certificate if asked, and serves on a
    /// background thread with its own tokio runtime. The socket is bound when this
    /// returns, so [`RunningEmulator::base_url`] is usable at once.
    pub fn start(config: Config) -> io::Result<RunningEmulator> {
        let listener = TcpListener::bind(config.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;

        let (tls, cert_pem) = if config.tls {
            let (acceptor, pem) = tls_acceptor()?;
            if let Some(path) = &config.tls_cert_out {
                std::fs::write(path, &pem)?;
            }
            (Some(acceptor), Some(pem))
        } else {
            (None, None)
        };

        // Enough workers to never be the bottleneck on a small machine, not more.
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("smscode-emulator")
            .enable_all()
            .build()?;
        let shared = Arc::new(Shared::new(config));
        let (stop, stopped) = oneshot::channel();
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let serve_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("smscode-emulator".into())
            .spawn(move || {
                runtime.block_on(server::serve(listener, tls, serve_shared, stopped));
                // Hung and dripping connections are dropped here instead of waited for.
                runtime.shutdown_background();
            })?;

        Ok(RunningEmulator {
            addr,
            tls: cert_pem.is_some(),
            cert_pem,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

/// A running emulator. Dropping it stops the server and closes every connection.
pub struct RunningEmulator {
    addr: SocketAddr,
    tls: bool,
    cert_pem: Option<String>,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    /// `http://127.0.0.1:PORT` (or `https://...`, `[::1]` for IPv6), no trailing slash.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The bound address (the real port when `listen` had port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The self-signed certificate as PEM, in TLS mode.
    pub fn cert_pem(&self) -> Option<&str> {
        self.cert_pem.as_deref()
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Every remembered issued code, newest last (what `GET /emulator/v1/codes` lists).
    pub fn codes(&self) -> Vec<IssuedCode> {
        self.shared.codes(None)
    }

    /// The issued codes for one phone number, newest last.
    pub fn codes_for(&self, phone: &str) -> Vec<IssuedCode> {
        self.shared.codes(Some(phone))
    }

    /// Forgets codes, rate-limit history and armed faults (`POST /emulator/v1/reset`).
    pub fn reset(&self) {
        self.shared.state().reset();
    }

    /// Arms `fault` for the next `count` send requests; returns how many are armed in total.
    pub fn arm_fault(&self, fault: Fault, count: u64) -> u64 {
        self.shared.state().arm(fault, count)
    }

    /// How many send requests their client aborted: closed the connection during a
    /// `delay`, `hang` or `slow_drip` fault, before the whole answer was sent
    /// (`GET /emulator/v1/stats`).
    pub fn aborted(&self) -> u64 {
        self.shared.state().aborted()
    }

    /// Stops the server and waits for its thread (same as dropping the handle).
    pub fn shutdown(self) {}
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A self-signed certificate for `localhost`, `127.0.0.1` and `::1`, as a rustls
/// acceptor and as PEM for clients to trust.
fn tls_acceptor() -> io::Result<(TlsAcceptor, String)> {
    let names = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
    let generated = rcgen::generate_simple_self_signed(names).map_err(io::Error::other)?;
    let pem = generated.cert.pem();
    let cert = CertificateDer::from(generated.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        generated.signing_key.serialize_der(),
    ));
    // An explicit provider: never depend on which rustls backends other crates enable.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(io::Error::other)?;
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((TlsAcceptor::from(Arc::new(tls)), pem))
}

/// What both binaries (`smscode-emulator` and `smscode emulator`) run: start, print
/// `listening on URL` as the first and only stdout line, serve until SIGTERM/SIGINT.
pub fn run(args: &Args) -> Result<(), String> {
    let config = args.to_config()?;
    let log = config.log;
    let emulator = Emulator::start(config).map_err(|e| format!("cannot start: {e}"))?;
    // Signal handlers go in before the line is printed: a harness may stop us right after.
    let signals = Signals::new().map_err(|e| format!("cannot handle signals: {e}"))?;
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "listening on {}", emulator.base_url())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(stdout);
    if log {
        let domains: Vec<&str> = emulator
            .config()
            .user_domains
            .keys()
            .map(String::as_str)
            .collect();
        eprintln!(
            "[emulator] serving {} for user domains: {}",
            emulator.base_url(),
            domains.join(", ")
        );
    }
    signals.wait();
    if log {
        eprintln!("[emulator] stopping");
    }
    drop(emulator);
    Ok(())
}

/// SIGINT and SIGTERM handlers, registered on creation.
struct Signals {
    runtime: tokio::runtime::Runtime,
    #[cfg(unix)]
    streams: [tokio::signal::unix::Signal; 2],
}

impl Signals {
    fn new() -> io::Result<Signals> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        #[cfg(unix)]
        let streams = {
            use tokio::signal::unix::{signal, SignalKind};
            let _guard = runtime.enter();
            [
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
            ]
        };
        Ok(Signals {
            runtime,
            #[cfg(unix)]
            streams,
        })
    }

    /// Blocks until one of the signals arrives.
    fn wait(self) {
        #[cfg(unix)]
        {
            let [mut int, mut term] = self.streams;
            self.runtime.block_on(async {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            });
        }
        #[cfg(not(unix))]
        {
            let _ = self.runtime.block_on(tokio::signal::ctrl_c());
        }
    }
}
