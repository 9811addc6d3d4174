import CSmsCode
import Dispatch

/// A configured client over the C library's `SmsClient` handle.
///
/// Create one per user domain and share it: it is thread-safe, pools connections, and many
/// tasks may send through it at once. Setters may be called at any time; a send under way
/// keeps the settings it started with, and changing a setting forgets the resend guard's
/// history. The secret is copied into the library and is not kept in Swift, so no
/// description, `dump` or mirror of the client can show it.
public final class SmsClient: @unchecked Sendable {
    // @unchecked: the only mutable state is behind the C handle, which is thread-safe
    // (see SmsClient in smscode.h). The handle is freed in deinit, which runs only when no
    // reference (and so no call on any thread) is left.
    private let handle: OpaquePointer

    /// The region or URL given at creation.
    public let baseURL: String
    /// The user domain given at creation.
    public let userDomain: String

    /// Where async sends block, off Swift's cooperative pool (which must never block).
    private static let sendQueue = DispatchQueue(
        label: "smscode.send", qos: .userInitiated, attributes: .concurrent)

    /// Creates a client.
    ///
    /// - Parameter baseURL: a region ("cn", "eu", "na") or an `https://` URL, optionally with
    ///   a gateway path prefix; plain `http://` only for loopback hosts.
    /// - Throws: `SmsError.insecureURL` or `.invalidArgument` for a bad base URL. The user
    ///   domain and secret are checked when sending (an empty user domain answers 5023).
    public init(baseURL: String, userDomain: String, userDomainSecret: String) throws {
        var created: OpaquePointer?
        let status = try withCStrings(
            ["baseURL": baseURL, "userDomain": userDomain, "userDomainSecret": userDomainSecret]
        ) { args in
            sms_client_new(args[0], args[1], args[2], &created)
        }
        guard status == SMS_OK, let created = created else {
            throw SmsError.fromLastError(status: status)
        }
        handle = created
        self.baseURL = baseURL
        self.userDomain = userDomain
    }

    deinit {
        sms_client_free(handle)
    }

    /// Sets the connect timeout (DNS, TCP, TLS; default 10000 ms) and the total timeout of one
    /// send (default 20000 ms). Both must be > 0.
    public func setTimeouts(connectMilliseconds: UInt32, totalMilliseconds: UInt32) throws {
        try check(sms_client_set_timeouts(handle, connectMilliseconds, totalMilliseconds))
    }

    /// Sends through an HTTP(S) proxy such as "http://proxy.example:3128"; nil or "" removes
    /// it. Environment variables such as HTTPS_PROXY are never read.
    public func setProxy(_ proxyURL: String?) throws {
        try check(
            withCStrings(["proxyURL": proxyURL ?? ""]) { args in
                sms_client_set_proxy(handle, args[0])
            })
    }

    /// Trusts the certificates of a PEM file on top of the bundled Mozilla roots. May be
    /// called more than once; the file is read now.
    public func addCAFile(path: String) throws {
        try check(
            withCStrings(["path": path]) { args in
                sms_client_add_ca_file(handle, args[0])
            })
    }

    /// Sets the User-Agent header (default "smscode/<version>"): at most 256 bytes, no
    /// control characters.
    public func setUserAgent(_ userAgent: String) throws {
        try check(
            withCStrings(["userAgent": userAgent]) { args in
                sms_client_set_user_agent(handle, args[0])
            })
    }

    /// Sends `X-Q-Language` (e.g. "en-US") with each request; nil or "" sends none (the
    /// default).
    public func setLanguage(_ language: String?) throws {
        try check(
            withCStrings(["language": language ?? ""]) { args in
                sms_client_set_language(handle, args[0])
            })
    }

    /// Sets the enterprise SMS signature ID and template ID; nil or "" leaves one out (the
    /// default for both).
    public func setEnterprise(ssid: String?, stid: String?) throws {
        try check(
            withCStrings(["ssid": ssid ?? "", "stid": stid ?? ""]) { args in
                sms_client_set_enterprise(handle, args[0], args[1])
            })
    }

    /// Adds `milliseconds` to the system clock for the request's `ts` (default 0): set it from
    /// `SendResult.clockSkewMs` on a device with a wrong clock. At most 100 years either way.
    public func setClockOffset(milliseconds: Int64) throws {
        try check(sms_client_set_clock_offset_ms(handle, milliseconds))
    }

    /// Double-tap guard: a second send to the same international code, phone and code type
    /// within `milliseconds` answers 5058 locally (`httpStatus` 0). 0 turns it off (default).
    public func setResendGuard(milliseconds: UInt32) throws {
        try check(sms_client_set_resend_guard_ms(handle, milliseconds))
    }

    /// Sends the verification code, blocking the calling thread until the answer. Never
    /// retries (a send is not idempotent).
    ///
    /// - Returns: the server's answer; `code` 200 (or 0) means sent. Codes the platform has
    ///   for bad input (5019, 5021, 5023, 5116) and the resend guard's 5058 are answered
    ///   locally with `httpStatus` 0.
    /// - Throws: `SmsError` for a local failure (network, timeout, TLS, HTTP status, bad
    ///   response, invalid argument...).
    public func sendCodeBlocking(
        internationalCode: String,
        phone: String,
        codeType: CodeType
    ) throws -> SendResult {
        var response: OpaquePointer?
        let code = try withCStrings(["internationalCode": internationalCode, "phone": phone]) {
            args in
            sms_client_send(handle, args[0], args[1], codeType.rawValue, &response)
        }
        guard code >= 0 else {
            throw SmsError.fromLastError(status: code)
        }
        defer { sms_response_free(response) }
        return SendResult(code: code, response: response)
    }

    /// Sends the verification code without blocking Swift's cooperative pool: the blocking
    /// call runs on a dispatch queue and resumes this task when the answer is in.
    ///
    /// A task cancelled before the call throws `CancellationError` and sends nothing; once
    /// started, a send runs to its answer or its timeout (it cannot be recalled anyway).
    /// Same results and errors as `sendCodeBlocking`.
    public func sendCode(
        internationalCode: String,
        phone: String,
        codeType: CodeType
    ) async throws -> SendResult {
        try Task.checkCancellation()
        return try await withCheckedThrowingContinuation { continuation in
            SmsClient.sendQueue.async {
                // The blocking call and the read of its per-thread error message happen
                // together on this queue thread.
                continuation.resume(
                    with: Result {
                        try self.sendCodeBlocking(
                            internationalCode: internationalCode, phone: phone,
                            codeType: codeType)
                    })
            }
        }
    }

    /// Turns a setter's status into a throw, with the message of this thread.
    private func check(_ status: Int32) throws {
        guard status == SMS_OK else {
            throw SmsError.fromLastError(status: status)
        }
    }
}

extension SmsClient: CustomStringConvertible {
    /// "SmsClient(baseURL: ..., userDomain: ...)": never the secret.
    public var description: String {
        "SmsClient(baseURL: \(baseURL), userDomain: \(userDomain))"
    }
}
