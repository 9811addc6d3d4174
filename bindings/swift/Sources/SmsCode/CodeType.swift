/// Why the code is sent: the request's `codeType` (1 to 5, as `SMS_CODE_TYPE_*` in smscode.h).
public enum CodeType: Int32, CaseIterable, Sendable, CustomStringConvertible {
    case passwordReset = 1
    case login = 2
    case registration = 3
    case accountCancellation = 4
    case addPushRecipient = 5

    /// The English name, e.g. "registration".
    public var name: String {
        switch self {
        case .passwordReset: return "password reset"
        case .login: return "login"
        case .registration: return "registration"
        case .accountCancellation: return "account cancellation"
        case .addPushRecipient: return "add push recipient"
        }
    }

    public var description: String { name }
}
