//! The independently computed signature vectors (tests/data/signature_vectors.json,
//! copied from the project's shared test data) through the Rust API and the C ABI.

use std::ffi::{CStr, CString};

use smscode::{sign, CodeType};

struct Vector {
    name: String,
    phone: String,
    code_type: i32,
    random: String,
    ts: i64,
    secret: String,
    message: String,
    signature: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/signature_vectors.json");
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| Vector {
            name: case["name"].as_str().unwrap().to_owned(),
            phone: case["phone"].as_str().unwrap().to_owned(),
            code_type: case["codeType"].as_i64().unwrap() as i32,
            random: case["random"].as_str().unwrap().to_owned(),
            ts: case["ts"].as_i64().unwrap(),
            secret: case["userDomainSecret"].as_str().unwrap().to_owned(),
            message: case["message"].as_str().unwrap().to_owned(),
            signature: case["signature"].as_str().unwrap().to_owned(),
        })
        .collect()
}

#[test]
fn there_are_eight_vectors() {
    assert_eq!(vectors().len(), 8);
}

#[test]
fn rust_sign_matches_every_vector() {
    for v in vectors() {
        let code_type = CodeType::try_from(v.code_type).unwrap();
        let got = sign(&v.phone, code_type, &v.random, v.ts, &v.secret);
        assert_eq!(got, v.signature, "{}", v.name);
        // The message is the plain concatenation the vector documents.
        let message = format!("{}{}{}{}{}", v.phone, v.code_type, v.random, v.ts, v.secret);
        assert_eq!(message, v.message, "{}", v.name);
    }
}

#[test]
fn the_spec_printed_digest_is_the_empty_string_hash() {
    let json: serde_json::Value =
        serde_json::from_str(include_str!("data/signature_vectors.json")).unwrap();
    let printed = json["wrong_digest_printed_in_spec"].as_str().unwrap();
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(b"")), printed);
    assert_ne!(vectors()[0].signature, printed);
}

#[test]
fn c_abi_sign_matches_every_vector() {
    for v in vectors() {
        let phone = CString::new(v.phone.clone()).unwrap();
        let random = CString::new(v.random.clone()).unwrap();
        let secret = CString::new(v.secret.clone()).unwrap();
        let mut out = [0x55 as std::ffi::c_char; 65];
        let status = unsafe {
            smscode::ffi::sms_sign(
                phone.as_ptr(),
                v.code_type,
                random.as_ptr(),
                v.ts,
                secret.as_ptr(),
                out.as_mut_ptr(),
                out.len(),
            )
        };
        assert_eq!(status, smscode::ffi::SMS_OK, "{}", v.name);
        let got = unsafe { CStr::from_ptr(out.as_ptr()) }.to_str().unwrap();
        assert_eq!(got, v.signature, "{}", v.name);
    }
}
