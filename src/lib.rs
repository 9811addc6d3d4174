//! smscode: signs and sends the IoT platform's "send mobile SMS verification code"
//! request (`POST {base}/v2/sms/enduserapi/v2/sendPhoneSmsCode`).
//!
//! The pure core (signing, validation, requests, response parsing) is used by the C
//! ABI in [`ffi`], the `smscode` command and the emulator alike; the arrows point
//! down: `ffi` uses the core, never the other way.
//!
//! The cargo feature `transport` (on by default) is the built-in HTTPS transport
//! ([`Client::send_code`]). Without it the library holds no HTTP or TLS code: another
//! HTTP stack sends what [`Client::prepare`] builds and hands the answer to
//! [`Client::read_response`] (the built-in transport does the same internally).
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
mod codes;
mod endpoint;
mod error;
pub mod ffi;
mod request;
mod response;
mod sign;
mod transport;
pub mod validate;

pub use client::{send_code, Client, ClientBuilder, DEFAULT_USER_AGENT, MAX_CLOCK_OFFSET_MS};
pub use codes::{describe, is_success, SERVER_CODES};
pub use endpoint::{endpoint_url, request_url, ENDPOINT_PATH, REGIONS};
pub use error::{Error, Status};
pub use request::{Prepared, Request};
pub use response::{parse_body, ResponseBody, SendResult, MAX_BODY_BYTES};
pub use sign::{new_random, sign, sign_into, CodeType, RANDOM_LEN, SIGNATURE_LEN};
pub use transport::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
