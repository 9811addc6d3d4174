//! The send endpoint over real sockets: every contract code, decoding, time window,
//! rate limits and code replacement.

mod common;

use common::*;
use smscode_emulator::{now_ms, Config};

#[test]
fn a_good_request_is_sent_and_the_code_recorded() {
    let emu = start_unlimited();
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    let codes = emu.codes();
    assert_eq!(codes.len(), 1);
    let c = &codes[0];
    assert_eq!(
        (
            c.user_domain.as_str(),
            c.international_code.as_str(),
            c.phone.as_str()
        ),
        ("demo", "+86", PHONE)
    );
    assert_eq!(c.code_type, 3);
    assert!(c.valid);
    assert_eq!(c.code.len(), 6);
    assert_eq!(c.expires_at_ms - c.sent_at_ms, 300_000);
}

#[test]
fn exact_reply_bytes_and_date_header() {
    let emu = start_unlimited();
    let url = format!(
        "{}{}?{}",
        emu.base_url(),
        smscode_emulator::SEND_PATH,
        Params::signed(PHONE, 1).query()
    );
    let mut response = agent(std::time::Duration::from_secs(5))
        .post(&url)
        .send_empty()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let date = response
        .headers()
        .get("date")
        .expect("Date header")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(date.ends_with(" GMT"), "{date}");
    assert_eq!(
        response.body_mut().read_to_string().unwrap(),
        r#"{"code":200,"msg":"","data":null,"extMsg":null}"#
    );
}

#[test]
fn missing_parameters() {
    let emu = start_unlimited();
    let good = Params::signed(PHONE, 3);
    assert_eq!(send(&emu, &good.clone().without("phone")), 5021);
    assert_eq!(send(&emu, &good.clone().set("phone", "")), 5021);
    assert_eq!(send(&emu, &good.clone().without("userDomain")), 5023);
    assert_eq!(send(&emu, &good.clone().without("internationalCode")), 5116);
    assert_eq!(code_of(send_raw(&emu, "")), 5021, "nothing at all");
    // First failure wins: phone before user domain before international code.
    assert_eq!(
        send(&emu, &good.clone().without("phone").without("userDomain")),
        5021
    );
    assert_eq!(
        send(
            &emu,
            &good.without("userDomain").without("internationalCode")
        ),
        5023
    );
}

#[test]
fn phone_and_international_code_formats_give_5019() {
    let emu = start_unlimited();
    for phone in [
        "1380013800a",
        "+8613800138000",
        "123456789012345678901",
        "138 0013",
    ] {
        assert_eq!(send(&emu, &Params::signed(phone, 3)), 5019, "{phone}");
    }
    for ic in ["86a", "+1234567", "++86", " 86"] {
        let p = Params::signed(PHONE, 3).set("internationalCode", ic);
        assert_eq!(send(&emu, &p), 5019, "{ic}");
    }
    let bare = Params::signed(PHONE, 3).set("internationalCode", "86");
    assert_eq!(send(&emu, &bare), 200, "the + is optional");
}

#[test]
fn plus_must_be_percent_encoded() {
    let emu = start_unlimited();
    let encoded = Params::signed(PHONE, 3).query();
    assert!(encoded.contains("internationalCode=%2B86"), "{encoded}");
    // Sent raw, `+` is form-decoded to a space: " 86" is not an international code.
    let raw = encoded.replace("internationalCode=%2B86", "internationalCode=+86");
    assert_eq!(code_of(send_raw(&emu, &raw)), 5019);
    assert_eq!(code_of(send_raw(&emu, &encoded)), 200);
    assert_eq!(emu.codes()[0].international_code, "+86");
    // Lowercase hex in the escape works too.
    let lower = encoded.replace("%2B86", "%2b86");
    assert_eq!(code_of(send_raw(&emu, &lower)), 200);
}

#[test]
fn code_type_outside_one_to_five_gives_5000() {
    let emu = start_unlimited();
    for t in [0, 6, -1] {
        assert_eq!(send(&emu, &Params::signed(PHONE, t)), 5000, "{t}");
    }
    assert_eq!(
        send(&emu, &Params::signed(PHONE, 3).set("codeType", "login")),
        5000
    );
    assert_eq!(
        send(&emu, &Params::signed(PHONE, 3).without("codeType")),
        5000
    );
    for t in 1..=5 {
        assert_eq!(send(&emu, &Params::signed(PHONE, t)), 200, "{t}");
    }
}

#[test]
fn ts_format_and_window() {
    let emu = start_unlimited();
    assert_eq!(send(&emu, &Params::signed(PHONE, 3).without("ts")), 5145);
    assert_eq!(
        send(&emu, &Params::signed(PHONE, 3).set("ts", "12.5")),
        5145
    );
    assert_eq!(
        send(&emu, &Params::signed(PHONE, 3).set("ts", "soon")),
        5145
    );

    let at =
        |offset_ms: i64| Params::signed_at(PHONE, 3, now_ms() + offset_ms, "demo", "demo-secret");
    let minute = 60_000;
    assert_eq!(send(&emu, &at(9 * minute + 59_000)), 200, "+9:59");
    assert_eq!(send(&emu, &at(-(9 * minute + 59_000))), 200, "-9:59");
    assert_eq!(send(&emu, &at(10 * minute + 1_000)), 5145, "+10:01");
    assert_eq!(send(&emu, &at(-(10 * minute + 1_000))), 5145, "-10:01");
    // The window is configurable.
    let narrow = start(Config {
        ts_window_ms: 1_000,
        log: false,
        ..Config::default()
    });
    assert_eq!(send(&narrow, &at(5_000)), 5145);
}

#[test]
fn unknown_user_domain_gives_5092() {
    let emu = start_unlimited();
    let p = Params::signed_at(PHONE, 3, now_ms(), "someone-else", "demo-secret");
    assert_eq!(send(&emu, &p), 5092);
}

#[test]
fn malformed_then_wrong_signatures() {
    let emu = start_unlimited();
    let good = Params::signed(PHONE, 3);
    assert_eq!(send(&emu, &good.clone().set("random", "tooshort")), 5421);
    assert_eq!(
        send(&emu, &good.clone().set("random", "seventeen-chars!!")),
        5421
    );
    assert_eq!(send(&emu, &good.clone().without("random")), 5421);
    assert_eq!(send(&emu, &good.clone().without("signature")), 5421);
    assert_eq!(send(&emu, &good.clone().set("signature", "abc")), 5421);
    assert_eq!(
        send(&emu, &good.clone().set("signature", &"z".repeat(64))),
        5421
    );
    // Well-formed but wrong: another random, another secret, a changed phone.
    assert_eq!(
        send(&emu, &good.clone().set("random", "0000000000000000")),
        5420
    );
    let other_secret = Params::signed_at(PHONE, 3, now_ms(), "demo", "not-the-secret");
    assert_eq!(send(&emu, &other_secret), 5420);
    assert_eq!(send(&emu, &good.clone().set("phone", "13800138001")), 5420);
    assert!(emu.codes().is_empty(), "no refusal issues a code");
    assert_eq!(send(&emu, &good), 200);
}

#[test]
fn configured_user_domains_replace_the_demo_one() {
    let emu = start(Config {
        user_domains: [("shop".to_owned(), "s3cr3t".to_owned())].into(),
        log: false,
        ..Config::default()
    });
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 5092, "demo is gone");
    let p = Params::signed_at(PHONE, 3, now_ms(), "shop", "s3cr3t");
    assert_eq!(send(&emu, &p), 200);
}

#[test]
fn every_enterprise_code() {
    let emu = start_unlimited();
    let cases: &[(Option<&str>, Option<&str>, i64)] = &[
        (Some("sig-ok"), Some("tpl-ok"), 200),
        (None, Some("tpl-ok"), 5117),
        (Some("sig-ok"), None, 5118),
        (Some("sig-noperm"), Some("tpl-ok"), 5122),
        (Some("sig-disabled"), Some("tpl-ok"), 5123),
        (Some("sig-ok"), Some("tpl-noperm"), 5124),
        (Some("sig-ok"), Some("tpl-disabled"), 5125),
        (Some("sig-acct2"), Some("tpl-ok"), 5126),
        (Some("sig-acct-disabled"), Some("tpl-acct-disabled"), 5128),
        (Some("sig-acct-missing"), Some("tpl-acct-missing"), 5188),
        (Some("sig-nope"), Some("tpl-ok"), 5202),
        (Some("sig-ok"), Some("tpl-nope"), 5209),
        (Some("sig-ok"), Some("tpl-type2"), 5216),
        (Some("sig-type2"), Some("tpl-ok"), 5216),
    ];
    for &(ssid, stid, want) in cases {
        let mut p = Params::signed(PHONE, 3);
        if let Some(ssid) = ssid {
            p = p.set("ssid", ssid);
        }
        if let Some(stid) = stid {
            p = p.set("stid", stid);
        }
        assert_eq!(send(&emu, &p), want, "ssid={ssid:?} stid={stid:?}");
    }
    // The signature is checked first: a bad one wins over enterprise errors.
    let p = Params::signed(PHONE, 3)
        .set("ssid", "sig-nope")
        .set("random", "0000000000000000");
    assert_eq!(send(&emu, &p), 5420);
}

#[test]
fn min_interval_gives_5058_per_key() {
    let emu = start(Config {
        daily_limit: 0,
        log: false,
        ..Config::default()
    });
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 5058);
    // Other keys are independent: code type, phone, international code.
    assert_eq!(send(&emu, &Params::signed(PHONE, 2)), 200);
    assert_eq!(send(&emu, &Params::signed("13800138001", 3)), 200);
    // internationalCode is not signed, but it is part of the key.
    assert_eq!(
        send(
            &emu,
            &Params::signed(PHONE, 3).set("internationalCode", "+1")
        ),
        200
    );
    assert_eq!(emu.codes().len(), 4, "refused sends issue nothing");
}

#[test]
fn daily_limit_gives_5058() {
    let emu = start(Config {
        min_interval_secs: 0,
        daily_limit: 3,
        log: false,
        ..Config::default()
    });
    for _ in 0..3 {
        assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    }
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 5058);
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 5058);
    assert_eq!(send(&emu, &Params::signed(PHONE, 4)), 200);
}

#[test]
fn zero_turns_both_limits_off() {
    let emu = start_unlimited();
    for _ in 0..30 {
        assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    }
}

#[test]
fn a_new_code_replaces_the_previous_one() {
    let emu = start_unlimited();
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    assert_eq!(send(&emu, &Params::signed("13900139000", 3)), 200);

    let (status, all) = get_json(&emu, "/emulator/v1/codes");
    assert_eq!(status, 200);
    let all = all["codes"].as_array().unwrap().clone();
    assert_eq!(all.len(), 3);
    let valid: Vec<bool> = all.iter().map(|c| c["valid"].as_bool().unwrap()).collect();
    assert_eq!(
        valid,
        [false, true, true],
        "newest last; only the latest per key is valid"
    );
    for c in &all {
        for field in ["userDomain", "internationalCode", "phone", "code"] {
            assert!(c[field].is_string(), "{field} in {c}");
        }
        for field in ["codeType", "sentAtMs", "expiresAtMs"] {
            assert!(c[field].is_i64(), "{field} in {c}");
        }
    }

    let (_, mine) = get_json(&emu, &format!("/emulator/v1/codes?phone={PHONE}"));
    let mine = mine["codes"].as_array().unwrap();
    assert_eq!(mine.len(), 2);
    assert!(mine.iter().all(|c| c["phone"] == PHONE));
    assert_eq!(mine[1]["code"], all[1]["code"]);

    let (_, none) = get_json(&emu, "/emulator/v1/codes?phone=1");
    assert_eq!(none["codes"].as_array().unwrap().len(), 0);
}

#[test]
fn expired_codes_are_not_valid() {
    let emu = start(Config {
        code_ttl_secs: 0,
        log: false,
        ..Config::default()
    });
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    let codes = emu.codes();
    assert_eq!(codes.len(), 1);
    assert!(!codes[0].valid);
}

#[test]
fn reset_clears_codes_and_rate_limits() {
    let emu = start(Config {
        log: false,
        ..Config::default()
    });
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 200);
    assert_eq!(send(&emu, &Params::signed(PHONE, 3)), 5058);
    arm(&emu, r#"{"fault":"close","count":5}"#);

    let (status, reply) = post_json(&emu, "/emulator/v1/reset", "");
    assert_eq!((status, reply), (200, serde_json::json!({"ok": true})));
    assert!(emu.codes().is_empty());
    assert_eq!(
        send(&emu, &Params::signed(PHONE, 3)),
        200,
        "history and faults gone"
    );
}

#[test]
fn wrong_paths_and_methods() {
    let emu = start_unlimited();
    assert_eq!(get_json(&emu, "/nope").0, 404);
    assert_eq!(get_json(&emu, smscode_emulator::SEND_PATH).0, 405);
    assert_eq!(get_json(&emu, "/emulator/v1/reset").0, 405);
    assert_eq!(post_json(&emu, "/emulator/v1/codes", "").0, 405);
}

#[test]
fn the_body_is_ignored() {
    let emu = start_unlimited();
    let url = format!(
        "{}{}?{}",
        emu.base_url(),
        smscode_emulator::SEND_PATH,
        Params::signed(PHONE, 3).query()
    );
    let mut response = agent(std::time::Duration::from_secs(5))
        .post(&url)
        .content_type("application/json")
        .send(r#"{"phone":"1"}"#)
        .unwrap();
    let body: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(body["code"], 200);
}
