//! Request signing: the pure part of the protocol.

use sha2::{Digest, Sha256};

use crate::error::Error;

/// Length of the `random` query parameter the platform requires.
pub const RANDOM_LEN: usize = 16;

/// Length of a signature: SHA-256 as lowercase hex.
pub const SIGNATURE_LEN: usize = 64;

/// What the code is for: the `codeType` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum CodeType {
    /// 1: password reset.
    PasswordReset = 1,
    /// 2: login.
    Login = 2,
    /// 3: registration.
    Registration = 3,
    /// 4: account cancellation.
    AccountCancellation = 4,
    /// 5: add push recipient.
    AddPushRecipient = 5,
}

impl CodeType {
    /// All code types, in wire order.
    pub const ALL: [CodeType; 5] = [
        CodeType::PasswordReset,
        CodeType::Login,
        CodeType::Registration,
        CodeType::AccountCancellation,
        CodeType::AddPushRecipient,
    ];

    /// The integer sent as `codeType`.
    pub fn as_i32(self) -> i32 {
        self as i32
    }

    /// Kebab-case name, as the CLI spells it (`password-reset`, `login`, ...).
    pub fn name(self) -> &'static str {
        match self {
            CodeType::PasswordReset => "password-reset",
            CodeType::Login => "login",
            CodeType::Registration => "registration",
            CodeType::AccountCancellation => "account-cancellation",
            CodeType::AddPushRecipient => "add-push-recipient",
        }
    }

    /// Parses a name (`login`, `password-reset`, also with `_`) or a number (`1`..`5`).
    pub fn from_name(text: &str) -> Option<CodeType> {
        let normalized = text.trim().to_ascii_lowercase().replace('_', "-");
        CodeType::ALL
            .into_iter()
            .find(|t| t.name() == normalized || t.as_i32().to_string() == normalized)
    }
}

impl TryFrom<i32> for CodeType {
    type Error = Error;

    /// Accepts 1..=5: the one check of the code type's range, whichever way a number
    /// comes in (`InvalidArgument` otherwise).
    fn try_from(value: i32) -> Result<Self, Error> {
        CodeType::ALL
            .into_iter()
            .find(|t| t.as_i32() == value)
            .ok_or_else(|| code_type_error(value))
    }
}

/// The error for a `codeType` outside 1..=5.
fn code_type_error(code_type: i32) -> Error {
    Error::invalid(format!(
        "code type {code_type} is out of range: use 1 (password reset), 2 (login), \
         3 (registration), 4 (account cancellation) or 5 (add push recipient)"
    ))
}

impl std::fmt::Display for CodeType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Computes the request signature into `out` without allocating:
/// lowercase hex of SHA-256(`phone` + `code_type` + `random` + `ts` + `secret`),
/// numbers in decimal, strings as UTF-8 bytes.
///
/// **Erratum:** the platform's page prints
/// `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855` for its worked
/// example. That is the SHA-256 of the *empty string*. The correct signature of the
/// example (`13800138000` / 3 / `76a6L647F02CAoN9` / 1744773894369 /
/// `57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33`) is
/// `adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891`.
///
/// This is the bare computation: it does not validate its inputs (see
/// [`crate::validate`]), so the emulator can recompute signatures of any request.
/// Every signature of the library (`sms_sign`, the client, prepared requests) comes
/// from here.
pub fn sign_into(
    phone: &str,
    code_type: i32,
    random: &str,
    ts: i64,
    secret: &str,
    out: &mut [u8; SIGNATURE_LEN],
) {
    let (mut code_type_text, mut ts_text) = (itoa::Buffer::new(), itoa::Buffer::new());
    let mut hasher = Sha256::new();
    hasher.update(phone);
    hasher.update(code_type_text.format(code_type));
    hasher.update(random);
    hasher.update(ts_text.format(ts));
    hasher.update(secret);
    let digest = hasher.finalize();
    hex::encode_to_slice(digest, out).expect("a SHA-256 digest is 32 bytes: 64 hex digits");
}

/// [`sign_into`], returning the signature as a `String`.
///
/// ```
/// let sig = smscode::sign("13800138000", smscode::CodeType::Registration, "76a6L647F02CAoN9",
///     1744773894369, "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33");
/// assert_eq!(sig, "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891");
/// ```
pub fn sign(phone: &str, code_type: CodeType, random: &str, ts: i64, secret: &str) -> String {
    let mut out = [0u8; SIGNATURE_LEN];
    sign_into(phone, code_type.as_i32(), random, ts, secret, &mut out);
    // Hex digits are ASCII.
    String::from_utf8(out.to_vec()).expect("hex is ASCII")
}

/// A fresh `random` value: 16 characters of `[A-Za-z0-9]`, drawn from the OS for this
/// call alone, so a forked child never repeats its parent's values (a generator kept
/// in the process would be copied by `fork()`).
pub fn new_random() -> String {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(RANDOM_LEN);
    let mut bytes = [0u8; 32];
    while out.len() < RANDOM_LEN {
        // A failing OS source is a broken system: like rand's `from_os_rng`, it panics
        // (the C boundary turns that into SMS_ERR_INTERNAL).
        if getrandom::fill(&mut bytes).is_err() {
            panic!("the OS random source failed");
        }
        // Bytes from 248 (4 x 62) up are dropped, so each character is equally likely.
        for &b in bytes.iter().filter(|&&b| b < 248) {
            if out.len() < RANDOM_LEN {
                out.push(char::from(ALPHABET[usize::from(b % 62)]));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message length around SHA-256's block edges, ASCII and non-ASCII secrets,
    /// and numbers of every sign, against the message spelled out with `format!`.
    #[test]
    fn signs_the_five_parts_in_order() {
        let (phone, random) = ("13800138000", "76a6L647F02CAoN9");
        for secret_len in 0..=230 {
            for fill in ["s", "\u{e9}"] {
                for (code_type, ts) in [(3, 1744773894369), (-7, -1), (i32::MAX, i64::MIN)] {
                    let secret = fill.repeat(secret_len / fill.len());
                    let message = format!("{phone}{code_type}{random}{ts}{secret}");
                    let expected = hex::encode(Sha256::digest(message.as_bytes()));
                    let mut out = [0u8; SIGNATURE_LEN];
                    sign_into(phone, code_type, random, ts, &secret, &mut out);
                    assert_eq!(std::str::from_utf8(&out).unwrap(), expected, "{message}");
                }
            }
        }
    }

    #[test]
    fn spec_example_is_not_the_printed_digest() {
        let sig = sign(
            "13800138000",
            CodeType::Registration,
            "76a6L647F02CAoN9",
            1744773894369,
            "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33",
        );
        assert_eq!(
            sig,
            "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
        );
        assert_ne!(
            sig,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn random_is_sixteen_alphanumerics_and_fresh() {
        let a = new_random();
        let b = new_random();
        assert_eq!(a.len(), RANDOM_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn random_draws_every_alphanumeric() {
        // 3,200 draws from 62 characters: one missing has a probability below 1e-20.
        let mut seen = [false; 128];
        for _ in 0..200 {
            for c in new_random().bytes() {
                seen[usize::from(c)] = true;
            }
        }
        let mut all = (b'0'..=b'9').chain(b'A'..=b'Z').chain(b'a'..=b'z');
        assert!(all.all(|c| seen[usize::from(c)]));
        assert_eq!(seen.iter().filter(|&&s| s).count(), 62);
    }

    #[test]
    fn code_type_names_round_trip() {
        for t in CodeType::ALL {
            assert_eq!(CodeType::from_name(t.name()), Some(t));
            assert_eq!(CodeType::try_from(t.as_i32()), Ok(t));
        }
        assert_eq!(
            CodeType::from_name("PASSWORD_RESET"),
            Some(CodeType::PasswordReset)
        );
        assert_eq!(CodeType::from_name("3"), Some(CodeType::Registration));
        for bad in [0, 6, -1] {
            let error = CodeType::try_from(bad).unwrap_err();
            assert_eq!(error.status(), crate::Status::InvalidArgument);
            assert!(
                error.message().contains(&format!("code type {bad}")),
                "{error}"
            );
        }
    }
}
