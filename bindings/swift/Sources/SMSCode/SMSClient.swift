import CSMSCode
import Foundation

/// A configured client: sends the verification-code request with one user domain's secret.
///
/// Create one per user domain and configuration and share it: its transport (the library's
/// own, or one `URLSession` per client) keeps connections open for the next send, and any
/// number of tasks and threads may send through it at once. Its configuration is a value
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
    /// Every option of a client, read when the client is created. A value: changing it, or a
    /// copy, changes no client.
    public struct Configuration: Hashable, Sendable {
        /// Connect timeout (DNS, TCP, TLS). More than zero and at most 2^32 - 1 ms.
        public var connectTimeout: Duration
        /// Timeout of one whole send, body included. More than zero and at most 2^32 - 1 ms.
        public var totalTimeout: Duration
        /// An HTTP(S) proxy such as `http://proxy.example:3128`; nil for none. Environment
        /// variables such as `HTTPS_PROXY` are never read.
        public var proxy: URL?
        /// PEM files whose certificates are trusted on top of the bundled Mozilla roots (the
        /// same on every OS). Read when the client is created.
        public var additionalTrustedCertificates: [URL]
        /// The `User-Agent` header; nil for the library's `smscode/<version>`. At most 256
        /// bytes, no control characters.
        public var userAgent: String?
        /// Sent as `X-Q-Language` (e.g. "en-US") with each request; nil for none.
        public var language: String?
        /// The enterprise SMS signature ID (`ssid`); nil to leave it out.
        public var enterpriseSignatureID: String?
        /// The enterprise SMS template ID (`stid`); nil to leave it out.
        public var enterpriseTemplateID: String?
        /// Added to the system clock for the request's timestamp: set it from
        /// ``SendResult/clockSkew`` on a device whose clock is wrong. At most 100 years
        /// either way; whole milliseconds count.
        public var clockOffset: Duration
        /// Double-tap guard: a second send to the same international code, phone and code
        /// type within this interval answers ``ServerCode/frequencyLimit`` locally, without
        /// touching the network. `.zero` turns it off. At most 2^32 - 1 ms.
        public var resendGuard: Duration

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

    /// The HTTP stack sends go through.
    public let transport: TransportChoice

    /// The transport that moves prepared requests; nil for the library's own.
    private let mover: (any Transport)?

    /// The C handle. Thread-safe by the C library's contract (see `SmsClient` in smscode.h)
    /// and never changed after `init`; freed in `deinit`, which runs only when no reference,
    /// and so no call on any thread, is left (an async send keeps its client alive).
    private let handle: Handle

    /// Creates a client.
    ///
    /// `transport` picks the HTTP stack (see ``TransportChoice``): by default URLSession on
    /// Apple platforms, the library's own elsewhere. ``Configuration/proxy`` needs the
    /// library's transport (URLSession uses the system's proxy settings; a custom transport
    /// its own), and so do ``Configuration/additionalTrustedCertificates`` with a custom
    /// transport: otherwise ``SMSError/Code-swift.struct/unsupported``.
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
        configuration: Configuration = Configuration(),
        transport: TransportChoice = .platformDefault
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
        let isLibrary: Bool
        switch transport.storage {
        case .library:
            isLibrary = true
            mover = nil
        case .urlSession:
            isLibrary = false
            mover = try URLSessionTransport(
                additionalTrustedCertificates: configuration.additionalTrustedCertificates)
        case .custom(let custom):
            isLibrary = false
            mover = custom
            if !configuration.additionalTrustedCertificates.isEmpty {
                throw unsupported("additionalTrustedCertificates", transport)
            }
        }
        if !isLibrary && configuration.proxy != nil {
            throw unsupported("proxy", transport)
        }
        try handle.apply(configuration, library: isLibrary)
        self.handle = handle
        self.transport = transport
        self.endpoint = endpoint
        self.userDomain = userDomain
        self.configuration = configuration
    }

    /// Sends the verification code without blocking Swift's cooperative thread pool: the
    /// blocking C call runs on a dispatch queue of its own and resumes this task when the
    /// answer is in. Never retries (a send is not idempotent).
    ///
    /// Cancelling the task makes this throw `CancellationError` at once, before or during the
    /// send. Through URLSession (and a custom transport that honours cancellation) the HTTP
    /// request is cancelled too and its connection closed. Through the library's transport it
    /// cannot be: the blocking C call has no way to be interrupted, so it runs on in the
    /// background to its answer or total timeout, keeping the client alive until then. Either
    /// way a request that reached the server may have sent the SMS.
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
        guard let mover else {
            // The closure holds `self`, so the handle outlives a cancelled task's send.
            return try await runBlocking {
                try self.handle.send(
                    internationalCode: internationalCode, phone: phone, codeType: codeType)
            }
        }
        try Task.checkCancellation()
        let request: HTTPRequest
        switch try prepare(internationalCode: internationalCode, phone: phone, codeType: codeType)
        {
        case .answered(let result):
            return result
        case .send(let prepared):
            request = prepared
        }
        let response: HTTPResponse
        do {
            response = try await mover.send(request)
        } catch let error as TransportError {
            throw SMSError(code: error.kind.code, message: "\(transport) transport: \(error)")
        } catch let error as URLError {
            let failure = TransportError(error)
            throw SMSError(code: failure.kind.code, message: "\(transport) transport: \(failure)")
        }
        return try handle.readResponse(response)
    }

    /// Prepares a send for an HTTP stack of your own: the same checks, resend guard and
    /// options as ``sendCode(internationalCode:phone:codeType:)``, ending in the signed
    /// request. A ``Transport`` passed as ``TransportChoice/custom(_:)`` gets these requests;
    /// call this only to look at one.
    ///
    /// `random` and `timestamp` (Unix ms, used as given: the clock offset is not added) fix
    /// the request for tests and vectors; give both or neither. Never fix `random` in
    /// production: every request needs a fresh one.
    ///
    /// - Returns: ``PreparedSend/send(_:)`` with the request, or ``PreparedSend/answered(_:)``
    ///   when the library answered locally (5019, 5021, 5023, 5116, the resend guard's 5058).
    ///   The resend guard counts a prepared request as sent.
    /// - Throws: ``SMSError`` for a local failure (invalid argument, NUL character).
    public func prepare(
        internationalCode: String, phone: String, codeType: CodeType,
        random: String? = nil, timestamp: Int64? = nil
    ) throws -> PreparedSend {
        let fixed: (String, Int64)?
        switch (random, timestamp) {
        case (nil, nil): fixed = nil
        case (let random?, let timestamp?): fixed = (random, timestamp)
        default:
            throw SMSError(
                code: .invalidArgument,
                message: "prepare: give both random and timestamp, or neither")
        }
        return try handle.prepare(
            internationalCode: internationalCode, phone: phone, codeType: codeType, fixed: fixed,
            timeouts: (configuration.connectTimeout, configuration.totalTimeout))
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

    /// Hands every option to the library, which checks it. The timeouts, proxy and CA files
    /// belong to the library's transport (a build without it refuses them): for another
    /// transport the timeouts are only checked here.
    func apply(_ configuration: SMSClient.Configuration, library: Bool) throws {
        let connect = try milliseconds(configuration.connectTimeout, "connectTimeout")
        let total = try milliseconds(configuration.totalTimeout, "totalTimeout")
        guard library else {
            try applyCommon(configuration)
            return
        }
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
        try applyCommon(configuration)
    }

    /// The options of every transport.
    private func applyCommon(_ configuration: SMSClient.Configuration) throws {
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

    /// `sms_client_prepare(_with)`: the request, or the library's local answer.
    func prepare(
        internationalCode: String, phone: String, codeType: CodeType, fixed: (String, Int64)?,
        timeouts: (Duration, Duration)
    ) throws -> PreparedSend {
        var request: OpaquePointer?
        let code = try withCStrings(
            [
                "internationalCode": internationalCode, "phone": phone,
                "random": fixed?.0 ?? "",
            ]
        ) { args in
            if let fixed {
                sms_client_prepare_with(
                    pointer, args[0], args[1], codeType.rawValue, args[2], fixed.1, &request)
            } else {
                sms_client_prepare(pointer, args[0], args[1], codeType.rawValue, &request)
            }
        }
        guard code >= 0 else {
            throw SMSError.last(status: code)
        }
        guard let request else {
            // A local answer: nothing was sent.
            return .answered(
                SendResult(
                    code: ServerCode(rawValue: code), message: nil, extendedMessage: nil,
                    httpStatus: 0,
                    clockSkew: nil))
        }
        defer { sms_request_free(request) }
        var headers: [HTTPHeader] = []
        for index in 0..<sms_request_header_count(request) {
            headers.append(
                HTTPHeader(
                    name: String(cString: sms_request_header_name(request, index)),
                    value: String(cString: sms_request_header_value(request, index))))
        }
        let url = String(cString: sms_request_url(request))
        guard let parsed = URL(string: url) else {
            throw SMSError(
                code: .internal, message: "prepare: the library's URL \(url) does not parse")
        }
        return .send(
            HTTPRequest(
                method: String(cString: sms_request_method(request)), url: parsed,
                headers: headers,
                body: Data(bytes: sms_request_body(request), count: sms_request_body_len(request)),
                connectTimeout: timeouts.0, totalTimeout: timeouts.1))
    }

    /// `sms_client_read_response`: the answer, mapped as the library's own transport does.
    func readResponse(_ answer: HTTPResponse) throws -> SendResult {
        guard let status = Int32(exactly: answer.status) else {
            throw SMSError(code: .invalidArgument, message: "HTTP status \(answer.status)")
        }
        var response: OpaquePointer?
        let code = try answer.body.withUnsafeBytes { body in
            let bytes = body.bindMemory(to: UInt8.self)
            guard let date = answer.date else {
                return sms_client_read_response(
                    pointer, status, nil, bytes.baseAddress, bytes.count, &response)
            }
            return try withCStrings(["date": date]) {
                sms_client_read_response(
                    pointer, status, $0[0], bytes.baseAddress, bytes.count, &response)
            }
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

private func unsupported(_ option: String, _ transport: TransportChoice) -> SMSError {
    SMSError(
        code: .unsupported,
        message: "configuration: \(option) needs the library's transport, not \(transport)")
}

private func outOfRange(_ name: String, _ duration: Duration) -> SMSError {
    SMSError(
        code: .invalidArgument,
        message: "configuration: \(name) \(duration) is out of range")
}

/// What ``SMSClient/prepare(internationalCode:phone:codeType:random:timestamp:)`` gives.
public enum PreparedSend: Hashable, Sendable {
    /// The signed request, to send once.
    case send(HTTPRequest)
    /// The library answered locally (nothing to send), as a send would have.
    case answered(SendResult)
}
