import Foundation
import SmsCode
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The repository root: this file is bindings/swift/Tests/SmsCodeTests/Emulator.swift.
let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // SmsCodeTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // swift
    .deletingLastPathComponent()  // bindings
    .deletingLastPathComponent()

/// The default user domain and secret of the emulator.
let demoDomain = "demo"
let demoSecret = "demo-secret"

struct EmulatorError: Error, CustomStringConvertible {
    let description: String
}

/// One issued code, as `GET /emulator/v1/codes` lists it.
struct IssuedCode: Decodable {
    let userDomain: String
    let internationalCode: String
    let phone: String
    let codeType: Int
    let code: String
    let valid: Bool
}

/// The smscode emulator run as a child process for one test class (the real cloud is never
/// contacted). Started with `--listen 127.0.0.1:0`; its first stdout line gives the URL.
final class Emulator {
    let baseURL: String
    private let process: Process
    private let logURL: URL
    /// Kept open: the emulator writes nothing after the first line, but must never see a
    /// closed pipe.
    private let stdout: Pipe

    /// `SMSCODE_EMULATOR`, or target/release/smscode-emulator (test.sh builds it).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["SMSCODE_EMULATOR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repoRoot.appendingPathComponent("target/release/smscode-emulator")
    }

    init(arguments: [String] = []) throws {
        let process = Process()
        process.executableURL = Emulator.executable
        process.arguments = ["--listen", "127.0.0.1:0"] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        // Logs (issued codes, requests) go to a file: a pipe nobody drains could fill up.
        let logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("smscode-swift-emulator-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: logURL.path, contents: nil) else {
            throw EmulatorError(description: "cannot create \(logURL.path)")
        }
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()

        guard let line = Emulator.firstLine(of: stdout.fileHandleForReading, timeout: 30),
            line.hasPrefix("listening on ")
        else {
            process.terminate()
            process.waitUntilExit()
            throw EmulatorError(
                description: "\(Emulator.executable.path) printed no `listening on` line "
                    + "(log: \(logURL.path))")
        }
        baseURL = String(line.dropFirst("listening on ".count))
        self.process = process
        self.stdout = stdout
        self.logURL = logURL
    }

    /// Stops the process (SIGTERM) and removes its log.
    func stop() {
        if process.isRunning {
            process.terminate()
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: logURL)
    }

    /// Clears codes, rate-limit history and armed faults.
    func reset() throws {
        try request("POST", "/emulator/v1/reset")
    }

    /// Arms a fault (delay, hang, close, http500, not_json, huge_body, slow_drip, redirect)
    /// for the next `count` sends.
    func armFault(_ kind: String, count: Int = 1, delayMs: Int = 0) throws {
        try request(
            "POST", "/emulator/v1/faults",
            body: "{\"fault\":\"\(kind)\",\"count\":\(count),\"delayMs\":\(delayMs)}")
    }

    /// The codes the emulator issued to `phone` (all codes when nil), oldest first.
    func codes(phone: String? = nil) throws -> [IssuedCode] {
        struct Answer: Decodable { let codes: [IssuedCode] }
        let query = phone.map { "?phone=\($0)" } ?? ""
        let data = try request("GET", "/emulator/v1/codes" + query)
        return try JSONDecoder().decode(Answer.self, from: data).codes
    }

    @discardableResult
    private func request(_ method: String, _ path: String, body: String? = nil) throws -> Data {
        guard let url = URL(string: baseURL + path) else {
            throw EmulatorError(description: "bad URL \(baseURL + path)")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body = body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let answer = Box<Result<Data, Error>>(.failure(EmulatorError(description: "no answer")))
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let error = error {
                answer.value = .failure(error)
            } else if let status = (response as? HTTPURLResponse)?.statusCode, status != 200 {
                answer.value = .failure(
                    EmulatorError(description: "\(method) \(path) answered HTTP \(status)"))
            } else {
                answer.value = .success(data ?? Data())
            }
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 30) == .success else {
            throw EmulatorError(description: "\(method) \(path) got no answer in 30 s")
        }
        return try answer.value.get()
    }

    /// Reads up to the first newline on a background thread, giving up after `timeout`.
    private static func firstLine(of handle: FileHandle, timeout: TimeInterval) -> String? {
        let line = Box<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes = Data()
            while !bytes.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData  // blocks; empty at end of file
                if chunk.isEmpty {
                    break
                }
                bytes.append(chunk)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            line.value = text.split(separator: "\n", omittingEmptySubsequences: false)
                .first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            return nil
        }
        return line.value
    }
}

/// A value handed from a callback thread to the waiting one (a semaphore orders the accesses).
final class Box<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// A phone number no other test of this run uses, so the emulator's per-phone rate limit
/// never links two tests.
func uniquePhone() -> String {
    phoneCounter.next()
}

private let phoneCounter = Counter()

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> String {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        let digits = String(value)
        // 11 digits: 139, then the counter zero-padded to 8.
        return "139" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// Asserts that `body` throws the `SmsError` case `expected` (compared by status) and that its
/// message contains `fragment`.
func assertSmsError<T>(
    _ expected: (String) -> SmsError,
    containing fragment: String,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> T
) {
    do {
        let value = try body()
        XCTFail("expected \(expected("")), got \(value)", file: file, line: line)
    } catch let error as SmsError {
        checkSmsError(error, expected, fragment, file, line)
    } catch {
        XCTFail("expected SmsError, got \(error)", file: file, line: line)
    }
}

/// `assertSmsError` for async calls.
func assertSmsErrorAsync<T>(
    _ expected: (String) -> SmsError,
    containing fragment: String,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () async throws -> T
) async {
    do {
        let value = try await body()
        XCTFail("expected \(expected("")), got \(value)", file: file, line: line)
    } catch let error as SmsError {
        checkSmsError(error, expected, fragment, file, line)
    } catch {
        XCTFail("expected SmsError, got \(error)", file: file, line: line)
    }
}

private func checkSmsError(
    _ error: SmsError, _ expected: (String) -> SmsError, _ fragment: String,
    _ file: StaticString, _ line: UInt
) {
    XCTAssertEqual(error.status, expected("").status, "\(error)", file: file, line: line)
    XCTAssertTrue(
        error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"",
        file: file, line: line)
}
