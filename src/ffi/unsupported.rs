//! The exports that need the built-in transport, in a build without it (cargo
//! feature `transport` off): each still exists, so a program links against either
//! build, and returns `SMS_ERR_UNSUPPORTED` with a last-error message that says what
//! to use instead. Their prototypes match the real ones in `client.rs` and `sign.rs`
//! (the header is generated from those); the arguments are not looked at.

use std::ffi::c_char;

use super::boundary::call;
use super::client::{SmsClient, SmsResponse};
use crate::request::unsupported;

fn refuse(export: &'static str, what: &str) -> i32 {
    call(export, || Err(unsupported(what)))
}

/// See `client.rs`.
///
/// # Safety
/// None: the arguments are not used.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_timeouts(
    _client: *const SmsClient,
    _connect_timeout_ms: u32,
    _total_timeout_ms: u32,
) -> i32 {
    refuse(
        "sms_client_set_timeouts",
        "timeouts (set them in your HTTP stack)",
    )
}

/// See `client.rs`.
///
/// # Safety
/// None: the arguments are not used.
#[no_mangle]
pub unsafe extern "C" fn sms_client_set_proxy(
    _client: *const SmsClient,
    _proxy_url: *const c_char,
) -> i32 {
    refuse(
        "sms_client_set_proxy",
        "a proxy (your HTTP stack uses the system's)",
    )
}

/// See `client.rs`.
///
/// # Safety
/// None: the arguments are not used.
#[no_mangle]
pub unsafe extern "C" fn sms_client_add_ca_file(
    _client: *const SmsClient,
    _pem_path: *const c_char,
) -> i32 {
    refuse(
        "sms_client_add_ca_file",
        "a CA file (your HTTP stack decides what it trusts)",
    )
}

/// See `client.rs`.
///
/// # Safety
/// None: the arguments are not used.
#[no_mangle]
pub unsafe extern "C" fn sms_client_send(
    _client: *const SmsClient,
    _international_code: *const c_char,
    _phone: *const c_char,
    _code_type: i32,
    _out_response: *mut *mut SmsResponse,
) -> i32 {
    refuse("sms_client_send", "sending")
}

/// See `sign.rs`.
///
/// # Safety
/// None: the arguments are not used.
#[no_mangle]
pub unsafe extern "C" fn sms_send_code(
    _base_url: *const c_char,
    _user_domain: *const c_char,
    _user_domain_secret: *const c_char,
    _international_code: *const c_char,
    _phone: *const c_char,
    _code_type: i32,
) -> i32 {
    refuse("sms_send_code", "sending")
}
