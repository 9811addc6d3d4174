import Foundation
import SMSCode
import Testing

/// Every fault kind of the emulator gives its error, in bounded time. The bounds are
/// generous (a loaded machine is slow); they only tell "gave up on its timeout" from "waited
/// for the fault to end" (a hang lasts an hour, a slow drip 46 s).
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
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> SMSError {
        let client = try emulator.client(configuration)
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

    @Test func hangTimesOut() async throws {
        let error = try await failure(
            "hang", .init(connectTimeout: .milliseconds(500), totalTimeout: .seconds(1)))
        #expect(error.code == .timeout, "\(error)")
    }

    @Test func closeIsANetworkError() async throws {
        let error = try await failure("close")
        #expect(error.code == .network, "\(error)")
    }

    @Test func http500IsAnHTTPStatusError() async throws {
        let error = try await failure("http500")
        #expect(error.code == .httpStatus, "\(error)")
        #expect(error.message.contains("500"), "\(error)")
    }

    @Test func notJSONIsABadResponse() async throws {
        let error = try await failure("not_json")
        #expect(error.code == .badResponse, "\(error)")
    }

    @Test func aHugeBodyIsABadResponse() async throws {
        let error = try await failure("huge_body")
        #expect(error.code == .badResponse, "\(error)")
    }

    @Test func aSlowDripTimesOut() async throws {
        // 47 bytes at one a second take 46 s; the total timeout ends it after 2.
        let error = try await failure(
            "slow_drip", .init(totalTimeout: .seconds(2)), within: 20)
        #expect(error.code == .timeout, "\(error)")
    }

    @Test func aRedirectIsNotFollowed() async throws {
        let error = try await failure("redirect")
        #expect(error.code == .httpStatus, "\(error)")
        #expect(error.message.contains("302"), "\(error)")
    }

    @Test func aRefusedConnectionIsANetworkError() async throws {
        // Port 1 on loopback: nothing listens there.
        let client = try SMSClient(
            endpoint: .url(URL(string: "http://127.0.0.1:1")!), userDomain: demoDomain,
            userDomainSecret: demoSecret)
        await expectSMSError(.network) {
            try await client.sendCode(
                internationalCode: "+86", phone: "13800138000", codeType: .login)
        }
    }

    @Test func theClientWorksAfterAFault() async throws {
        let client = try emulator.client()
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

    @Test func theEmulatorsCertificateAsAnExtraCAIsTrusted() async throws {
        #expect(emulator.baseURL.hasPrefix("https://"))
        let certificate = try #require(emulator.certificate)
        let client = try emulator.client(.init(additionalTrustedCertificates: [certificate]))
        let result = try await client.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .registration)
        #expect(result.code == .sent)
        #expect(result.httpStatus == 200)
    }

    @Test func withoutTheCertificateItIsATLSError() async throws {
        let client = try emulator.client()
        await expectSMSError(.tls) {
            try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .registration)
        }
    }

    @Test func aFileWithoutCertificatesIsRefused() async throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("smscode-swift-empty-\(UUID().uuidString).pem")
        try Data("not a certificate\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        await expectSMSError(.invalidArgument) {
            try emulator.client(.init(additionalTrustedCertificates: [file]))
        }
    }
}
