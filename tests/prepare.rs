//! A send in two halves (prepare, the caller's HTTP stack, read_response), in both
//! builds: the prepared-request vectors through the Rust API and the C ABI, the
//! local answers, and real sends to the emulator through a minimal HTTP/1.1 client
//! of this file's own. With the built-in transport, every emulator answer and fault
//! must come out of both ways identically.

use std::ffi::{c_char, CStr, CString};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use smscode::ffi::{self, SmsClient, SmsRequest, SmsResponse};
use smscode::{Client, ClientBuilder, CodeType, Error, Prepared, Request, SendResult, Status};
use smscode_emulator::{Config, Emulator, Fault, FaultKind, RunningEmulator, DEMO_SECRET};

// ---- the vectors -------------------------------------------------------------------

struct Vector {
    name: String,
    base: String,
    user_domain: String,
    secret: String,
    user_agent: String,
    language: String,
    ssid: String,
    stid: String,
    international_code: String,
    phone: String,
    code_type: i32,
    random: String,
    ts: i64,
    url: String,
    headers: Vec<(String, String)>,
}

fn vectors() -> Vec<Vector> {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("data/prepared_request_vectors.json")).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            let client = &case["client"];
            let expected = &case["expected"];
            assert_eq!(expected["method"], "POST");
            assert_eq!(expected["bodyLength"], 0);
            Vector {
                name: text(&case["name"]),
                base: text(&client["baseUrl"]),
                user_domain: text(&client["userDomain"]),
                secret: text(&client["userDomainSecret"]),
                user_agent: text(&client["userAgent"]),
                language: text(&client["language"]),
                ssid: text(&client["ssid"]),
                stid: text(&client["stid"]),
                international_code: text(&case["internationalCode"]),
                phone: text(&case["phone"]),
                code_type: case["codeType"].as_i64().unwrap() as i32,
                random: text(&case["random"]),
                ts: case["ts"].as_i64().unwrap(),
                url: text(&expected["url"]),
                headers: expected["headers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| (text(&h["name"]), text(&h["value"])))
                    .collect(),
            }
        })
        .collect()
}

fn vector_client(v: &Vector) -> Client {
    Client::builder(&v.base, &v.user_domain, &v.secret)
        .user_agent(&v.user_agent)
        .language(&v.language)
        .ssid(&v.ssid)
        .stid(&v.stid)
        .build()
        .unwrap()
}

fn expect_request(prepared: Prepared) -> Request {
    match prepared {
        Prepared::Send(request) => request,
        Prepared::Answered(result) => panic!("answered locally: {result:?}"),
    }
}

#[test]
fn there_are_five_vectors_with_distinct_urls() {
    let vectors = vectors();
    assert_eq!(vectors.len(), 5);
    let mut urls: Vec<&str> = vectors.iter().map(|v| v.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), 5);
}

#[test]
fn rust_prepare_with_matches_every_vector() {
    for v in vectors() {
        let code_type = CodeType::try_from(v.code_type).unwrap();
        let request = expect_request(
            vector_client(&v)
                .prepare_with(&v.international_code, &v.phone, code_type, &v.random, v.ts)
                .unwrap(),
        );
        assert_eq!(request.method(), "POST", "{}", v.name);
        assert_eq!(request.url(), v.url, "{}", v.name);
        assert_eq!(request.headers(), v.headers.as_slice(), "{}", v.name);
        assert!(request.body().is_empty(), "{}", v.name);
    }
}

#[test]
fn the_clock_offset_does_not_touch_a_given_ts() {
    let v = &vectors()[0];
    let client = Client::builder(&v.base, &v.user_domain, &v.secret)
        .user_agent(&v.user_agent)
        .clock_offset_ms(-3_600_000)
        .build()
        .unwrap();
    let request = expect_request(
        client
            .prepare_with(
                &v.international_code,
                &v.phone,
                CodeType::Registration,
                &v.random,
                v.ts,
            )
            .unwrap(),
    );
    assert_eq!(request.url(), v.url);
}

fn c(text: &str) -> CString {
    CString::new(text).unwrap()
}

fn c_text(ptr: *const c_char) -> Option<String> {
    (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned())
}

fn last_error() -> String {
    let mut buffer = [0 as c_char; 1024];
    unsafe { ffi::sms_last_error_message(buffer.as_mut_ptr(), buffer.len()) };
    c_text(buffer.as_ptr()).unwrap()
}

/// A C ABI client, freed on drop.
struct CClient(*mut SmsClient);

impl CClient {
    fn new(base: &str, user_domain: &str, secret: &str) -> CClient {
        let mut client = std::ptr::null_mut();
        let status = unsafe {
            ffi::sms_client_new(
                c(base).as_ptr(),
                c(user_domain).as_ptr(),
                c(secret).as_ptr(),
                &mut client,
            )
        };
        assert_eq!(status, ffi::SMS_OK, "{}", last_error());
        CClient(client)
    }

    /// prepare_with through the C ABI: (status, request or NULL).
    fn prepare_with(
        &self,
        intl: &str,
        phone: &str,
        code_type: i32,
        random: &str,
        ts: i64,
    ) -> (i32, *mut SmsRequest) {
        let mut request = std::ptr::null_mut();
        let status = unsafe {
            ffi::sms_client_prepare_with(
                self.0,
                c(intl).as_ptr(),
                c(phone).as_ptr(),
                code_type,
                c(random).as_ptr(),
                ts,
                &mut request,
            )
        };
        (status, request)
    }
}

impl Drop for CClient {
    fn drop(&mut self) {
        unsafe { ffi::sms_client_free(self.0) };
    }
}

#[test]
fn c_abi_prepare_with_matches_every_vector() {
    for v in vectors() {
        let client = CClient::new(&v.base, &v.user_domain, &v.secret);
        unsafe {
            assert_eq!(
                ffi::sms_client_set_user_agent(client.0, c(&v.user_agent).as_ptr()),
                0
            );
            assert_eq!(
                ffi::sms_client_set_language(client.0, c(&v.language).as_ptr()),
                0
            );
            assert_eq!(
                ffi::sms_client_set_enterprise(client.0, c(&v.ssid).as_ptr(), c(&v.stid).as_ptr()),
                0
            );
        }
        let (status, request) = client.prepare_with(
            &v.international_code,
            &v.phone,
            v.code_type,
            &v.random,
            v.ts,
        );
        assert_eq!(status, ffi::SMS_OK, "{}: {}", v.name, last_error());
        unsafe {
            assert_eq!(c_text(ffi::sms_request_method(request)).unwrap(), "POST");
            assert_eq!(
                c_text(ffi::sms_request_url(request)).unwrap(),
                v.url,
                "{}",
                v.name
            );
            let count = ffi::sms_request_header_count(request);
            let headers: Vec<(String, String)> = (0..count)
                .map(|i| {
                    (
                        c_text(ffi::sms_request_header_name(request, i)).unwrap(),
                        c_text(ffi::sms_request_header_value(request, i)).unwrap(),
                    )
                })
                .collect();
            assert_eq!(headers, v.headers, "{}", v.name);
            assert!(ffi::sms_request_header_name(request, count).is_null());
            assert!(ffi::sms_request_header_value(request, count).is_null());
            assert!(!ffi::sms_request_body(request).is_null());
            assert_eq!(ffi::sms_request_body_len(request), 0);
            ffi::sms_request_free(request);
        }
    }
}

// ---- local answers and checks ----------------------------------------------------------

const RANDOM: &str = "76a6L647F02CAoN9";

#[test]
fn local_answers_write_nothing_and_send_nothing() {
    // Port 9 on loopback: nothing listens, and nothing may be sent anyway.
    let client = CClient::new("http://127.0.0.1:9", "d", "s");
    let sentinel = std::ptr::dangling_mut::<SmsRequest>();
    let cases = [("+86", "", 5021), ("", "1", 5116), ("+86", "12ab", 5019)];
    for (intl, phone, want) in cases {
        let mut request = sentinel;
        let status = unsafe {
            ffi::sms_client_prepare(
                client.0,
                c(intl).as_ptr(),
                c(phone).as_ptr(),
                3,
                &mut request,
            )
        };
        assert_eq!(status, want);
        assert_eq!(request, sentinel, "nothing written for a local answer");
    }
    let no_domain = CClient::new("http://127.0.0.1:9", "", "s");
    assert_eq!(no_domain.prepare_with("+86", "1", 3, RANDOM, 1).0, 5023);
}

#[test]
fn bad_input_is_a_negative_status_with_nothing_written() {
    let client = CClient::new("eu", "d", "s");
    let sentinel = std::ptr::dangling_mut::<SmsRequest>();
    let run = |random: &str, ts: i64, code_type: i32| {
        let mut request = sentinel;
        let status = unsafe {
            ffi::sms_client_prepare_with(
                client.0,
                c("+86").as_ptr(),
                c("13800138000").as_ptr(),
                code_type,
                c(random).as_ptr(),
                ts,
                &mut request,
            )
        };
        if status == ffi::SMS_OK {
            unsafe { ffi::sms_request_free(request) };
        } else {
            assert_eq!(request, sentinel, "nothing written on {status}");
        }
        status
    };
    assert_eq!(run("short", 1, 3), ffi::SMS_ERR_INVALID_ARGUMENT);
    assert!(last_error().starts_with("sms_client_prepare_with: "));
    assert_eq!(
        run("76a6L647F02CAoN\u{e9}", 1, 3),
        ffi::SMS_ERR_INVALID_ARGUMENT
    );
    assert_eq!(run("76a6L647 02CAoN9", 1, 3), ffi::SMS_ERR_INVALID_ARGUMENT);
    assert_eq!(run(RANDOM, -1, 3), ffi::SMS_ERR_INVALID_ARGUMENT);
    assert_eq!(run(RANDOM, 1, 6), ffi::SMS_ERR_INVALID_ARGUMENT);
    assert_eq!(run(RANDOM, 1, 3), ffi::SMS_OK);
    unsafe {
        let mut request = std::ptr::null_mut();
        let status = ffi::sms_client_prepare(
            client.0,
            c("+86").as_ptr(),
            c("13800138000").as_ptr(),
            3,
            std::ptr::null_mut(),
        );
        assert_eq!(status, ffi::SMS_ERR_NULL_ARGUMENT);
        assert!(last_error().contains("out_request"));
        let status = ffi::sms_client_prepare(
            std::ptr::null(),
            c("+86").as_ptr(),
            c("1").as_ptr(),
            3,
            &mut request,
        );
        assert_eq!(status, ffi::SMS_ERR_NULL_ARGUMENT);
        assert!(request.is_null());
        // The accessors and free accept NULL.
        assert!(ffi::sms_request_url(std::ptr::null()).is_null());
        assert!(ffi::sms_request_method(std::ptr::null()).is_null());
        assert!(ffi::sms_request_body(std::ptr::null()).is_null());
        assert_eq!(ffi::sms_request_header_count(std::ptr::null()), 0);
        assert!(ffi::sms_request_header_name(std::ptr::null(), 0).is_null());
        ffi::sms_request_free(std::ptr::null_mut());
    }
}

#[test]
fn the_resend_guard_counts_a_prepare_but_not_a_refused_call() {
    let client = CClient::new("eu", "d", "s");
    assert_eq!(
        unsafe { ffi::sms_client_set_resend_guard_ms(client.0, 60_000) },
        0
    );
    // A call refused for a NULL out-parameter records nothing.
    let status = unsafe {
        ffi::sms_client_prepare(
            client.0,
            c("+86").as_ptr(),
            c("13800138000").as_ptr(),
            3,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(status, ffi::SMS_ERR_NULL_ARGUMENT);
    let (status, request) = client.prepare_with("+86", "13800138000", 3, RANDOM, 1);
    assert_eq!(status, ffi::SMS_OK);
    unsafe { ffi::sms_request_free(request) };
    let (status, request) = client.prepare_with("+86", "13800138000", 3, RANDOM, 1);
    assert_eq!(
        (status, request.is_null()),
        (ffi::SMS_CODE_FREQUENCY_LIMIT, true)
    );
    // Another code type is another key.
    let (status, request) = client.prepare_with("+86", "13800138000", 2, RANDOM, 1);
    assert_eq!(status, ffi::SMS_OK);
    unsafe { ffi::sms_request_free(request) };
}

#[test]
fn prepare_draws_a_fresh_random_and_the_offset_clock() {
    let offset = 7 * 24 * 3_600_000_i64;
    let client = Client::builder("eu", "d", "s")
        .clock_offset_ms(offset)
        .build()
        .unwrap();
    let query_value = |request: &Request, name: &str| {
        let url = request.url();
        let query = &url[url.find('?').unwrap() + 1..];
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    let before = now_ms() + offset;
    let first = expect_request(client.prepare("+86", "1", CodeType::Login).unwrap());
    let second = expect_request(client.prepare("+86", "1", CodeType::Login).unwrap());
    let after = now_ms() + offset;
    let ts: i64 = query_value(&first, "ts").parse().unwrap();
    assert!(
        (before..=after).contains(&ts),
        "{before} <= {ts} <= {after}"
    );
    let random = query_value(&first, "random");
    assert_eq!(random.len(), 16);
    assert!(random.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_ne!(random, query_value(&second, "random"));
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

// ---- read_response ---------------------------------------------------------------------

/// read_response through the C ABI: (status, response or NULL).
fn c_read(
    client: &CClient,
    http_status: i32,
    date: Option<&str>,
    body: &[u8],
) -> (i32, *mut SmsResponse) {
    let date = date.map(c);
    let mut response = std::ptr::dangling_mut::<SmsResponse>();
    let status = unsafe {
        ffi::sms_client_read_response(
            client.0,
            http_status,
            date.as_ref().map_or(std::ptr::null(), |d| d.as_ptr()),
            body.as_ptr(),
            body.len(),
            &mut response,
        )
    };
    if status < 0 {
        assert_eq!(
            response,
            std::ptr::dangling_mut::<SmsResponse>(),
            "nothing written on {status}"
        );
        response = std::ptr::null_mut();
    }
    (status, response)
}

#[test]
fn c_read_response_maps_as_documented() {
    let client = CClient::new("eu", "d", "s");
    let (code, response) = c_read(
        &client,
        200,
        Some("Sun, 06 Nov 1994 08:49:37 GMT"),
        br#"{"code":5058,"msg":"too often","extMsg":"wait","data":null}"#,
    );
    assert_eq!(code, 5058);
    unsafe {
        assert_eq!(ffi::sms_response_code(response), 5058);
        assert_eq!(ffi::sms_response_http_status(response), 200);
        assert_eq!(
            c_text(ffi::sms_response_msg(response)).unwrap(),
            "too often"
        );
        assert_eq!(c_text(ffi::sms_response_ext_msg(response)).unwrap(), "wait");
        // 1994 is decades behind this machine's clock.
        assert!(ffi::sms_response_clock_skew_ms(response) < -900_000_000_000);
        ffi::sms_response_free(response);
    }
    let (code, response) = c_read(&client, 200, None, br#"{"code":200,"msg":""}"#);
    assert_eq!(code, 200);
    unsafe {
        assert_eq!(
            ffi::sms_response_clock_skew_ms(response),
            ffi::SMS_CLOCK_SKEW_UNKNOWN
        );
        ffi::sms_response_free(response);
    }
    assert_eq!(
        c_read(&client, 502, None, b"<html>").0,
        ffi::SMS_ERR_HTTP_STATUS
    );
    assert!(last_error().contains("HTTP 502"));
    assert_eq!(c_read(&client, 301, None, b"").0, ffi::SMS_ERR_HTTP_STATUS);
    assert_eq!(
        c_read(&client, 200, None, b"no").0,
        ffi::SMS_ERR_BAD_RESPONSE
    );
    assert_eq!(
        c_read(&client, 200, None, br#"{"code":-5}"#).0,
        ffi::SMS_ERR_BAD_RESPONSE
    );
    assert_eq!(c_read(&client, 200, None, b"").0, ffi::SMS_ERR_BAD_RESPONSE);
    let huge = vec![b' '; 64 * 1024 + 1];
    assert_eq!(
        c_read(&client, 200, None, &huge).0,
        ffi::SMS_ERR_BAD_RESPONSE
    );
    assert!(last_error().contains("larger than 65536 bytes"));
    for bad in [0, 99, 1000, -200] {
        assert_eq!(
            c_read(&client, bad, None, b"{}").0,
            ffi::SMS_ERR_INVALID_ARGUMENT
        );
    }
    unsafe {
        // An empty body may be NULL; a non-empty one may not.
        let status = ffi::sms_client_read_response(
            client.0,
            204,
            std::ptr::null(),
            std::ptr::null(),
            0,
            std::ptr::null_mut(),
        );
        assert_eq!(status, ffi::SMS_ERR_BAD_RESPONSE);
        let status = ffi::sms_client_read_response(
            client.0,
            200,
            std::ptr::null(),
            std::ptr::null(),
            3,
            std::ptr::null_mut(),
        );
        assert_eq!(status, ffi::SMS_ERR_NULL_ARGUMENT);
        // A code without an out-parameter is still returned.
        let body = br#"{"code":0}"#;
        let status = ffi::sms_client_read_response(
            client.0,
            200,
            c("not a date").as_ptr(),
            body.as_ptr(),
            body.len(),
            std::ptr::null_mut(),
        );
        assert_eq!(status, 0);
    }
}

// ---- real sends through a minimal HTTP/1.1 client ---------------------------------------

/// What an HTTP stack hands to read_response: status, Date header and body.
struct Answer {
    status: u16,
    date: Option<String>,
    body: Vec<u8>,
}

/// Sends a prepared request over a plain TCP socket (`http://` loopback only) with
/// `Connection: close`, and reads the whole answer (a chunked body is decoded).
fn tiny_http(request: &Request) -> std::io::Result<Answer> {
    let rest = request.url().strip_prefix("http://").expect("http URL");
    let (authority, target) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {}\r\nConnection: close\r\n",
        request.method(),
        request.body().len()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(request.body())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(std::io::ErrorKind::UnexpectedEof)?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let mut date = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':').unwrap();
        let value = value.trim();
        if name.eq_ignore_ascii_case("date") {
            date = Some(value.to_owned());
        }
        if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
    }
    if chunked {
        body = dechunk(&body);
    }
    Ok(Answer { status, date, body })
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&raw[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return body;
        }
        let start = line_end + 2;
        body.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
}

/// A send in two halves with the Rust API: the same outcome type as `send_code`.
fn send_in_two_halves(
    client: &Client,
    phone: &str,
    code_type: CodeType,
) -> Result<SendResult, Error> {
    match client.prepare("+86", phone, code_type)? {
        Prepared::Answered(result) => Ok(result),
        Prepared::Send(request) => {
            let answer = tiny_http(&request).expect("the emulator answers");
            client.read_response(answer.status.into(), answer.date.as_deref(), &answer.body)
        }
    }
}

fn emulator() -> RunningEmulator {
    Emulator::start(Config {
        log: false,
        ..Config::default()
    })
    .expect("emulator starts")
}

fn demo(emu: &RunningEmulator) -> ClientBuilder {
    Client::builder(&emu.base_url(), "demo", DEMO_SECRET)
}

#[test]
fn two_halves_send_a_code_the_emulator_delivers() {
    let emu = emulator();
    let client = demo(&emu).language("en-US").build().unwrap();
    let result = send_in_two_halves(&client, "13900000001", CodeType::Registration).unwrap();
    assert_eq!((result.code, result.http_status), (200, 200));
    assert_eq!(result.msg.as_deref(), Some(""));
    let skew = result.clock_skew_ms.expect("the emulator sends Date");
    assert!(skew.abs() <= 2_000, "skew {skew}");
    let codes = emu.codes_for("13900000001");
    assert_eq!(codes.len(), 1);
    assert_eq!(codes[0].international_code, "+86");
    assert_eq!(codes[0].code_type, 3);
    // The emulator's own rate limit comes back as its code.
    let again = send_in_two_halves(&client, "13900000001", CodeType::Registration).unwrap();
    assert_eq!(again.code, 5058);
    // A wrong secret is the server's 5420.
    let wrong = Client::builder(&emu.base_url(), "demo", "wrong")
        .build()
        .unwrap();
    assert_eq!(
        send_in_two_halves(&wrong, "13900000002", CodeType::Login)
            .unwrap()
            .code,
        5420
    );
}

#[test]
fn two_halves_map_every_bad_answer() {
    let emu = emulator();
    let client = demo(&emu).build().unwrap();
    let cases = [
        (FaultKind::Http500, Status::HttpStatus),
        (FaultKind::Redirect, Status::HttpStatus),
        (FaultKind::NotJson, Status::BadResponse),
        (FaultKind::HugeBody, Status::BadResponse),
    ];
    for (i, (kind, want)) in cases.into_iter().enumerate() {
        emu.arm_fault(Fault { kind, delay_ms: 0 }, 1);
        let phone = format!("1390000010{i}");
        let error = send_in_two_halves(&client, &phone, CodeType::Login).unwrap_err();
        assert_eq!(error.status(), want, "{kind:?}: {error}");
    }
}

/// With the built-in transport: every answer and fault gives the same outcome (status
/// and message of an error, or every field but the clock skew of a result) both ways.
#[cfg(feature = "transport")]
#[test]
fn the_built_in_transport_and_two_halves_agree() {
    let emu = emulator();
    let client = demo(&emu).build().unwrap();
    let wrong = Client::builder(&emu.base_url(), "demo", "wrong")
        .build()
        .unwrap();
    let faults = [
        None,
        Some(FaultKind::Http500),
        Some(FaultKind::Redirect),
        Some(FaultKind::NotJson),
        Some(FaultKind::HugeBody),
    ];
    let strip_skew = |outcome: Result<SendResult, Error>| {
        outcome.map(|mut result| {
            assert!(result.clock_skew_ms.is_some());
            result.clock_skew_ms = None;
            result
        })
    };
    for (i, fault) in faults.into_iter().enumerate() {
        for (j, client) in [&client, &wrong].into_iter().enumerate() {
            let arm = || {
                if let Some(kind) = fault {
                    emu.arm_fault(Fault { kind, delay_ms: 0 }, 1);
                }
            };
            // A distinct phone each way, so the emulator's rate limit stays out of it.
            arm();
            let built_in = client.send_code("+86", &format!("1391000{i}{j}00"), CodeType::Login);
            arm();
            let halves = send_in_two_halves(client, &format!("1391000{i}{j}01"), CodeType::Login);
            assert_eq!(strip_skew(built_in), strip_skew(halves), "{fault:?}");
        }
    }
}

/// Without the built-in transport, the exports that need it exist and refuse.
#[cfg(not(feature = "transport"))]
#[test]
fn without_the_transport_sends_and_transport_options_are_unsupported() {
    let client = CClient::new("eu", "d", "s");
    let mut response = std::ptr::dangling_mut::<SmsResponse>();
    let statuses = unsafe {
        [
            (
                "sms_client_send",
                ffi::sms_client_send(
                    client.0,
                    c("+86").as_ptr(),
                    c("1").as_ptr(),
                    3,
                    &mut response,
                ),
            ),
            (
                "sms_send_code",
                ffi::sms_send_code(
                    c("eu").as_ptr(),
                    c("d").as_ptr(),
                    c("s").as_ptr(),
                    c("+86").as_ptr(),
                    c("1").as_ptr(),
                    3,
                ),
            ),
            (
                "sms_client_set_timeouts",
                ffi::sms_client_set_timeouts(client.0, 1000, 2000),
            ),
            (
                "sms_client_set_proxy",
                ffi::sms_client_set_proxy(client.0, c("http://proxy:3128").as_ptr()),
            ),
            (
                "sms_client_add_ca_file",
                ffi::sms_client_add_ca_file(client.0, c("/etc/ssl/certs/ca.pem").as_ptr()),
            ),
        ]
    };
    for (export, status) in statuses {
        assert_eq!(status, ffi::SMS_ERR_UNSUPPORTED, "{export}");
    }
    // The last call's message names it and says what to use instead.
    let message = last_error();
    assert!(message.starts_with("sms_client_add_ca_file: "), "{message}");
    assert!(message.contains("prepared request"), "{message}");
    assert!(message.contains("read_response"), "{message}");
    assert_eq!(response, std::ptr::dangling_mut::<SmsResponse>());
    let description = unsafe { CStr::from_ptr(ffi::sms_code_description(-11)) };
    assert!(description
        .to_str()
        .unwrap()
        .contains("no built-in transport"));
    // The client still prepares.
    let (status, request) = client.prepare_with("+86", "1", 3, RANDOM, 1);
    assert_eq!(status, ffi::SMS_OK);
    unsafe { ffi::sms_request_free(request) };
}

#[test]
fn the_secret_appears_in_no_request_output_or_error() {
    const MARKER: &str = "MARKER-SECRET-4711";
    let client = Client::builder("eu", "d", MARKER)
        .language("en")
        .build()
        .unwrap();
    let prepared = client
        .prepare_with("+86", "13800138000", CodeType::Login, RANDOM, 1)
        .unwrap();
    let mut seen = format!("{prepared:?} {client:?}");
    let request = expect_request(prepared);
    seen.push_str(request.url());
    for (name, value) in request.headers() {
        seen.push_str(&format!("{name}: {value}"));
    }
    for error in [
        client
            .prepare_with("+86", "1", CodeType::Login, "bad", 1)
            .unwrap_err(),
        client.read_response(502, None, b"<html>").unwrap_err(),
        client.read_response(200, None, b"{").unwrap_err(),
    ] {
        seen.push_str(&format!("{error} {error:?}"));
    }
    assert!(seen.contains("signature="), "the request was looked at");
    assert!(!seen.contains(MARKER), "{seen}");
}
