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
    if !sign_short(
        phone.as_bytes(),
        code_type,
        random.as_bytes(),
        ts,
        secret.as_bytes(),
        out,
    ) {
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
    let code_type_len = decimal_len(code_type.into());
    let ts_len = decimal_len(ts);
    put_decimal(&mut code_type_buf, code_type.into(), code_type_len);
    put_decimal(&mut ts_buf, ts, ts_len);
    let mut hasher = Sha256::new();
    hasher.update(phone.as_bytes());
    hasher.update(&code_type_buf[..code_type_len]);
    hasher.update(random.as_bytes());
    hasher.update(&ts_buf[..ts_len]);
    hasher.update(secret.as_bytes());
    let digest = hasher.finalize();
    // The digest as the state words `write_hex` takes.
    let state = std::array::from_fn(|i| {
        u32::from_be_bytes([
            digest[4 * i],
            digest[4 * i + 1],
            digest[4 * i + 2],
            digest[4 * i + 3],
        ])
    });
    write_hex(&state, out);
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

/// [`sign_into`] for a message of at most [`MESSAGE_MAX`] bytes: assembled at
/// offsets known up front in one stack buffer and hashed there with the bare SHA-256
/// block function. No hasher state, no copying between buffers and no running
/// length kept in memory, which is what made signing 2-3x the cost of the hash.
/// Returns false, having written nothing, when the message is longer.
#[inline(always)]
pub(crate) fn sign_short(
    phone: &[u8],
    code_type: i32,
    random: &[u8],
    ts: i64,
    secret: &[u8],
    out: &mut [u8; SIGNATURE_LEN],
) -> bool {
    let code_type_len = decimal_len(code_type.into());
    let ts_len = decimal_len(ts);
    let len = [
        phone.len(),
        code_type_len,
        random.len(),
        ts_len,
        secret.len(),
    ]
    .into_iter()
    .fold(0, usize::saturating_add);
    if len > MESSAGE_MAX {
        return false;
    }
    let mut block = [0u8; BUFFER_LEN];
    let rest = put(&mut block, phone);
    let rest = put_decimal(rest, code_type.into(), code_type_len);
    let rest = put(rest, random);
    let rest = put_decimal(rest, ts, ts_len);
    put(rest, secret);
    write_hex(&digest(&mut block, len), out);
    true
}

/// Copies `bytes` to the start of `buf` and returns the rest of it.
#[inline(always)]
fn put<'a>(buf: &'a mut [u8], bytes: &[u8]) -> &'a mut [u8] {
    let (head, rest) = buf.split_at_mut(bytes.len());
    head.copy_from_slice(bytes);
    rest
}

/// The length of `value` in decimal, its sign included.
#[inline(always)]
fn decimal_len(value: i64) -> usize {
    let digits = value
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |log| log as usize + 1);
    digits + usize::from(value < 0)
}

/// Writes `value` in decimal (`len` bytes, from [`decimal_len`]) to the start of
/// `buf` and returns the rest of it. Two digits per division.
#[inline(always)]
fn put_decimal(buf: &mut [u8], value: i64, len: usize) -> &mut [u8] {
    let (digits, rest) = buf.split_at_mut(len);
    if value < 0 {
        digits[0] = b'-';
    }
    let mut magnitude = value.unsigned_abs();
    let mut pos = len;
    // Byte by byte: at opt-level "s" a 2-byte `copy_from_slice` is a call.
    while magnitude >= 100 {
        pos -= 2;
        let [tens, ones] = DIGIT_PAIRS[(magnitude % 100) as usize];
        digits[pos] = tens;
        digits[pos + 1] = ones;
        magnitude /= 100;
    }
    if magnitude >= 10 {
        let [tens, ones] = DIGIT_PAIRS[magnitude as usize];
        digits[pos - 2] = tens;
        digits[pos - 1] = ones;
    } else {
        digits[pos - 1] = b'0' + magnitude as u8;
    }
    rest
}

/// Pads the `len`-byte message at the start of the zeroed `block` (FIPS 180-4,
/// section 5.1.1) and hashes it: the digest as its eight state words.
#[inline(always)]
fn digest(block: &mut [u8; BUFFER_LEN], len: usize) -> [u32; 8] {
    // The buffer starts zeroed, so only the 0x80 and the length are written.
    block[len] = 0x80;
    let end = (len + 9).div_ceil(64) * 64;
    let bit_len: &mut [u8; 8] = (&mut block[end - 8..end]).try_into().expect("8 bytes");
    *bit_len = (len as u64 * 8).to_be_bytes();
    let mut state = SHA256_INIT;
    for chunk in block[..end].chunks_exact(64) {
        sha2::compress256(
            &mut state,
            std::slice::from_ref(GenericArray::from_slice(chunk)),
        );
    }
    state
}

/// Writes the digest (its state words, big-endian) as 64 lowercase hex digits, 16 at
/// a time: the byte-by-byte table walk was a fifth of `sms_sign`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn write_hex(state: &[u32; 8], out: &mut [u8; SIGNATURE_LEN]) {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of every x86_64 CPU. The loads read `state` (32 bytes) and
    // the stores write `out` (64 bytes) in bounds, unaligned access allowed.
    unsafe {
        let low_nibbles = _mm_set1_epi8(0x0f);
        for half in 0..2 {
            let words = _mm_loadu_si128(state.as_ptr().add(4 * half).cast());
            // Each word big-endian (no byte shuffle in SSE2): swap its 16-bit
            // halves, then the bytes in each half. Now the digest's bytes in order.
            let words = _mm_or_si128(_mm_slli_epi32::<16>(words), _mm_srli_epi32::<16>(words));
            let bytes = _mm_or_si128(_mm_slli_epi16::<8>(words), _mm_srli_epi16::<8>(words));
            let high = _mm_and_si128(_mm_srli_epi16::<4>(bytes), low_nibbles);
            let low = _mm_and_si128(bytes, low_nibbles);
            // Each byte's high nibble, then its low one: the digits in output order.
            let nibbles = [_mm_unpacklo_epi8(high, low), _mm_unpackhi_epi8(high, low)];
            for (quarter, nibbles) in nibbles.into_iter().enumerate() {
                // '0' + n, plus the gap to 'a' for 10..=15.
                let above_nine = _mm_cmpgt_epi8(nibbles, _mm_set1_epi8(9));
                let gap = _mm_and_si128(above_nine, _mm_set1_epi8((b'a' - b'0' - 10) as i8));
                let digits = _mm_add_epi8(_mm_add_epi8(nibbles, _mm_set1_epi8(b'0' as i8)), gap);
                let at = out.as_mut_ptr().add(32 * half + 16 * quarter);
                _mm_storeu_si128(at.cast(), digits);
            }
        }
    }
}

/// Writes the digest (its state words, big-endian) as 64 lowercase hex digits.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn write_hex(state: &[u32; 8], out: &mut [u8; SIGNATURE_LEN]) {
    write_hex_bytewise(state, out);
}

/// [`write_hex`] through the table, for every other architecture (and, in tests,
/// the reference the x86_64 version is checked against).
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline(always)]
fn write_hex_bytewise(state: &[u32; 8], out: &mut [u8; SIGNATURE_LEN]) {
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
#[cfg(any(test, not(target_arch = "x86_64")))]
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
            let len = decimal_len(value);
            assert_eq!(len, value.to_string().len());
            let mut block = [b'x'; 22];
            let rest = put_decimal(&mut block[1..], value, len);
            assert_eq!(rest.len(), 21 - len);
            assert_eq!(&block[1..1 + len], value.to_string().as_bytes());
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

    /// Both hex writers against the `hex` crate, for digests whose bytes take every
    /// value in every position.
    #[test]
    fn hex_writers_agree() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..2000u32 {
            let mut state = [0u32; 8];
            for word in state.iter_mut() {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                // The first 256 rounds put every byte value in every position.
                *word = if round < 256 {
                    round * 0x0101_0101
                } else {
                    (seed >> 32) as u32
                };
            }
            let bytes: Vec<u8> = state.iter().flat_map(|w| w.to_be_bytes()).collect();
            let expected = hex::encode(bytes);
            let (mut fast, mut bytewise) = ([0u8; SIGNATURE_LEN], [0u8; SIGNATURE_LEN]);
            write_hex(&state, &mut fast);
            write_hex_bytewise(&state, &mut bytewise);
            assert_eq!(std::str::from_utf8(&fast).unwrap(), expected);
            assert_eq!(std::str::from_utf8(&bytewise).unwrap(), expected);
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
