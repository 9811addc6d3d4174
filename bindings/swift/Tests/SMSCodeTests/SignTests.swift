import CSMSCode
import Foundation
import SMSCode
import Testing

/// Signing and the named values: pure calls into the C library, no network.
@Suite struct SignTests {
    struct Vector: Decodable {
        let name: String
        let phone: String
        let codeType: Int32
        let random: String
        let ts: Int64
        let userDomainSecret: String
        let signature: String
    }

    /// The project's shared signature vectors (a copy next to this file, like the other
    /// bindings' copies).
    static func vectors() throws -> [Vector] {
        struct File: Decodable { let cases: [Vector] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("signature.json")
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    @Test func signMatchesEveryVector() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count == 8)
        for vector in vectors {
            let codeType = try #require(CodeType(rawValue: vector.codeType), "\(vector.name)")
            let signature = try sign(
                phone: vector.phone, codeType: codeType, random: vector.random,
                timestamp: vector.ts, userDomainSecret: vector.userDomainSecret)
            #expect(signature == vector.signature, "\(vector.name)")
        }
    }

    @Test func specExampleThroughTheModuleName() throws {
        let signature = try SMSCode.sign(
            phone: "13800138000", codeType: .registration, random: "76a6L647F02CAoN9",
            timestamp: 1_744_773_894_369,
            userDomainSecret: "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
        #expect(signature == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891")
    }

    @Test func signRejectsBadInput() async {
        await expectSMSError(.invalidArgument, containing: "random") {
            try sign(
                phone: "1", codeType: .login, random: "short", timestamp: 1, userDomainSecret: "s")
        }
        await expectSMSError(.invalidArgument, containing: "random") {
            try sign(
                phone: "1", codeType: .login, random: "has space 16 chr", timestamp: 1,
                userDomainSecret: "s")
        }
        await expectSMSError(.invalidArgument, containing: "ts") {
            try sign(
                phone: "1", codeType: .login, random: "76a6L647F02CAoN9", timestamp: -1,
                userDomainSecret: "s")
        }
    }

    @Test func aNulCharacterIsRefusedBeforeC() async {
        // It would cut the C string short: a different phone or secret than the caller meant.
        await expectSMSError(.invalidArgument, containing: "userDomainSecret") {
            try sign(
                phone: "1", codeType: .login, random: "76a6L647F02CAoN9", timestamp: 1,
                userDomainSecret: "sec\0ret")
        }
    }

    @Test func codeTypesAreTheHeadersValues() {
        #expect(CodeType.passwordReset.rawValue == SMS_CODE_TYPE_PASSWORD_RESET)
        #expect(CodeType.login.rawValue == SMS_CODE_TYPE_LOGIN)
        #expect(CodeType.registration.rawValue == SMS_CODE_TYPE_REGISTRATION)
        #expect(CodeType.accountCancellation.rawValue == SMS_CODE_TYPE_ACCOUNT_CANCELLATION)
        #expect(CodeType.addPushRecipient.rawValue == SMS_CODE_TYPE_ADD_PUSH_RECIPIENT)
        #expect(CodeType.allCases.count == 5)
        #expect("\(CodeType.accountCancellation)" == "account cancellation")
    }

    @Test func serverCodesHaveTheLibrarysDescriptions() {
        #expect(ServerCode.documented.count == 31)
        #expect(Set(ServerCode.documented).count == 31)
        for code in ServerCode.documented {
            #expect(code.description != "Unknown code", "\(code.rawValue)")
        }
        #expect(ServerCode.frequencyLimit.rawValue == SMS_CODE_FREQUENCY_LIMIT)
        #expect(ServerCode.sent.rawValue == SMS_CODE_SENT)
        #expect(ServerCode.frequencyLimit.description == "SMS sending exceeds frequency limit")
        #expect(ServerCode(rawValue: 5999).description == "Unknown code")
        #expect(ServerCode(rawValue: 5058) == .frequencyLimit)
    }

    @Test func onlyZeroAnd200AreSuccess() {
        #expect(ServerCode.sent.isSuccess)
        #expect(ServerCode.sentZero.isSuccess)
        for code in ServerCode.documented where code != .sent && code != .sentZero {
            #expect(!code.isSuccess, "\(code.rawValue)")
        }
        #expect(!ServerCode(rawValue: 201).isSuccess)
    }

    @Test func errorCodesAreTheHeadersStatuses() {
        let codes: [(SMSError.Code, Int32)] = [
            (.nullArgument, SMS_ERR_NULL_ARGUMENT), (.invalidUTF8, SMS_ERR_INVALID_UTF8),
            (.invalidArgument, SMS_ERR_INVALID_ARGUMENT),
            (.bufferTooSmall, SMS_ERR_BUFFER_TOO_SMALL), (.network, SMS_ERR_NETWORK),
            (.timeout, SMS_ERR_TIMEOUT), (.tls, SMS_ERR_TLS), (.httpStatus, SMS_ERR_HTTP_STATUS),
            (.badResponse, SMS_ERR_BAD_RESPONSE), (.insecureURL, SMS_ERR_INSECURE_URL),
            (.unsupported, SMS_ERR_UNSUPPORTED), (.internal, SMS_ERR_INTERNAL),
        ]
        for (code, status) in codes {
            #expect(code.rawValue == status)
            #expect(code.description != "Unknown code", "\(status)")
        }
        #expect(SMSError.Code.timeout.description == "Timed out")
        let error = SMSError(code: .timeout, message: "m")
        #expect(error.description == "status -6 (Timed out): m")
        #expect(error.localizedDescription == error.description)
    }

    @Test func libraryVersionIsTheCratesVersion() throws {
        let manifest = try String(
            contentsOf: repoRoot.appendingPathComponent("Cargo.toml"), encoding: .utf8)
        let line = try #require(
            manifest.split(separator: "\n").first { $0.hasPrefix("version = ") })
        #expect("version = \"\(libraryVersion)\"" == line)
    }
}
