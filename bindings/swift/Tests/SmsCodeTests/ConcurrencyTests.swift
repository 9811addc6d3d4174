import Foundation
import SmsCode
import XCTest

/// Many tasks and threads through one client, against an emulator without rate limits.
final class ConcurrencyTests: XCTestCase {
    private static var shared: Emulator?

    private var emulator: Emulator { ConcurrencyTests.shared! }

    override func setUpWithError() throws {
        if ConcurrencyTests.shared == nil {
            ConcurrencyTests.shared = try Emulator(arguments: [
                "--min-interval-secs", "0", "--daily-limit", "0",
            ])
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

    func testManyTasksSendThroughOneClient() async throws {
        let client = try makeClient()
        let phone = uniquePhone()
        let count = 32
        let results = try await withThrowingTaskGroup(
            of: SendResult.self, returning: [SendResult].self
        ) { group in
            for _ in 0..<count {
                group.addTask {
                    try await client.sendCode(
                        internationalCode: "+86", phone: phone, codeType: .login)
                }
            }
            var results: [SendResult] = []
            for try await result in group {
                results.append(result)
            }
            return results
        }
        XCTAssertEqual(results.count, count)
        XCTAssertTrue(results.allSatisfy { $0.code == 200 }, "\(results)")
        XCTAssertEqual(try emulator.codes(phone: phone).count, count)
    }

    func testConcurrentFailuresEachGetTheirOwnMessage() async throws {
        // The C library keeps the last error per thread: each send must read the message of
        // its own failure, never one of a send running next to it.
        let good = try makeClient()
        let refused = try SmsClient(
            baseURL: "http://127.0.0.1:1", userDomain: demoDomain, userDomainSecret: demoSecret)
        typealias Outcome = (index: Int, result: Result<SendResult, Error>)
        let outcomes = await withTaskGroup(of: Outcome.self, returning: [Outcome].self) {
            group in
            for index in 0..<30 {
                group.addTask {
                    do {
                        let result: SendResult
                        switch index % 3 {
                        case 0:
                            result = try await good.sendCode(
                                internationalCode: "+1234567", phone: uniquePhone(),
                                codeType: .login)
                        case 1:
                            result = try await refused.sendCode(
                                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
                        default:
                            result = try await good.sendCode(
                                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
                        }
                        return (index, .success(result))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var outcomes: [Outcome] = []
            for await outcome in group {
                outcomes.append(outcome)
            }
            return outcomes
        }
        XCTAssertEqual(outcomes.count, 30)
        for (index, outcome) in outcomes {
            switch (index % 3, outcome) {
            case (0, .failure(SmsError.invalidArgument(let message))):
                XCTAssertTrue(message.contains("international code"), message)
            case (1, .failure(SmsError.network(let message))):
                XCTAssertTrue(message.contains("network failure"), message)
            case (2, .success(let result)):
                XCTAssertEqual(result.code, 200)
            default:
                XCTFail("send \(index): unexpected \(outcome)")
            }
        }
        XCTAssertEqual(try emulator.codes().count, 10)
    }

    func testBlockingCallsFromManyThreads() throws {
        let baseURL = emulator.baseURL
        let codes = Box<[Int32]>([])
        let signatures = Box<[String]>([])
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let code = try? SmsCode.sendCode(
                baseURL: baseURL, userDomain: demoDomain, userDomainSecret: demoSecret,
                internationalCode: "+86", phone: uniquePhone(), codeType: .registration)
            let signature = try? SmsCode.sign(
                phone: "13800138000", codeType: .registration, random: "76a6L647F02CAoN9",
                ts: 1_744_773_894_369,
                userDomainSecret: "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33")
            lock.lock()
            codes.value.append(code ?? -1)
            signatures.value.append(signature ?? "")
            lock.unlock()
        }
        XCTAssertEqual(codes.value, Array(repeating: 200, count: 16))
        XCTAssertEqual(
            Set(signatures.value),
            ["adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"])
        XCTAssertEqual(try emulator.codes().count, 16)
    }

    func testClientLivesUntilItsLastSendEndsThenIsFreed() async throws {
        try emulator.armFault("delay", delayMs: 300)
        var client: SmsClient? = try makeClient()
        weak var weakClient = client
        let phone = uniquePhone()
        let result: SendResult
        do {
            let task = Task { [client] in
                try await client!.sendCode(
                    internationalCode: "+86", phone: phone, codeType: .login)
            }
            client = nil  // the task now holds the only reference
            result = try await task.value
        }
        XCTAssertEqual(result.code, 200)
        // deinit (sms_client_free) runs once the queue and the task let go of the client.
        let deadline = Date().addingTimeInterval(5)
        while weakClient != nil && Date() < deadline {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertNil(weakClient, "the client was not released")
    }

    func testCancelledTaskSendsNothing() async throws {
        let client = try makeClient()
        let phone = uniquePhone()
        let task = Task { () async throws -> SendResult in
            // Ends early once the task is cancelled; the send then refuses to start.
            try? await Task.sleep(nanoseconds: 10_000_000_000)
            return try await client.sendCode(
                internationalCode: "+86", phone: phone, codeType: .login)
        }
        task.cancel()
        do {
            let result = try await task.value
            XCTFail("expected CancellationError, got \(result)")
        } catch is CancellationError {
            // expected
        }
        XCTAssertEqual(try emulator.codes(phone: phone).count, 0)
    }
}
