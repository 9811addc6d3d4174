/// What the verification code is for: the request's `codeType`, 1 to 5.
///
/// The raw values are the C library's `SMS_CODE_TYPE_*` constants.
public enum CodeType: Int32, CaseIterable, Sendable, CustomStringConvertible {
    /// A password reset (1).
    case passwordReset = 1
    /// A login (2).
    case login = 2
    /// A registration (3).
    case registration = 3
    /// An account cancellation (4).
    case accountCancellation = 4
    /// Adding a push recipient (5).
    case addPushRecipient = 5

    /// The English name, e.g. "account cancellation".
    public var description: String {
        switch self {
        case .passwordReset: return "password reset"
        case .login: return "login"
        case .registration: return "registration"
        case .accountCancellation: return "account cancellation"
        case .addPushRecipient: return "add push recipient"
        }
    }
}
