//! Request signing: the pure part of the protocol.

use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

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
    type Error = i32;

    /// Accepts 1..=5; returns the rejected value otherwise.
    fn try_from(value: i32) -> Result<Self, i32> {
        CodeType::ALL
            .into_iter()
            .find(|t| t.as_i32() == value)
            .ok_or(value)
    }
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
pub fn sign_into(
    phone: &str,
    code_type: i32,
    random: &str,
    ts: i64,
    secret: &str,
    out: &mut [u8; SIGNATURE_LEN],
) {
    let mut code_type_buf = itoa_buf();
    let mut ts_buf = itoa_buf();
    let mut hasher = Sha256::new();
    hasher.update(phone.as_bytes());
    hasher.update(write_decimal(code_type.into(), &mut code_type_buf));
    hasher.update(random.as_bytes());
    hasher.update(write_decimal(ts, &mut ts_buf));
    hasher.update(secret.as_bytes());
    let digest = hasher.finalize();
    // 32 bytes always fit 64 hex characters, so this cannot fail.
    hex::encode_to_slice(digest, out).expect("64-byte buffer for a 32-byte digest");
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

/// A fresh `random` value: 16 characters of `[A-Za-z0-9]`, from a generator seeded
/// by the OS for this call alone, so a forked child never repeats its parent's values
/// (a thread-local generator would be copied by `fork()`).
pub fn new_random() -> String {
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_os_rng();
    Alphanumeric.sample_string(&mut rng, RANDOM_LEN)
}

fn itoa_buf() -> [u8; 20] {
    [0u8; 20]
}

/// Writes `value` in decimal into `buf` and returns the written bytes.
/// `i64::MIN` has 20 characters, which is the buffer size.
fn write_decimal(value: i64, buf: &mut [u8; 20]) -> &[u8] {
    let negative = value < 0;
    let mut magnitude = value.unsigned_abs();
    let mut pos = buf.len();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if negative {
        pos -= 1;
        buf[pos] = b'-';
    }
    &buf[pos..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_matches_std_formatting() {
        for value in [0, 1, 9, 10, -1, 1744773894369, i64::MAX, i64::MIN] {
            let mut buf = itoa_buf();
            assert_eq!(write_decimal(value, &mut buf), value.to_string().as_bytes());
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
        assert_eq!(CodeType::try_from(0), Err(0));
        assert_eq!(CodeType::try_from(6), Err(6));
    }
}
