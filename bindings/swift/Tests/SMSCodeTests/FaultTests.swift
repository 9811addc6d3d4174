import CSMSCode
import Foundation
import SMSCode
import Testing

/// Every fault kind of the emulator gives its error, in bounded time (the timeouts of a
/// hang, a slow drip and a delay are in ParityTests.swift).
@Suite struct FaultTests {
    let emulator: Emulator

    init() throws {
        emulator = try Emulator()
    }

    /// Arms `fault`, sends once through a client with `configuration`, and returns the
    /// error, checking it came within `bound` seconds.
    func failure(
        _ fault: String,
        _ configuration: SMSClient.Configuration = .init(),
        within bound: Double = 15,
        transport: TransportChoice,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> SMSError {
        let client = try emulator.client(configuration, transport: transport)
        try emulator.armFault(fault)
        let start = ContinuousClock.now
        do {
            let result = try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
            throw HarnessError(description: "\(fault): expected an error, got \(result)")
        } catch let error as SMSError {
            let elapsed = seconds(since: start)
            #expect(elapsed < bound, "\(fault) took \(elapsed) s", sourceLocation: sourceLocation)
            return error
        }
    }

    @Test(arguments: transports) func closeIsANetworkError(transport: TransportChoice) async throws
    {
        let error = try await failure("close", transport: transport)
        #expect(error.code == .network, "\(error)")
    }

    @Test(arguments: transports) func http500IsAnHTTPStatusError(transport: TransportChoice)
        async throws
    {
        let error = try await failure("http500", transport: transport)
        #expect(error.code == .httpStatus, "\(error)")
        #expect(error.message.contains("500"), "\(error)")
    }

    @Test(arguments: transports) func notJSONIsABadResponse(transport: TransportChoice) async throws
    {
        let error = try await failure("not_json", transport: transport)
        #expect(error.code == .badResponse, "\(error)")
    }

    @Test(arguments: transports) func aHugeBodyIsABadResponse(transport: TransportChoice)
        async throws
    {
        let error = try await failure("huge_body", transport: transport)
        #expect(error.code == .badResponse, "\(error)")
    }

    @Test(arguments: transports) func aRedirectIsNotFollowed(transport: TransportChoice)
        async throws
    {
        let error = try await failure("redirect", transport: transport)
        #expect(error.code == .httpStatus, "\(error)")
        #expect(error.message.contains("302"), "\(error)")
    }

    @Test(arguments: transports) func aRefusedConnectionIsANetworkError(transport: TransportChoice)
        async throws
    {
        // Port 1 on loopback: nothing listens there.
        let client = try SMSClient(
            endpoint: .url(URL(string: "http://127.0.0.1:1")!), userDomain: demoDomain,
            userDomainSecret: demoSecret, transport: transport)
        await expectSMSError(.network) {
            try await client.sendCode(
                internationalCode: "+86", phone: "13800138000", codeType: .login)
        }
    }

    @Test(arguments: transports) func theClientWorksAfterAFault(transport: TransportChoice)
        async throws
    {
        let client = try emulator.client(transport: transport)
        try emulator.armFault("close")
        await expectSMSError(.network) {
            try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        }
        let result = try await client.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        #expect(result.code == .sent)
    }
}

/// HTTPS with the emulator's self-signed certificate.
@Suite struct TLSTests {
    let emulator: Emulator

    init() throws {
        emulator = try Emulator(tls: true)
    }

    @Test(arguments: transportsWithExtraCertificates)
    func theEmulatorsCertificateAsAnExtraCAIsTrusted(transport: TransportChoice) async throws {
        #expect(emulator.baseURL.hasPrefix("https://"))
        let certificate = try #require(emulator.certificate)
        let client = try emulator.client(
            .init(additionalTrustedCertificates: [certificate]), transport: transport)
        let result = try await client.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .registration)
        #expect(result.code == .sent)
        #expect(result.httpStatus == 200)
    }

    @Test(arguments: transports) func withoutTheCertificateItIsATLSError(transport: TransportChoice)
        async throws
    {
        let client = try emulator.client(transport: transport)
        await expectSMSError(.tls) {
            try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .registration)
        }
    }

    #if !canImport(Darwin)
        /// FoundationNetworking cannot add a trusted certificate: the URLSession transport
        /// refuses one, with `.unsupported`, instead of ignoring it.
        @Test func theURLSessionTransportRefusesAnExtraCAOnLinux() async throws {
            let certificate = try #require(emulator.certificate)
            await expectSMSError(.unsupported, containing: "additionalTrustedCertificates") {
                try emulator.client(
                    .init(additionalTrustedCertificates: [certificate]), transport: .urlSession)
            }
        }
    #endif

    @Test(arguments: transports) func aFileWithoutCertificatesIsRefused(transport: TransportChoice)
        async throws
    {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("smscode-swift-empty-\(UUID().uuidString).pem")
        try Data("not a certificate\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        await expectSMSError(.invalidArgument) {
            try emulator.client(.init(additionalTrustedCertificates: [file]), transport: transport)
        }
    }
}

/// A body over the library's cap: URLSessionTransport reads `SMS_MAX_RESPONSE_BODY` + 1 bytes
/// of it and closes the connection, so a server sending gigabytes costs the app 64 KiB. The
/// server announces 64 MiB, sends 1 MiB and waits: a transport that reads the whole body waits
/// for the rest until its total timeout instead.
@Suite struct ResponseBodyCapTests {
    @Test(arguments: [200, 500])
    func theURLSessionTransportStopsReadingOneByteOverTheCap(status: Int) async throws {
        let server = try OversizedBodyServer(status: status)
        let transport = try URLSessionTransport()
        let response = try await transport.send(
            HTTPRequest(
                method: "POST", url: server.url, headers: [], body: Data(),
                connectTimeout: .seconds(5), totalTimeout: .seconds(20)))
        #expect(response.status == status)
        #expect(response.body.count == Int(SMS_MAX_RESPONSE_BODY) + 1)
        let seen = try await server.result()
        #expect(seen.clientClosed, "the connection stayed open: the transport waited for more")
        #expect(seen.bytesWritten <= server.sent)
    }

    /// Through a client: the library refuses the capped body, by the status (a non-2xx
    /// answer is an HTTP status error, a 2xx one a bad response).
    @Test(arguments: [(200, SMSError.Code.badResponse), (500, .httpStatus)])
    func aBodyOverTheCapIsRefusedThroughURLSession(status: Int, code: SMSError.Code)
        async throws
    {
        let server = try OversizedBodyServer(status: status)
        let client = try SMSClient(
            endpoint: .url(server.url), userDomain: demoDomain, userDomainSecret: demoSecret,
            configuration: .init(totalTimeout: .seconds(20)), transport: .urlSession)
        await expectSMSError(code) {
            try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        }
        #expect(try await server.result().clientClosed)
    }
}
