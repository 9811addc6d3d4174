import CSMSCode
import Foundation

/// A local failure: the library gave up before the server answered with a code.
///
/// A code the server answered (or that the library answered locally with a server code:
/// 5019, 5021, 5023, 5116, 5058) is not an error; it comes back as ``SendResult/code``.
/// After ``Code-swift.struct/network`` or ``Code-swift.struct/timeout`` the SMS may or may
/// not have been sent, so a send is never retried for you.
///
/// A struct with a ``code``, not an enum, so that a later version can add codes without
/// breaking a `switch` in your code:
///
/// ```swift
/// do {
///     let result = try await client.sendCode(internationalCode: "+49", phone: phone, codeType: .login)
/// } catch let error as SMSError where error.code == .timeout {
///     // the SMS may have been sent: ask the user before trying again
/// }
/// ```
///
/// As an `NSError` (crash reporters, Objective-C, `error as NSError`) it keeps its code: the
/// domain is ``errorDomain``, the code the library's status (``Code-swift.struct/rawValue``,
/// e.g. -6 for a timeout) and the description ``description``.
public struct SMSError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError,
    CustomNSError
{
    /// The kind of local failure: one per negative `SMS_ERR_*` status of the C library.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The C status (`SMS_ERR_*`, always negative).
        public let rawValue: Int32

        /// Wraps a C status, including one newer than this binding.
        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// The library's English description of the status, e.g. "Timed out".
        public var description: String { String(cString: sms_code_description(rawValue)) }

        /// A required argument was missing (`SMS_ERR_NULL_ARGUMENT`).
        public static let nullArgument = Code(rawValue: SMS_ERR_NULL_ARGUMENT)
        /// A string was not valid UTF-8 (`SMS_ERR_INVALID_UTF8`).
        public static let invalidUTF8 = Code(rawValue: SMS_ERR_INVALID_UTF8)
        /// An argument or a configuration value is out of range or malformed
        /// (`SMS_ERR_INVALID_ARGUMENT`), including a string with a NUL character inside.
        public static let invalidArgument = Code(rawValue: SMS_ERR_INVALID_ARGUMENT)
        /// An output buffer was too small (`SMS_ERR_BUFFER_TOO_SMALL`; a bug if seen here).
        public static let bufferTooSmall = Code(rawValue: SMS_ERR_BUFFER_TOO_SMALL)
        /// DNS failure, connection refused or reset (`SMS_ERR_NETWORK`).
        public static let network = Code(rawValue: SMS_ERR_NETWORK)
        /// The connect or total timeout expired (`SMS_ERR_TIMEOUT`).
        public static let timeout = Code(rawValue: SMS_ERR_TIMEOUT)
        /// TLS handshake or certificate verification failed (`SMS_ERR_TLS`).
        public static let tls = Code(rawValue: SMS_ERR_TLS)
        /// A non-2xx HTTP status, or a redirect (never followed), without a JSON `code`
        /// (`SMS_ERR_HTTP_STATUS`).
        public static let httpStatus = Code(rawValue: SMS_ERR_HTTP_STATUS)
        /// The body is not JSON, has no integer `code`, or is over 64 KiB
        /// (`SMS_ERR_BAD_RESPONSE`).
        public static let badResponse = Code(rawValue: SMS_ERR_BAD_RESPONSE)
        /// Plain `http://` to a host that is not loopback (`SMS_ERR_INSECURE_URL`).
        public static let insecureURL = Code(rawValue: SMS_ERR_INSECURE_URL)
        /// The feature is not available: the library was built without its own transport
        /// (the XCFramework), or an option needs the library's transport
        /// (`SMS_ERR_UNSUPPORTED`).
        public static let unsupported = Code(rawValue: SMS_ERR_UNSUPPORTED)
        /// A bug inside the library was caught at its boundary (`SMS_ERR_INTERNAL`).
        public static let `internal` = Code(rawValue: SMS_ERR_INTERNAL)
    }

    /// What went wrong.
    public let code: Code
    /// The library's English message, e.g. "sms_client_send: timed out: ...". It never
    /// contains the secret.
    public let message: String

    /// Makes an error; the library makes them, this is for tests and wrappers.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// "status -6 (Timed out): sms_client_send: timed out: ...": never the secret.
    public var description: String {
        "status \(code.rawValue) (\(code.description)): \(message)"
    }

    /// The same text as ``description``.
    public var errorDescription: String? { description }

    /// "SMSCode.SMSError": the `NSError` domain of every ``SMSError``.
    public static var errorDomain: String { "SMSCode.SMSError" }

    /// The library's status, ``Code-swift.struct/rawValue`` (negative): the `NSError` code.
    public var errorCode: Int { Int(code.rawValue) }

    /// ``description`` under `NSLocalizedDescriptionKey`.
    public var errorUserInfo: [String: Any] { [NSLocalizedDescriptionKey: description] }

    /// The error for a negative `status` that the C library just returned on this thread,
    /// with the thread's last error message. Call it on the thread of the failed call.
    static func last(status: Int32) -> SMSError {
        SMSError(code: Code(rawValue: status), message: lastErrorMessage())
    }
}
