//! The client handle (`SmsClient`) and the response handle (`SmsResponse`).

use std::ffi::{c_char, CString};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::boundary::{arg_ptr, arg_ref, arg_str, call, call_or};
use super::{SMS_CLOCK_SKEW_UNKNOWN, SMS_OK};
use crate::client::{Client, ClientBuilder};
use crate::error::Error;
use crate::response::SendResult;
use crate::sign::CodeType;
use crate::transport::CaFile;

/// A configured client: an opaque handle from `sms_client_new`.
///
/// Thread-safe: one handle may be shared by many threads and used for concurrent
/// sends (connections are pooled and reused). Setters may be called at any time;
/// a send already under way keeps the settings it started with. Changing a setting
/// starts a new connection pool; the resend guard keeps its history.
pub struct SmsClient {
    state: RwLock<ClientState>,
}

struct ClientState {
    builder: ClientBuilder,
    client: Arc<Client>,
}

impl SmsClient {
    pub(super) fn current(&self) -> Arc<Client> {
        let state = self.state.read().unwrap_or_else(|p| p.into_inner());
        Arc::clone(&state.client)
    }

    /// Applies a change to a copy of the configuration; keeps it only if it builds,
    /// so a rejected setting leaves the client as it was.
    fn reconfigure(
        &self,
        change: impl FnOnce(ClientBuilder) -> ClientBuilder,
    ) -> Result<i32, Error> {
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        let builder = change(state.builder.clone());
        let client = builder.rebuild(&state.client)?;
        *state = ClientState {
            builder,
            client: Arc::new(client),
        };
        Ok(SMS_OK)
    }
}

/// The answer to one send: an opaque handle from `sms_client_send` (or
/// `sms_client_read_response`), owned by the caller and released with
/// `sms_response_free`. Immutable, so it may be read from any thread.
pub struct SmsResponse {
    result: SendResult,
    msg: Option<CString>,
    ext_msg: Option<CString>,
}

/// Creates a client. `base_url` is a region (`"cn"`, `"eu"`, `"na"`) or an
/// `http(s)://` URL (a gateway path prefix is kept; plain `http://` only for
/// loopback hosts). The strings are copied. On success writes a new handle to
/// `*out_client` and returns `SMS_OK`; release it with `sms_client_free`.
/// On failure `*out_client` is left untouched. The user domain and secret are
/// checked when sending (as `sms_send_code` does), so a send can answer 5023.
///
/// # Safety
/// String arguments are NULL or NUL-terminated; `out_client` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sms_client_new(
    base_url: *const c_char,
    user_domain: *const c_char,
    user_domain_secret: *const c_char,
    out_client: *mut *mut SmsClient,
) -> i32 {
    call("sms_client_new", || {
        // SAFETY: the caller keeps the contract above: each pointer is NULL or
        // valid for the call (a live handle, a NUL-terminated string).
        let (base_url, user_domain, secret) = unsafe {
            (
                arg_str(base_url, "base_url")?,
                arg_str(user_domain, "user_domain")?,
                arg_str(user_domain_secret, "user_domain_secret")?,
            )
        };
        let out_client = arg_ptr(out_client, "out_client")? as *mut *mut SmsClient;
        let builder = ClientBuilder::new(base_url, user_domain, secret);
        let client = Arc::new(builder.build()?);
        let handle = Box::new(SmsClient {
            state: RwLock::new(ClientState { builder, client }),
        });
        // SAFETY: `out_client` is not NULL and the caller made it writable.
        unsafe { *out_client = Box::into_raw(handle) };
        Ok(SMS_OK)
    })
}

/// Releases a client. `NULL` is a no-op. The handle must not be in use by another
/// thread and must not be used afterwards (set your pointer to NULL).
///
/// # Safety
/// `client` is NULL or a handle from `sms_client_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn sms_client_free(client: *mut SmsClient) {
    call_or((), || {
        if !client.is_null() {
            // SAFETY: a handle from `sms_client_new` (a `Box`), freed only once.
            drop(unsafe { Box::from_raw(client) });
        }
    })
}

/// Sets the two timeouts of a send, in milliseconds; both must be > 0.
///
/// `connect_timeout_ms` (default 10000) bounds the DNS lookup of the host, and then,
/// separately, setting up the connection: TCP, a proxy's `CONNECT` and the TLS
/// handshake. So up to twice this may pass before the request is written; an
/// address from the library's 30 s name cache or a kept-alive connection skips
/// those steps. `total_timeout_ms` (default 20000) bounds the whole send, from the
/// call to the last byte of the answer: lookup, connection, request, waiting for
/// the response and reading its body. Whichever expires first ends the send with
/// `SMS_ERR_TIMEOUT`.
///
/// Needs the built-in transport: `SMS_ERR_UNSUPPORTED` in a build without it (the
/// platform's HTTP stack then has its own timeouts).
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_timeouts(
    client: *const SmsClient,
    connect_timeout_ms: u32,
    total_timeout_ms: u32,
) -> i32 {
    call("sms_client_set_timeouts", || {
        // SAFETY: `client` is NULL (refused) or a live handle.
        let client = unsafe { arg_ref(client, "client")? };
        let connect = Duration::from_millis(connect_timeout_ms.into());
        let total = Duration::from_millis(total_timeout_ms.into());
        client.reconfigure(|b| b.connect_timeout(connect).timeout(total))
    })
}

/// Sets an HTTP(S) proxy, e.g. `"http://proxy.example:3128"`; `""` removes it.
/// Environment variables such as `HTTPS_PROXY` are never read.
/// Needs the built-in transport: `SMS_ERR_UNSUPPORTED` in a build without it (the
/// platform's HTTP stack follows the system's proxy settings).
///
/// # Safety
/// `client` is NULL or a live handle; `proxy_url` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_proxy(
    client: *const SmsClient,
    proxy_url: *const c_char,
) -> i32 {
    call("sms_client_set_proxy", || {
        // SAFETY: the caller keeps the contract above: each pointer is NULL or
        // valid for the call (a live handle, a NUL-terminated string).
        let (client, proxy_url) =
            unsafe { (arg_ref(client, "client")?, arg_str(proxy_url, "proxy_url")?) };
        client.reconfigure(|b| b.proxy(proxy_url))
    })
}

/// Trusts the certificates in a PEM file on top of the bundled Mozilla roots
/// (the same on every OS). May be called more than once. The file is read and
/// checked now, once: a missing or unreadable file, bad PEM, no certificate or a
/// certificate that cannot be a CA is `SMS_ERR_INVALID_ARGUMENT` and leaves the
/// client unchanged. Later setters never read the file again, so it may be
/// changed or deleted afterwards.
/// Needs the built-in transport: `SMS_ERR_UNSUPPORTED` in a build without it (the
/// platform's HTTP stack decides what it trusts).
///
/// # Safety
/// `client` is NULL or a live handle; `pem_path` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sms_client_add_ca_file(
    client: *const SmsClient,
    pem_path: *const c_char,
) -> i32 {
    call("sms_client_add_ca_file", || {
        // SAFETY: the caller keeps the contract above: each pointer is NULL or
        // valid for the call (a live handle, a NUL-terminated string).
        let (client, pem_path) =
            unsafe { (arg_ref(client, "client")?, arg_str(pem_path, "pem_path")?) };
        // Read and checked once, here: a later setter never touches the file again.
        let ca_file = CaFile::read(pem_path.as_ref())?;
        client.reconfigure(|b| b.with_ca_file(ca_file))
    })
}

/// Sets the `User-Agent` header (default `"smscode/<version>"`): non-empty printable
/// ASCII, at most 256 bytes (an empty header is dropped by libcurl, and the platforms'
/// HTTP stacks refuse non-ASCII values), else `SMS_ERR_INVALID_ARGUMENT` and the client
/// is unchanged.
///
/// # Safety
/// `client` is NULL or a live handle; `user_agent` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_user_agent(
    client: *const SmsClient,
    user_agent: *const c_char,
) -> i32 {
    call("sms_client_set_user_agent", || {
        // SAFETY: the caller keeps the contract above: each pointer is NULL or
        // valid for the call (a live handle, a NUL-terminated string).
        let (client, user_agent) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(user_agent, "user_agent")?,
            )
        };
        client.reconfigure(|b| b.user_agent(user_agent))
    })
}

/// Sends `X-Q-Language: <language>` (e.g. `"en-US"`) with each request; `""` sends
/// none (the default). Printable ASCII, at most 256 bytes, else
/// `SMS_ERR_INVALID_ARGUMENT` and the client is unchanged.
///
/// # Safety
/// `client` is NULL or a live handle; `language` is NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_language(
    client: *const SmsClient,
    language: *const c_char,
) -> i32 {
    call("sms_client_set_language", || {
        // SAFETY: the caller keeps the contract above: each pointer is NULL or
        // valid for the call (a live handle, a NUL-terminated string).
        let (client, language) =
            unsafe { (arg_ref(client, "client")?, arg_str(language, "language")?) };
        client.reconfigure(|b| b.language(language))
    })
}

/// Sets the enterprise SMS signature ID (`ssid`) and template ID (`stid`) sent with
/// each request; `""` leaves one out (the default for both). At most 256 bytes each.
///
/// # Safety
/// `client` is NULL or a live handle; `ssid` and `stid` are NULL or NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_enterprise(
    client: *const SmsClient,
    ssid: *const c_char,
    stid: *const c_char,
) -> i32 {
    call("sms_client_set_enterprise", || {
        // SAFETY: the caller keeps the contract above: each pointer is NULL or
        // valid for the call (a live handle, a NUL-terminated string).
        let (client, ssid, stid) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(ssid, "ssid")?,
                arg_str(stid, "stid")?,
            )
        };
        client.reconfigure(|b| b.ssid(ssid).stid(stid))
    })
}

/// Adds `offset_ms` to the system clock for the request's `ts` (default 0). The
/// server refuses a `ts` more than 10 minutes off its clock; set this from
/// `sms_response_clock_skew_ms` on a device with a wrong clock. |offset| <= 100 years,
/// else `SMS_ERR_INVALID_ARGUMENT` and the client is unchanged. A send or prepare
/// whose `ts` (clock plus offset) would fall before 1970 is refused with
/// `SMS_ERR_INVALID_ARGUMENT`, as `sms_sign` and `sms_client_prepare_with` refuse a
/// negative `ts`.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_clock_offset_ms(
    client: *const SmsClient,
    offset_ms: i64,
) -> i32 {
    call("sms_client_set_clock_offset_ms", || {
        // SAFETY: `client` is NULL (refused) or a live handle.
        let client = unsafe { arg_ref(client, "client")? };
        client.reconfigure(|b| b.clock_offset_ms(offset_ms))
    })
}

/// Writes the client's clock offset in milliseconds (the last one set with
/// `sms_client_set_clock_offset_ms`, 0 by default) to `*out_offset_ms` and returns
/// `SMS_OK`; on failure nothing is written.
///
/// # Safety
/// `client` is NULL or a live handle; `out_offset_ms` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sms_client_clock_offset_ms(
    client: *const SmsClient,
    out_offset_ms: *mut i64,
) -> i32 {
    call("sms_client_clock_offset_ms", || {
        // SAFETY: `client` is NULL (refused) or a live handle.
        let client = unsafe { arg_ref(client, "client")? };
        let out_offset_ms = arg_ptr(out_offset_ms, "out_offset_ms")? as *mut i64;
        let offset_ms = client.current().clock_offset_ms();
        // SAFETY: not NULL, and writable by the caller's contract.
        unsafe { *out_offset_ms = offset_ms };
        Ok(SMS_OK)
    })
}

/// Double-tap guard: a second send to the same international code, phone and code
/// type within `interval_ms` answers 5058 without touching the network. 0 turns it
/// off (the default). `"+86"` and `"86"` are the same international code. The
/// history of sends is kept when this or any other setter changes the client.
///
/// # Safety
/// `client` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_resend_guard_ms(
    client: *const SmsClient,
    interval_ms: u32,
) -> i32 {
    call("sms_client_set_resend_guard_ms", || {
        // SAFETY: `client` is NULL (refused) or a live handle.
        let client = unsafe { arg_ref(client, "client")? };
        let interval = Duration::from_millis(interval_ms.into());
        client.reconfigure(|b| b.resend_guard(interval))
    })
}

/// Sends the verification code with this client's settings.
///
/// Returns the server's `code` (200, or 0, when sent) or a negative `SMS_ERR_*`
/// status, exactly like `sms_send_code`. When a code is returned (>= 0, including
/// codes answered locally, whose HTTP status is 0) and `out_response` is not NULL,
/// a new `SmsResponse` with the details is written to `*out_response`; free it with
/// `sms_response_free`. On a negative status `*out_response` is left untouched.
/// Blocks until the answer; never retries. Thread-safe: many threads may send
/// through one client at once, and each gets its own response.
///
/// Needs the built-in transport: `SMS_ERR_UNSUPPORTED` in a build without it (use
/// `sms_client_prepare` and `sms_client_read_response`, which this calls internally).
///
/// # Safety
/// `client` is NULL or a live handle; strings are NULL or NUL-terminated;
/// `out_response` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn sms_client_send(
    client: *const SmsClient,
    international_code: *const c_char,
    phone: *const c_char,
    code_type: i32,
    out_response: *mut *mut SmsResponse,
) -> i32 {
    call("sms_client_send", || {
        // SAFETY: the caller keeps the contract above: each pointer is NULL or
        // valid for the call (a live handle, a NUL-terminated string).
        let (client, international_code, phone) = unsafe {
            (
                arg_ref(client, "client")?,
                arg_str(international_code, "international_code")?,
                arg_str(phone, "phone")?,
            )
        };
        let code_type = CodeType::try_from(code_type)?;
        let result = client
            .current()
            .send_code(international_code, phone, code_type)?;
        // SAFETY: `out_response` is NULL or writable (the caller's contract).
        Ok(unsafe { SmsResponse::give(result, out_response) })
    })
}

impl SmsResponse {
    /// Returns the result's code (never negative: the parser refuses negative codes)
    /// and, when `out_response` is not NULL, writes a new response handle there.
    ///
    /// # Safety
    /// `out_response` is NULL or writable.
    pub(super) unsafe fn give(result: SendResult, out_response: *mut *mut SmsResponse) -> i32 {
        let code = result.code;
        if !out_response.is_null() {
            // SAFETY: not NULL, and writable by the caller's contract.
            unsafe { *out_response = Box::into_raw(Box::new(SmsResponse::new(result))) };
        }
        code
    }

    fn new(result: SendResult) -> SmsResponse {
        // A C string ends at the first NUL, so NULs inside the text are dropped
        // (then `CString::new` cannot fail).
        let c_text = |text: &Option<String>| {
            let text = text.as_deref()?.bytes().filter(|&b| b != 0);
            CString::new(text.collect::<Vec<u8>>()).ok()
        };
        SmsResponse {
            msg: c_text(&result.msg),
            ext_msg: c_text(&result.ext_msg),
            result,
        }
    }
}

/// Releases a response. `NULL` is a no-op.
///
/// # Safety
/// `response` is NULL or a response from `sms_client_send` or
/// `sms_client_read_response` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn sms_response_free(response: *mut SmsResponse) {
    call_or((), || {
        if !response.is_null() {
            // SAFETY: a response from `SmsResponse::give` (a `Box`), freed only once.
            drop(unsafe { Box::from_raw(response) });
        }
    })
}

/// The server's `code` (the same value `sms_client_send` or
/// `sms_client_read_response` returned);
/// `SMS_ERR_NULL_ARGUMENT` if `response` is NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[no_mangle]
pub unsafe extern "C" fn sms_response_code(response: *const SmsResponse) -> i32 {
    call("sms_response_code", || {
        // SAFETY: `response` is NULL (refused) or a live response.
        Ok(unsafe { arg_ref(response, "response")? }.result.code)
    })
}

/// The HTTP status of the answer, or 0 when the code was answered locally
/// (validation or the resend guard) and nothing was sent;
/// `SMS_ERR_NULL_ARGUMENT` if `response` is NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[no_mangle]
pub unsafe extern "C" fn sms_response_http_status(response: *const SmsResponse) -> i32 {
    call("sms_response_http_status", || {
        // SAFETY: `response` is NULL (refused) or a live response.
        Ok(unsafe { arg_ref(response, "response")? }
            .result
            .http_status
            .into())
    })
}

/// Server clock (from its `Date` header) minus this client's clock (system clock plus
/// the configured offset) in milliseconds, accurate to about a second; add it to the
/// clock offset to correct a wrong device clock. `SMS_CLOCK_SKEW_UNKNOWN` when the
/// server sent no usable `Date`, the answer was local, or `response` is NULL.
///
/// # Safety
/// `response` is NULL or a live response.
#[no_mangle]
pub unsafe extern "C" fn sms_response_clock_skew_ms(response: *const SmsResponse) -> i64 {
    call_or(SMS_CLOCK_SKEW_UNKNOWN, || {
        // SAFETY: `response` is NULL or a live response.
        unsafe { response.as_ref() }
            .and_then(|r| r.result.clock_skew_ms)
            .unwrap_or(SMS_CLOCK_SKEW_UNKNOWN)
    })
}

/// The server's `msg`, or NULL when it was `null`, missing, not a string, or the
/// answer was local (or `response` is NULL). The string is owned by the response
/// and valid until `sms_response_free`.
///
/// # Safety
/// `response` is NULL or a live response.
#[no_mangle]
pub unsafe extern "C" fn sms_response_msg(response: *const SmsResponse) -> *const c_char {
    // SAFETY: `response` is NULL or a live response.
    call_or(std::ptr::null(), || unsafe {
        text_ptr(response, |r| &r.msg)
    })
}

/// The server's `extMsg`, under the same rules as `sms_response_msg`.
///
/// # Safety
/// `response` is NULL or a live response.
#[no_mangle]
pub unsafe extern "C" fn sms_response_ext_msg(response: *const SmsResponse) -> *const c_char {
    // SAFETY: `response` is NULL or a live response.
    call_or(std::ptr::null(), || unsafe {
        text_ptr(response, |r| &r.ext_msg)
    })
}

/// # Safety
/// `response` is NULL or a live response.
unsafe fn text_ptr(
    response: *const SmsResponse,
    field: impl Fn(&SmsResponse) -> &Option<CString>,
) -> *const c_char {
    // SAFETY: the caller's contract.
    unsafe { response.as_ref() }
        .and_then(|r| field(r).as_ref())
        .map_or(std::ptr::null(), |text| text.as_ptr())
}
