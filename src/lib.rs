//! smscode: signs and sends the IoT platform's "send mobile SMS verification code"
//! request (`POST {base}/v2/sms/enduserapi/v2/sendPhoneSmsCode`).
//!
//! The pure core (signing, validation, response parsing) is used by the C ABI in
//! [`ffi`], the `smscode` command and the emulator alike.
//!
//! ```no_run
//! use smscode::{Client, CodeType};
//! let client = Client::builder("eu", "my-user-domain", "my-secret").build()?;
//! let result = client.send_code("+86", "13800138000", CodeType::Registration)?;
//! if !result.is_success() {
//!     eprintln!("refused: {} {}", result.code, smscode::describe(result.code));
//! }
//! # Ok::<(), smscode::Error>(())
//! ```

// Every unsafe operation sits in an `unsafe` block with a `// SAFETY:` comment, even
// inside an `unsafe fn`.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod client;
mod endpoint;
mod error;
pub mod ffi;
mod resolver;
mod response;
mod sign;
mod tls;
pub mod validate;

pub use client::{
    send_code, Client, ClientBuilder, SendResult, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT,
};
pub use endpoint::{endpoint_url, request_url, ENDPOINT_PATH, REGIONS};
pub use error::{Error, Status};
pub use response::{describe, is_success, parse_body, ResponseBody, MAX_BODY_BYTES};
pub use sign::{new_random, sign, sign_into, CodeType, RANDOM_LEN, SIGNATURE_LEN};
