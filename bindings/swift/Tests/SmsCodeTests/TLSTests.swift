import Foundation
import SmsCode
import XCTest

/// HTTPS to the emulator's self-signed certificate: refused by default, trusted with its CA
/// file.
final class TLSTests: XCTestCase {
    private static var shared: Emulator?
    private static var certificate: URL?

    override func setUpWithError() throws {
        if TLSTests.shared == nil {
            let certificate = FileManager.default.temporaryDirectory
                .appendingPathComponent("smscode-swift-\(UUID().uuidString).pem")
            TLSTests.shared = try Emulator(arguments: ["--tls-cert-out", certificate.path])
            TLSTests.certificate = certificate
        }
    }

    override class func tearDown() {
        shared?.stop()
        shared = nil
        if let certificate = certificate {
            try? FileManager.default.removeItem(at: certificate)
        }
        certificate = nil
        super.tearDown()
    }

    func testSelfSignedCertificateIsRefusedThenTrustedWithItsCAFile() async throws {
        let baseURL = try XCTUnwrap(TLSTests.shared?.baseURL)
        XCTAssertTrue(baseURL.hasPrefix("https://"), baseURL)
        let client = try SmsClient(
            baseURL: baseURL, userDomain: demoDomain, userDomainSecret: demoSecret)
        await assertSmsErrorAsync(SmsError.tls, containing: "TLS failure") {
            try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        }

        try client.addCAFile(path: try XCTUnwrap(TLSTests.certificate).path)
        let result = try await client.sendCode(
            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        XCTAssertEqual(result.code, 200)
        XCTAssertEqual(result.httpStatus, 200)
    }

    func testAFileWithoutCertificatesIsRefused() throws {
        let notPEM = FileManager.default.temporaryDirectory
            .appendingPathComponent("smscode-swift-\(UUID().uuidString).pem")
        try Data("not a certificate\n".utf8).write(to: notPEM)
        defer { try? FileManager.default.removeItem(at: notPEM) }
        let client = try SmsClient(baseURL: "eu", userDomain: demoDomain, userDomainSecret: demoSecret)
        assertSmsError(SmsError.invalidArgument, containing: "CA file") {
            try client.addCAFile(path: notPEM.path)
        }
    }
}
