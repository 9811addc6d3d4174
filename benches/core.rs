//! Criterion benches of the pure core: signing, request building and response parsing.
//!
//! Run with `cargo bench --bench core`. The comparison against OpenSSL, libcurl and
//! Python is `bench/run.sh` (see docs/benchmarks.md); these benches track the Rust
//! side alone, so a regression shows up here without any server.

use std::ffi::CString;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sha2::{Digest, Sha256};
use smscode::{
    endpoint_url, ffi, new_random, parse_body, request_url, sign_into, CodeType, SIGNATURE_LEN,
};

// The spec's worked example: an 85-byte message, two SHA-256 blocks.
const PHONE: &str = "13800138000";
const CODE_TYPE: i32 = 3;
const RANDOM: &str = "76a6L647F02CAoN9";
const TS: i64 = 1744773894369;
const SECRET: &str = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33";
const SIGNATURE: &str = "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891";

const SUCCESS_BODY: &[u8] = br#"{"code":200,"msg":"","data":null,"extMsg":null}"#;
const REFUSED_BODY: &[u8] =
    br#"{"code":5058,"msg":"SMS sending exceeds frequency limit","data":null,"extMsg":null}"#;

fn message() -> String {
    format!("{PHONE}{CODE_TYPE}{RANDOM}{TS}{SECRET}")
}

fn signing(c: &mut Criterion) {
    let mut group = c.benchmark_group("sign");
    let message = message();
    group.throughput(Throughput::Bytes(message.len() as u64));

    // The floor: SHA-256 of the already-formatted message, no hex.
    group.bench_function("sha256_of_formatted_message", |b| {
        b.iter(|| Sha256::digest(black_box(message.as_bytes())))
    });

    group.bench_function("sign_into", |b| {
        let mut out = [0u8; SIGNATURE_LEN];
        b.iter(|| {
            sign_into(
                black_box(PHONE),
                black_box(CODE_TYPE),
                black_box(RANDOM),
                black_box(TS),
                black_box(SECRET),
                &mut out,
            );
            out
        })
    });
    let mut check = [0u8; SIGNATURE_LEN];
    sign_into(PHONE, CODE_TYPE, RANDOM, TS, SECRET, &mut check);
    assert_eq!(&check[..], SIGNATURE.as_bytes());

    // The C ABI export, called in-process: adds strlen, UTF-8 checks, argument
    // validation and the panic boundary to sign_into.
    let phone = CString::new(PHONE).unwrap();
    let random = CString::new(RANDOM).unwrap();
    let secret = CString::new(SECRET).unwrap();
    group.bench_function("sms_sign", |b| {
        let mut out = [0 as std::ffi::c_char; ffi::SMS_SIGNATURE_BUFFER_LEN];
        b.iter(|| unsafe {
            let status = ffi::sms_sign(
                black_box(phone.as_ptr()),
                black_box(CODE_TYPE),
                black_box(random.as_ptr()),
                black_box(TS),
                black_box(secret.as_ptr()),
                out.as_mut_ptr(),
                out.len(),
            );
            assert_eq!(status, ffi::SMS_OK);
            out
        })
    });

    // What a send adds around the signature: a fresh random from the CSPRNG.
    group.bench_function("new_random", |b| b.iter(new_random));
    group.finish();
}

fn request_building(c: &mut Criterion) {
    let mut group = c.benchmark_group("request");
    let endpoint = endpoint_url("http://127.0.0.1:8080").unwrap();

    group.bench_function("request_url_7_params", |b| {
        let params = [
            ("codeType", "3"),
            ("internationalCode", "+86"),
            ("phone", PHONE),
            ("random", RANDOM),
            ("signature", SIGNATURE),
            ("ts", "1744773894369"),
            ("userDomain", "demo"),
        ];
        b.iter(|| request_url(black_box(&endpoint), black_box(&params)))
    });

    // Everything a send computes before it touches the socket, in the client's order:
    // random, signature, the numbers as text, the URL.
    group.bench_function("random_sign_and_url", |b| {
        b.iter(|| {
            let random = new_random();
            let mut signature = [0u8; SIGNATURE_LEN];
            sign_into(PHONE, CODE_TYPE, &random, TS, SECRET, &mut signature);
            let signature = std::str::from_utf8(&signature).unwrap();
            let code_type = CodeType::Registration.as_i32().to_string();
            let ts = TS.to_string();
            let params = [
                ("codeType", code_type.as_str()),
                ("internationalCode", "+86"),
                ("phone", PHONE),
                ("random", random.as_str()),
                ("signature", signature),
                ("ts", ts.as_str()),
                ("userDomain", "demo"),
            ];
            request_url(black_box(&endpoint), &params)
        })
    });

    group.bench_function("endpoint_url", |b| {
        b.iter(|| endpoint_url(black_box("http://127.0.0.1:8080")))
    });
    group.finish();
}

fn response_parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    assert_eq!(parse_body(SUCCESS_BODY).unwrap().code, 200);
    assert_eq!(parse_body(REFUSED_BODY).unwrap().code, 5058);
    group.bench_function("parse_body_success", |b| {
        b.iter(|| parse_body(black_box(SUCCESS_BODY)))
    });
    group.bench_function("parse_body_refused", |b| {
        b.iter(|| parse_body(black_box(REFUSED_BODY)))
    });
    group.finish();
}

criterion_group!(benches, signing, request_building, response_parsing);
criterion_main!(benches);
