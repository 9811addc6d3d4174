//! The send endpoint's request checks (contract steps 1-10) as pure functions:
//! no clock, no I/O, no shared state, so every rule is unit-testable.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;
use subtle::ConstantTimeEq;

use crate::config::{Config, Enterprise};

/// Result codes the emulator answers with.
pub mod codes {
    pub const SENT: i32 = 200;
    pub const SERVICE_EXCEPTION: i32 = 5000;
    pub const PHONE_FORMAT: i32 = 5019;
    pub const PHONE_MISSING: i32 = 5021;
    pub const USER_DOMAIN_MISSING: i32 = 5023;
    pub const FREQUENCY_LIMIT: i32 = 5058;
    pub const USER_DOMAIN_NOT_SET: i32 = 5092;
    pub const INTERNATIONAL_CODE_MISSING: i32 = 5116;
    pub const SSID_MISSING: i32 = 5117;
    pub const STID_MISSING: i32 = 5118;
    pub const SSID_NO_PERMISSION: i32 = 5122;
    pub const SSID_DISABLED: i32 = 5123;
    pub const STID_NO_PERMISSION: i32 = 5124;
    pub const STID_DISABLED: i32 = 5125;
    pub const DIFFERENT_ACCOUNTS: i32 = 5126;
    pub const ACCOUNT_DISABLED: i32 = 5128;
    pub const TIMESTAMP_FORMAT: i32 = 5145;
    pub const ACCOUNT_MISSING: i32 = 5188;
    pub const SSID_UNKNOWN: i32 = 5202;
    pub const STID_UNKNOWN: i32 = 5209;
    pub const TYPE_MISMATCH: i32 = 5216;
    pub const SIGNATURE_MISMATCH: i32 = 5420;
    pub const SIGNATURE_MALFORMED: i32 = 5421;
}

/// The `msg` the emulator sends with `code`: "" on success, an English description otherwise.
pub fn message(code: i32) -> &'static str {
    match code {
        200 => "",
        5000 => "Service exception",
        5019 => "Phone number format incorrect",
        5021 => "Please enter phone number",
        5023 => "Please enter user domain",
        5058 => "SMS sending exceeds frequency limit",
        5059 => "SMS sending exception",
        5092 => "User domain not set",
        5116 => "Please enter international code",
        5117 => "Please enter enterprise SMS signature ID",
        5118 => "Please enter enterprise SMS template ID",
        5122 => "No permission to use this enterprise SMS signature ID",
        5123 => "Enterprise SMS signature ID has been disabled",
        5124 => "No permission to use this enterprise SMS template ID",
        5125 => "Enterprise SMS template ID has been disabled",
        5126 => "SMS signature and template not under the same SMS account",
        5128 => "Enterprise SMS account has been disabled",
        5145 => "Incorrect timestamp format",
        5188 => "Enterprise SMS account does not exist",
        5202 => "Enterprise SMS signature does not exist",
        5209 => "Enterprise SMS template does not exist",
        5216 => "Signature ID and template ID types must be consistent",
        5420 => "Signature verification failed",
        5421 => "Signature verification error",
        _ => "Unknown error",
    }
}

/// The send endpoint's query parameters, percent-decoded. `None` = absent;
/// for the first seven, an empty value counts as absent too (see [`check`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SendParams {
    pub code_type: Option<String>,
    pub international_code: Option<String>,
    pub phone: Option<String>,
    pub random: Option<String>,
    pub signature: Option<String>,
    pub ts: Option<String>,
    pub user_domain: Option<String>,
    pub ssid: Option<String>,
    pub stid: Option<String>,
}

impl SendParams {
    /// Parses a raw query string (without `?`). Form decoding: `+` is a space and
    /// `%XX` a byte, so `+86` arrives as ` 86` and `%2B86` as `+86`. Invalid UTF-8
    /// becomes U+FFFD. The first occurrence of a repeated parameter wins.
    pub fn from_query(query: &str) -> SendParams {
        let mut p = SendParams::default();
        for pair in query.split('&').filter(|s| !s.is_empty()) {
            let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match form_decode(raw_key).as_ref() {
                "codeType" => &mut p.code_type,
                "internationalCode" => &mut p.international_code,
                "phone" => &mut p.phone,
                "random" => &mut p.random,
                "signature" => &mut p.signature,
                "ts" => &mut p.ts,
                "userDomain" => &mut p.user_domain,
                "ssid" => &mut p.ssid,
                "stid" => &mut p.stid,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(form_decode(raw_value).into_owned());
            }
        }
        p
    }
}

/// `application/x-www-form-urlencoded` decoding of one key or value.
pub fn form_decode(raw: &str) -> Cow<'_, str> {
    if !raw.contains(['+', '%']) {
        return Cow::Borrowed(raw);
    }
    let spaced = raw.replace('+', " ");
    Cow::Owned(percent_decode_str(&spaced).decode_utf8_lossy().into_owned())
}

/// What rate limits and codes are kept per: one per (userDomain, internationalCode, phone, codeType).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub user_domain: String,
    pub international_code: String,
    pub phone: String,
    pub code_type: i32,
}

/// Contract steps 1-10, first failure wins. `Ok` is the key the rate limit (step 11)
/// and the issued code (step 12) are kept under; `Err` is the result code.
pub fn check(p: &SendParams, now_ms: i64, config: &Config) -> Result<Key, i32> {
    use codes::*;

    let phone = non_empty(&p.phone).ok_or(PHONE_MISSING)?;
    let user_domain = non_empty(&p.user_domain).ok_or(USER_DOMAIN_MISSING)?;
    let international_code = non_empty(&p.international_code).ok_or(INTERNATIONAL_CODE_MISSING)?;

    if !is_phone(phone) || !is_international_code(international_code) {
        return Err(PHONE_FORMAT);
    }

    let code_type = p
        .code_type
        .as_deref()
        .and_then(|t| t.parse::<i32>().ok())
        .filter(|t| (1..=5).contains(t))
        .ok_or(SERVICE_EXCEPTION)?;

    let ts =
        p.ts.as_deref()
            .and_then(|t| t.parse::<i64>().ok())
            .ok_or(TIMESTAMP_FORMAT)?;
    // i128: no overflow for any i64 pair.
    if (i128::from(ts) - i128::from(now_ms)).abs() > i128::from(config.ts_window_ms) {
        return Err(TIMESTAMP_FORMAT);
    }

    let secret = config
        .user_domains
        .get(user_domain)
        .ok_or(USER_DOMAIN_NOT_SET)?;

    let random = p.random.as_deref().unwrap_or("");
    let given = p
        .signature
        .as_deref()
        .and_then(lowercase_hex_64)
        .filter(|_| random.chars().count() == smscode::RANDOM_LEN)
        .ok_or(SIGNATURE_MALFORMED)?;

    let mut expected = [0u8; smscode::SIGNATURE_LEN];
    smscode::sign_into(phone, code_type, random, ts, secret, &mut expected);
    if !bool::from(expected.ct_eq(&given)) {
        return Err(SIGNATURE_MISMATCH);
    }

    check_enterprise(non_empty(&p.ssid), non_empty(&p.stid), &config.enterprise)?;

    Ok(Key {
        user_domain: user_domain.to_owned(),
        international_code: international_code.to_owned(),
        phone: phone.to_owned(),
        code_type,
    })
}

/// Contract step 10, in the contract's order.
pub fn check_enterprise(
    ssid: Option<&str>,
    stid: Option<&str>,
    data: &Enterprise,
) -> Result<(), i32> {
    use codes::*;

    let (ssid, stid) = match (ssid, stid) {
        (None, None) => return Ok(()),
        (Some(_), None) => return Err(STID_MISSING),
        (None, Some(_)) => return Err(SSID_MISSING),
        (Some(ssid), Some(stid)) => (ssid, stid),
    };
    let sig = data.signatures.get(ssid).ok_or(SSID_UNKNOWN)?;
    let tpl = data.templates.get(stid).ok_or(STID_UNKNOWN)?;
    let failures = [
        (!sig.permitted, SSID_NO_PERMISSION),
        (!sig.enabled, SSID_DISABLED),
        (!tpl.permitted, STID_NO_PERMISSION),
        (!tpl.enabled, STID_DISABLED),
        (sig.account != tpl.account, DIFFERENT_ACCOUNTS),
    ];
    if let Some(&(_, code)) = failures.iter().find(|(failed, _)| *failed) {
        return Err(code);
    }
    let account = data.accounts.get(&sig.account).ok_or(ACCOUNT_MISSING)?;
    if !account.enabled {
        return Err(ACCOUNT_DISABLED);
    }
    if sig.kind != tpl.kind {
        return Err(TYPE_MISMATCH);
    }
    Ok(())
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// 1-20 ASCII digits.
fn is_phone(phone: &str) -> bool {
    (1..=20).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit())
}

/// An optional `+`, then 1-6 ASCII digits.
fn is_international_code(code: &str) -> bool {
    let digits = code.strip_prefix('+').unwrap_or(code);
    (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// 64 hex digits of either case, lowercased (the signature is compared case-insensitively).
fn lowercase_hex_64(sig: &str) -> Option<[u8; smscode::SIGNATURE_LEN]> {
    let bytes: [u8; smscode::SIGNATURE_LEN] = sig.as_bytes().try_into().ok()?;
    if !bytes.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    Some(bytes.map(|b| b.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::codes::*;
    use super::*;

    const NOW: i64 = 1_744_773_894_369;

    /// A request that passes every check against the default config.
    fn good() -> SendParams {
        let random = "76a6L647F02CAoN9";
        let sig = smscode::sign(
            "13800138000",
            smscode::CodeType::Registration,
            random,
            NOW,
            "demo-secret",
        );
        SendParams {
            code_type: Some("3".into()),
            international_code: Some("+86".into()),
            phone: Some("13800138000".into()),
            random: Some(random.into()),
            signature: Some(sig),
            ts: Some(NOW.to_string()),
            user_domain: Some("demo".into()),
            ssid: None,
            stid: None,
        }
    }

    fn run(p: &SendParams) -> i32 {
        match check(p, NOW, &Config::default()) {
            Ok(_) => SENT,
            Err(code) => code,
        }
    }

    fn resigned(mut p: SendParams) -> SendParams {
        let ts: i64 = p.ts.as_deref().unwrap().parse().unwrap();
        let code_type = p.code_type.as_deref().unwrap().parse().unwrap();
        let mut sig = [0u8; 64];
        smscode::sign_into(
            p.phone.as_deref().unwrap(),
            code_type,
            p.random.as_deref().unwrap(),
            ts,
            "demo-secret",
            &mut sig,
        );
        p.signature = Some(String::from_utf8(sig.to_vec()).unwrap());
        p
    }

    #[test]
    fn good_request_passes_with_its_key() {
        let key = check(&good(), NOW, &Config::default()).unwrap();
        assert_eq!(
            key,
            Key {
                user_domain: "demo".into(),
                international_code: "+86".into(),
                phone: "13800138000".into(),
                code_type: 3,
            }
        );
    }

    #[test]
    fn missing_fields_in_contract_order() {
        let mut p = SendParams::default();
        assert_eq!(run(&p), PHONE_MISSING);
        p.phone = Some(String::new());
        assert_eq!(run(&p), PHONE_MISSING);
        p.phone = Some("x".into());
        assert_eq!(run(&p), USER_DOMAIN_MISSING);
        p.user_domain = Some("nobody".into());
        assert_eq!(run(&p), INTERNATIONAL_CODE_MISSING);
        p.international_code = Some("+86".into());
        assert_eq!(run(&p), PHONE_FORMAT);
        p.phone = Some("13800138000".into());
        assert_eq!(run(&p), SERVICE_EXCEPTION);
        p.code_type = Some("3".into());
        assert_eq!(run(&p), TIMESTAMP_FORMAT);
        p.ts = Some(NOW.to_string());
        assert_eq!(run(&p), USER_DOMAIN_NOT_SET);
        p.user_domain = Some("demo".into());
        assert_eq!(run(&p), SIGNATURE_MALFORMED);
    }

    #[test]
    fn phone_and_international_code_formats() {
        for (phone, ic, want) in [
            ("1", "1", SENT),
            ("12345678901234567890", "+123456", SENT),
            ("123456789012345678901", "+86", PHONE_FORMAT),
            ("1380013800a", "+86", PHONE_FORMAT),
            ("+8613800138000", "+86", PHONE_FORMAT),
            ("13800138000", " 86", PHONE_FORMAT),
            ("13800138000", "+1234567", PHONE_FORMAT),
            ("13800138000", "++86", PHONE_FORMAT),
            ("13800138000", "+", PHONE_FORMAT),
        ] {
            let mut p = good();
            p.phone = Some(phone.into());
            p.international_code = Some(ic.into());
            assert_eq!(run(&resigned(p)), want, "{phone} {ic}");
        }
    }

    #[test]
    fn code_type_must_be_one_to_five() {
        for (t, want) in [
            ("1", SENT),
            ("5", SENT),
            ("0", SERVICE_EXCEPTION),
            ("6", SERVICE_EXCEPTION),
            ("x", SERVICE_EXCEPTION),
            ("", SERVICE_EXCEPTION),
        ] {
            let mut p = good();
            p.code_type = Some(t.into());
            let p = if want == SENT { resigned(p) } else { p };
            assert_eq!(run(&p), want, "{t}");
        }
    }

    #[test]
    fn ts_window_edges_are_inclusive() {
        for (offset, want) in [
            (0, SENT),
            (600_000, SENT),
            (-600_000, SENT),
            (600_001, TIMESTAMP_FORMAT),
            (-600_001, TIMESTAMP_FORMAT),
        ] {
            let mut p = good();
            p.ts = Some((NOW + offset).to_string());
            assert_eq!(run(&resigned(p)), want, "{offset}");
        }
        for bad in [
            "",
            "abc",
            "1.5",
            "99999999999999999999",
            "-9223372036854775808",
        ] {
            let mut p = good();
            p.ts = Some(bad.into());
            assert_eq!(run(&p), TIMESTAMP_FORMAT, "{bad}");
        }
    }

    #[test]
    fn random_and_signature_shape_then_value() {
        let mut p = good();
        p.random = Some("short".into());
        assert_eq!(run(&p), SIGNATURE_MALFORMED);
        p.random = None;
        assert_eq!(run(&p), SIGNATURE_MALFORMED);

        let mut p = good();
        p.signature = None;
        assert_eq!(run(&p), SIGNATURE_MALFORMED);
        p.signature = Some("g".repeat(64));
        assert_eq!(run(&p), SIGNATURE_MALFORMED);
        p.signature = Some("a".repeat(63));
        assert_eq!(run(&p), SIGNATURE_MALFORMED);
        p.signature = Some("a".repeat(64));
        assert_eq!(run(&p), SIGNATURE_MISMATCH);

        let mut p = good();
        p.signature = p.signature.map(|s| s.to_ascii_uppercase());
        assert_eq!(run(&p), SENT);

        let mut p = good();
        p.phone = Some("13800138001".into());
        assert_eq!(run(&p), SIGNATURE_MISMATCH);
    }

    #[test]
    fn enterprise_codes() {
        let data = Enterprise::builtin();
        for (ssid, stid, want) in [
            (Some("sig-ok"), Some("tpl-ok"), SENT),
            (Some("sig-ok"), None, STID_MISSING),
            (None, Some("tpl-ok"), SSID_MISSING),
            (Some("nope"), Some("tpl-ok"), SSID_UNKNOWN),
            (Some("sig-ok"), Some("nope"), STID_UNKNOWN),
            (Some("sig-noperm"), Some("tpl-ok"), SSID_NO_PERMISSION),
            (Some("sig-disabled"), Some("tpl-ok"), SSID_DISABLED),
            (Some("sig-ok"), Some("tpl-noperm"), STID_NO_PERMISSION),
            (Some("sig-ok"), Some("tpl-disabled"), STID_DISABLED),
            (Some("sig-acct2"), Some("tpl-ok"), DIFFERENT_ACCOUNTS),
            (
                Some("sig-acct-missing"),
                Some("tpl-acct-missing"),
                ACCOUNT_MISSING,
            ),
            (
                Some("sig-acct-disabled"),
                Some("tpl-acct-disabled"),
                ACCOUNT_DISABLED,
            ),
            (Some("sig-ok"), Some("tpl-type2"), TYPE_MISMATCH),
            (Some("sig-type2"), Some("tpl-ok"), TYPE_MISMATCH),
            (Some("sig-type2"), Some("tpl-type2"), SENT),
        ] {
            let got = check_enterprise(ssid, stid, &data).err().unwrap_or(SENT);
            assert_eq!(got, want, "{ssid:?} {stid:?}");
        }
        // Through `check`, after the signature; empty values count as absent.
        let mut p = good();
        p.ssid = Some("sig-ok".into());
        p.stid = Some(String::new());
        assert_eq!(run(&p), STID_MISSING);
        p.stid = Some("tpl-ok".into());
        assert_eq!(run(&p), SENT);
    }

    #[test]
    fn query_decoding() {
        let p = SendParams::from_query(
            "phone=138&internationalCode=%2B86&userDomain=a+b&ts=1&phone=999&x=1&ssid&stid=%E4%BD%A0",
        );
        assert_eq!(p.phone.as_deref(), Some("138"));
        assert_eq!(p.international_code.as_deref(), Some("+86"));
        assert_eq!(p.user_domain.as_deref(), Some("a b"));
        assert_eq!(p.ssid.as_deref(), Some(""));
        assert_eq!(p.stid.as_deref(), Some("你"));
        assert_eq!(p.random, None);
        let raw_plus = SendParams::from_query("internationalCode=+86");
        assert_eq!(raw_plus.international_code.as_deref(), Some(" 86"));
        assert_eq!(SendParams::from_query(""), SendParams::default());
    }

    #[test]
    fn every_code_has_a_message() {
        for code in [
            5000, 5019, 5021, 5023, 5058, 5092, 5116, 5117, 5118, 5122, 5123, 5124, 5125, 5126,
            5128, 5145, 5188, 5202, 5209, 5216, 5420, 5421,
        ] {
            assert_ne!(message(code), "Unknown error", "{code}");
        }
        assert_eq!(message(200), "");
    }
}
