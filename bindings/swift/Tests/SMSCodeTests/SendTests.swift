import Foundation
import SMSCode
import Testing

/// Real sends to the real emulator process, and every local answer and error.
@Suite struct SendTests {
    let emulator: Emulator

    init() throws {
        emulator = try Emulator()
    }

    @Test(arguments: transports) func aRealSendDeliversTheCode(transport: TransportChoice)
        async throws
    {
        let client = try emulator.client(transport: transport)
        let phone = uniquePhone()
        let result = try await client.sendCode(
            internationalCode: "+86", phone: phone, codeType: .registration)
        #expect(result.isSuccess)
        #expect(result.code == .sent)
        #expect(result.httpStatus == 200)
        #expect(!result.isAnsweredLocally)
        let skew = try #require(result.clockSkew)
        #expect(abs(wholeSeconds(skew)) <= 5, "same machine, same clock: \(skew)")
        let codes = try emulator.codes(phone: phone)
        #expect(codes.count == 1)
        let delivered = try #require(codes.first)
        #expect(delivered.userDomain == demoDomain)
        #expect(delivered.internationalCode == "+86")
        #expect(delivered.codeType == 3)
        #expect(delivered.valid)
        #expect(delivered.code.count == 6 && delivered.code.allSatisfy(\.isNumber))
        #expect(emulator.log().contains("your registration code is \(delivered.code)"))
    }

    @Test func theOneCallSendDeliversTheCode() async throws {
        let phone = uniquePhone()
        let code = try await SMSCode.sendCode(
            endpoint: emulator.endpoint, userDomain: demoDomain, userDomainSecret: demoSecret,
            internationalCode: "+49", phone: phone, codeType: .login)
        #expect(code == .sent)
        #expect(try emulator.codes(phone: phone).map(\.codeType) == [2])
    }

    @Test(arguments: transports) func theServersFrequencyLimitIs5058(transport: TransportChoice)
        async throws
    {
        let client = try emulator.client(transport: transport)
        let phone = uniquePhone()
        let first = try await client.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        let second = try await client.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        #expect(first.code == .sent)
        #expect(second.code == .frequencyLimit)
        #expect(second.httpStatus == 200)
        #expect(second.message == "SMS sending exceeds frequency limit")
        #expect(!second.isSuccess)
        #expect(try emulator.codes(phone: phone).count == 1)
    }

    @Test(arguments: transports) func theResendGuardAnswers5058Locally(transport: TransportChoice)
        async throws
    {
        let client = try emulator.client(.init(resendGuard: .seconds(30)), transport: transport)
        let phone = uniquePhone()
        let first = try await client.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        let second = try await client.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        #expect(first.code == .sent)
        #expect(second.code == .frequencyLimit)
        #expect(second.isAnsweredLocally)
        #expect(second.message == nil)
        #expect(try emulator.codes(phone: phone).count == 1)
    }

    @Test(arguments: transports) func serverBusinessCodesPassThrough(transport: TransportChoice)
        async throws
    {
        let wrongSecret = try SMSClient(
            endpoint: emulator.endpoint, userDomain: demoDomain, userDomainSecret: "wrong",
            transport: transport)
        let phone = uniquePhone()
        let failed = try await wrongSecret.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        #expect(failed.code == .signatureVerificationFailed)
        #expect(failed.httpStatus == 200)
        let unknownDomain = try SMSClient(
            endpoint: emulator.endpoint, userDomain: "nobody", userDomainSecret: "s",
            transport: transport)
        let notSet = try await unknownDomain.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        #expect(notSet.code == .userDomainNotSet)
        #expect(try emulator.codes(phone: phone).isEmpty)
    }

    @Test(arguments: transports) func enterpriseIDsAreSent(transport: TransportChoice) async throws
    {
        let allowed = try emulator.client(
            .init(enterpriseSignatureID: "sig-ok", enterpriseTemplateID: "tpl-ok"),
            transport: transport)
        let sent = try await allowed.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        #expect(sent.code == .sent)
        let unknown = try emulator.client(
            .init(enterpriseSignatureID: "sig-nope", enterpriseTemplateID: "tpl-ok"),
            transport: transport)
        let missing = try await unknown.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        #expect(missing.code == .signatureMissing)
    }

    @Test(arguments: transports) func aWrongClockIsFixedFromTheSkew(transport: TransportChoice)
        async throws
    {
        let phone = uniquePhone()
        let late = try emulator.client(.init(clockOffset: .seconds(-3600)), transport: transport)
        let refused = try await late.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        #expect(refused.code == .timestampIncorrect)
        let skew = try #require(refused.clockSkew)
        #expect(abs(wholeSeconds(skew) - 3600) <= 5, "\(skew)")
        let fixed = try emulator.client(
            .init(clockOffset: .seconds(-3600) + skew), transport: transport)
        let sent = try await fixed.sendCode(
            internationalCode: "+86", phone: phone, codeType: .login)
        #expect(sent.code == .sent)
    }

    @Test(
        arguments: transports,
        [
            ("+86", "", ServerCode.phoneRequired),
            ("+86", "12ab", ServerCode.phoneFormatIncorrect),
            ("+86", "123456789012345678901", ServerCode.phoneFormatIncorrect),
            ("", "13800138000", ServerCode.internationalCodeRequired),
        ])
    func inputThePlatformHasACodeForIsAnsweredLocally(
        transport: TransportChoice, input: (String, String, ServerCode)
    ) async throws {
        let (internationalCode, phone, expected) = input
        let client = try emulator.client(transport: transport)
        let result = try await client.sendCode(
            internationalCode: internationalCode, phone: phone, codeType: .login)
        #expect(result.code == expected)
        #expect(result.isAnsweredLocally)
        #expect(try emulator.codes().isEmpty)
    }

    @Test(arguments: transports) func anEmptyUserDomainIsAnsweredLocally(transport: TransportChoice)
        async throws
    {
        let client = try SMSClient(
            endpoint: emulator.endpoint, userDomain: "", userDomainSecret: "s", transport: transport
        )
        let result = try await client.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        #expect(result.code == .userDomainRequired)
        #expect(result.isAnsweredLocally)
    }

    @Test(arguments: transports) func badSendArgumentsAreInvalidArgument(transport: TransportChoice)
        async throws
    {
        let client = try emulator.client(transport: transport)
        await expectSMSError(.invalidArgument, containing: "international") {
            try await client.sendCode(
                internationalCode: "+86x", phone: "1380013800", codeType: .login)
        }
        await expectSMSError(.invalidArgument, containing: "phone") {
            try await client.sendCode(internationalCode: "+86", phone: "138\0", codeType: .login)
        }
        let noSecret = try SMSClient(
            endpoint: emulator.endpoint, userDomain: demoDomain, userDomainSecret: "",
            transport: transport)
        await expectSMSError(.invalidArgument, containing: "secret") {
            try await noSecret.sendCode(
                internationalCode: "+86", phone: "13800138000", codeType: .login)
        }
        #expect(try emulator.codes().isEmpty)
    }

    @Test func badEndpointsAreRefusedAtCreation() async throws {
        await expectSMSError(.insecureURL) {
            try SMSClient(
                endpoint: .url(URL(string: "http://example.com")!), userDomain: "d",
                userDomainSecret: "s")
        }
        await expectSMSError(.invalidArgument) {
            try SMSClient(
                endpoint: .url(URL(string: "ftp://example.com")!), userDomain: "d",
                userDomainSecret: "s")
        }
        await expectSMSError(.insecureURL) {
            try await SMSCode.sendCode(
                endpoint: .url(URL(string: "http://example.com")!), userDomain: "d",
                userDomainSecret: "s", internationalCode: "+86", phone: "1", codeType: .login)
        }
        for region in Region.allCases {
            let client = try SMSClient(
                endpoint: .region(region), userDomain: "d", userDomainSecret: "s")
            #expect(client.endpoint == .region(region))
        }
    }

    @Test func anSMSErrorKeepsItsCodeAsAnNSError() async throws {
        let error = try #require(
            await expectSMSError(.insecureURL) {
                try SMSClient(
                    endpoint: .url(URL(string: "http://example.com")!), userDomain: "d",
                    userDomainSecret: "s")
            })
        let bridged = error as NSError
        #expect(bridged.domain == SMSError.errorDomain)
        #expect(bridged.code == Int(SMSError.Code.insecureURL.rawValue))
        #expect(bridged.code < 0)
        #expect(bridged.localizedDescription == error.description)
    }

    @Test func aConfigurationIsAValueWithVarProperties() {
        var configuration = SMSClient.Configuration()
        let original = configuration
        configuration.totalTimeout = .seconds(5)
        configuration.language = "en-US"
        #expect(configuration.totalTimeout == .seconds(5))
        #expect(original.totalTimeout == .seconds(20))
        #expect(configuration != original)
    }

    @Test(arguments: [
        ("connectTimeout", SMSClient.Configuration(connectTimeout: .zero)),
        ("totalTimeout", SMSClient.Configuration(totalTimeout: .milliseconds(-5))),
        ("totalTimeout", SMSClient.Configuration(totalTimeout: .seconds(5_000_000))),
        ("resendGuard", SMSClient.Configuration(resendGuard: .seconds(5_000_000))),
        ("clock", SMSClient.Configuration(clockOffset: .seconds(200 * 365 * 86_400))),
        ("proxy", SMSClient.Configuration(proxy: URL(string: "notaproxy://x")!)),
        (
            "",
            SMSClient.Configuration(additionalTrustedCertificates: [
                URL(fileURLWithPath: "/no/such.pem")
            ])
        ),
        ("agent", SMSClient.Configuration(userAgent: "bad\nagent")),
        ("language", SMSClient.Configuration(language: String(repeating: "x", count: 300))),
        ("", SMSClient.Configuration(enterpriseSignatureID: String(repeating: "s", count: 300))),
    ])
    func badConfigurationValuesAreRefused(
        name: String, configuration: SMSClient.Configuration
    ) async throws {
        let error = await expectSMSError(.invalidArgument) {
            try emulator.client(configuration)
        }
        if let error, !name.isEmpty {
            #expect(error.message.lowercased().contains(name.lowercased()), "\(error)")
        }
    }

    @Test(arguments: transports) func secretsNeverShow(transport: TransportChoice) async throws {
        let secret = "s3cr3t-never-printed"
        let client = try SMSClient(
            endpoint: emulator.endpoint, userDomain: demoDomain, userDomainSecret: secret,
            transport: transport)
        let result = try await client.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        var dumped = ""
        dump(client, to: &dumped)
        dump(result, to: &dumped)
        let texts = [
            "\(client)", String(reflecting: client), dumped, "\(result)",
            String(reflecting: result),
        ]
        for text in texts {
            #expect(!text.contains(secret), "\(text)")
        }
        #expect(result.code == .signatureVerificationFailed)
        let error = await expectSMSError(.invalidArgument) {
            try await client.sendCode(internationalCode: "+86x", phone: "1", codeType: .login)
        }
        #expect(!"\(String(describing: error))".contains(secret))
    }
}

/// The whole seconds of `duration`, rounded toward zero.
func wholeSeconds(_ duration: Duration) -> Int64 {
    duration.components.seconds
}
