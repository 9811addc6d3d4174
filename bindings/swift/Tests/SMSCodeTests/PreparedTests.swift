import Foundation
import SMSCode
import Testing

/// The two-step send: `prepare` against the shared vectors, local answers, and transports of
/// one's own whose answers and failures the library maps.
@Suite struct PreparedTests {
    struct Vectors: Decodable {
        struct Case: Decodable {
            struct Client: Decodable {
                let baseUrl: String
                let userDomain: String
                let userDomainSecret: String
                let userAgent: String
                let language: String
                let ssid: String
                let stid: String
            }
            struct Header: Decodable {
                let name: String
                let value: String
            }
            struct Expected: Decodable {
                let method: String
                let url: String
                let headers: [Header]
                let bodyLength: Int
            }
            let name: String
            let client: Client
            let internationalCode: String
            let phone: String
            let codeType: Int32
            let random: String
            let ts: Int64
            let expected: Expected
        }
        let cases: [Case]
    }

    static let vectors: [Vectors.Case] = {
        // A copy of tests/data/prepared_request_vectors.json, next to this file.
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("prepared_request_vectors.json")
        let data = try! Data(contentsOf: file)
        return try! JSONDecoder().decode(Vectors.self, from: data).cases
    }()

    @Test func theVectorsAreLoaded() {
        #expect(Self.vectors.count >= 5)
    }

    @Test(arguments: Self.vectors.map(\.name))
    func prepareMatchesEveryVector(name: String) throws {
        let vector = try #require(Self.vectors.first { $0.name == name })
        let endpoint: Endpoint =
            switch vector.client.baseUrl {
            case "cn": .region(.china)
            case "eu": .region(.europe)
            case "na": .region(.northAmerica)
            default: .url(try #require(URL(string: vector.client.baseUrl)))
            }
        let options = vector.client
        let client = try SMSClient(
            endpoint: endpoint, userDomain: options.userDomain,
            userDomainSecret: options.userDomainSecret,
            configuration: .init(
                userAgent: options.userAgent,
                language: options.language.isEmpty ? nil : options.language,
                enterpriseSignatureID: options.ssid.isEmpty ? nil : options.ssid,
                enterpriseTemplateID: options.stid.isEmpty ? nil : options.stid),
            transport: .urlSession)
        let codeType = try #require(CodeType(rawValue: vector.codeType))
        let prepared = try client.prepare(
            internationalCode: vector.internationalCode, phone: vector.phone, codeType: codeType,
            random: vector.random, timestamp: vector.ts)
        guard case .send(let request) = prepared else {
            Issue.record("expected a request, got \(prepared)")
            return
        }
        #expect(request.method == vector.expected.method)
        #expect(request.url.absoluteString == vector.expected.url)
        #expect(
            request.headers
                == vector.expected.headers.map { HTTPHeader(name: $0.name, value: $0.value) })
        #expect(request.body.count == vector.expected.bodyLength)
    }

    @Test func prepareAnswersLocallyAndChecksItsArguments() async throws {
        let client = try SMSClient(
            endpoint: .region(.europe), userDomain: "d", userDomainSecret: "s",
            configuration: .init(resendGuard: .seconds(30)), transport: .urlSession)
        let empty = try client.prepare(internationalCode: "+86", phone: "", codeType: .login)
        #expect(
            empty
                == .answered(
                    SendResult(
                        code: .phoneRequired, message: nil, extendedMessage: nil, httpStatus: 0,
                        clockSkew: nil)))
        guard
            case .send = try client.prepare(
                internationalCode: "+86", phone: "13800138000", codeType: .login)
        else {
            Issue.record("expected a request")
            return
        }
        // The resend guard counts a prepared request as sent.
        let again = try client.prepare(
            internationalCode: "+86", phone: "13800138000", codeType: .login)
        guard case .answered(let result) = again else {
            Issue.record("expected the resend guard's answer, got \(again)")
            return
        }
        #expect(result.code == .frequencyLimit)
        await expectSMSError(.invalidArgument, containing: "random") {
            try client.prepare(
                internationalCode: "+86", phone: "13800138001", codeType: .login,
                random: "short", timestamp: 1)
        }
        await expectSMSError(.invalidArgument) {
            try client.prepare(
                internationalCode: "+86", phone: "13800138001", codeType: .login,
                random: "0123456789abcdef")
        }
    }

    /// A transport of one's own: it answers without a network; the library maps the answer.
    struct CannedTransport: Transport {
        let answer: Result<HTTPResponse, TransportError>

        func send(_ request: HTTPRequest) async throws -> HTTPResponse {
            try answer.get()
        }
    }

    @Test func aCustomTransportsAnswerIsMappedByTheLibrary() async throws {
        let body = Data(#"{"code":5058,"msg":"limit","extMsg":"wait"}"#.utf8)
        let client = try SMSClient(
            endpoint: .region(.europe), userDomain: "d", userDomainSecret: "s",
            transport: .custom(
                CannedTransport(
                    answer: .success(
                        HTTPResponse(
                            status: 200, date: "Sun, 06 Nov 1994 08:49:37 GMT", body: body)))))
        let result = try await client.sendCode(
            internationalCode: "+86", phone: "13800138000", codeType: .login)
        #expect(result.code == .frequencyLimit)
        #expect(result.message == "limit")
        #expect(result.extendedMessage == "wait")
        #expect(result.httpStatus == 200)
        // 1994 is decades behind this machine's clock.
        #expect(try #require(result.clockSkew) < .seconds(-365 * 86_400))
    }

    @Test(arguments: [
        (TransportError.Kind.network, SMSError.Code.network),
        (TransportError.Kind.timeout, SMSError.Code.timeout),
        (TransportError.Kind.tls, SMSError.Code.tls),
    ])
    func aCustomTransportsFailureIsTheMatchingError(
        kind: TransportError.Kind, code: SMSError.Code
    ) async throws {
        let client = try SMSClient(
            endpoint: .region(.europe), userDomain: "d", userDomainSecret: "s",
            transport: .custom(CannedTransport(answer: .failure(TransportError(kind, "canned")))))
        await expectSMSError(code, containing: "canned") {
            try await client.sendCode(
                internationalCode: "+86", phone: "13800138000", codeType: .login)
        }
    }

    @Test(arguments: [
        (URLError.Code.timedOut, SMSError.Code.timeout),
        (.secureConnectionFailed, .tls), (.serverCertificateUntrusted, .tls),
        (.serverCertificateHasBadDate, .tls), (.serverCertificateHasUnknownRoot, .tls),
        (.serverCertificateNotYetValid, .tls), (.clientCertificateRejected, .tls),
        (.clientCertificateRequired, .tls), (.cannotConnectToHost, .network),
        (.networkConnectionLost, .network), (.notConnectedToInternet, .network),
        (.cannotFindHost, .network),
    ])
    func urlErrorsMapToTheirKind(urlCode: URLError.Code, code: SMSError.Code) {
        #expect(TransportError(URLError(urlCode)).kind.code == code)
    }

    /// The iOS configuration: every export exists, the library's transport answers
    /// `.unsupported`, and the two-step send works (the rest of the suite sends through it).
    @Test(.enabled(if: libraryWithoutTransport))
    func withoutTheLibrarysTransportOnlyThePlatformsSends() async throws {
        await expectSMSError(.unsupported) {
            try SMSClient(
                endpoint: .region(.europe), userDomain: "d", userDomainSecret: "s",
                transport: .library)
        }
        let emulator = try Emulator()
        let phone = uniquePhone()
        let result = try await SMSClient(
            endpoint: emulator.endpoint, userDomain: demoDomain, userDomainSecret: demoSecret,
            transport: .urlSession
        ).sendCode(internationalCode: "+86", phone: phone, codeType: .login)
        #expect(result.code == .sent)
        #expect(try emulator.codes(phone: phone).count == 1)
    }

    @Test func optionsOfTheLibrarysTransportAreRefusedElsewhere() async {
        await expectSMSError(.unsupported, containing: "proxy") {
            try SMSClient(
                endpoint: .region(.europe), userDomain: "d", userDomainSecret: "s",
                configuration: .init(proxy: URL(string: "http://proxy.example:3128")!),
                transport: .urlSession)
        }
        await expectSMSError(.unsupported, containing: "additionalTrustedCertificates") {
            try SMSClient(
                endpoint: .region(.europe), userDomain: "d", userDomainSecret: "s",
                configuration: .init(
                    additionalTrustedCertificates: [URL(fileURLWithPath: "/no/such.pem")]),
                transport: .custom(
                    CannedTransport(answer: .failure(TransportError(.network, "unused")))))
        }
    }
}
