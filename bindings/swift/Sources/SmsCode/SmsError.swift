import CSmsCode
import Foundation

/// A local failure: the SMS was not sent, or it is unknown whether it was (network, timeout).
///
/// Each case is one of the C library's negative `SMS_ERR_*` statuses and carries its English
/// message (which never contains the secret). Codes the server answered, or that the library
/// answered locally with a server code (5019, 5021, 5023, 5116, 5058), are not errors: they
/// come back as `SendResult.code` or as the return value of `SmsCode.sendCode`.
public enum SmsError: Error, Equatable, Sendable {
    /// A required argument was missing (`SMS_ERR_NULL_ARGUMENT`).
    case nullArgument(String)
    /// A string was not valid UTF-8 (`SMS_ERR_INVALID_UTF8`).
    case invalidUTF8(String)
    /// An argument is out of range or malformed (`SMS_ERR_INVALID_ARGUMENT`), including a
    /// Swift string with a NUL character inside.
    case invalidArgument(String)
    /// An output buffer was too small (`SMS_ERR_BUFFER_TOO_SMALL`).
    case bufferTooSmall(String)
    /// DNS failure, connection refused or reset (`SMS_ERR_NETWORK`).
    case network(String)
    /// The connect or total timeout expired (`SMS_ERR_TIMEOUT`).
    case timeout(String)
    /// TLS handshake or certificate verification failed (`SMS_ERR_TLS`).
    case tls(String)
    /// A non-2xx HTTP status, or a redirect, without a JSON `code` (`SMS_ERR_HTTP_STATUS`).
    case httpStatus(String)
    /// The body is not JSON, has no integer `code`, or is too large (`SMS_ERR_BAD_RESPONSE`).
    case badResponse(String)
    /// Plain `http://` to a host that is not loopback (`SMS_ERR_INSECURE_URL`).
    case insecureURL(String)
    /// A bug inside the library was caught at its boundary (`SMS_ERR_INTERNAL`).
    case internalError(String)
    /// A negative status this binding does not know (a newer library).
    case unknown(status: Int32, message: String)

    /// The C status (`SMS_ERR_*`, always negative).
    public var status: Int32 {
        switch self {
        case .nullArgument: return SMS_ERR_NULL_ARGUMENT
        case .invalidUTF8: return SMS_ERR_INVALID_UTF8
        case .invalidArgument: return SMS_ERR_INVALID_ARGUMENT
        case .bufferTooSmall: return SMS_ERR_BUFFER_TOO_SMALL
        case .network: return SMS_ERR_NETWORK
        case .timeout: return SMS_ERR_TIMEOUT
        case .tls: return SMS_ERR_TLS
        case .httpStatus: return SMS_ERR_HTTP_STATUS
        case .badResponse: return SMS_ERR_BAD_RESPONSE
        case .insecureURL: return SMS_ERR_INSECURE_URL
        case .internalError: return SMS_ERR_INTERNAL
        case .unknown(let status, _): return status
        }
    }

    /// The library's English message, e.g. "sms_client_send: timed out: ...".
    public var message: String {
        switch self {
        case .nullArgument(let message), .invalidUTF8(let message),
            .invalidArgument(let message), .bufferTooSmall(let message),
            .network(let message), .timeout(let message), .tls(let message),
            .httpStatus(let message), .badResponse(let message),
            .insecureURL(let message), .internalError(let message),
            .unknown(_, let message):
            return message
        }
    }

    /// The error for a negative `status` that the C library just returned on this thread,
    /// with the thread's last error message.
    static func fromLastError(status: Int32) -> SmsError {
        let message = lastErrorMessage()
        switch status {
        case SMS_ERR_NULL_ARGUMENT: return .nullArgument(message)
        case SMS_ERR_INVALID_UTF8: return .invalidUTF8(message)
        case SMS_ERR_INVALID_ARGUMENT: return .invalidArgument(message)
        case SMS_ERR_BUFFER_TOO_SMALL: return .bufferTooSmall(message)
        case SMS_ERR_NETWORK: return .network(message)
        case SMS_ERR_TIMEOUT: return .timeout(message)
        case SMS_ERR_TLS: return .tls(message)
        case SMS_ERR_HTTP_STATUS: return .httpStatus(message)
        case SMS_ERR_BAD_RESPONSE: return .badResponse(message)
        case SMS_ERR_INSECURE_URL: return .insecureURL(message)
        case SMS_ERR_INTERNAL: return .internalError(message)
        default: return .unknown(status: status, message: message)
        }
    }
}

extension SmsError: CustomStringConvertible, LocalizedError {
    /// "status -6 (Timed out): sms_client_send: timed out: ...": never the secret.
    public var description: String {
        "status \(status) (\(SmsCode.description(of: status))): \(message)"
    }

    public var errorDescription: String? { description }
}
