import Foundation
import SmsCode
import XCTest

/// Every client option of the core, observed through real sends to the emulator.
final class ClientOptionTests: XCTestCase {
    private static var shared: Emulator?

    private var emulator: Emulator { ClientOptionTests.shared! }

    override func setUpWithError() throws {
        if ClientOptionTests.shared == nil {
            ClientOptionTests.shared = try Emulator()
        }
        try emulator.reset()
    }

    override class func tearDown() {
        shared?.stop()
        shared = nil
        super.tearDown()
    }

    private func makeClient() throws -> SmsClient {
        try SmsClient(baseURL: emulator.baseURL, userDomain: demoDomain, userDomainSecret: demoSecret)
    }

    private func send(_ client: SmsClient, phone: String? = nil) async throws -> SendResult {
        try await client.sendCode(
            internationalCode: "+86", phone: phone ?? uniquePhone(), codeType: .passwordReset)
    }

    /// Sends once and checks the code (XCTAssert's autoclosures cannot await).
    private func assertSends(
        _ client: SmsClient, code expected: Int32, _ message: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let result = try await send(client)
        XCTAssertEqual(result.code, expected, message, file: file, line: line)
    }

    func testResendGuardAnswers5058LocallyWithoutSending() async throws {
        let client = try makeClient()
        try client.setResendGuard(milliseconds: 60_000)
        let phone = uniquePhone()
        let first = try await send(client, phone: phone)
        XCTAssertEqual(first.code, 200)
        let second = try await send(client, phone: phone)
        XCTAssertEqual(second.code, 5058)
        XCTAssertEqual(second.httpStatus, 0, "the guard answers locally")
        XCTAssertTrue(second.isLocal)
        XCTAssertEqual(try emulator.codes(phone: phone).count, 1)

        // 0 turns it off: the next send reaches the server (whose own limit answers).
        try client.setResendGuard(milliseconds: 0)
        let third = try await send(client, phone: phone)
        XCTAssertEqual(third.code, 5058)
        XCTAssertEqual(third.httpStatus, 200)
    }

    func testClockOffsetAndMeasuredSkewFixAWrongClock() async throws {
        let client = try makeClient()
        // A device clock one hour behind: the server refuses the timestamp...
        try client.setClockOffset(milliseconds: -3_600_000)
        let refused = try await send(client)
        XCTAssertEqual(refused.code, 5145)
        let skew = try XCTUnwrap(refused.clockSkewMs)
        XCTAssertEqual(Double(skew), 3_600_000, accuracy: 5_000)
        // ...and the measured skew corrects it.
        try client.setClockOffset(milliseconds: -3_600_000 + skew)
        let sent = try await send(client)
        XCTAssertEqual(sent.code, 200)

        assertSmsError(SmsError.invalidArgument, containing: "100 years") {
            try client.setClockOffset(milliseconds: 4_000_000_000_000)
        }
    }

    func testEnterpriseSignatureAndTemplateReachTheServer() async throws {
        let client = try makeClient()
        try client.setEnterprise(ssid: "sig-ok", stid: "tpl-ok")
        try await assertSends(client, code: 200)
        try client.setEnterprise(ssid: "sig-acct2", stid: "tpl-ok")
        let mismatch = try await send(client)
        XCTAssertEqual(mismatch.code, 5126)
        XCTAssertEqual(mismatch.msg, SmsCode.description(of: 5126))
        try client.setEnterprise(ssid: "sig-ok", stid: nil)
        try await assertSends(client, code: 5118, "a signature without a template")
        try client.setEnterprise(ssid: nil, stid: "tpl-ok")
        try await assertSends(client, code: 5117, "a template without a signature")
        try client.setEnterprise(ssid: nil, stid: nil)
        try await assertSends(client, code: 200)
    }

    func testProxyIsUsedAndCanBeRemoved() async throws {
        let client = try makeClient()
        // A proxy where nothing listens: the send must fail although the emulator is up.
        try client.setProxy("http://127.0.0.1:1")
        await assertSmsErrorAsync(SmsError.network, containing: "network failure") {
            try await self.send(client)
        }
        try client.setProxy(nil)
        try await assertSends(client, code: 200)

        assertSmsError(SmsError.invalidArgument, containing: "proxy") {
            try client.setProxy("not a url")
        }
    }

    func testUserAgentAndLanguageAreCheckedAndSent() async throws {
        let client = try makeClient()
        try client.setUserAgent("smscode-swift-tests/1.0")
        try client.setLanguage("en-US")
        try await assertSends(client, code: 200)
        try client.setLanguage(nil)
        try await assertSends(client, code: 200)

        assertSmsError(SmsError.invalidArgument, containing: "control character") {
            try client.setUserAgent("bad\nagent")
        }
        assertSmsError(SmsError.invalidArgument, containing: "longer than 256") {
            try client.setUserAgent(String(repeating: "a", count: 300))
        }
        assertSmsError(SmsError.invalidArgument, containing: "control character") {
            try client.setLanguage("en\u{1}")
        }
    }

    func testTimeoutsMustBePositive() async throws {
        let client = try makeClient()
        assertSmsError(SmsError.invalidArgument, containing: "greater than zero") {
            try client.setTimeouts(connectMilliseconds: 0, totalMilliseconds: 1_000)
        }
        try client.setTimeouts(connectMilliseconds: 2_000, totalMilliseconds: 5_000)
        try await assertSends(client, code: 200)
    }

    func testRejectedSettingLeavesTheClientAsItWas() async throws {
        let client = try makeClient()
        assertSmsError(SmsError.invalidArgument, containing: "cannot read CA file") {
            try client.addCAFile(path: "/nonexistent/smscode-ca.pem")
        }
        try await assertSends(client, code: 200)
    }
}
