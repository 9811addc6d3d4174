//! Helpers shared by the socket tests: signed requests and a plain ureq client.

#![allow(dead_code)] // each test file uses a different subset

use std::collections::BTreeMap;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use smscode_emulator::{Config, Emulator, RunningEmulator, SEND_PATH};

pub const PHONE: &str = "13800138000";
pub const RANDOM: &str = "76a6L647F02CAoN9";

/// An emulator with both rate limits off (most tests send several times).
pub fn start_unlimited() -> RunningEmulator {
    start(Config {
        min_interval_secs: 0,
        daily_limit: 0,
        log: false,
        ..Config::default()
    })
}

pub fn start(config: Config) -> RunningEmulator {
    Emulator::start(config).expect("emulator starts")
}

/// A client that returns 4xx/5xx as responses, ignores proxy variables and never follows redirects.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// Query parameters of one send request, by name.
#[derive(Clone)]
pub struct Params(pub BTreeMap<&'static str, String>);

impl Params {
    /// A correctly signed request for the demo domain at the current time.
    pub fn signed(phone: &str, code_type: i32) -> Params {
        Params::signed_at(
            phone,
            code_type,
            smscode_emulator::now_ms(),
            "demo",
            "demo-secret",
        )
    }

    pub fn signed_at(phone: &str, code_type: i32, ts: i64, domain: &str, secret: &str) -> Params {
        let mut sig = [0u8; 64];
        smscode::sign_into(phone, code_type, RANDOM, ts, secret, &mut sig);
        Params(BTreeMap::from([
            ("codeType", code_type.to_string()),
            ("internationalCode", "+86".to_owned()),
            ("phone", phone.to_owned()),
            ("random", RANDOM.to_owned()),
            ("signature", String::from_utf8(sig.to_vec()).unwrap()),
            ("ts", ts.to_string()),
            ("userDomain", domain.to_owned()),
        ]))
    }

    pub fn set(mut self, name: &'static str, value: &str) -> Params {
        self.0.insert(name, value.to_owned());
        self
    }

    pub fn without(mut self, name: &str) -> Params {
        self.0.remove(name);
        self
    }

    /// Percent-encoded query string (so `+86` goes out as `%2B86`).
    pub fn query(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// POSTs a raw query to the send endpoint; returns the HTTP status and the parsed JSON body.
pub fn send_raw(emu: &RunningEmulator, query: &str) -> (u16, serde_json::Value) {
    let url = format!("{}{SEND_PATH}?{query}", emu.base_url());
    let mut response = agent(Duration::from_secs(10))
        .post(&url)
        .send_empty()
        .expect("HTTP exchange");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&body).expect("JSON body"))
}

/// Sends and returns the platform code, checking the reply's shape on the way.
pub fn send(emu: &RunningEmulator, params: &Params) -> i64 {
    code_of(send_raw(emu, &params.query()))
}

pub fn code_of((status, body): (u16, serde_json::Value)) -> i64 {
    assert_eq!(status, 200, "business errors still come with HTTP 200");
    assert!(body["data"].is_null() && body["extMsg"].is_null(), "{body}");
    let code = body["code"].as_i64().expect("integer code");
    let msg = body["msg"].as_str().expect("string msg");
    assert_eq!(
        msg.is_empty(),
        code == 200,
        "msg is empty exactly on success: {body}"
    );
    code
}

/// GET on an emulator API path; returns the status and the JSON body.
pub fn get_json(emu: &RunningEmulator, path: &str) -> (u16, serde_json::Value) {
    let mut response = agent(Duration::from_secs(10))
        .get(format!("{}{path}", emu.base_url()))
        .call()
        .unwrap();
    let body = response.body_mut().read_to_string().unwrap();
    (
        response.status().as_u16(),
        serde_json::from_str(&body).unwrap(),
    )
}

/// POST with a JSON body on an emulator API path.
pub fn post_json(emu: &RunningEmulator, path: &str, body: &str) -> (u16, serde_json::Value) {
    let mut response = agent(Duration::from_secs(10))
        .post(format!("{}{path}", emu.base_url()))
        .content_type("application/json")
        .send(body)
        .unwrap();
    let text = response.body_mut().read_to_string().unwrap();
    (
        response.status().as_u16(),
        serde_json::from_str(&text).unwrap(),
    )
}

pub fn delete_json(emu: &RunningEmulator, path: &str) -> (u16, serde_json::Value) {
    let mut response = agent(Duration::from_secs(10))
        .delete(format!("{}{path}", emu.base_url()))
        .call()
        .unwrap();
    let text = response.body_mut().read_to_string().unwrap();
    (
        response.status().as_u16(),
        serde_json::from_str(&text).unwrap(),
    )
}

/// Arms a fault through the HTTP API.
pub fn arm(emu: &RunningEmulator, body: &str) -> serde_json::Value {
    let (status, reply) = post_json(emu, "/emulator/v1/faults", body);
    assert_eq!(status, 200, "{reply}");
    reply
}
