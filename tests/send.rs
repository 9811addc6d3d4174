//! Sending over real sockets: against the emulator (started in-process) and, where the
//! bytes on the wire matter, against a raw TCP listener that records each request.
// Sends through the built-in transport: empty without it (`--no-default-features`;
// tests/prepare.rs covers both builds).
#![cfg(feature = "transport")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use smscode::{Client, ClientBuilder, CodeType, Status};
use smscode_emulator::{Config, Emulator, Fault, FaultKind, RunningEmulator, DEMO_SECRET};

const PHONE: &str = "13800138000";

fn emulator_with(change: impl FnOnce(&mut Config)) -> RunningEmulator {
    let mut config = Config {
        log: false,
        ..Config::default()
    };
    change(&mut config);
    Emulator::start(config).expect("emulator starts")
}

fn emulator() -> RunningEmulator {
    emulator_with(|_| {})
}

fn client(emu: &RunningEmulator) -> ClientBuilder {
    Client::builder(&emu.base_url(), "demo", DEMO_SECRET)
}

fn fault(emu: &RunningEmulator, kind: FaultKind) {
    emu.arm_fault(Fault { kind, delay_ms: 0 }, 1);
}

#[test]
fn a_send_is_accepted_and_the_code_delivered() {
    let emu = emulator();
    let result = client(&emu)
        .build()
        .unwrap()
        .send_code("+86", PHONE, CodeType::Registration)
        .unwrap();
    assert_eq!(result.code, 200);
    assert!(result.is_success());
    assert_eq!(result.http_status, 200);
    assert_eq!(result.msg.as_deref(), Some(""));
    assert_eq!(result.ext_msg, None);
    let skew = result.clock_skew_ms.expect("the emulator sends Date");
    assert!(skew.abs() <= 2_000, "skew {skew}");
    let codes = emu.codes_for(PHONE);
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].international_code, "+86", "%2B86 decodes to +86");
    assert_eq!(codes[0].code_type, 3);
    assert!(codes[0].valid);
}

#[test]
fn server_refusals_pass_through_as_codes() {
    let emu = emulator();
    let wrong_secret = Client::builder(&emu.base_url(), "demo", "not-the-secret")
        .build()
        .unwrap();
    assert_eq!(
        wrong_secret
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code,
        5420
    );
    let unknown_domain = Client::builder(&emu.base_url(), "nobody", "x")
        .build()
        .unwrap();
    assert_eq!(
        unknown_domain
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code,
        5092
    );
    let ok = client(&emu).build().unwrap();
    assert_eq!(
        ok.send_code("+86", PHONE, CodeType::Login).unwrap().code,
        200
    );
    // The emulator's own rate limit: one per minute per key.
    let again = ok.send_code("+86", PHONE, CodeType::Login).unwrap();
    assert_eq!((again.code, again.http_status), (5058, 200));
    assert!(!again.is_success());
}

#[test]
fn the_resend_guard_answers_5058_without_sending() {
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    let guarded = client(&emu)
        .resend_guard(Duration::from_secs(30))
        .build()
        .unwrap();
    assert_eq!(
        guarded
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code,
        200
    );
    let blocked = guarded.send_code("+86", PHONE, CodeType::Login).unwrap();
    assert_eq!((blocked.code, blocked.http_status), (5058, 0));
    assert_eq!(
        emu.codes_for(PHONE).len(),
        1,
        "the guarded send never reached the server"
    );
    let other_type = guarded
        .send_code("+86", PHONE, CodeType::Registration)
        .unwrap();
    assert_eq!(other_type.code, 200);
}

#[test]
fn the_resend_guard_keys_plus_86_and_86_alike() {
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    let guarded = client(&emu)
        .resend_guard(Duration::from_secs(30))
        .build()
        .unwrap();
    assert_eq!(
        guarded
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code,
        200
    );
    let again = guarded.send_code("86", PHONE, CodeType::Login).unwrap();
    assert_eq!((again.code, again.http_status), (5058, 0), "86 is +86");
    assert_eq!(emu.codes_for(PHONE).len(), 1);
}

#[test]
fn the_resend_guard_remembers_across_c_setters() {
    use smscode::ffi::*;
    use std::ffi::CString;
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    let base = CString::new(emu.base_url()).unwrap();
    let secret = CString::new(DEMO_SECRET).unwrap();
    let phone = CString::new(PHONE).unwrap();
    let mut client = std::ptr::null_mut();
    // SAFETY: every pointer is a live C string or the out-parameter above; the
    // client is freed once at the end.
    unsafe {
        assert_eq!(
            sms_client_new(
                base.as_ptr(),
                c"demo".as_ptr(),
                secret.as_ptr(),
                &mut client
            ),
            SMS_OK
        );
        assert_eq!(sms_client_set_resend_guard_ms(client, 30_000), SMS_OK);
        let send = || {
            sms_client_send(
                client,
                c"+86".as_ptr(),
                phone.as_ptr(),
                SMS_CODE_TYPE_LOGIN,
                std::ptr::null_mut(),
            )
        };
        assert_eq!(send(), 200);
        // Any setter rebuilds the client: the guard's history must survive it.
        assert_eq!(sms_client_set_user_agent(client, c"app/2".as_ptr()), SMS_OK);
        assert_eq!(send(), SMS_CODE_FREQUENCY_LIMIT);
        assert_eq!(sms_client_set_timeouts(client, 5_000, 10_000), SMS_OK);
        assert_eq!(sms_client_set_resend_guard_ms(client, 60_000), SMS_OK);
        assert_eq!(send(), SMS_CODE_FREQUENCY_LIMIT);
        // Turning the guard off lets the send through.
        assert_eq!(sms_client_set_resend_guard_ms(client, 0), SMS_OK);
        assert_eq!(send(), 200);
        sms_client_free(client);
    }
    assert_eq!(emu.codes_for(PHONE).len(), 2);
}

#[test]
fn enterprise_ids_are_sent_only_when_set() {
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    let send = |ssid: &str, stid: &str| {
        client(&emu)
            .ssid(ssid)
            .stid(stid)
            .build()
            .unwrap()
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code
    };
    assert_eq!(send("", ""), 200);
    assert_eq!(send("sig-ok", "tpl-ok"), 200);
    assert_eq!(send("sig-ok", ""), 5118);
    assert_eq!(send("", "tpl-ok"), 5117);
    assert_eq!(send("sig-acct2", "tpl-ok"), 5126);
    assert_eq!(send("sig-ok", "tpl-type2"), 5216);
    assert_eq!(send("nope", "tpl-ok"), 5202);
}

#[test]
fn clock_window_edges_and_the_offset_correction() {
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    let send_with_offset = |offset_ms: i64| {
        client(&emu)
            .clock_offset_ms(offset_ms)
            .build()
            .unwrap()
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
    };
    assert_eq!(send_with_offset(-599_000).code, 200);
    assert_eq!(send_with_offset(599_000).code, 200);
    assert_eq!(send_with_offset(601_000).code, 5145);
    let behind = send_with_offset(-601_000);
    assert_eq!(behind.code, 5145);
    let skew = behind.clock_skew_ms.expect("Date header");
    assert!((599_000..=603_000).contains(&skew), "skew {skew}");
    // What an app does with the measured skew: add it to its offset.
    assert_eq!(send_with_offset(-601_000 + skew).code, 200);
}

#[test]
fn hang_and_slow_drip_end_in_the_total_timeout() {
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    let timeout = Duration::from_millis(1500);
    let client = client(&emu).timeout(timeout).build().unwrap();
    for kind in [FaultKind::Hang, FaultKind::SlowDrip] {
        fault(&emu, kind);
        let start = Instant::now();
        let error = client.send_code("+86", PHONE, CodeType::Login).unwrap_err();
        let elapsed = start.elapsed();
        assert_eq!(error.status(), Status::Timeout, "{kind:?}: {error}");
        // Not before the timeout; and ended by it, not by the server (a hang lasts an
        // hour, the drip 46 s). No tighter upper bound: a loaded machine is slow.
        assert!(elapsed >= timeout.mul_f64(0.8), "{kind:?} took {elapsed:?}");
        assert!(
            elapsed < Duration::from_secs(30),
            "{kind:?} took {elapsed:?}"
        );
    }
}

#[test]
fn broken_answers_are_local_errors() {
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    let client = client(&emu).build().unwrap();
    for (kind, status) in [
        (FaultKind::Close, Status::Network),
        (FaultKind::Http500, Status::HttpStatus),
        (FaultKind::NotJson, Status::BadResponse),
        (FaultKind::HugeBody, Status::BadResponse),
        (FaultKind::Redirect, Status::HttpStatus),
    ] {
        fault(&emu, kind);
        let error = client.send_code("+86", PHONE, CodeType::Login).unwrap_err();
        assert_eq!(error.status(), status, "{kind:?}: {error}");
    }
    // And the client still works after each of them.
    assert_eq!(
        client
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code,
        200
    );
    assert!(
        emu.codes_for(PHONE).len() == 1,
        "faulted requests issued no code"
    );
}

#[test]
fn a_negative_server_code_is_a_bad_response() {
    // -5 is also SMS_ERR_NETWORK: passed through, it would look like a local failure.
    let emu = emulator_with(|c| c.min_interval_secs = 0);
    fault(&emu, FaultKind::NegativeCode);
    let error = client(&emu)
        .build()
        .unwrap()
        .send_code("+86", PHONE, CodeType::Login)
        .unwrap_err();
    assert_eq!(error.status(), Status::BadResponse, "{error}");
    assert!(error.message().contains("negative"), "{error}");
    assert!(emu.codes_for(PHONE).is_empty());
}

#[test]
fn a_delay_is_waited_for() {
    let emu = emulator();
    emu.arm_fault(
        Fault {
            kind: FaultKind::Delay,
            delay_ms: 300,
        },
        1,
    );
    let start = Instant::now();
    let code = client(&emu)
        .build()
        .unwrap()
        .send_code("+86", PHONE, CodeType::Login)
        .unwrap()
        .code;
    assert_eq!(code, 200);
    assert!(start.elapsed() >= Duration::from_millis(300));
}

#[test]
fn tls_needs_a_trusted_certificate() {
    let dir = std::env::temp_dir().join(format!("smscode-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("emulator.pem");
    let emu = emulator_with(|c| {
        c.tls = true;
        c.tls_cert_out = Some(pem.clone());
    });
    assert!(emu.base_url().starts_with("https://"));
    let untrusting = client(&emu).build().unwrap();
    let error = untrusting
        .send_code("+86", PHONE, CodeType::Login)
        .unwrap_err();
    assert_eq!(error.status(), Status::Tls, "{error}");
    let trusting = client(&emu).ca_file(&pem).unwrap().build().unwrap();
    assert_eq!(
        trusting
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code,
        200
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_ca_file_is_read_once_when_added() {
    let dir = std::env::temp_dir().join(format!("smscode-ca-once-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("emulator.pem");
    let emu = emulator_with(|c| {
        c.tls = true;
        c.tls_cert_out = Some(pem.clone());
    });
    let copy = dir.join("copy.pem");
    std::fs::copy(&pem, &copy).unwrap();
    let builder = client(&emu).ca_file(&copy).unwrap();
    // Each send with its own code type: the emulator limits one per minute.
    let sends = |builder: ClientBuilder, code_type: CodeType| {
        let client = builder.build().unwrap();
        client.send_code("+86", PHONE, code_type).unwrap().code
    };
    // Overwritten, then deleted: later builds with other settings still trust it.
    std::fs::write(&copy, "not a certificate\n").unwrap();
    let rebuilt = builder.clone().timeout(Duration::from_secs(9));
    assert_eq!(sends(rebuilt, CodeType::Login), 200);
    std::fs::remove_file(&copy).unwrap();
    let rebuilt = builder.connect_timeout(Duration::from_secs(8));
    assert_eq!(sends(rebuilt, CodeType::Registration), 200);

    // A bad file is reported when it is added.
    let error = client(&emu).ca_file(&copy).unwrap_err();
    assert_eq!(error.status(), Status::InvalidArgument);
    assert!(error.to_string().contains("cannot read CA file"), "{error}");
    std::fs::write(&copy, "not a certificate\n").unwrap();
    let error = client(&emu).ca_file(&copy).unwrap_err();
    assert!(
        error.to_string().contains("holds no certificate"),
        "{error}"
    );
    std::fs::write(
        &copy,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let error = client(&emu).ca_file(&copy).unwrap_err();
    assert!(error.to_string().contains("not usable as a CA"), "{error}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_refused_port_is_a_network_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder(&format!("http://127.0.0.1:{port}"), "demo", "s")
        .build()
        .unwrap();
    let error = client.send_code("+86", PHONE, CodeType::Login).unwrap_err();
    assert_eq!(error.status(), Status::Network, "{error}");
}

#[test]
fn one_client_shared_by_eight_threads() {
    let emu = emulator_with(|c| {
        c.min_interval_secs = 0;
        c.daily_limit = 0;
    });
    let client = Arc::new(client(&emu).build().unwrap());
    let failures = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let client = Arc::clone(&client);
            let failures = Arc::clone(&failures);
            std::thread::spawn(move || {
                for i in 0..500 {
                    let phone = format!("1390000{t}{i:03}");
                    match client.send_code("+86", &phone, CodeType::Login) {
                        Ok(r) if r.code == 200 => {}
                        _ => {
                            failures.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    assert_eq!(emu.codes().len(), 4000);
}

/// A raw HTTP/1.1 server that records each request head and answers the success
/// body with keep-alive, counting connections.
struct Recorder {
    base: String,
    requests: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
}

fn recorder() -> Recorder {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (seen, count) = (Arc::clone(&requests), Arc::clone(&connections));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || serve_recorded(stream, &seen));
        }
    });
    Recorder {
        base,
        requests,
        connections,
    }
}

fn serve_recorded(stream: TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            head.push_str(&line);
            if line == "\r\n" {
                break;
            }
        }
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        head.push_str(&String::from_utf8_lossy(&body));
        seen.lock().unwrap().push(head);
        let reply = r#"{"code":200,"msg":"","data":null,"extMsg":null}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{reply}",
            reply.len()
        );
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn the_request_on_the_wire() {
    let rec = recorder();
    let client = Client::builder(
        &format!("{}/gateway/", rec.base),
        "my domain",
        "MARKER-SECRET-7f3a",
    )
    .language("en-US")
    .ssid("sig 1")
    .build()
    .unwrap();
    let result = client
        .send_code("+86", PHONE, CodeType::Registration)
        .unwrap();
    assert_eq!(result.code, 200);
    assert_eq!(result.clock_skew_ms, None, "no Date header, no skew");
    let requests = rec.requests.lock().unwrap();
    let head = &requests[0];
    let request_line = head.lines().next().unwrap();
    assert!(
        request_line.starts_with("POST /gateway/v2/sms/enduserapi/v2/sendPhoneSmsCode?codeType=3&internationalCode=%2B86&phone=13800138000&random="),
        "{request_line}"
    );
    assert!(
        request_line.contains("&userDomain=my%20domain&ssid=sig%201 HTTP/1.1"),
        "{request_line}"
    );
    assert!(
        !request_line.contains("stid="),
        "stid is sent only when set"
    );
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains(&format!(
        "user-agent: smscode/{}\r\n",
        env!("CARGO_PKG_VERSION")
    )));
    assert!(lower.contains("x-q-language: en-us\r\n"));
    assert!(head.ends_with("\r\n\r\n"), "empty body");
    assert!(
        !head.contains("MARKER-SECRET-7f3a"),
        "the secret never travels"
    );
}

#[test]
fn connections_are_reused() {
    let rec = recorder();
    let client = Client::builder(&rec.base, "d", "s").build().unwrap();
    for phone in ["1", "2", "3"] {
        assert_eq!(
            client
                .send_code("+86", phone, CodeType::Login)
                .unwrap()
                .code,
            200
        );
    }
    assert_eq!(rec.requests.lock().unwrap().len(), 3);
    assert_eq!(rec.connections.load(Ordering::SeqCst), 1);
}

/// A minimal HTTP CONNECT proxy: records each CONNECT line and tunnels the bytes.
fn connect_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let connects = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&connects);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let mut reader = BufReader::new(client.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            seen.lock()
                .unwrap()
                .push(request_line.trim_end().to_owned());
            let target = request_line.split(' ').nth(1).unwrap().to_owned();
            let upstream = TcpStream::connect(target).unwrap();
            let mut client_writer = client;
            client_writer
                .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                .unwrap();
            let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
            let mut down_write = client_writer.try_clone().unwrap();
            std::thread::spawn(move || std::io::copy(&mut up_read, &mut down_write));
            std::thread::spawn(move || std::io::copy(&mut reader, &mut up_write));
        }
    });
    (base, connects)
}

#[test]
fn a_proxy_carries_the_request() {
    let emu = emulator();
    let (proxy, connects) = connect_proxy();
    let client = client(&emu).proxy(&proxy).build().unwrap();
    assert_eq!(
        client
            .send_code("+86", PHONE, CodeType::Login)
            .unwrap()
            .code,
        200
    );
    let connects = connects.lock().unwrap();
    let authority = emu.base_url().trim_start_matches("http://").to_owned();
    assert_eq!(
        connects.as_slice(),
        [format!("CONNECT {authority} HTTP/1.1")]
    );
}

#[test]
fn random_is_fresh_for_every_request() {
    let rec = recorder();
    let client = Client::builder(&rec.base, "d", "s").build().unwrap();
    for _ in 0..3 {
        client.send_code("+86", PHONE, CodeType::Login).unwrap();
    }
    let randoms: std::collections::HashSet<String> = rec
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.split("random=").nth(1).unwrap()[..16].to_owned())
        .collect();
    assert_eq!(randoms.len(), 3);
}

#[test]
fn a_marker_secret_never_leaks() {
    const MARKER: &str = "MARKER-5ecret-d41d8cd9";
    let emu = emulator_with(|c| {
        c.min_interval_secs = 0;
        c.user_domains.insert("marked".into(), MARKER.into());
    });
    let builder =
        Client::builder(&emu.base_url(), "marked", MARKER).timeout(Duration::from_millis(1200));
    let client = builder.build().unwrap();
    let mut seen = vec![format!("{builder:?}"), format!("{client:?}")];
    let mut record = |outcome: Result<smscode::SendResult, smscode::Error>| match outcome {
        Ok(result) => seen.push(format!("{result:?}")),
        Err(error) => seen.push(format!("{error} {error:?}")),
    };
    record(client.send_code("+86", PHONE, CodeType::Login)); // success
    record(client.send_code("+86", PHONE, CodeType::Login)); // a second success
    record(client.send_code("+86", "bad", CodeType::Login)); // local 5019
    record(client.send_code("+1234567", PHONE, CodeType::Login)); // invalid argument
    for kind in [
        FaultKind::Hang,
        FaultKind::Close,
        FaultKind::Http500,
        FaultKind::NotJson,
        FaultKind::HugeBody,
        FaultKind::Redirect,
    ] {
        fault(&emu, kind);
        record(client.send_code("+86", PHONE, CodeType::Login));
    }
    record(
        Client::builder(&emu.base_url(), "marked", "wrong")
            .build()
            .unwrap()
            .send_code("+86", PHONE, CodeType::Login),
    );
    record(
        Client::builder("http://example.com", "marked", MARKER)
            .build()
            .map(|_| unreachable!()),
    );
    assert_eq!(seen.len(), 14);
    for text in &seen {
        assert!(!text.contains(MARKER), "secret leaked: {text}");
    }
    // The emulator accepted the signature, so the secret was used, not sent.
    assert!(!emu.codes_for(PHONE).is_empty());
}

#[test]
fn the_client_is_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Client>();
    shareable::<ClientBuilder>();
}
