//! `smscode::parse_body`: arbitrary bytes never panic and are accepted only with
//! an integer `code` from 0 to `i32::MAX` (a negative code would read as a local
//! status); a generated response object parses back to
//! the code (and texts) it was built from.
//!
//! The input is used twice: as the raw body (so the seeds are real JSON bodies),
//! and as `arbitrary` data for a generated response. (The parser is serde_json's;
//! this checks the library's rules on top of it.)

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Number, Value};
use smscode::{parse_body, ResponseBody, Status};

fuzz_target!(|data: &[u8]| {
    check_raw(data);
    if let Ok(generated) = Generated::arbitrary(&mut Unstructured::new(data)) {
        check_generated(&generated);
    }
});

/// Raw bytes: never a panic, and a refusal is always a `BadResponse` with a message.
fn check_raw(body: &[u8]) {
    match parse_body(body) {
        Ok(parsed) => assert!(parsed.code >= 0, "a negative code was accepted"),
        Err(error) => {
            assert_eq!(error.status(), Status::BadResponse);
            assert!(!error.message().is_empty());
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Generated {
    code: Code,
    msg: Text,
    ext_msg: Text,
    data: Data,
    extra: Vec<(String, Data)>,
    pretty: bool,
}

#[derive(Arbitrary, Debug)]
enum Code {
    Int(i32),
    Wide(i64),
    Big(u64),
    Float(f64),
    Text(String),
    Missing,
}

/// How `msg` / `extMsg` appear: the real service sends strings and `null`.
#[derive(Arbitrary, Debug)]
enum Text {
    Missing,
    Null,
    Str(String),
    Number(i64),
    Bool(bool),
}

#[derive(Arbitrary, Debug)]
enum Data {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Data>),
    Object(Vec<(String, Data)>),
}

/// serde_json refuses nesting deeper than 128 when parsing; stay well below it.
const MAX_DEPTH: usize = 32;

fn data_value(data: &Data, depth: usize) -> Value {
    if depth >= MAX_DEPTH {
        return Value::Null;
    }
    match data {
        Data::Null => Value::Null,
        Data::Bool(b) => Value::Bool(*b),
        Data::Int(i) => Value::from(*i),
        Data::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Data::Str(s) => Value::String(s.clone()),
        Data::List(items) => Value::Array(items.iter().map(|d| data_value(d, depth + 1)).collect()),
        Data::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, d)| (k.clone(), data_value(d, depth + 1)))
                .collect(),
        ),
    }
}

fn check_generated(generated: &Generated) {
    let mut object = Map::new();
    for (key, data) in &generated.extra {
        if !matches!(key.as_str(), "code" | "msg" | "extMsg") {
            object.insert(key.clone(), data_value(data, 1));
        }
    }
    object.insert("data".into(), data_value(&generated.data, 1));

    let (code_value, expected_code) = match &generated.code {
        Code::Int(c) => (Some(Value::from(*c)), Some(*c).filter(|c| *c >= 0)),
        Code::Wide(c) => (
            Some(Value::from(*c)),
            i32::try_from(*c).ok().filter(|c| *c >= 0),
        ),
        Code::Big(c) => (Some(Value::from(*c)), i32::try_from(*c).ok()),
        // A float such as 200.0 is not an integer code.
        Code::Float(f) => (
            Some(Number::from_f64(*f).map_or(Value::Null, Value::Number)),
            None,
        ),
        Code::Text(s) => (Some(Value::String(s.clone())), None),
        Code::Missing => (None, None),
    };
    if let Some(value) = code_value {
        object.insert("code".into(), value);
    }
    let expected_msg = put_text(&mut object, "msg", &generated.msg);
    let expected_ext_msg = put_text(&mut object, "extMsg", &generated.ext_msg);

    let value = Value::Object(object);
    let body = if generated.pretty {
        serde_json::to_vec_pretty(&value)
    } else {
        serde_json::to_vec(&value)
    }
    .expect("a Value always serializes");

    let parsed = parse_body(&body);
    match expected_code {
        Some(code) => assert_eq!(
            parsed.as_ref().ok(),
            Some(&ResponseBody {
                code,
                msg: expected_msg,
                ext_msg: expected_ext_msg,
            }),
            "round trip of {}",
            String::from_utf8_lossy(&body)
        ),
        None => assert_eq!(
            parsed.as_ref().map_err(|e| e.status()),
            Err(Status::BadResponse),
            "accepted a body without an i32 code: {}",
            String::from_utf8_lossy(&body)
        ),
    }
}

/// Puts a text field into the object; returns what `parse_body` must read back.
fn put_text(object: &mut Map<String, Value>, key: &str, text: &Text) -> Option<String> {
    let (value, expected) = match text {
        Text::Missing => return None,
        Text::Null => (Value::Null, None),
        Text::Str(s) => (Value::String(s.clone()), Some(s.clone())),
        // Present but not a string: ignored.
        Text::Number(n) => (Value::from(*n), None),
        Text::Bool(b) => (Value::Bool(*b), None),
    };
    object.insert(key.into(), value);
    expected
}
