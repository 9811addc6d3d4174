import CSMSCode
import Foundation

/// A configured client: sends the verification-code request with one user domain's secret.
///
/// Create one per user domain and configuration and share it: connections are pooled, and
/// any number of tasks and threads may send through it at once. Its configuration is a value
/// fixed at creation; for other settings, create another client.
///
/// ```swift
/// let client = try SMSClient(
///     endpoint: .region(.europe), userDomain: "my-domain", userDomainSecret: secret,
///     configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(15)))
/// let result = try await client.sendCode(internationalCode: "+49", phone: "15112345678", codeType: .login)
/// if result.code == .frequencyLimit { ... }
/// ```
///
/// The secret is copied into the library and not kept in Swift, so no description, `dump`
/// or mirror of the client can show it.
public final class SMSClient: Sendable, CustomStringConvertible {
    /// Every option of a client, fixed when the client is created. A value: changing a copy
    /// changes no client.
    public struct Configuration: Hashable, Sendable {
        /// Connect timeout (DNS, TCP, TLS). More than zero and at most 2^32 - 1 ms.
        public let connectTimeout: Duration
        /// Timeout of one whole send, body included. More than zero and at most 2^32 - 1 ms.
        public let totalTimeout: Duration
        /// An HTTP(S) proxy such as `http://proxy.example:3128`; nil for none. Environment
        /// variables such as `HTTPS_PROXY` are never read.
        public let proxy: URL?
        /// PEM files whose certificates are trusted on top of the bundled Mozilla roots (the
        /// same on every OS). Read when the client is created.
        public let additionalTrustedCertificates: [URL]
        /// The `User-Agent` header; nil for the library's `smscode/<version>`. At most 256
        /// bytes, no control characters.
        public let userAgent: String?
        /// Sent as `X-Q-Language` (e.g. "en-US") with each request; nil for none.
        public let language: String?
        /// The enterprise SMS signature ID (`ssid`); nil to leave it out.
        public let enterpriseSignatureID: String?
        /// The enterprise SMS template ID (`stid`); nil to leave it out.
        public let enterpriseTemplateID: String?
        /// Added to the system clock for the request's timestamp: set it from
        /// ``SendResult/clockSkew`` on a device whose clock is wrong. At most 100 years
        /// either way; whole milliseconds count.
        public let clockOffset: Duration
        /// Double-tap guard: a second send to the same international code, phone and code
        /// type within this interval answers ``ServerCode/frequencyLimit`` locally, without
        /// touching the network. `.zero` turns it off. At most 2^32 - 1 ms.
        public let resendGuard: Duration

        /// A configuration; every default is the library's.
        public init(
            connectTimeout: Duration = .seconds(10),
            totalTimeout: Duration = .seconds(20),
            proxy: URL? = nil,
            additionalTrustedCertificates: [URL] = [],
            userAgent: String? = nil,
            language: String? = nil,
            enterpriseSignatureID: String? = nil,
            enterpriseTemplateID: String? = nil,
            clockOffset: Duration = .zero,
            resendGuard: Duration = .zero
        ) {
            self.connectTimeout = connectTimeout
            self.totalTimeout = totalTimeout
            self.proxy = proxy
            self.additionalTrustedCertificates = additionalTrustedCertificates
            self.userAgent = userAgent
            self.language = language
            self.enterpriseSignatureID = enterpriseSignatureID
            self.enterpriseTemplateID = enterpriseTemplateID
            self.clockOffset = clockOffset
            self.resendGuard = resendGuard
        }
    }

    /// Where requests go.
    public let endpoint: Endpoint
    /// The user domain.
    public let userDomain: String
    /// The options the client was created with.
    public let configuration: Configuration

    /// The C handle. Thread-safe by the C library's contract (see `SmsClient` in smscode.h)
    /// and never changed after `init`; freed in `deinit`, which runs only when no reference,
    /// and so no call on any thread, is left (an async send keeps its client alive).
    private let handle: Handle

    /// Creates a client.
    ///
    /// - Throws: ``SMSError`` with ``SMSError/Code-swift.struct/insecureURL`` for plain
    ///   `http://` to a host that is not loopback, ``SMSError/Code-swift.struct/invalidArgument``
    ///   for a malformed URL, a NUL character in a string, or a configuration value out of
    ///   range (the message names it). The user domain and secret are checked when sending
    ///   (an empty user domain answers ``ServerCode/userDomainRequired``).
    public init(
        endpoint: Endpoint,
        userDomain: String,
        userDomainSecret: String,
        configuration: Configuration = Configuration()
    ) throws {
        var created: OpaquePointer?
        let status = try withCStrings(
            [
                "endpoint": endpoint.cValue, "userDomain": userDomain,
                "userDomainSecret": userDomainSecret,
            ]
        ) { args in
            sms_client_new(args[0], args[1], args[2], &created)
        }
        guard status == SMS_OK, let created else {
            throw SMSError.last(status: status)
        }
        // From here the handle is freed by Handle's deinit, also when a setting is refused.
        let handle = Handle(created)
        try handle.apply(configuration)
        self.handle = handle
        self.endpoint = endpoint
        self.userDomain = userDomain
        self.configuration = configuration
    }

    /// Sends the verification code without blocking Swift's cooperative thread pool: the
    /// blocking C call runs on a dispatch queue of its own and resumes this task when the
    /// answer is in. Never retries (a send is not idempotent).
    ///
    /// Cancelling the task makes this throw `CancellationError` at once, before or during the
    /// send; a send already under way still runs to its answer or timeout in the background
    /// (an SMS cannot be recalled), keeping the client alive until then.
    ///
    /// - Returns: the server's answer; ``SendResult/isSuccess`` when the SMS was sent. Input
    ///   the platform has a code for (empty or malformed phone, empty international code,
    ///   empty user domain) and the resend guard's 5058 are answered locally, with
    ///   ``SendResult/httpStatus`` 0.
    /// - Throws: ``SMSError`` for a local failure (invalid argument, network, timeout, TLS,
    ///   HTTP status, bad response), or `CancellationError`.
    public func sendCode(
        internationalCode: String,
        phone: String,
        codeType: CodeType
    ) async throws -> SendResult {
        // The closure holds `self`, so the handle outlives a cancelled task's send.
        try await runBlocking {
            try self.handle.send(
                internationalCode: internationalCode, phone: phone, codeType: codeType)
        }
    }

    /// "SMSClient(endpoint: eu, userDomain: my-domain)": never the secret.
    public var description: String {
        "SMSClient(endpoint: \(endpoint), userDomain: \(userDomain))"
    }
}

/// Owns one C client handle and frees it when the last reference goes.
private final class Handle: @unchecked Sendable {
    // @unchecked Sendable: `pointer` never changes after init, and the C library documents
    // `SmsClient` as safe to use from many threads at once (sends and setters alike).
    // sms_client_free runs in deinit, when no thread can hold a reference any more.
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        sms_client_free(pointer)
    }

    /// Hands every option to the library, which checks it.
    func apply(_ configuration: SMSClient.Configuration) throws {
        let connect = try milliseconds(configuration.connectTimeout, "connectTimeout")
        let total = try milliseconds(configuration.totalTimeout, "totalTimeout")
        try check(sms_client_set_timeouts(pointer, connect, total))
        if let proxy = configuration.proxy {
            try check(
                withCStrings(["proxy": proxy.absoluteString]) {
                    sms_client_set_proxy(pointer, $0[0])
                })
        }
        for file in configuration.additionalTrustedCertificates {
            try check(
                withCStrings(["additionalTrustedCertificates": file.path]) {
                    sms_client_add_ca_file(pointer, $0[0])
                })
        }
        if let userAgent = configuration.userAgent {
            try check(
                withCStrings(["userAgent": userAgent]) {
                    sms_client_set_user_agent(pointer, $0[0])
                })
        }
        if let language = configuration.language {
            try check(
                withCStrings(["language": language]) {
                    sms_client_set_language(pointer, $0[0])
                })
        }
        let ssid = configuration.enterpriseSignatureID ?? ""
        let stid = configuration.enterpriseTemplateID ?? ""
        if !ssid.isEmpty || !stid.isEmpty {
            try check(
                withCStrings(["enterpriseSignatureID": ssid, "enterpriseTemplateID": stid]) {
                    sms_client_set_enterprise(pointer, $0[0], $0[1])
                })
        }
        guard let offset = wholeMilliseconds(configuration.clockOffset) else {
            throw outOfRange("clockOffset", configuration.clockOffset)
        }
        try check(sms_client_set_clock_offset_ms(pointer, offset))
        let guardInterval =
            configuration.resendGuard == .zero
            ? 0 : try milliseconds(configuration.resendGuard, "resendGuard")
        try check(sms_client_set_resend_guard_ms(pointer, guardInterval))
    }

    /// One blocking send; the response is copied into a `SendResult` and freed here.
    func send(internationalCode: String, phone: String, codeType: CodeType) throws -> SendResult {
        var response: OpaquePointer?
        let code = try withCStrings(["internationalCode": internationalCode, "phone": phone]) {
            sms_client_send(pointer, $0[0], $0[1], codeType.rawValue, &response)
        }
        guard code >= 0, let response else {
            throw SMSError.last(status: code)
        }
        defer { sms_response_free(response) }
        return SendResult(code: code, response: response)
    }

    private func check(_ status: Int32) throws {
        guard status == SMS_OK else {
            throw SMSError.last(status: status)
        }
    }
}

/// `duration` in whole milliseconds (toward zero), nil when it does not fit an Int64.
func wholeMilliseconds(_ duration: Duration) -> Int64? {
    let (seconds, attoseconds) = duration.components
    let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow else {
        return nil
    }
    let (sum, overflowAgain) = millis.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
    return overflowAgain ? nil : sum
}

/// A timeout or interval as the C library's `uint32_t` milliseconds: 1 ms to 2^32 - 1 ms.
private func milliseconds(_ duration: Duration, _ name: String) throws -> UInt32 {
    guard let millis = wholeMilliseconds(duration), millis > 0, millis <= Int64(UInt32.max)
    else {
        throw outOfRange(name, duration)
    }
    return UInt32(millis)
}

private func outOfRange(_ name: String, _ duration: Duration) -> SMSError {
    SMSError(
        code: .invalidArgument,
        message: "configuration: \(name) \(duration) is out of range")
}
