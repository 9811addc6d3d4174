//! The platform's documented answer codes: the one table of them. The Python, Kotlin
//! and Swift lists are generated from it (`scripts/gen-bindings.py`, checked for drift
//! by the test command), so keep one entry a line in this form.

use std::ffi::CStr;

use crate::error::Status;

/// Every documented code: (code, constant name, English description). 200 (the
/// status table's value) and 0 (the response example's) both mean the SMS was sent.
// One entry a line: scripts/gen-bindings.py reads them.
#[rustfmt::skip]
pub const SERVER_CODES: [(i32, &str, &CStr); 31] = [
    (0, "SENT_ZERO", c"SMS verification code sent"),
    (200, "SENT", c"SMS verification code sent"),
    (5000, "SERVICE_EXCEPTION", c"Service exception"),
    (5019, "PHONE_FORMAT_INCORRECT", c"Phone number format incorrect"),
    (5021, "PHONE_REQUIRED", c"Please enter phone number"),
    (5023, "USER_DOMAIN_REQUIRED", c"Please enter user domain"),
    (5058, "FREQUENCY_LIMIT", c"SMS sending exceeds frequency limit"),
    (5059, "SENDING_EXCEPTION", c"SMS sending exception"),
    (5092, "USER_DOMAIN_NOT_SET", c"User domain is not set"),
    (5093, "USER_DOMAIN_ABNORMAL", c"User domain is abnormal"),
    (5104, "USER_DOMAIN_DISABLED", c"User domain is disabled"),
    (5116, "INTERNATIONAL_CODE_REQUIRED", c"Please enter international code"),
    (5117, "SIGNATURE_ID_REQUIRED", c"Please enter enterprise SMS signature ID"),
    (5118, "TEMPLATE_ID_REQUIRED", c"Please enter enterprise SMS template ID"),
    (5119, "SIGNATURE_NOT_CONFIGURED", c"SMS signature is not configured"),
    (5120, "TEMPLATE_NOT_CONFIGURED", c"SMS template is not configured"),
    (5122, "SIGNATURE_NO_PERMISSION", c"No permission to use this enterprise SMS signature ID"),
    (5123, "SIGNATURE_DISABLED", c"Enterprise SMS signature ID has been disabled"),
    (5124, "TEMPLATE_NO_PERMISSION", c"No permission to use this enterprise SMS template ID"),
    (5125, "TEMPLATE_DISABLED", c"Enterprise SMS template ID has been disabled"),
    (5126, "SIGNATURE_TEMPLATE_ACCOUNT_MISMATCH", c"SMS signature and template not under the same SMS account"),
    (5128, "ENTERPRISE_ACCOUNT_DISABLED", c"Enterprise SMS account has been disabled"),
    (5145, "TIMESTAMP_INCORRECT", c"Incorrect timestamp format"),
    (5147, "ACCOUNT_LOCKED", c"Account locked for 20 minutes"),
    (5148, "IP_BLOCKED", c"IP blocked for 20 minutes"),
    (5188, "ENTERPRISE_ACCOUNT_MISSING", c"Enterprise SMS account does not exist"),
    (5202, "SIGNATURE_MISSING", c"Enterprise SMS signature does not exist"),
    (5209, "TEMPLATE_MISSING", c"Enterprise SMS template does not exist"),
    (5216, "SIGNATURE_TEMPLATE_TYPE_MISMATCH", c"Signature ID and template ID types must be consistent"),
    (5420, "SIGNATURE_VERIFICATION_FAILED", c"Signature verification failed"),
    (5421, "SIGNATURE_VERIFICATION_ERROR", c"Signature verification error"),
];

/// True for the two success codes: 200 (status table) and 0 (the spec's example).
pub fn is_success(code: i32) -> bool {
    code == 200 || code == 0
}

/// An English description of a server code or a local status. Never empty.
pub fn describe(code: i32) -> &'static str {
    describe_c(code).to_str().unwrap_or("Unknown code")
}

/// [`describe`] as a C string, for the C ABI.
pub fn describe_c(code: i32) -> &'static CStr {
    if code < 0 {
        return Status::from_code(code).map_or(c"Unknown status", Status::description);
    }
    SERVER_CODES
        .iter()
        .find(|(known, _, _)| *known == code)
        .map_or(c"Unknown code", |(_, _, text)| text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_description() {
        let texts: std::collections::HashSet<&str> =
            Status::ALL.iter().map(|s| describe(s.code())).collect();
        assert_eq!(texts.len(), Status::ALL.len());
        assert!(!texts.contains("Unknown status"));
        assert_eq!(describe(-12), "Unknown status");
    }

    #[test]
    fn documented_codes_are_described_and_others_are_unknown() {
        assert_eq!(describe(5058), "SMS sending exceeds frequency limit");
        assert_eq!(describe(0), describe(200));
        assert_eq!(describe(7777), "Unknown code");
        let mut codes: Vec<i32> = SERVER_CODES.iter().map(|entry| entry.0).collect();
        codes.dedup();
        assert_eq!(codes.len(), SERVER_CODES.len(), "sorted, each code once");
    }

    #[test]
    fn success_is_zero_or_two_hundred() {
        assert!(is_success(0) && is_success(200));
        assert!(!is_success(5058) && !is_success(-5) && !is_success(201));
    }
}
