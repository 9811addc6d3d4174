//! A send through the caller's own HTTP stack: `sms_client_prepare` gives an
//! `SmsRequest` to send, `sms_client_read_response` maps the answer.

use std::ffi::{c_char, CString};

use super::boundary::{arg_ptr, arg_str, call, call_or};
use super::client::{SmsClient, SmsResponse};
use super::SMS_OK;
use crate::error::{Error, Status};
use crate::request::{Prepared, Request};
use crate::sign::CodeType;

/// A signed request for the caller's HTTP stack: an opaque handle from
/// `sms_client_prepare`, owned by the caller and released with `sms_request_free`.
/// Immutable, so it may be read from any thread. Every string and the body belong
/// to the request and stay valid until `sms_request_free`.
///
/// Send it exactly as given: the method, the URL byte for byte (it is already
/// percent-encoded: `+86` is `%2B86`), these headers (the HTTP stack adds its own,
/// such as `Host`) and the body. Send it once: never retry it (a repeated send
/// replaces the code the user is typing) and do not follow redirects (pass the 3xx
/// answer to `sms_client_read_response`, which maps it as the built-in transport does).
pub struct SmsRequest {
    url: CString,
    headers: Vec<(CString, CString)>,
}

/// Where an empty body points: a valid address, so callers may pass it on as is.
static EMPTY_BODY: [u8; 1] = [0];

impl SmsRequest {
    fn new(request: &Request) -> Result<SmsRequest, Error> {
        // The URL is percent-encoded and the header values were checked for control
        // characters, so neither holds a NUL; a failure here would be a bug.
        let c_string = |text: &str| {
            CString::new(text)
                .map_err(|_| Error::new(Status::Internal, "a request string holds a NUL"))
        };
        let headers = request
            .headers()
            .iter()
            .map(|(name, value)| Ok((c_string(name)?, c_string(value)?)))
            .collect::<Result<_, Error>>()?;
        debug_assert!(request.body().is_empty());
        Ok(SmsRequest {
            url: c_string(request.url())?,
            headers,
        })
    }
}

/// Writes the request, or returns the local answer's code with nothing written.
///
/// # Safety
/// `out_request` is a writable pointer (checked non-NULL by the caller).
unsafe fn give_request(
    prepared: Prepared,
    out_request: *mut *mut SmsRequest,
) -> Result<i32, Error> {
    match prepared {
        Prepared::Answered(result) => Ok(result.code),
        Prepared::Send(request) => {
            let handle = Box::new(SmsRequest::new(&request)?);
            // SAFETY: the caller checked `out_request` is non-NULL, and the C caller
            // promises it is writable.
            unsafe { *out_request = Box::into_raw(handle) };
            Ok(SMS_OK)
        }
    }
}

/// Prepares a send for the caller's own HTTP stack (the platform's on Android and
/// iOS, libcurl, Qt...): the same local checks, resend guard, clock offset,
/// user agent, language and enterprise options as `sms_client_send`, ending in the
/// signed request instead of sending it. Works with or without the built-in
/// transport.
///
/// Returns:
/// - `SMS_OK` (0) and a new `SmsRequest` in `*out_request`: send it, then pass the
///   answer to `sms_client_read_response`; free it with `sms_request_free`.
/// - a server code answered locally (5019, 5021, 5023, 5116, or the resend guard's
///   5058; never 0 or 200), with nothing written and nothing to send: the code
///   `sms_client_send` returns for the same input.
/// - a negative `SMS_ERR_*` status (as `sms_client_send`'s local failures), with
///   nothing written.
///
/// The resend guard counts a prepared request as sent, whether it is then sent or
/// not (the built-in send also counts one whose network send fails).
///
/// A failure of the caller's HTTP stack (no network, DNS, refused or reset
/// connection, timeout, TLS or certificate error) has nothing to read: report it
/// with the matching `SMS_ERR_NETWORK`, `SMS_ERR_TIMEOUT` or `SMS_ERR_TLS`, as the
/// built-in transport would; there is no library call to make.
///
/// # Safety
/// `client` is NULL or a live handle; strings are NULL or NUL-terminated;
/// `out_request` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sms_client_prepare(
    client: *const SmsClient,
    international_code: *const c_char,
    phone: *const c_char,
    code_type: i32,
    out_request: *mut *mut SmsRequest,
) -> i32 {
    call("sms_client_prepare", || {
        // SAFETY: the caller passes NULL or a live handle (checked non-NULL here).
        let client = unsafe { &*arg_ptr(client, "client")? };
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let international_code = unsafe { arg_str(international_code, "international_code")? };
        // SAFETY: as above.
        let phone = unsafe { arg_str(phone, "phone")? };
        let out_request = arg_ptr(out_request, "out_request")? as *mut *mut SmsRequest;
        let code_type = CodeType::try_from(code_type)?;
        let prepared = client
            .current()
            .prepare(international_code, phone, code_type)?;
        // SAFETY: `out_request` is non-NULL and writable.
        unsafe { give_request(prepared, out_request) }
    })
}

/// `sms_client_prepare` with a given `random` and `ts` instead of fresh ones, for
/// tests and test vectors: fixed inputs give the same URL bytes in every language
/// (tests/data/prepared_request_vectors.json). `random` is checked as by `sms_sign`
/// (exactly 16 printable ASCII characters, 0x21-0x7E) and so is `ts` (>= 0, ms since
/// the epoch, used as given: the clock offset is not added): `SMS_ERR_INVALID_ARGUMENT`.
/// The resend guard applies as for `sms_client_prepare`. Never use a fixed `random`
/// in production: every request needs a fresh one.
///
/// # Safety
/// As `sms_client_prepare`; `random` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sms_client_prepare_with(
    client: *const SmsClient,
    international_code: *const c_char,
    phone: *const c_char,
    code_type: i32,
    random: *const c_char,
    ts: i64,
    out_request: *mut *mut SmsRequest,
) -> i32 {
    call("sms_client_prepare_with", || {
        // SAFETY: the caller passes NULL or a live handle (checked non-NULL here).
        let client = unsafe { &*arg_ptr(client, "client")? };
        // SAFETY: the caller passes NULL or NUL-terminated strings.
        let international_code = unsafe { arg_str(international_code, "international_code")? };
        // SAFETY: as above.
        let phone = unsafe { arg_str(phone, "phone")? };
        // SAFETY: as above.
        let random = unsafe { arg_str(random, "random")? };
        let out_request = arg_ptr(out_request, "out_request")? as *mut *mut SmsRequest;
        let code_type = CodeType::try_from(code_type)?;
        let prepared =
            client
                .current()
                .prepare_with(international_code, phone, code_type, random, ts)?;
        // SAFETY: `out_request` is non-NULL and writable.
        unsafe { give_request(prepared, out_request) }
    })
}

/// Releases a request. `NULL` is a no-op.
///
/// # Safety
/// `request` is NULL or a request from `sms_client_prepare(_with)` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn sms_request_free(request: *mut SmsRequest) {
    call_or((), || {
        if !request.is_null() {
            // SAFETY: a live request from Box::into_raw, freed once (caller's promise).
            drop(unsafe { Box::from_raw(request) });
        }
    })
}

/// The HTTP method: always `"POST"`. NULL only when `request` is NULL.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn sms_request_method(request: *const SmsRequest) -> *const c_char {
    call_or(std::ptr::null(), || {
        if request.is_null() {
            std::ptr::null()
        } else {
            c"POST".as_ptr()
        }
    })
}

/// The full URL with the signed query, percent-encoded: send it byte for byte.
/// NULL only when `request` is NULL.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn sms_request_url(request: *const SmsRequest) -> *const c_char {
    call_or(std::ptr::null(), || {
        // SAFETY: the caller passes NULL or a live request.
        let request = unsafe { request.as_ref() };
        request.map_or(std::ptr::null(), |r| r.url.as_ptr())
    })
}

/// How many headers to set (1 or 2: `User-Agent`, and `X-Q-Language` when
/// configured); 0 when `request` is NULL.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn sms_request_header_count(request: *const SmsRequest) -> usize {
    call_or(0, || {
        // SAFETY: the caller passes NULL or a live request.
        let request = unsafe { request.as_ref() };
        request.map_or(0, |r| r.headers.len())
    })
}

/// The name of header `index` (from 0 to count - 1), e.g. `"User-Agent"`; NULL when
/// `index` is out of range or `request` is NULL.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn sms_request_header_name(
    request: *const SmsRequest,
    index: usize,
) -> *const c_char {
    call_or(std::ptr::null(), || {
        // SAFETY: the caller passes NULL or a live request.
        unsafe { header_part(request, index, |(name, _)| name) }
    })
}

/// The value of header `index`, under the same rules as `sms_request_header_name`.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn sms_request_header_value(
    request: *const SmsRequest,
    index: usize,
) -> *const c_char {
    call_or(std::ptr::null(), || {
        // SAFETY: the caller passes NULL or a live request.
        unsafe { header_part(request, index, |(_, value)| value) }
    })
}

/// # Safety
/// `request` is NULL or a live request.
unsafe fn header_part(
    request: *const SmsRequest,
    index: usize,
    part: impl Fn(&(CString, CString)) -> &CString,
) -> *const c_char {
    // SAFETY: the caller passes NULL or a live request.
    unsafe { request.as_ref() }
        .and_then(|r| r.headers.get(index))
        .map_or(std::ptr::null(), |header| part(header).as_ptr())
}

/// The body's bytes (`sms_request_body_len` of them; not NUL-terminated). Never NULL
/// for a live request, even when the body is empty (it always is: every parameter
/// travels in the query); NULL when `request` is NULL.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn sms_request_body(request: *const SmsRequest) -> *const u8 {
    call_or(std::ptr::null(), || {
        if request.is_null() {
            std::ptr::null()
        } else {
            EMPTY_BODY.as_ptr()
        }
    })
}

/// The body's length in bytes: 0 (send an empty body, `Content-Length: 0`); 0 when
/// `request` is NULL.
///
/// # Safety
/// `request` is NULL or a live request.
#[no_mangle]
pub unsafe extern "C" fn sms_request_body_len(request: *const SmsRequest) -> usize {
    // Every parameter travels in the query, so the body is always empty.
    let _ = request;
    call_or(0, || 0)
}

/// Maps the answer the caller's HTTP stack received for a prepared request, exactly
/// as the built-in transport maps its own: the JSON `code` (which wins over the HTTP
/// status), `msg`, `extMsg`, and the clock skew from the `Date` header against this
/// client's clock now (system clock plus offset). Works with or without the built-in
/// transport.
///
/// `http_status` is the answer's status (100..=999, else `SMS_ERR_INVALID_ARGUMENT`).
/// `date_header` is the `Date` header's value, or NULL without one. It is read in
/// any of the three HTTP date forms (IMF-fixdate, RFC 850, asctime), surrounding
/// whitespace ignored; anything else (or text that is not UTF-8) gives an unknown
/// skew, as with the built-in transport. `body` points to `body_len` bytes (NULL is
/// allowed when `body_len` is 0): the body as received, after any
/// `Content-Encoding` was undone. Reading more than `SMS_MAX_RESPONSE_BODY` + 1
/// bytes is never needed: a longer body is never the platform's answer.
///
/// Returns the server's code (>= 0) and, when `out_response` is not NULL, writes a
/// new `SmsResponse` (free it with `sms_response_free`), just as `sms_client_send`
/// does; or a negative status with nothing written. Which rule wins:
/// 1. A readable code wins over the HTTP status: a non-negative integer `code` in a
///    JSON object of at most `SMS_MAX_RESPONSE_BODY` bytes, with any status.
/// 2. Otherwise a non-2xx status (a redirect included) is `SMS_ERR_HTTP_STATUS`,
///    whatever the body: not JSON, a negative code, or over the cap (a gateway's
///    large error page).
/// 3. Otherwise (a 2xx status) `SMS_ERR_BAD_RESPONSE`.
///
/// # Safety
/// `client` is NULL or a live handle; `date_header` is NULL or NUL-terminated;
/// `body` is NULL or readable for `body_len` bytes; `out_response` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sms_client_read_response(
    client: *const SmsClient,
    http_status: i32,
    date_header: *const c_char,
    body: *const u8,
    body_len: usize,
    out_response: *mut *mut SmsResponse,
) -> i32 {
    call("sms_client_read_response", || {
        // SAFETY: the caller passes NULL or a live handle (checked non-NULL here).
        let client = unsafe { &*arg_ptr(client, "client")? };
        let body: &[u8] = if body_len == 0 {
            &[]
        } else {
            let body = arg_ptr(body, "body")?;
            // SAFETY: non-NULL and readable for `body_len` bytes (caller's promise).
            unsafe { std::slice::from_raw_parts(body, body_len) }
        };
        let date = if date_header.is_null() {
            None
        } else {
            // SAFETY: non-NULL and NUL-terminated (caller's promise).
            unsafe { std::ffi::CStr::from_ptr(date_header) }
                .to_str()
                .ok()
        };
        let result = client.current().read_response(http_status, date, body)?;
        // SAFETY: `out_response` is NULL or writable (the caller's contract).
        Ok(unsafe { SmsResponse::give(result, out_response) })
    })
}
