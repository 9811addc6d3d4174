//! Request signing: the pure part of the protocol.

use sha2::digest::generic_array::GenericArray;
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
    let mut message = Message::new();
    let fits = message.push(phone.as_bytes())
        && message.push_decimal(code_type.into())
        && message.push(random.as_bytes())
        && message.push_decimal(ts)
        && message.push(secret.as_bytes());
    if fits {
        write_hex(&message.digest(), out);
    } else {
        sign_long(phone, code_type, random, ts, secret, out);
    }
}

/// [`sign_into`] for a message longer than [`MESSAGE_MAX`]: the streaming hasher.
#[cold]
#[inline(never)]
fn sign_long(
    phone: &str,
    code_type: i32,
    random: &str,
    ts: i64,
    secret: &str,
    out: &mut [u8; SIGNATURE_LEN],
) {
    let mut code_type_buf = [0u8; 20];
    let mut ts_buf = [0u8; 20];
    let mut hasher = Sha256::new();
    hasher.update(phone.as_bytes());
    hasher.update(write_decimal(code_type.into(), &mut code_type_buf));
    hasher.update(random.as_bytes());
    hasher.update(write_decimal(ts, &mut ts_buf));
    hasher.update(secret.as_bytes());
    let digest = hasher.finalize();
    for (pair, byte) in out.chunks_exact_mut(2).zip(digest) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(byte)]);
    }
}

/// SHA-256's initial hash value (FIPS 180-4, section 5.3.3).
const SHA256_INIT: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// The stack buffer a message is assembled in: four SHA-256 blocks.
const BUFFER_LEN: usize = 256;

/// The longest message hashed from the stack buffer: the padding needs 9 more bytes
/// (0x80 and the bit length). The spec's example is 85 bytes.
pub(crate) const MESSAGE_MAX: usize = BUFFER_LEN - 9;

/// The message to sign, assembled in one stack buffer and hashed with the bare
/// SHA-256 block function: no hasher state and no copying between buffers, which
/// is what made signing 2-3x the cost of the hash alone.
pub(crate) struct Message {
    buf: [u8; BUFFER_LEN],
    len: usize,
}

impl Message {
    #[inline(always)]
    pub(crate) fn new() -> Message {
        Message {
            buf: [0; BUFFER_LEN],
            len: 0,
        }
    }

    /// Appends `bytes`; returns false, appending nothing, when they do not fit.
    #[inline(always)]
    pub(crate) fn push(&mut self, bytes: &[u8]) -> bool {
        if bytes.len() > MESSAGE_MAX - self.len {
            return false;
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        true
    }

    /// Appends `value` in decimal; returns false, appending nothing, when it does
    /// not fit. Two digits per division.
    #[inline(always)]
    pub(crate) fn push_decimal(&mut self, value: i64) -> bool {
        let mut magnitude = value.unsigned_abs();
        let digits = magnitude.checked_ilog10().map_or(1, |log| log as usize + 1);
        let sign = usize::from(value < 0);
        if digits + sign > MESSAGE_MAX - self.len {
            return false;
        }
        if value < 0 {
            self.buf[self.len] = b'-';
        }
        let end = self.len + sign + digits;
        let mut pos = end;
        // Byte by byte: at opt-level "s" a 2-byte `copy_from_slice` is a call.
        while magnitude >= 100 {
            pos -= 2;
            let [tens, ones] = DIGIT_PAIRS[(magnitude % 100) as usize];
            self.buf[pos] = tens;
            self.buf[pos + 1] = ones;
            magnitude /= 100;
        }
        if magnitude >= 10 {
            let [tens, ones] = DIGIT_PAIRS[magnitude as usize];
            self.buf[pos - 2] = tens;
            self.buf[pos - 1] = ones;
        } else {
            self.buf[pos - 1] = b'0' + magnitude as u8;
        }
        self.len = end;
        true
    }

    /// Appends the NUL-terminated string at `text` in one pass that finds its end,
    /// checks each byte with `accept` and copies it. `accept` must refuse NUL.
    /// Returns the length, or `None` when a byte is refused or the string is longer
    /// than `limit` or the room left; the message length is then unchanged (bytes
    /// past it may have been written).
    ///
    /// # Safety
    /// `text` points to a NUL-terminated string.
    #[inline(always)]
    pub(crate) unsafe fn push_c_str(
        &mut self,
        text: *const u8,
        limit: usize,
        accept: impl Fn(u8) -> bool,
    ) -> Option<usize> {
        let room = limit.min(MESSAGE_MAX - self.len);
        let dest = &mut self.buf[self.len..self.len + room];
        let mut len = 0;
        while len < dest.len() {
            // SAFETY: the bytes before `len` were accepted, so not NUL: `len` is at
            // most the string's length, and the read is inside the string or its NUL.
            let byte = unsafe { *text.add(len) };
            if !accept(byte) {
                break;
            }
            dest[len] = byte;
            len += 1;
        }
        // SAFETY: as above. The string ends here only if this byte is its NUL.
        if unsafe { *text.add(len) } != 0 {
            return None;
        }
        self.len += len;
        Some(len)
    }

    /// Pads the message (FIPS 180-4, section 5.1.1) and hashes it: the digest as
    /// its eight state words.
    #[inline(always)]
    pub(crate) fn digest(&mut self) -> [u32; 8] {
        let len = self.len;
        // The buffer starts zeroed, so only the 0x80 and the length are written.
        self.buf[len] = 0x80;
        let end = (len + 9).div_ceil(64) * 64;
        let bit_len: &mut [u8; 8] = (&mut self.buf[end - 8..end]).try_into().expect("8 bytes");
        *bit_len = (len as u64 * 8).to_be_bytes();
        let mut state = SHA256_INIT;
        for block in self.buf[..end].chunks_exact(64) {
            sha2::compress256(
                &mut state,
                std::slice::from_ref(GenericArray::from_slice(block)),
            );
        }
        state
    }
}

/// Writes the digest (its state words, big-endian) as 64 lowercase hex digits.
#[inline(always)]
pub(crate) fn write_hex(state: &[u32; 8], out: &mut [u8; SIGNATURE_LEN]) {
    let mut pos = 0;
    for word in state {
        for byte in word.to_be_bytes() {
            // Byte by byte: at opt-level "s" a 2-byte `copy_from_slice` is a call.
            let [high, low] = HEX_PAIRS[usize::from(byte)];
            out[pos] = high;
            out[pos + 1] = low;
            pos += 2;
        }
    }
}

/// The two lowercase hex digits of every byte value.
static HEX_PAIRS: [[u8; 2]; 256] = {
    let digits = b"0123456789abcdef";
    let mut table = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = [digits[i >> 4], digits[i & 15]];
        i += 1;
    }
    table
};

/// "00" to "99".
static DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut table = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        table[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    table
};

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
        for value in [
            0,
            1,
            9,
            10,
            99,
            100,
            101,
            -1,
            -10,
            -99,
            1744773894369,
            i64::MAX,
            i64::MIN,
        ] {
            let mut buf = [0u8; 20];
            assert_eq!(write_decimal(value, &mut buf), value.to_string().as_bytes());
            let mut message = Message::new();
            assert!(message.push(b"x"));
            assert!(message.push_decimal(value));
            assert_eq!(&message.buf[1..message.len], value.to_string().as_bytes());
        }
    }

    /// The stack-buffer path (and the C ABI's one-pass path) against the streaming
    /// hasher, for every message length around the padding's block edges and past
    /// the buffer, with ASCII and non-ASCII secrets.
    #[test]
    fn every_length_agrees_with_the_streaming_hash() {
        use std::ffi::{CStr, CString};
        let (phone, random, ts) = ("13800138000", "76a6L647F02CAoN9", 1744773894369);
        for secret_len in 0..=(MESSAGE_MAX + 20 - 41) {
            for fill in ["s", "\u{e9}"] {
                let secret: String = fill.repeat(secret_len / fill.len());
                let message = format!("{phone}3{random}{ts}{secret}");
                let expected = hex::encode(Sha256::digest(message.as_bytes()));
                let mut out = [0u8; SIGNATURE_LEN];
                sign_into(phone, 3, random, ts, &secret, &mut out);
                assert_eq!(std::str::from_utf8(&out).unwrap(), expected, "{message}");

                let c = |text: &str| CString::new(text).unwrap();
                let (c_phone, c_random, c_secret) = (c(phone), c(random), c(&secret));
                let mut c_out = [0x7f as std::ffi::c_char; 66];
                // SAFETY: NUL-terminated strings and a 66-byte buffer.
                let status = unsafe {
                    crate::ffi::sms_sign(
                        c_phone.as_ptr(),
                        3,
                        c_random.as_ptr(),
                        ts,
                        c_secret.as_ptr(),
                        c_out.as_mut_ptr(),
                        c_out.len(),
                    )
                };
                assert_eq!(status, crate::ffi::SMS_OK);
                // SAFETY: sms_sign wrote a NUL-terminated string.
                let signed = unsafe { CStr::from_ptr(c_out.as_ptr()) };
                assert_eq!(signed.to_str().unwrap(), expected, "{message}");
                assert_eq!(c_out[65], 0x7f, "nothing written past the NUL");
            }
        }
    }

    #[test]
    fn the_c_abi_refuses_what_the_fast_path_skips() {
        use std::ffi::CString;
        let c = |text: &str| CString::new(text).unwrap();
        let sign_c = |random: &str, code_type: i32, ts: i64, out_len: usize| {
            let (phone, random, secret) = (c("1"), c(random), c("s"));
            let mut out = [0x7f as std::ffi::c_char; 65];
            // SAFETY: NUL-terminated strings and a buffer of at least `out_len` bytes.
            let status = unsafe {
                crate::ffi::sms_sign(
                    phone.as_ptr(),
                    code_type,
                    random.as_ptr(),
                    ts,
                    secret.as_ptr(),
                    out.as_mut_ptr(),
                    out_len.min(65),
                )
            };
            assert!(status == crate::ffi::SMS_OK || out.iter().all(|&b| b == 0x7f));
            status
        };
        let good = "76a6L647F02CAoN9";
        assert_eq!(sign_c(good, 3, 0, 65), crate::ffi::SMS_OK);
        let invalid = crate::ffi::SMS_ERR_INVALID_ARGUMENT;
        assert_eq!(sign_c("76a6L647F02CAoN", 3, 0, 65), invalid);
        assert_eq!(sign_c("76a6L647F02CAoN9x", 3, 0, 65), invalid);
        assert_eq!(sign_c("76a6L647F02CAo 9", 3, 0, 65), invalid);
        assert_eq!(sign_c(good, 0, 0, 65), invalid);
        assert_eq!(sign_c(good, 6, 0, 65), invalid);
        assert_eq!(sign_c(good, 3, -1, 65), invalid);
        assert_eq!(sign_c(good, 3, 0, 64), crate::ffi::SMS_ERR_BUFFER_TOO_SMALL);
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
        assert_eq!(CodeType::try_from(0), Err(0));
        assert_eq!(CodeType::try_from(6), Err(6));
    }
}
