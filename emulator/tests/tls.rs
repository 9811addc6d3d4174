//! TLS mode in-process: the certificate is written, trusted clients get answers,
//! other clients fail the handshake.

mod common;

use std::time::Duration;

use common::*;
use smscode_emulator::{now_ms, Config, SEND_PATH};

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

fn start_tls() -> (smscode_emulator::RunningEmulator, std::path::PathBuf) {
    // Tests run in parallel in one process, often in the same millisecond: a counter
    // keeps their certificate files apart.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "smscode-emu-tls-{}-{}-{}.pem",
        std::process::id(),
        now_ms(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let emu = start(Config {
        tls: true,
        tls_cert_out: Some(path.clone()),
        min_interval_secs: 0,
        log: false,
        ..Config::default()
    });
    (emu, path)
}

#[test]
fn trusted_clients_get_answers_on_every_name() {
    let (emu, path) = start_tls();
    let pem = std::fs::read(&path).unwrap();
    assert_eq!(emu.cert_pem().unwrap().as_bytes(), pem.as_slice());
    assert!(emu.base_url().starts_with("https://127.0.0.1:"));
    let client = tls_agent(&pem);
    let port = emu.local_addr().port();
    for host in ["127.0.0.1", "localhost"] {
        let url = format!(
            "https://{host}:{port}{SEND_PATH}?{}",
            Params::signed(PHONE, 3).query()
        );
        let mut response = client.post(&url).send_empty().unwrap();
        assert_eq!(response.status().as_u16(), 200, "{host}");
        let body: serde_json::Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        assert_eq!(body["code"], 200, "{host}");
        assert!(response.headers().contains_key("date"));
    }
    assert_eq!(emu.codes().len(), 2);
    let _ = std::fs::remove_file(path);
}

#[test]
fn untrusting_clients_fail_the_handshake() {
    let (emu, path) = start_tls();
    // The default client trusts the public web roots only.
    let url = format!("{}/emulator/v1/codes", emu.base_url());
    let err = agent(Duration::from_secs(5))
        .get(&url)
        .call()
        .expect_err("self-signed is not trusted");
    let text = err.to_string().to_ascii_lowercase();
    assert!(
        text.contains("certificate") || text.contains("tls") || text.contains("rustls"),
        "{text}"
    );
    // Plain HTTP to a TLS port gets no HTTP answer either.
    let plain = format!("http://{}/emulator/v1/codes", emu.local_addr());
    assert!(agent(Duration::from_secs(5)).get(&plain).call().is_err());
    // And the server survived both.
    let (status, _) = {
        let mut r = tls_agent(emu.cert_pem().unwrap().as_bytes())
            .get(&url)
            .call()
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    assert_eq!(status, 200);
    let _ = std::fs::remove_file(path);
}
