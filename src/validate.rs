//! Input checks, done before any network use.
//!
//! Where the platform has a code for a problem, the check answers with that code
//! (the caller sees the same number the server would send); everything else is a
//! local [`Error`] with status `InvalidArgument`.

use crate::error::Error;
use crate::sign::RANDOM_LEN;

/// Server code: phone number format incorrect.
pub const CODE_PHONE_FORMAT: i32 = 5019;
/// Server code: please enter phone number.
pub const CODE_PHONE_MISSING: i32 = 5021;
/// Server code: please enter user domain.
pub const CODE_USER_DOMAIN_MISSING: i32 = 5023;
/// Server code: please enter international code.
pub const CODE_INTERNATIONAL_CODE_MISSING: i32 = 5116;
/// Server code: SMS sending exceeds frequency limit.
pub const CODE_FREQUENCY_LIMIT: i32 = 5058;

/// Longest phone number accepted (digits).
pub const MAX_PHONE_DIGITS: usize = 20;
/// Longest international code accepted (digits, after an optional `+`).
pub const MAX_INTERNATIONAL_CODE_DIGITS: usize = 6;
/// Longest user domain, ssid, stid, language or user agent accepted (bytes).
pub const MAX_TEXT_LEN: usize = 256;

/// Why a send is refused before it reaches the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The platform's own code for the problem (5019, 5021, 5023, 5116).
    Code(i32),
    /// A problem the platform has no code for.
    Invalid(Error),
}

/// Checks the per-send inputs, in the order the platform's table lists them (the
/// code type is already a [`CodeType`], so in range).
pub fn check_send(
    user_domain: &str,
    secret: &str,
    international_code: &str,
    phone: &str,
) -> Result<(), Rejection> {
    if secret.is_empty() {
        return Err(Rejection::Invalid(Error::invalid(
            "user domain secret is empty",
        )));
    }
    if phone.is_empty() {
        return Err(Rejection::Code(CODE_PHONE_MISSING));
    }
    if user_domain.is_empty() {
        return Err(Rejection::Code(CODE_USER_DOMAIN_MISSING));
    }
    check_text("user domain", user_domain).map_err(Rejection::Invalid)?;
    if international_code.is_empty() {
        return Err(Rejection::Code(CODE_INTERNATIONAL_CODE_MISSING));
    }
    if !is_international_code(international_code) {
        return Err(Rejection::Invalid(Error::invalid(
            "international code must be an optional '+' and 1 to 6 digits, like +86",
        )));
    }
    if !is_phone(phone) {
        return Err(Rejection::Code(CODE_PHONE_FORMAT));
    }
    Ok(())
}

/// Checks the given `random` and `ts` of a bare signature or a prepared request (the
/// code type is already a [`CodeType`], so in range).
pub fn check_sign(random: &str, ts: i64) -> Result<(), Error> {
    if random.len() != RANDOM_LEN || !random.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            "random must be exactly 16 printable ASCII characters (0x21-0x7E)",
        ));
    }
    check_ts(ts)
}

/// `ts` is a Unix time in milliseconds: never before 1970. Given or taken from the
/// clock plus the client's offset, the same rule.
pub fn check_ts(ts: i64) -> Result<(), Error> {
    if ts < 0 {
        return Err(Error::invalid(format!(
            "ts {ts} is before 1970: it must be a non-negative Unix time in milliseconds \
             (check the clock offset)"
        )));
    }
    Ok(())
}

/// Checks a free-text option that travels in a header or the query string:
/// at most 256 bytes, no control characters.
pub fn check_text(what: &str, value: &str) -> Result<(), Error> {
    if value.len() > MAX_TEXT_LEN {
        return Err(Error::invalid(format!(
            "{what} is longer than {MAX_TEXT_LEN} bytes"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "{what} contains a control character"
        )));
    }
    Ok(())
}

/// 1 to 20 ASCII digits.
pub fn is_phone(phone: &str) -> bool {
    (1..=MAX_PHONE_DIGITS).contains(&phone.len()) && phone.bytes().all(|b| b.is_ascii_digit())
}

/// An optional `+` and 1 to 6 ASCII digits.
pub fn is_international_code(code: &str) -> bool {
    let digits = code.strip_prefix('+').unwrap_or(code);
    (1..=MAX_INTERNATIONAL_CODE_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a header value: as [`check_text`], and also not empty and ASCII only, which
/// every HTTP stack sends as given (libcurl drops an empty header, and the platforms'
/// stacks refuse non-ASCII values).
pub fn check_header(what: &str, value: &str) -> Result<(), Error> {
    check_text(what, value)?;
    if value.is_empty() || !value.is_ascii() {
        return Err(Error::invalid(format!(
            "{what} must be non-empty printable ASCII (it travels as an HTTP header)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::CodeType;

    fn send(domain: &str, secret: &str, intl: &str, phone: &str, code_type: i32) -> Option<i32> {
        let Ok(_) = CodeType::try_from(code_type) else {
            return Some(-3);
        };
        match check_send(domain, secret, intl, phone) {
            Ok(()) => None,
            Err(Rejection::Code(code)) => Some(code),
            Err(Rejection::Invalid(_)) => Some(-3),
        }
    }

    #[test]
    fn send_checks_answer_with_platform_codes() {
        assert_eq!(send("d", "s", "+86", "13800138000", 3), None);
        assert_eq!(send("d", "s", "86", "13800138000", 3), None);
        assert_eq!(send("d", "s", "+86", "", 3), Some(5021));
        assert_eq!(send("", "s", "+86", "13800138000", 3), Some(5023));
        assert_eq!(send("d", "s", "", "13800138000", 3), Some(5116));
        assert_eq!(send("d", "s", "+86", "138-0013", 3), Some(5019));
        assert_eq!(send("d", "s", "+86", &"1".repeat(21), 3), Some(5019));
        assert_eq!(send("d", "s", "+86", &"1".repeat(20), 3), None);
        assert_eq!(send("d", "s", "+1234567", "13800138000", 3), Some(-3));
        assert_eq!(send("d", "s", "+", "13800138000", 3), Some(-3));
        assert_eq!(send("d", "", "+86", "13800138000", 3), Some(-3));
        assert_eq!(send("d", "s", "+86", "13800138000", 0), Some(-3));
        assert_eq!(send("d", "s", "+86", "13800138000", 6), Some(-3));
        assert_eq!(send("a\nb", "s", "+86", "13800138000", 1), Some(-3));
        assert_eq!(
            send(&"d".repeat(257), "s", "+86", "13800138000", 1),
            Some(-3)
        );
    }

    #[test]
    fn sign_checks() {
        assert!(check_sign("76a6L647F02CAoN9", 0).is_ok());
        assert!(check_sign("76a6L647F02CAoN", 0).is_err());
        assert!(check_sign("76a6L647F02CAoN9x", 0).is_err());
        assert!(check_sign("76a6L647F02 AoN9", 0).is_err());
        assert!(check_sign("76a6L647F02CAoN9", -1).is_err());
        assert!(CodeType::try_from(0).is_err());
    }

    #[test]
    fn header_values_are_non_empty_ascii() {
        assert!(check_header("user agent", "app/1.0 (iOS 17)").is_ok());
        for bad in ["", "caf\u{e9}/1", "a\nb", &"a".repeat(257)] {
            let error = check_header("user agent", bad).unwrap_err();
            assert_eq!(error.status(), crate::Status::InvalidArgument, "{bad:?}");
            assert!(error.message().starts_with("user agent"), "{error}");
        }
    }
}
