//! The server's answer: parsing and the documented codes.

use crate::error::{Error, Status};

/// Largest response body read; anything longer is a `BadResponse`.
pub const MAX_BODY_BYTES: u64 = 64 * 1024;

/// The fields of the platform's JSON answer that a caller needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseBody {
    /// `code`: 200 (or 0) when the SMS was sent, otherwise the platform's reason.
    pub code: i32,
    /// `msg`, when present and a string.
    pub msg: Option<String>,
    /// `extMsg`, when present and a string.
    pub ext_msg: Option<String>,
}

/// Parses `{"code": int, "msg": str|null, "extMsg": str|null, "data": ...}`.
///
/// `code` must be an integer from 0 to `i32::MAX`: a negative code would read as one
/// of the library's own negative statuses. `msg` and `extMsg` may be missing or
/// `null` (the real service sends `null`), and are ignored when of another type.
/// Other members are skipped; a member given twice counts with its last value.
///
/// The body must be one JSON document (RFC 8259, UTF-8) as serde_json reads it:
/// nesting up to 127 levels, strings with valid escapes (surrogates in pairs), and
/// numbers that fit an `f64`. The library's own small reader (no JSON library in the
/// shipped build); the tests and the fuzz target check it against serde_json.
pub fn parse_body(body: &[u8]) -> Result<ResponseBody, Error> {
    let mut fields = [None, None, None];
    let is_object = read_document(body, &mut fields).map_err(|NotJson(reason, at)| {
        // Line and column as JSON parsers give them (1-based).
        let line = 1 + body[..at].iter().filter(|&&b| b == b'\n').count();
        let column = at
            - body[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        Error::new(
            Status::BadResponse,
            format!("response is not JSON: {reason} at line {line} column {column}"),
        )
    })?;
    if !is_object {
        return Err(Error::new(
            Status::BadResponse,
            "response is not a JSON object",
        ));
    }
    let [code, msg, ext_msg] = fields;
    let code = match code {
        Some(Value::Int(code)) => i32::try_from(code).ok(),
        _ => None,
    }
    .ok_or_else(|| {
        Error::new(
            Status::BadResponse,
            "response has no integer \"code\" field",
        )
    })?;
    if code < 0 {
        return Err(Error::new(
            Status::BadResponse,
            format!("response has a negative \"code\" ({code}); server codes are never negative"),
        ));
    }
    let text = |value| match value {
        Some(Value::Str(text)) => Some(text),
        _ => None,
    };
    Ok(ResponseBody {
        code,
        msg: text(msg),
        ext_msg: text(ext_msg),
    })
}

/// Containers may nest this deep, minus one (serde_json's limit).
const MAX_DEPTH: usize = 128;

/// What the reader keeps of a value: only what the answer's fields can use.
enum Value {
    /// A number that is an integer in `i64` (no fraction or exponent, not `-0`).
    Int(i64),
    Str(String),
    Object,
    Other,
}

/// Why a body is not JSON, and the byte offset where that was found.
struct NotJson(&'static str, usize);

/// Reads a whole body; true when it is an object, whose members `code`, `msg` and
/// `extMsg` are stored in `fields`, in that order (the last one of a name wins).
fn read_document(body: &[u8], fields: &mut [Option<Value>; 3]) -> Result<bool, NotJson> {
    // Every byte outside a string is ASCII in a valid document, so this is the same as
    // checking each string's bytes.
    let text = std::str::from_utf8(body).map_err(|e| NotJson("invalid UTF-8", e.valid_up_to()))?;
    let mut reader = Reader { text, pos: 0 };
    let value = reader.value(0, Some(fields))?;
    reader.skip_whitespace();
    if reader.pos < body.len() {
        return Err(NotJson("trailing characters", reader.pos));
    }
    Ok(matches!(value, Value::Object))
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn peek(&self) -> u8 {
        // NUL stands for the end: outside a string it is never valid either.
        self.text.as_bytes().get(self.pos).copied().unwrap_or(0)
    }

    fn fail<T>(&self, reason: &'static str) -> Result<T, NotJson> {
        Err(NotJson(reason, self.pos))
    }

    /// Consumes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == byte;
        self.pos += usize::from(found);
        found
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), b' ' | b'\n' | b'\t' | b'\r') {
            self.pos += 1;
        }
    }

    /// One value; `depth` containers enclose it. `fields` is given for the top level.
    fn value(
        &mut self,
        depth: usize,
        mut fields: Option<&mut [Option<Value>; 3]>,
    ) -> Result<Value, NotJson> {
        self.skip_whitespace();
        let first = self.peek();
        if matches!(first, b'{' | b'[') && depth + 1 >= MAX_DEPTH {
            return self.fail("nested too deeply");
        }
        match first {
            b'{' => {
                self.pos += 1;
                self.skip_whitespace();
                if self.eat(b'}') {
                    return Ok(Value::Object);
                }
                loop {
                    self.skip_whitespace();
                    if !self.eat(b'"') {
                        return self.fail("expected a string key");
                    }
                    let key = self.string()?;
                    self.skip_whitespace();
                    if !self.eat(b':') {
                        return self.fail("expected `:`");
                    }
                    let value = self.value(depth + 1, None)?;
                    if let Some(fields) = fields.as_deref_mut() {
                        let field = match key.as_str() {
                            "code" => Some(0),
                            "msg" => Some(1),
                            "extMsg" => Some(2),
                            _ => None,
                        };
                        if let Some(i) = field {
                            fields[i] = Some(value);
                        }
                    }
                    self.skip_whitespace();
                    if !self.eat(b',') {
                        return if self.eat(b'}') {
                            Ok(Value::Object)
                        } else {
                            self.fail("expected `,` or `}`")
                        };
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.skip_whitespace();
                if self.eat(b']') {
                    return Ok(Value::Other);
                }
                loop {
                    self.value(depth + 1, None)?;
                    self.skip_whitespace();
                    if !self.eat(b',') {
                        return if self.eat(b']') {
                            Ok(Value::Other)
                        } else {
                            self.fail("expected `,` or `]`")
                        };
                    }
                }
            }
            b'"' => {
                self.pos += 1;
                self.string().map(Value::Str)
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => {
                let word: &[u8] = match first {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                if !self.text.as_bytes()[self.pos..].starts_with(word) {
                    return self.fail("expected a value");
                }
                self.pos += word.len();
                Ok(Value::Other)
            }
        }
    }

    /// The rest of a string whose opening quote was read.
    fn string(&mut self) -> Result<String, NotJson> {
        let mut out = String::new();
        let mut start = self.pos;
        loop {
            match self.peek() {
                b'"' => {
                    out.push_str(&self.text[start..self.pos]);
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(&self.text[start..self.pos]);
                    self.pos += 1;
                    out.push(self.escape()?);
                    start = self.pos;
                }
                // A raw control character (NUL included: also the end of the body).
                0..=0x1f => return self.fail("unterminated string or control character in it"),
                _ => self.pos += 1,
            }
        }
    }

    /// The character of an escape whose backslash was read.
    fn escape(&mut self) -> Result<char, NotJson> {
        let escaped = self.peek();
        let c = match escaped {
            b'"' | b'\\' | b'/' => char::from(escaped),
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                self.pos += 1;
                let mut code = self.hex4()?;
                if (0xDC00..0xE000).contains(&code) {
                    return self.fail("unpaired surrogate in a \\u escape");
                }
                if (0xD800..0xDC00).contains(&code) {
                    // A high surrogate: a low one must follow.
                    if !(self.eat(b'\\') && self.eat(b'u')) {
                        return self.fail("unpaired surrogate in a \\u escape");
                    }
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return self.fail("unpaired surrogate in a \\u escape");
                    }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                return char::from_u32(code).map_or_else(|| self.fail("invalid escape"), Ok);
            }
            _ => return self.fail("invalid escape"),
        };
        self.pos += 1;
        Ok(c)
    }

    /// The four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Result<u32, NotJson> {
        let mut code = 0;
        for _ in 0..4 {
            let Some(digit) = char::from(self.peek()).to_digit(16) else {
                return self.fail("invalid \\u escape");
            };
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }

    fn digit(&self) -> Option<u64> {
        let b = self.peek();
        b.is_ascii_digit().then(|| u64::from(b - b'0'))
    }

    /// A number. Its value is computed as serde_json computes it (without its
    /// `float_roundtrip` feature), for the two things that matter: whether it is an
    /// `i64` integer, and whether it is out of an `f64`'s range (then not JSON).
    fn number(&mut self) -> Result<Value, NotJson> {
        let negative = self.eat(b'-');
        // Digits go into `significand` while it fits a u64; integer digits after that
        // scale it by ten each, fraction digits after that are dropped.
        let mut significand: u64 = 0;
        let mut exponent: i32 = 0;
        let mut integer = true;
        match self.digit() {
            Some(0) => {
                self.pos += 1;
                if self.digit().is_some() {
                    return self.fail("invalid number (leading zero)");
                }
            }
            Some(_) => {
                let mut long = false;
                while let Some(d) = self.digit() {
                    self.pos += 1;
                    match significand.checked_mul(10).and_then(|s| s.checked_add(d)) {
                        Some(s) if !long => significand = s,
                        _ => {
                            long = true;
                            exponent = exponent.saturating_add(1);
                        }
                    }
                }
                integer = !long;
            }
            None => return self.fail("invalid number"),
        }
        if self.eat(b'.') {
            integer = false;
            if self.digit().is_none() {
                return self.fail("invalid number");
            }
            let mut dropping = false;
            while let Some(d) = self.digit() {
                self.pos += 1;
                match significand.checked_mul(10).and_then(|s| s.checked_add(d)) {
                    Some(s) if !dropping => {
                        significand = s;
                        exponent = exponent.saturating_sub(1);
                    }
                    _ => dropping = true,
                }
            }
        }
        if self.eat(b'e') || self.eat(b'E') {
            integer = false;
            let positive = !self.eat(b'-');
            if positive {
                self.eat(b'+');
            }
            if self.digit().is_none() {
                return self.fail("invalid number");
            }
            let mut power: Option<i32> = Some(0);
            while let Some(d) = self.digit() {
                self.pos += 1;
                power = power.and_then(|p| p.checked_mul(10)?.checked_add(d as i32));
            }
            exponent = match power {
                Some(p) if positive => exponent.saturating_add(p),
                Some(p) => exponent.saturating_sub(p),
                // An exponent past i32: infinite unless the number is zero or the
                // exponent negative (then zero).
                None if positive && significand != 0 => i32::MAX,
                None => 0,
            };
        }
        if out_of_range(significand, exponent) {
            return self.fail("number out of range");
        }
        Ok(match (integer, negative) {
            (true, false) => i64::try_from(significand).map_or(Value::Other, Value::Int),
            // `-0` and magnitudes past i64 are floats; -2^63 is an integer.
            (true, true) if significand != 0 => 0i64
                .checked_sub_unsigned(significand)
                .map_or(Value::Other, Value::Int),
            _ => Value::Other,
        })
    }
}

/// Whether `significand` x 10^`exponent` overflows an `f64` the way serde_json
/// multiplies it out: `significand as f64` times the nearest `f64` of 10^`exponent`.
/// Below 10^289 the product stays finite (a u64 is below 1.9 x 10^19); negative
/// exponents never overflow.
fn out_of_range(significand: u64, exponent: i32) -> bool {
    const POW10: [f64; 20] = [
        1e289, 1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, 1e300, 1e301,
        1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308,
    ];
    if significand == 0 || exponent < 289 {
        return false;
    }
    match POW10.get((exponent - 289) as usize) {
        Some(pow) => (significand as f64 * pow).is_infinite(),
        None => true,
    }
}

/// True for the two success codes: 200 (status table) and 0 (the spec's example).
pub fn is_success(code: i32) -> bool {
    code == 200 || code == 0
}

/// An English description of a server code or a local status. Never empty.
pub fn describe(code: i32) -> &'static str {
    let Ok(text) = describe_c(code).to_str() else {
        unreachable!("descriptions are ASCII")
    };
    text
}

/// [`describe`] as a C string, for the C ABI.
pub(crate) fn describe_c(code: i32) -> &'static std::ffi::CStr {
    use crate::ffi::*;
    match code {
        0 | 200 => c"SMS verification code sent",
        5000 => c"Service exception",
        5019 => c"Phone number format incorrect",
        5021 => c"Please enter phone number",
        5023 => c"Please enter user domain",
        5058 => c"SMS sending exceeds frequency limit",
        5059 => c"SMS sending exception",
        5092 => c"User domain is not set",
        5093 => c"User domain is abnormal",
        5104 => c"User domain is disabled",
        5116 => c"Please enter international code",
        5117 => c"Please enter enterprise SMS signature ID",
        5118 => c"Please enter enterprise SMS template ID",
        5119 => c"SMS signature is not configured",
        5120 => c"SMS template is not configured",
        5122 => c"No permission to use this enterprise SMS signature ID",
        5123 => c"Enterprise SMS signature ID has been disabled",
        5124 => c"No permission to use this enterprise SMS template ID",
        5125 => c"Enterprise SMS template ID has been disabled",
        5126 => c"SMS signature and template not under the same SMS account",
        5128 => c"Enterprise SMS account has been disabled",
        5145 => c"Incorrect timestamp format",
        5147 => c"Account locked for 20 minutes",
        5148 => c"IP blocked for 20 minutes",
        5188 => c"Enterprise SMS account does not exist",
        5202 => c"Enterprise SMS signature does not exist",
        5209 => c"Enterprise SMS template does not exist",
        5216 => c"Signature ID and template ID types must be consistent",
        5420 => c"Signature verification failed",
        5421 => c"Signature verification error",
        1.. => c"Unknown code",
        // The local statuses, by their C ABI constants (tied to `Status` in error.rs).
        SMS_ERR_NULL_ARGUMENT => c"A required argument is NULL",
        SMS_ERR_INVALID_UTF8 => c"A string argument is not valid UTF-8",
        SMS_ERR_INVALID_ARGUMENT => c"Invalid argument",
        SMS_ERR_BUFFER_TOO_SMALL => c"Output buffer too small",
        SMS_ERR_NETWORK => c"Network error (DNS, connection refused or reset)",
        SMS_ERR_TIMEOUT => c"Timed out",
        SMS_ERR_TLS => c"TLS error",
        SMS_ERR_HTTP_STATUS => c"Unexpected HTTP status",
        SMS_ERR_BAD_RESPONSE => c"Bad response from the server",
        SMS_ERR_INSECURE_URL => c"Insecure URL: plain http is allowed for loopback hosts only",
        SMS_ERR_UNSUPPORTED => c"Not supported: this build has no built-in transport",
        SMS_ERR_INTERNAL => c"Internal error (a bug in smscode)",
        _ => c"Unknown status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_real_success_body_with_nulls() {
        let body = parse_body(br#"{"code":200,"msg":"","data":null,"extMsg":null}"#).unwrap();
        assert_eq!(body.code, 200);
        assert_eq!(body.msg.as_deref(), Some(""));
        assert_eq!(body.ext_msg, None);
    }

    #[test]
    fn unknown_codes_pass_through() {
        let body = parse_body(br#"{"code":7777,"msg":"new","extMsg":"x"}"#).unwrap();
        assert_eq!(body.code, 7777);
        assert_eq!(describe(7777), "Unknown code");
        assert_eq!(body.ext_msg.as_deref(), Some("x"));
    }

    #[test]
    fn rejects_what_is_not_a_response() {
        for body in [
            &b"not json"[..],
            b"[]",
            b"{}",
            br#"{"code":"200"}"#,
            br#"{"code":1.5}"#,
            br#"{"code":4294967296}"#,
            br#"{"code":-5}"#,
            br#"{"code":-1,"msg":"x"}"#,
        ] {
            assert_eq!(parse_body(body).unwrap_err().status(), Status::BadResponse);
        }
    }

    #[test]
    fn every_status_has_its_own_description() {
        let texts: std::collections::HashSet<&str> =
            Status::ALL.iter().map(|s| describe(s.code())).collect();
        assert_eq!(texts.len(), Status::ALL.len());
        assert!(!texts.contains("Unknown status"));
        assert_eq!(describe(-12), "Unknown status");
    }

    #[test]
    fn success_is_zero_or_two_hundred() {
        assert!(is_success(0) && is_success(200));
        assert!(!is_success(5058) && !is_success(-5) && !is_success(201));
    }
}
