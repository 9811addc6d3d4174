//! smscode: signs and sends the IoT platform's "send mobile SMS verification code"
//! request (`POST {base}/v2/sms/enduserapi/v2/sendPhoneSmsCode`).
//!
//! The pure core (signing, validation, response parsing) is used by the C ABI in
//! [`ffi`], the `smscode` command and the emulator alike.

mod sign;

pub use sign::{new_random, sign, sign_into, CodeType, RANDOM_LEN, SIGNATURE_LEN};
