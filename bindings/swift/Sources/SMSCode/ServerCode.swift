import CSMSCode

/// The platform's answer code (`code` in its JSON), with a named constant for every
/// documented one.
///
/// A struct rather than an enum: a code the platform adds later still comes back, as
/// `ServerCode(rawValue: 5999)`, and compares unequal to every constant. ``sent`` (200) and
/// ``sentZero`` (0, as in the platform's example) both mean the SMS was sent; use
/// ``isSuccess``. The codes 5019, 5021, 5023, 5116 and the resend guard's 5058 can also be
/// answered locally, without sending anything (then ``SendResult/httpStatus`` is 0).
///
/// The same constants as Kotlin's and Python's `ServerCode`.
public struct ServerCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The number the server sent.
    public let rawValue: Int32

    /// Wraps any code, documented or not.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// True when the code means the SMS was sent (200, or 0).
    public var isSuccess: Bool { sms_is_success(rawValue) == 1 }

    /// The library's English description, e.g. "SMS sending exceeds frequency limit" for
    /// 5058; "Unknown code" for a code the library does not know.
    public var description: String { String(cString: sms_code_description(rawValue)) }

    /// 0: the SMS was sent (the value in the platform's response example).
    public static let sentZero = ServerCode(rawValue: 0)
    /// 200: the SMS was sent (the value in the platform's status table).
    public static let sent = ServerCode(rawValue: 200)
    /// 5000: service exception.
    public static let serviceException = ServerCode(rawValue: 5000)
    /// 5019: the phone number is not 1-20 digits (also answered locally).
    public static let phoneFormatIncorrect = ServerCode(rawValue: 5019)
    /// 5021: the phone number is empty (also answered locally).
    public static let phoneRequired = ServerCode(rawValue: 5021)
    /// 5023: the user domain is empty (also answered locally).
    public static let userDomainRequired = ServerCode(rawValue: 5023)
    /// 5058: sending exceeds the frequency limit (also the resend guard's local answer).
    public static let frequencyLimit = ServerCode(rawValue: 5058)
    /// 5059: SMS sending exception.
    public static let sendingException = ServerCode(rawValue: 5059)
    /// 5092: the user domain is not set up.
    public static let userDomainNotSet = ServerCode(rawValue: 5092)
    /// 5093: the user domain is abnormal.
    public static let userDomainAbnormal = ServerCode(rawValue: 5093)
    /// 5104: the user domain is disabled.
    public static let userDomainDisabled = ServerCode(rawValue: 5104)
    /// 5116: the international code is empty (also answered locally).
    public static let internationalCodeRequired = ServerCode(rawValue: 5116)
    /// 5117: the enterprise SMS signature ID is missing.
    public static let signatureIDRequired = ServerCode(rawValue: 5117)
    /// 5118: the enterprise SMS template ID is missing.
    public static let templateIDRequired = ServerCode(rawValue: 5118)
    /// 5119: no enterprise SMS signature is configured.
    public static let signatureNotConfigured = ServerCode(rawValue: 5119)
    /// 5120: no enterprise SMS template is configured.
    public static let templateNotConfigured = ServerCode(rawValue: 5120)
    /// 5122: no permission to use this enterprise SMS signature.
    public static let signatureNoPermission = ServerCode(rawValue: 5122)
    /// 5123: the enterprise SMS signature is disabled.
    public static let signatureDisabled = ServerCode(rawValue: 5123)
    /// 5124: no permission to use this enterprise SMS template.
    public static let templateNoPermission = ServerCode(rawValue: 5124)
    /// 5125: the enterprise SMS template is disabled.
    public static let templateDisabled = ServerCode(rawValue: 5125)
    /// 5126: the signature and the template belong to different SMS accounts.
    public static let signatureTemplateAccountMismatch = ServerCode(rawValue: 5126)
    /// 5128: the enterprise SMS account is disabled.
    public static let enterpriseAccountDisabled = ServerCode(rawValue: 5128)
    /// 5145: the timestamp is malformed or too far from the server's clock (see
    /// ``SendResult/clockSkew``).
    public static let timestampIncorrect = ServerCode(rawValue: 5145)
    /// 5147: the account is locked.
    public static let accountLocked = ServerCode(rawValue: 5147)
    /// 5148: the IP address is blocked.
    public static let ipBlocked = ServerCode(rawValue: 5148)
    /// 5188: the enterprise SMS account does not exist.
    public static let enterpriseAccountMissing = ServerCode(rawValue: 5188)
    /// 5202: the enterprise SMS signature does not exist.
    public static let signatureMissing = ServerCode(rawValue: 5202)
    /// 5209: the enterprise SMS template does not exist.
    public static let templateMissing = ServerCode(rawValue: 5209)
    /// 5216: the signature's and the template's types differ.
    public static let signatureTemplateTypeMismatch = ServerCode(rawValue: 5216)
    /// 5420: signature verification failed (for example a wrong secret).
    public static let signatureVerificationFailed = ServerCode(rawValue: 5420)
    /// 5421: signature verification error (a malformed signature or random).
    public static let signatureVerificationError = ServerCode(rawValue: 5421)

    /// Every documented code, in numeric order.
    public static let documented: [ServerCode] = [
        .sentZero, .sent, .serviceException, .phoneFormatIncorrect, .phoneRequired,
        .userDomainRequired, .frequencyLimit, .sendingException, .userDomainNotSet,
        .userDomainAbnormal, .userDomainDisabled, .internationalCodeRequired,
        .signatureIDRequired, .templateIDRequired, .signatureNotConfigured,
        .templateNotConfigured, .signatureNoPermission, .signatureDisabled,
        .templateNoPermission, .templateDisabled, .signatureTemplateAccountMismatch,
        .enterpriseAccountDisabled, .timestampIncorrect, .accountLocked, .ipBlocked,
        .enterpriseAccountMissing, .signatureMissing, .templateMissing,
        .signatureTemplateTypeMismatch, .signatureVerificationFailed,
        .signatureVerificationError,
    ]
}
