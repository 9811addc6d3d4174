import Foundation
import SMSCode
import Testing

/// One client shared by many tasks; cancellation before a send (during one: ParityTests.swift);
/// the cooperative pool stays free.
@Suite struct ConcurrencyTests {
    @Test(arguments: transports) func eightTasksSendAHundredTimesEachThroughOneClient(
        transport: TransportChoice
    ) async throws {
        // No rate limits: 800 sends to 800 phones, all of them must be accepted.
        let emulator = try Emulator(arguments: ["--min-interval-secs", "0", "--daily-limit", "0"])
        let client = try emulator.client(transport: transport)
        let prefix = String(uniquePhone().dropLast(4))
        let results = try await withThrowingTaskGroup(of: [ServerCode].self) { group in
            for task in 0..<8 {
                group.addTask {
                    var codes: [ServerCode] = []
                    for send in 0..<100 {
                        let phone = prefix + String(format: "%04d", task * 100 + send)
                        let result = try await client.sendCode(
                            internationalCode: "+86", phone: phone, codeType: .login)
                        codes.append(result.code)
                    }
                    return codes
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(results.count == 800)
        #expect(results.allSatisfy { $0 == .sent })
        #expect(try emulator.codes().count == 800)
    }

    @Test(arguments: transports) func aTaskCancelledBeforeSendingSendsNothing(
        transport: TransportChoice
    ) async throws {
        let emulator = try Emulator()
        let client = try emulator.client(transport: transport)
        let task = Task {
            // Cancelled while it waits here, before the send.
            try? await Task.sleep(for: .seconds(60))
            return try await client.sendCode(
                internationalCode: "+86", phone: uniquePhone(), codeType: .login)
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(try emulator.codes().isEmpty)
    }

    @Test(arguments: transports) func hangingSendsDoNotBlockTheCooperativePool(
        transport: TransportChoice
    ) async throws {
        // More hanging sends than the pool has threads (one per core). If they ran on the
        // pool, this task could not resume from its sleep, nor run the probes, until sends
        // time out (8 s each, a pool's width at a time): the clock starts before the sends.
        let emulator = try Emulator()
        let sends = 4 * ProcessInfo.processInfo.activeProcessorCount + 4
        try emulator.armFault("hang", count: sends)
        let client = try emulator.client(.init(totalTimeout: .seconds(8)), transport: transport)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<sends {
                group.addTask {
                    await expectSMSError(.timeout) {
                        try await client.sendCode(
                            internationalCode: "+86", phone: uniquePhone(), codeType: .login)
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            let probes = await withTaskGroup(of: Int.self) { probes in
                for value in 0..<sends {
                    probes.addTask { value }
                }
                return await probes.reduce(0, +)
            }
            #expect(probes == sends * (sends - 1) / 2)
            let elapsed = seconds(since: start)
            #expect(elapsed < 5, "the pool was blocked: the probes ran after \(elapsed) s")
            try await group.waitForAll()
        }
    }
}
