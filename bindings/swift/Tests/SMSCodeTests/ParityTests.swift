import Foundation
import Testing

@testable import SMSCode

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Every transport gives the same answer to the same server, in about the same time: the
/// total timeout ends a send wherever it is, and nothing shorter ends one whose answer is on
/// its way. Bounds are generous (a loaded machine is slow) but tell the timeouts apart: the
/// connect timeout is 1 s, the delay 3 s, a slow drip lasts 46 s and a hang an hour.
@Suite struct TimeoutParityTests {
    let emulator: Emulator

    init() throws {
        emulator = try Emulator()
    }

    /// One send with a 1 s connect timeout and `total`, and the seconds it took.
    func send(total: Duration, transport: TransportChoice) async throws -> (
        Result<SendResult, any Error>, Double
    ) {
        let client = try emulator.client(
            .init(connectTimeout: .seconds(1), totalTimeout: total), transport: transport)
        let start = ContinuousClock.now
        let outcome: Result<SendResult, any Error>
        do {
            outcome = .success(
                try await client.sendCode(
                    internationalCode: "+86", phone: uniquePhone(), codeType: .login))
        } catch {
            outcome = .failure(error)
        }
        return (outcome, seconds(since: start))
    }

    @Test(arguments: transports)
    func anAnswerSlowerThanTheConnectTimeoutButInsideTheTotalArrives(transport: TransportChoice)
        async throws
    {
        try emulator.armFault("delay", delayMs: 3000)
        let (outcome, elapsed) = try await send(total: .seconds(10), transport: transport)
        let result = try outcome.get()
        #expect(result.code == .sent)
        #expect(elapsed >= 2.5 && elapsed < 8, "answered after \(elapsed) s")
    }

    @Test(arguments: transports)
    func aSlowDripLongerThanTheTotalIsCutOffAtTheTotal(transport: TransportChoice) async throws {
        // A byte a second: no idle timeout trips, only the total deadline ends it.
        try emulator.armFault("slow_drip")
        let (outcome, elapsed) = try await send(total: .seconds(4), transport: transport)
        #expect(timeoutCode(outcome) == .timeout, "\(outcome)")
        #expect(elapsed >= 3.5 && elapsed < 10, "ended after \(elapsed) s")
    }

    @Test(arguments: transports)
    func aServerThatNeverAnswersEndsAtTheTotal(transport: TransportChoice) async throws {
        try emulator.armFault("hang")
        let (outcome, elapsed) = try await send(total: .seconds(3), transport: transport)
        #expect(timeoutCode(outcome) == .timeout, "\(outcome)")
        #expect(elapsed >= 2.5 && elapsed < 8, "ended after \(elapsed) s")
    }

    private func timeoutCode(_ outcome: Result<SendResult, any Error>) -> SMSError.Code? {
        guard case .failure(let error as SMSError) = outcome else {
            return nil
        }
        return error.code
    }
}

/// Cancelling the caller's task during a send, counted by the emulator: a connection the
/// client closed during a hang is an aborted send.
@Suite struct CancellationTests {
    @Test(arguments: transports)
    func cancellingTheTaskDuringASendThrowsCancellationErrorAndEndsTheRequest(
        transport: TransportChoice
    ) async throws {
        let emulator = try Emulator()
        try emulator.armFault("hang")
        weak var weakClient: SMSClient?
        let task: Task<SendResult, any Error>
        let sendStart = ContinuousClock.now
        do {
            let client = try emulator.client(.init(totalTimeout: .seconds(6)), transport: transport)
            weakClient = client
            task = Task {
                try await client.sendCode(
                    internationalCode: "+86", phone: uniquePhone(), codeType: .login)
            }
        }
        // Cancel only once the request reached the emulator and hangs there (a busy machine
        // may take a while to connect): a send cancelled before that aborts nothing.
        let arrival = ContinuousClock.now + .seconds(10)
        while !emulator.log().contains("fault Hang") && ContinuousClock.now < arrival {
            try await Task.sleep(for: .milliseconds(20))
        }
        try #require(emulator.log().contains("fault Hang"), "the send never reached the emulator")
        #expect(try emulator.abortedSends() == 0)
        let start = ContinuousClock.now
        task.cancel()
        let outcome = await task.result
        let elapsed = seconds(since: start)
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(elapsed < 2, "cancel took \(elapsed) s")
        if transport.isLibrary {
            // The blocking C call cannot be interrupted: the request goes on, holding its
            // client, until the 6 s total timeout closes it.
            try await Task.sleep(for: .seconds(1))
            #expect(try emulator.abortedSends() == 0)
            #expect(weakClient != nil)
            let aborted = try await waitForAbortedSend(
                emulator, within: .seconds(15), from: sendStart)
            #expect(aborted >= 5, "the C call ended \(aborted) s after the send began")
        } else {
            // The HTTP request is cancelled with the task, long before the 6 s total.
            let aborted = try await waitForAbortedSend(emulator, within: .seconds(3), from: start)
            #expect(aborted < 3, "the connection closed \(aborted) s after the cancel")
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while weakClient != nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(weakClient == nil, "the client (and its C handle) was never freed")
    }

    /// Polls the emulator until it counted one aborted send; the seconds from `start` (or
    /// from the call) then. Records an issue if it did not within `bound`.
    private func waitForAbortedSend(
        _ emulator: Emulator, within bound: Duration, from start: ContinuousClock.Instant = .now
    ) async throws -> Double {
        let deadline = ContinuousClock.now + bound
        while ContinuousClock.now < deadline {
            if try emulator.abortedSends() == 1 {
                return seconds(since: start)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the emulator saw no aborted send within \(bound): the request went on")
        return seconds(since: start)
    }
}

/// URLSessionTransport sends through the session it is given, or one made from the given
/// configuration: a URLProtocol stub (as in an app's UI tests) answers instead of a server.
@Suite(.serialized) struct URLSessionTransportTests {
    @Test func aGivenSessionIsUsed() async throws {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.protocolClasses = [StubProtocol.self]
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let transport = URLSessionTransport(session: session)
        #expect(transport.session === session)
        try await expectStubbedSends(transport)
    }

    @Test func aGivenConfigurationIsUsed() async throws {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.protocolClasses = [StubProtocol.self]
        try await expectStubbedSends(try URLSessionTransport(configuration: configuration))
    }

    /// Two sends through a client on `transport`: both answered by the stub.
    private func expectStubbedSends(_ transport: URLSessionTransport) async throws {
        let client = try SMSClient(
            endpoint: .url(URL(string: "https://stub.invalid")!), userDomain: demoDomain,
            userDomainSecret: demoSecret, transport: .custom(transport))
        let before = StubProtocol.requests
        for _ in 0..<2 {
            let result = try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
            #expect(result.code == .sent)
            #expect(result.message == "stubbed")
        }
        #expect(StubProtocol.requests == before + 2)
    }
}

/// Answers every request with the platform's success JSON and counts them.
final class StubProtocol: URLProtocol {
    // nonisolated(unsafe): `count` is read and written only with `lock` held.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var count = 0

    static var requests: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    override class func canInit(with request: URLRequest) -> Bool { true }

    override class func canonicalRequest(for request: URLRequest) -> URLRequest { request }

    override func startLoading() {
        StubProtocol.lock.lock()
        StubProtocol.count += 1
        StubProtocol.lock.unlock()
        let response = HTTPURLResponse(
            url: request.url!, statusCode: 200, httpVersion: "HTTP/1.1",
            headerFields: ["Content-Type": "application/json"])!
        client?.urlProtocol(self, didReceive: response, cacheStoragePolicy: .notAllowed)
        client?.urlProtocol(
            self, didLoad: Data(#"{"code":200,"msg":"stubbed","data":null,"extMsg":null}"#.utf8))
        client?.urlProtocolDidFinishLoading(self)
    }

    override func stopLoading() {}
}
