import Foundation
import SmsCode
import XCTest

/// Sends over real sockets to the emulator with its default limits (one send per minute per
/// phone and code type), and every kind of local failure.
final class SendTests: XCTestCase {
    /// One emulator for the class, reset before each test.
    private static var shared: Emulator?

    private var emulator: Emulator { SendTests.shared! }

    override func setUpWithError() throws {
        if SendTests.shared == nil {
            SendTests.shared = try Emulator()
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

    func testSendIssuesACodeToThePhone() async throws {
        let phone = uniquePhone()
        let result = try await makeClient().sendCode(
            internationalCode: "+86", phone: phone, codeType: .registration)
        XCTAssertEqual(result.code, 200)
        XCTAssertTrue(result.isSuccess)
        XCTAssertFalse(result.isLocal)
        XCTAssertEqual(result.httpStatus, 200)
        let skew = try XCTUnwrap(result.clockSkewMs, "the emulator sends a Date header")
        XCTAssertLessThan(abs(skew), 5_000, "same machine, same clock")

        let codes = try emulator.codes(phone: phone)
        XCTAssertEqual(codes.count, 1)
        XCTAssertEqual(codes.first?.internationalCode, "+86")
        XCTAssertEqual(codes.first?.codeType, 3)
        XCTAssertEqual(codes.first?.userDomain, demoDomain)
        XCTAssertEqual(codes.first?.code.count, 6)
        XCTAssertEqual(codes.first?.valid, true)
    }

    func testSecondSendWithinAMinuteIsTheServers5058() async throws {
        let client = try makeClient()
        let phone = uniquePhone()
        let first = try await client.sendCode(
            internationalCode: "+49", phone: phone, codeType: .login)
        XCTAssertEqual(first.code, 200)
        let second = try await client.sendCode(
            internationalCode: "+49", phone: phone, codeType: .login)
        XCTAssertEqual(second.code, 5058)
        XCTAssertFalse(second.isSuccess)
        XCTAssertEqual(second.httpStatus, 200, "answered by the server, not locally")
        XCTAssertEqual(second.msg, "SMS sending exceeds frequency limit")
        XCTAssertEqual(second.codeDescription, "SMS sending exceeds frequency limit")
        XCTAssertEqual(try emulator.codes(phone: phone).count, 1, "the 5058 issued no code")
        // Another code type is another key: not limited.
        let other = try await client.sendCode(
            internationalCode: "+49", phone: phone, codeType: .passwordReset)
        XCTAssertEqual(other.code, 200)
    }

    func testBlockingSendFromAThread() throws {
        let phone = uniquePhone()
        let result = try makeClient().sendCodeBlocking(
            internationalCode: "+1", phone: phone, codeType: .addPushRecipient)
        XCTAssertEqual(result.code, 200)
        XCTAssertEqual(try emulator.codes(phone: phone).map(\.codeType), [5])
    }

    func testOneCallSendCode() throws {
        let phone = uniquePhone()
        let code = try SmsCode.sendCode(
            baseURL: emulator.baseURL, userDomain: demoDomain, userDomainSecret: demoSecret,
            internationalCode: "+86", phone: phone, codeType: .accountCancellation)
        XCTAssertEqual(code, 200)
        XCTAssertEqual(try emulator.codes(phone: phone).map(\.codeType), [4])
        let again = try SmsCode.sendCode(
            baseURL: emulator.baseURL, userDomain: demoDomain, userDomainSecret: demoSecret,
            internationalCode: "+86", phone: phone, codeType: .accountCancellation)
        XCTAssertEqual(again, 5058)
    }

    func testOneCallSendCodeLocalAnswersAndErrors() throws {
        let base = emulator.baseURL
        XCTAssertEqual(
            try SmsCode.sendCode(
                baseURL: base, userDomain: demoDomain, userDomainSecret: demoSecret,
                internationalCode: "+86", phone: "", codeType: .login), 5021)
        XCTAssertEqual(
            try SmsCode.sendCode(
                baseURL: base, userDomain: "", userDomainSecret: demoSecret,
                internationalCode: "+86", phone: uniquePhone(), codeType: .login), 5023)
        XCTAssertEqual(
            try SmsCode.sendCode(
                baseURL: base, userDomain: "nobody", userDomainSecret: demoSecret,
                internationalCode: "+86", phone: uniquePhone(), codeType: .login), 5092,
            "the server does not know this user domain")
        XCTAssertEqual(
            try SmsCode.sendCode(
                baseURL: base, userDomain: demoDomain, userDomainSecret: "wrong-secret",
                internationalCode: "+86", phone: uniquePhone(), codeType: .login), 5420,
            "a wrong secret gives a wrong signature")
        assertSmsError(SmsError.insecureURL, containing: "plain http://") {
            try SmsCode.sendCode(
                baseURL: "http://example.com", userDomain: demoDomain,
                userDomainSecret: demoSecret, internationalCode: "+86",
                phone: uniquePhone(), codeType: .login)
        }
        assertSmsError(SmsError.invalidArgument, containing: "international code") {
            try SmsCode.sendCode(
                baseURL: base, userDomain: demoDomain, userDomainSecret: demoSecret,
                internationalCode: "86x", phone: uniquePhone(), codeType: .login)
        }
        XCTAssertEqual(try emulator.codes().count, 0)
    }

    func testInputThePlatformHasACodeForIsAnsweredLocally() async throws {
        let client = try makeClient()
        let cases: [(international: String, phone: String, code: Int32)] = [
            ("+86", "", 5021),
            ("+86", "12ab", 5019),
            ("+86", String(repeating: "1", count: 21), 5019),
            ("", uniquePhone(), 5116),
        ]
        for (international, phone, expected) in cases {
            let result = try await client.sendCode(
                internationalCode: international, phone: phone, codeType: .login)
            XCTAssertEqual(result.code, expected, "\(international) \(phone)")
            XCTAssertTrue(result.isLocal)
            XCTAssertEqual(result.httpStatus, 0)
            XCTAssertNil(result.clockSkewMs)
            XCTAssertNil(result.msg)
            XCTAssertNil(result.extMsg)
        }
        let noDomain = try SmsClient(
            baseURL: emulator.baseURL, userDomain: "", userDomainSecret: demoSecret)
        let result = try await noDomain.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        XCTAssertEqual(result.code, 5023)
        XCTAssertTrue(result.isLocal)
        XCTAssertEqual(try emulator.codes().count, 0, "nothing was sent")
    }

    func testInvalidArgumentsThrow() async throws {
        let client = try makeClient()
        await assertSmsErrorAsync(SmsError.invalidArgument, containing: "international code") {
            try await client.sendCode(
                internationalCode: "+1234567", phone: uniquePhone(), codeType: .login)
        }
        await assertSmsErrorAsync(SmsError.invalidArgument, containing: "`phone` contains a NUL") {
            try await client.sendCode(
                internationalCode: "+86", phone: "138\u{0}1", codeType: .login)
        }
        let noSecret = try SmsClient(
            baseURL: emulator.baseURL, userDomain: demoDomain, userDomainSecret: "")
        await assertSmsErrorAsync(SmsError.invalidArgument, containing: "secret is empty") {
            try await noSecret.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        }
        XCTAssertEqual(try emulator.codes().count, 0)
    }

    func testBadBaseURLsAreRefusedAtCreation() {
        assertSmsError(SmsError.insecureURL, containing: "plain http://") {
            try SmsClient(baseURL: "http://example.com", userDomain: demoDomain,
                userDomainSecret: demoSecret)
        }
        assertSmsError(SmsError.invalidArgument, containing: "region") {
            try SmsClient(baseURL: "mars", userDomain: demoDomain, userDomainSecret: demoSecret)
        }
        XCTAssertNoThrow(
            try SmsClient(baseURL: "eu", userDomain: demoDomain, userDomainSecret: demoSecret),
            "a region is a valid base URL (nothing is sent at creation)")
    }

    func testRefusedConnectionIsANetworkError() async throws {
        // Port 1 on loopback: nothing listens there.
        let client = try SmsClient(
            baseURL: "http://127.0.0.1:1", userDomain: demoDomain, userDomainSecret: demoSecret)
        await assertSmsErrorAsync(SmsError.network, containing: "network failure") {
            try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        }
    }

    func testServerFaultsMapToTheirErrors() async throws {
        let client = try makeClient()
        let faults: [(kind: String, expected: (String) -> SmsError, fragment: String)] = [
            ("http500", SmsError.httpStatus, "HTTP 500"),
            ("redirect", SmsError.httpStatus, "HTTP 302"),
            ("not_json", SmsError.badResponse, "not JSON"),
            ("huge_body", SmsError.badResponse, "larger than"),
            ("close", SmsError.network, "network failure"),
        ]
        for fault in faults {
            try emulator.armFault(fault.kind)
            await assertSmsErrorAsync(fault.expected, containing: fault.fragment) {
                try await client.sendCode(
                    internationalCode: "+86", phone: uniquePhone(), codeType: .login)
            }
        }
        XCTAssertEqual(try emulator.codes().count, 0, "a faulted request issues no code")
    }

    func testHangingServerTimesOutWithinTheTotalTimeout() async throws {
        let client = try makeClient()
        try client.setTimeouts(connectMilliseconds: 1_000, totalMilliseconds: 1_500)
        try emulator.armFault("hang")
        let start = Date()
        await assertSmsErrorAsync(SmsError.timeout, containing: "timed out") {
            try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        }
        let elapsed = Date().timeIntervalSince(start)
        // Generous bounds: it waited for the timeout, and not for the 20 s default.
        XCTAssertGreaterThan(elapsed, 1.0)
        XCTAssertLessThan(elapsed, 8.0)
    }

    func testDescriptionsNeverShowTheSecret() async throws {
        let secret = "s3cr3t-never-shown"
        let client = try SmsClient(
            baseURL: emulator.baseURL, userDomain: demoDomain, userDomainSecret: secret)
        var dumped = ""
        dump(client, to: &dumped)
        for text in ["\(client)", String(reflecting: client), dumped] {
            XCTAssertFalse(text.contains(secret), text)
        }
        XCTAssertTrue("\(client)".contains(demoDomain))

        // A send signed with this (wrong) secret: the answer and errors do not show it.
        let result = try await client.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        XCTAssertEqual(result.code, 5420)
        XCTAssertFalse("\(result)".contains(secret))
        do {
            _ = try await client.sendCode(
                internationalCode: "+86x", phone: uniquePhone(), codeType: .login)
            XCTFail("expected an invalid argument")
        } catch {
            XCTAssertFalse("\(error)".contains(secret))
            XCTAssertFalse(error.localizedDescription.contains(secret))
        }
    }
}
