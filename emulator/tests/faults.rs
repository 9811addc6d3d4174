//! Fault injection over real sockets: each kind behaves as the contract says and
//! a faulted request issues no code.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use smscode_emulator::SEND_PATH;

fn send_url(emu: &smscode_emulator::RunningEmulator) -> String {
    format!(
        "{}{SEND_PATH}?{}",
        emu.base_url(),
        Params::signed(PHONE, 3).query()
    )
}

#[test]
fn arming_answers_the_armed_count_and_queues() {
    let emu = start_unlimited();
    assert_eq!(
        arm(&emu, r#"{"fault":"http500"}"#),
        serde_json::json!({"ok": true, "armed": 1})
    );
    assert_eq!(arm(&emu, r#"{"fault":"not_json","count":2}"#)["armed"], 3);
    let client = agent(Duration::from_secs(5));
    let statuses: Vec<u16> = (0..4)
        .map(|_| {
            client
                .post(send_url(&emu))
                .send_empty()
                .unwrap()
                .status()
                .as_u16()
        })
        .collect();
    // http500 first, then two not_json (HTTP 200), then a normal answer.
    assert_eq!(statuses, [500, 200, 200, 200]);
    assert_eq!(
        emu.codes().len(),
        1,
        "only the unfaulted request issued a code"
    );
}

#[test]
fn delete_disarms_everything() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"close","count":3}"#);
    let (status, reply) = delete_json(&emu, "/emulator/v1/faults");
    assert_eq!(status, 200);
    assert_eq!(reply["ok"], true);
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
}

#[test]
fn bad_arm_requests_are_refused() {
    let emu = start_unlimited();
    for body in [
        r#"{"fault":"explode"}"#,
        r#"{"count":1}"#,
        "not json",
        r#"{"fault":"delay","delayMs":-1}"#,
    ] {
        let (status, reply) = post_json(&emu, "/emulator/v1/faults", body);
        assert_eq!(status, 400, "{body}");
        assert_eq!(reply["ok"], false);
    }
    assert_eq!(
        send(&emu, &Params::signed(PHONE, 3)),
        200,
        "nothing was armed"
    );
}

#[test]
fn faults_only_hit_the_send_endpoint() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"close"}"#);
    assert_eq!(get_json(&emu, "/emulator/v1/codes").0, 200);
    assert!(agent(Duration::from_secs(5))
        .post(send_url(&emu))
        .send_empty()
        .is_err());
}

#[test]
fn delay_answers_normally_after_the_delay() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"delay","delayMs":400}"#);
    let started = Instant::now();
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(400), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(emu.codes().len(), 1, "a delayed request is still handled");
    // One-shot: the next request is immediate.
    let started = Instant::now();
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    assert!(started.elapsed() < Duration::from_millis(400));
}

#[test]
fn hang_never_answers() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"hang"}"#);
    let started = Instant::now();
    let result = agent(Duration::from_millis(700))
        .post(send_url(&emu))
        .send_empty();
    let took = started.elapsed();
    let err = result.expect_err("no answer");
    assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
    assert!(took >= Duration::from_millis(700), "{took:?}");
    assert!(emu.codes().is_empty());
    // The emulator itself is still fine.
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
}

#[test]
fn close_drops_the_connection_without_a_response() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"close"}"#);
    let mut stream = TcpStream::connect(emu.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let path = format!("{SEND_PATH}?{}", Params::signed(PHONE, 3).query());
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut received = Vec::new();
    // EOF (or a reset) with not a single byte of response.
    let _ = stream.read_to_end(&mut received);
    assert!(
        received.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&received)
    );
    assert!(emu.codes().is_empty());

    arm(&emu, r#"{"fault":"close"}"#);
    let err = agent(Duration::from_secs(5))
        .post(send_url(&emu))
        .send_empty()
        .expect_err("no response");
    assert!(!matches!(err, ureq::Error::Timeout(_)), "{err:?}");
}

#[test]
fn http500_is_html() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"http500"}"#);
    let mut response = agent(Duration::from_secs(5))
        .post(send_url(&emu))
        .send_empty()
        .unwrap();
    assert_eq!(response.status().as_u16(), 500);
    let content_type = response
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    assert_eq!(
        response.body_mut().read_to_string().unwrap(),
        "<html><body><h1>500 Internal Server Error</h1></body></html>"
    );
    assert!(emu.codes().is_empty());
}

#[test]
fn not_json_is_200_with_text() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"not_json"}"#);
    let mut response = agent(Duration::from_secs(5))
        .post(send_url(&emu))
        .send_empty()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.body_mut().read_to_string().unwrap(),
        "this is not json"
    );
    assert!(emu.codes().is_empty());
}

#[test]
fn huge_body_is_two_mib() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"huge_body"}"#);
    let mut response = agent(Duration::from_secs(10))
        .post(send_url(&emu))
        .send_empty()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let length = response
        .headers()
        .get("content-length")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(length, "2097152");
    let body = response
        .body_mut()
        .with_config()
        .limit(4 << 20)
        .read_to_vec()
        .unwrap();
    assert_eq!(body.len(), 2 * 1024 * 1024);
    assert!(body.starts_with(br#"{"code":200"#));
    assert!(emu.codes().is_empty());
}

#[test]
fn slow_drip_sends_one_byte_per_second() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"slow_drip"}"#);
    let mut stream = TcpStream::connect(emu.local_addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let path = format!("{SEND_PATH}?{}", Params::signed(PHONE, 3).query());
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();

    // Read byte by byte: the head arrives at once, then the body drips.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap().to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-length: 47\r\n"), "{head}");

    stream.read_exact(&mut byte).unwrap();
    let first_at = Instant::now();
    assert_eq!(byte[0], b'{');
    stream.read_exact(&mut byte).unwrap();
    let gap = first_at.elapsed();
    assert_eq!(byte[0], b'"');
    assert!(gap >= Duration::from_millis(900), "{gap:?}");
    assert!(gap < Duration::from_millis(2500), "{gap:?}");
    assert!(emu.codes().is_empty());
}

#[test]
fn redirect_is_302_with_location() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"redirect"}"#);
    let mut response = agent(Duration::from_secs(5))
        .post(send_url(&emu))
        .send_empty()
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    assert_eq!(
        response.headers().get("location").unwrap(),
        "http://127.0.0.1:1/elsewhere"
    );
    assert_eq!(response.body_mut().read_to_string().unwrap(), "");
    assert!(emu.codes().is_empty());
}

#[test]
fn negative_code_is_200_with_a_negative_json_code() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"negative_code"}"#);
    let mut response = agent(Duration::from_secs(5))
        .post(send_url(&emu))
        .send_empty()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["code"], -5);
    assert!(emu.codes().is_empty());
}

#[test]
fn in_process_api_arms_and_resets_too() {
    use smscode_emulator::{Fault, FaultKind};
    let emu = start_unlimited();
    let http500 = Fault {
        kind: FaultKind::Http500,
        delay_ms: 0,
    };
    assert_eq!(emu.arm_fault(http500, 2), 2);
    emu.reset();
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    assert_eq!(emu.codes_for(PHONE).len(), 1);
    assert!(emu.codes_for("1").is_empty());
}

/// Polls the abort count until it reaches `want` (the emulator sees the close a moment
/// after the client makes it), or gives up after 10 s.
fn wait_for_aborted(emu: &smscode_emulator::RunningEmulator, want: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    while emu.aborted() < want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    emu.aborted()
}

#[test]
fn a_client_that_gives_up_is_counted_as_aborted() {
    let emu = start_unlimited();
    for fault in [
        r#"{"fault":"hang"}"#,
        r#"{"fault":"delay","delayMs":30000}"#,
        r#"{"fault":"slow_drip"}"#,
    ] {
        let before = emu.aborted();
        arm(&emu, fault);
        let result = agent(Duration::from_millis(500))
            .post(send_url(&emu))
            .send_empty()
            .and_then(|mut r| r.body_mut().read_to_string());
        assert!(result.is_err(), "{fault}: the client gave up");
        assert_eq!(wait_for_aborted(&emu, before + 1), before + 1, "{fault}");
    }
    let (status, stats) = get_json(&emu, "/emulator/v1/stats");
    assert_eq!(status, 200);
    assert_eq!(stats, serde_json::json!({"aborted": 3}));
    emu.reset();
    assert_eq!(emu.aborted(), 0, "reset clears the count");
}

#[test]
fn answers_sent_whole_are_not_aborts() {
    let emu = start_unlimited();
    arm(&emu, r#"{"fault":"delay","delayMs":200}"#);
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    assert_eq!(send(&emu, &Params::signed("13800138001", 3)), 200);
    // Give a late close the time to be counted before asserting it was not.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(emu.aborted(), 0);
}
