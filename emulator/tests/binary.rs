//! The `smscode-emulator` program as harnesses run it: first stdout line, flags,
//! config file, TLS, clean exit on SIGTERM/SIGINT.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use common::*;
use smscode_emulator::{now_ms, SEND_PATH};

/// A running emulator process, killed if a test panics before stopping it.
struct Process {
    child: Child,
    stdout: BufReader<ChildStdout>,
    base_url: String,
}

impl Process {
    fn spawn(args: &[&str]) -> Process {
        let mut child = Command::new(env!("CARGO_BIN_EXE_smscode-emulator"))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn smscode-emulator");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let base_url = line
            .strip_suffix('\n')
            .and_then(|l| l.strip_prefix("listening on "))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Process {
            child,
            stdout,
            base_url,
        }
    }

    fn send(&self, params: &Params) -> i64 {
        let url = format!("{}{SEND_PATH}?{}", self.base_url, params.query());
        let mut response = agent(Duration::from_secs(5))
            .post(&url)
            .send_empty()
            .unwrap();
        let body = response.body_mut().read_to_string().unwrap();
        code_of((
            response.status().as_u16(),
            serde_json::from_str(&body).unwrap(),
        ))
    }

    /// Sends `signal`, waits, and returns (exit success, rest of stdout, all of stderr).
    fn stop(mut self, signal: &str) -> (bool, String, String) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status.success(), rest, stderr)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "smscode-emu-{}-{}-{name}",
        std::process::id(),
        now_ms()
    ))
}

#[test]
fn first_line_then_serves_then_exits_cleanly_on_sigterm() {
    let emu = Process::spawn(&["--listen", "127.0.0.1:0"]);
    let port = emu
        .base_url
        .strip_prefix("http://127.0.0.1:")
        .expect("loopback URL");
    assert!(port.parse::<u16>().unwrap() > 0);

    assert_eq!(
        emu.send(&Params::signed(PHONE, 3)),
        200,
        "demo/demo-secret by default"
    );
    assert_eq!(
        emu.send(&Params::signed(PHONE, 3)),
        5058,
        "60 s interval by default"
    );

    let (clean, rest, stderr) = emu.stop("-TERM");
    assert!(clean, "exit status 0 on SIGTERM");
    assert_eq!(rest, "", "nothing but the first line on stdout");
    let sms = stderr
        .lines()
        .find(|l| l.starts_with("[sms] to +86 13800138000: your registration code is "));
    assert!(
        sms.is_some_and(|l| l.ends_with("(valid 300 s)")),
        "{stderr}"
    );
}

#[test]
fn exits_cleanly_on_sigint() {
    let emu = Process::spawn(&[]);
    assert!(emu.base_url.starts_with("http://127.0.0.1:"));
    let (clean, rest, _) = emu.stop("-INT");
    assert!(clean);
    assert_eq!(rest, "");
}

#[test]
fn flags_configure_domains_limits_and_window() {
    let emu = Process::spawn(&[
        "--user-domain",
        "shop=s3cr3t",
        "--user-domain",
        "other=x",
        "--min-interval-secs",
        "0",
        "--daily-limit",
        "2",
        "--ts-window-ms",
        "5000",
        "--quiet",
    ]);
    let shop = |offset: i64| Params::signed_at(PHONE, 3, now_ms() + offset, "shop", "s3cr3t");
    assert_eq!(emu.send(&Params::signed(PHONE, 3)), 5092, "demo replaced");
    assert_eq!(emu.send(&shop(0)), 200);
    assert_eq!(emu.send(&shop(0)), 200, "no interval");
    assert_eq!(emu.send(&shop(0)), 5058, "daily limit 2");
    assert_eq!(emu.send(&shop(60_000)), 5145, "5 s window");
    let (clean, _, stderr) = emu.stop("-TERM");
    assert!(clean);
    assert!(!stderr.contains("[sms]"), "--quiet: {stderr}");
    assert!(!stderr.contains("s3cr3t"), "secrets are never logged");
}

#[test]
fn config_file_and_flags_override_it() {
    let path = temp_path("config.json");
    std::fs::write(
        &path,
        r#"{"user_domains": {"filed": "file-secret"}, "min_interval_secs": 0, "daily_limit": 1,
            "code_ttl_secs": 60, "ts_window_ms": 600000,
            "enterprise": {"accounts": {"a": {"enabled": true}},
                           "signatures": {"s": {"account": "a", "type": 1}},
                           "templates": {"t": {"account": "a", "type": 2}}}}"#,
    )
    .unwrap();
    let emu = Process::spawn(&[
        "--config",
        path.to_str().unwrap(),
        "--daily-limit",
        "0",
        "--quiet",
    ]);
    let filed = || Params::signed_at(PHONE, 3, now_ms(), "filed", "file-secret");
    assert_eq!(emu.send(&filed()), 200);
    assert_eq!(
        emu.send(&filed()),
        200,
        "--daily-limit 0 overrides the file's 1"
    );
    assert_eq!(
        emu.send(&filed().set("ssid", "s").set("stid", "t")),
        5216,
        "file's enterprise set"
    );
    assert_eq!(
        emu.send(&filed().set("ssid", "sig-ok").set("stid", "tpl-ok")),
        5202,
        "built-in set replaced"
    );
    emu.stop("-TERM");
    let _ = std::fs::remove_file(path);
}

#[test]
fn bad_config_fails_without_a_listening_line() {
    let path = temp_path("bad.json");
    std::fs::write(&path, r#"{"daily_limt": 3}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_smscode-emulator"))
        .args(["--config", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("daily_limt"));
    let _ = std::fs::remove_file(path);

    let taken = Process::spawn(&[]);
    let addr = taken.base_url.strip_prefix("http://").unwrap().to_owned();
    let output = Command::new(env!("CARGO_BIN_EXE_smscode-emulator"))
        .args(["--listen", &addr])
        .output()
        .unwrap();
    assert!(!output.status.success(), "port in use");
    assert!(output.stdout.is_empty());
}

#[test]
fn tls_writes_the_certificate_before_the_line() {
    let cert = temp_path("cert.pem");
    let emu = Process::spawn(&["--tls-cert-out", cert.to_str().unwrap(), "--quiet"]);
    assert!(
        emu.base_url.starts_with("https://127.0.0.1:"),
        "{}",
        emu.base_url
    );
    let pem = std::fs::read(&cert).expect("certificate written before the line");
    assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----"));

    let trusting = tls_agent(&pem);
    let url = format!(
        "{}{SEND_PATH}?{}",
        emu.base_url,
        Params::signed(PHONE, 3).query()
    );
    let mut response = trusting.post(&url).send_empty().unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["code"], 200);
    emu.stop("-TERM");
    let _ = std::fs::remove_file(cert);
}

/// A client trusting exactly `pem`.
fn tls_agent(pem: &[u8]) -> ureq::Agent {
    let cert = ureq::tls::Certificate::from_pem(pem).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .build();
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .tls_config(tls)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into()
}
