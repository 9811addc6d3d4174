import Foundation
import SmsCode
import XCTest

/// Signing, code types and descriptions: pure calls into the C library, no network.
final class SignTests: XCTestCase {
    struct Vector: Decodable {
        let name: String
        let phone: String
        let codeType: Int32
        let random: String
        let ts: Int64
        let userDomainSecret: String
        let signature: String
    }

    /// The 8 shared vectors (a copy of the project's signature vectors, next to this file).
    func loadVectors() throws -> [Vector] {
        struct File: Decodable { let cases: [Vector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("signature.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    func testSignMatchesEveryVector() throws {
        let vectors = try loadVectors()
        XCTAssertEqual(vectors.count, 8)
        for vector in vectors {
            let codeType = try XCTUnwrap(CodeType(rawValue: vector.codeType), vector.name)
            let signature = try SmsCode.sign(
                phone: vector.phone, codeType: codeType, random: vector.random, ts: vector.ts,
                userDomainSecret: vector.userDomainSecret)
            XCTAssertEqual(signature, vector.signature, vector.name)
        }
    }

    func testSpecExampleIsNotTheEmptyStringDigestPrintedInTheSpec() throws {
        let signature = try SmsCode.sign(
            phone: "13800138000", codeType: .registration, random: "76a6L647F02CAoN9",
            ts: 1_744_773_894_369,
            userDomainSecret: "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
        XCTAssertEqual(
            signature, "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891")
    }

    func testSignRejectsBadRandomAndTimestamp() {
        assertSmsError(SmsError.invalidArgument, containing: "random must be exactly 16") {
            try SmsCode.sign(
                phone: "13800138000", codeType: .login, random: "short", ts: 1,
                userDomainSecret: "s")
        }
        assertSmsError(SmsError.invalidArgument, containing: "ts must be") {
            try SmsCode.sign(
                phone: "13800138000", codeType: .login, random: "76a6L647F02CAoN9", ts: -1,
                userDomainSecret: "s")
        }
        // The last message is per thread and replaced by the next failure.
        assertSmsError(SmsError.invalidArgument, containing: "random") {
            try SmsCode.sign(
                phone: "1", codeType: .login, random: "bad random 16 ch", ts: 1,
                userDomainSecret: "s")
        }
    }

    func testNulInsideAStringIsRefusedNotTruncated() {
        // "138\0..." would reach C as "138": the binding refuses it instead.
        assertSmsError(SmsError.invalidArgument, containing: "`phone` contains a NUL") {
            try SmsCode.sign(
                phone: "138\u{0}00138000", codeType: .login, random: "76a6L647F02CAoN9", ts: 1,
                userDomainSecret: "s")
        }
        assertSmsError(SmsError.invalidArgument, containing: "`userDomainSecret` contains") {
            try SmsCode.sign(
                phone: "13800138000", codeType: .login, random: "76a6L647F02CAoN9", ts: 1,
                userDomainSecret: "sec\u{0}ret")
        }
    }

    func testNonAsciiSecretIsSignedAsUtf8() throws {
        // Expected value from Python: sha256(("1" + "2" + random + "0" + secret).encode()).
        let signature = try SmsCode.sign(
            phone: "1", codeType: .login, random: "76a6L647F02CAoN9", ts: 0,
            userDomainSecret: "säkret-密钥")
        XCTAssertEqual(
            signature, "a663a241776e823b6c589b895e8ca35402d2f454adf54c979de647b0232f2a71")
    }

    func testCodeTypesMatchTheCValuesAndHaveNames() {
        XCTAssertEqual(CodeType.allCases.map(\.rawValue), [1, 2, 3, 4, 5])
        XCTAssertEqual(
            CodeType.allCases.map(\.name),
            [
                "password reset", "login", "registration", "account cancellation",
                "add push recipient",
            ])
        XCTAssertEqual("\(CodeType.registration)", "registration")
    }

    func testDescriptionsAndSuccessComeFromTheLibrary() {
        XCTAssertEqual(SmsCode.description(of: 5058), "SMS sending exceeds frequency limit")
        XCTAssertEqual(SmsCode.description(of: -6), "Timed out")
        XCTAssertEqual(SmsCode.description(of: 123_456), "Unknown code")
        XCTAssertTrue(SmsCode.isSuccess(200))
        XCTAssertTrue(SmsCode.isSuccess(0))
        XCTAssertFalse(SmsCode.isSuccess(5058))
        XCTAssertFalse(SmsCode.isSuccess(-5))
    }

    func testVersionIsTheLibrarys() {
        let version = SmsCode.version
        let parts = version.split(separator: ".")
        XCTAssertEqual(parts.count, 3, version)
        XCTAssertTrue(parts.allSatisfy { Int($0) != nil }, version)
    }

    func testErrorStatusesAreTheCOnes() {
        XCTAssertEqual(SmsError.nullArgument("").status, -1)
        XCTAssertEqual(SmsError.invalidUTF8("").status, -2)
        XCTAssertEqual(SmsError.invalidArgument("").status, -3)
        XCTAssertEqual(SmsError.bufferTooSmall("").status, -4)
        XCTAssertEqual(SmsError.network("").status, -5)
        XCTAssertEqual(SmsError.timeout("").status, -6)
        XCTAssertEqual(SmsError.tls("").status, -7)
        XCTAssertEqual(SmsError.httpStatus("").status, -8)
        XCTAssertEqual(SmsError.badResponse("").status, -9)
        XCTAssertEqual(SmsError.insecureURL("").status, -10)
        XCTAssertEqual(SmsError.internalError("").status, -99)
        XCTAssertEqual(SmsError.unknown(status: -42, message: "m").status, -42)
        XCTAssertEqual(SmsError.timeout("sms_client_send: timed out").message,
            "sms_client_send: timed out")
    }
}
