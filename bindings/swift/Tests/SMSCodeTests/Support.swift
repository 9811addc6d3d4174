import Foundation
import Testing

@testable import SMSCode

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The repository root: this file is bindings/swift/Tests/SMSCodeTests/Support.swift.
let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // SMSCodeTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // swift
    .deletingLastPathComponent()  // bindings
    .deletingLastPathComponent()

/// True when test.sh runs the suite against the library built without its own transport
/// (the iOS configuration): only the URLSession transport can send then.
let libraryWithoutTransport =
    ProcessInfo.processInfo.environment["SMSCODE_SWIFT_NO_TRANSPORT"] == "1"

/// The transports every scenario runs through, with the same expected outcome.
let transports: [TransportChoice] =
    libraryWithoutTransport ? [.urlSession] : [.library, .urlSession]

/// The transports that can trust an extra certificate: FoundationNetworking on Linux cannot.
#if canImport(Darwin)
    let transportsWithExtraCertificates = transports
#else
    let transportsWithExtraCertificates = transports.filter(\.isLibrary)
#endif

/// The emulator's built-in user domain and its secret.
let demoDomain = "demo"
let demoSecret = "demo-secret"

struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// One issued code, as `GET /emulator/v1/codes` lists it.
struct IssuedCode: Decodable, Sendable {
    let userDomain: String
    let internationalCode: String
    let phone: String
    let codeType: Int
    let code: String
    let valid: Bool
}

/// The real emulator program (target/release/smscode-emulator, or `SMSCODE_EMULATOR`) as a
/// child process, one per test: tests never share armed faults or rate limits.
///
/// Stopped (SIGTERM, then reaped) in `deinit`, which runs when the test ends, passed or
/// failed. If the test process itself dies, test.sh kills what is left: each emulator's pid
/// is written into `SMSCODE_SWIFT_PID_DIR` when that is set.
///
/// Started with posix_spawn, not Foundation's `Process`: a child inherits the signal mask of
/// the spawning thread, and the test runner's threads block SIGTERM, so an emulator started
/// by `Process` never saw its SIGTERM (and `waitUntilExit` waited forever).
final class Emulator: Sendable {
    let baseURL: String
    /// Where `--tls-cert-out` wrote the certificate (TLS emulators only).
    let certificate: URL?
    private let pid: pid_t
    /// The read end of the emulator's stdout, kept open: it must never write into a
    /// closed pipe.
    private let stdoutFD: Int32
    private let scratch: URL
    private let pidFile: URL?

    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["SMSCODE_EMULATOR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repoRoot.appendingPathComponent("target/release/smscode-emulator")
    }

    /// Starts the emulator on 127.0.0.1 with a free port, over HTTPS when `tls`.
    init(tls: Bool = false, arguments: [String] = []) throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("smscode-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let certificate = tls ? scratch.appendingPathComponent("cert.pem") : nil
        self.certificate = certificate
        let arguments =
            [Emulator.executable.path, "--listen", "127.0.0.1:0"]
            + (certificate.map { ["--tls-cert-out", $0.path] } ?? []) + arguments
        let (pid, stdoutFD) = try spawn(
            arguments, stderrPath: scratch.appendingPathComponent("emulator.log").path)
        self.pid = pid
        self.stdoutFD = stdoutFD
        if let dir = ProcessInfo.processInfo.environment["SMSCODE_SWIFT_PID_DIR"], !dir.isEmpty {
            let file = URL(fileURLWithPath: dir).appendingPathComponent(String(pid))
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            pidFile = file
        } else {
            pidFile = nil
        }
        // The first line is "listening on http(s)://127.0.0.1:PORT"; EOF means it failed.
        var bytes = [UInt8]()
        var byte: UInt8 = 0
        while read(stdoutFD, &byte, 1) == 1 && byte != UInt8(ascii: "\n") {
            bytes.append(byte)
        }
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("listening on ") else {
            baseURL = ""
            throw HarnessError(description: "emulator did not start: '\(line)'")
        }
        baseURL = String(line.dropFirst("listening on ".count))
    }

    deinit {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(stdoutFD)
        if let pidFile {
            try? FileManager.default.removeItem(at: pidFile)
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// The endpoint to give a client.
    var endpoint: Endpoint { .url(URL(string: baseURL)!) }

    /// A client of the demo domain with `configuration`, sending through `transport`.
    func client(
        _ configuration: SMSClient.Configuration = .init(),
        transport: TransportChoice = .library
    ) throws -> SMSClient {
        try SMSClient(
            endpoint: endpoint, userDomain: demoDomain, userDomainSecret: demoSecret,
            configuration: configuration, transport: transport)
    }

    /// Arms a fault (hang, close, http500, not_json, huge_body, slow_drip, redirect, delay)
    /// for the next `count` sends; `delay` waits `delayMs` before answering.
    func armFault(_ kind: String, count: Int = 1, delayMs: Int = 0) throws {
        let answer = try request(
            "POST", "/emulator/v1/faults",
            body: "{\"fault\":\"\(kind)\",\"count\":\(count),\"delayMs\":\(delayMs)}")
        guard answer.contains("\"ok\":true") else {
            throw HarnessError(description: "arming \(kind): \(answer)")
        }
    }

    /// How many sends their client aborted (closed the connection) during a delay, hang or
    /// slow drip, as `GET /emulator/v1/stats` counts them.
    func abortedSends() throws -> Int {
        struct Answer: Decodable { let aborted: Int }
        let answer = try request("GET", "/emulator/v1/stats")
        return try JSONDecoder().decode(Answer.self, from: Data(answer.utf8)).aborted
    }

    /// The codes the emulator issued (to `phone` only, when given), oldest first.
    func codes(phone: String? = nil) throws -> [IssuedCode] {
        struct Answer: Decodable { let codes: [IssuedCode] }
        let answer = try request("GET", "/emulator/v1/codes" + (phone.map { "?phone=\($0)" } ?? ""))
        return try JSONDecoder().decode(Answer.self, from: Data(answer.utf8)).codes
    }

    /// The log so far (issued codes, faults), for assertions about what reached the server.
    func log() -> String {
        let file = scratch.appendingPathComponent("emulator.log")
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }

    /// One HTTP/1.1 request over a plain socket to the emulator's API. No URLSession: it
    /// would read the proxy variables, and the harness must not depend on them.
    private func request(_ method: String, _ path: String, body: String = "") throws -> String {
        guard let url = URL(string: baseURL), let port = url.port, url.scheme == "http" else {
            throw HarnessError(description: "the emulator API is used over plain HTTP only")
        }
        let text =
            "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let answer = try exchange(port: UInt16(port), request: Array(text.utf8))
        let parts = answer.components(separatedBy: "\r\n\r\n")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.1 200") else {
            throw HarnessError(description: "\(method) \(path): \(answer)")
        }
        return parts.dropFirst().joined(separator: "\r\n\r\n")
    }
}

/// Starts `arguments` (the program's path first) with stdout on a pipe and stderr into
/// `stderrPath`, every signal unblocked and at its default action. Returns the pid and the
/// pipe's read end.
private func spawn(_ arguments: [String], stderrPath: String) throws -> (pid_t, Int32) {
    var fds: [Int32] = [0, 0]
    // Close-on-exec, so that emulators started at the same time by other tests do not
    // inherit this pipe (dup2 onto stdout clears the flag for this child).
    let made = pipe(&fds)
    for fd in fds {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    guard made == 0 else {
        throw HarnessError(description: "pipe() failed")
    }
    #if canImport(Glibc)
        var attributes = posix_spawnattr_t()
        var actions = posix_spawn_file_actions_t()
    #else
        var attributes: posix_spawnattr_t? = nil
        var actions: posix_spawn_file_actions_t? = nil
    #endif
    posix_spawnattr_init(&attributes)
    posix_spawn_file_actions_init(&actions)
    defer {
        posix_spawnattr_destroy(&attributes)
        posix_spawn_file_actions_destroy(&actions)
    }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGTERM)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGPIPE)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer {
        for argument in argv {
            free(argument)
        }
    }
    var pid: pid_t = 0
    let status = posix_spawn(&pid, arguments[0], &actions, &attributes, &argv, environ)
    close(fds[1])
    guard status == 0 else {
        close(fds[0])
        throw HarnessError(description: "cannot start \(arguments[0]): error \(status)")
    }
    return (pid, fds[0])
}

/// Sends `request` to 127.0.0.1:`port` and reads until the server closes.
private func exchange(port: UInt16, request: [UInt8]) throws -> String {
    #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else {
        throw HarnessError(description: "socket() failed")
    }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    guard connected == 0 else {
        throw HarnessError(description: "connect to port \(port) failed")
    }
    var sent = 0
    while sent < request.count {
        let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            throw HarnessError(description: "send failed")
        }
        sent += count
    }
    var answer = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else {
            break
        }
        answer += buffer[0..<count]
    }
    return String(decoding: answer, as: UTF8.self)
}

/// A phone number no other test of this run uses.
func uniquePhone() -> String {
    phoneCounter.next()
}

private let phoneCounter = Counter()

private final class Counter: @unchecked Sendable {
    // @unchecked Sendable: `value` is read and written only with `lock` held.
    private let lock = NSLock()
    private var value = 0

    func next() -> String {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        // 11 digits: 139 and the counter, zero-padded to 8.
        let digits = String(value)
        return "139" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}

/// Runs `body`, expecting an `SMSError` with `code` whose message contains `fragment`.
@discardableResult
func expectSMSError<T>(
    _ code: SMSError.Code,
    containing fragment: String = "",
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async -> SMSError? {
    do {
        let value = try await body()
        Issue.record("expected \(code), got \(value)", sourceLocation: sourceLocation)
    } catch let error as SMSError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(
            fragment.isEmpty || error.message.contains(fragment),
            "\"\(error.message)\" lacks \"\(fragment)\"",
            sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected SMSError \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Seconds since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// A one-connection HTTP server that answers with `status` and a body announced far larger
/// than the library ever reads (`Content-Length` of `announced` bytes), sends only the first
/// `sent` of them (well over `SMS_MAX_RESPONSE_BODY`), then waits for the client to close the
/// connection. A client that reads the whole body waits for the rest forever; one that stops
/// at the cap closes at once. Runs on its own thread, with blocking sockets.
final class OversizedBodyServer: Sendable {
    /// The URL to send to.
    let url: URL
    let announced = 64 << 20
    let sent = 1 << 20
    private let listener: Int32
    private let outcome = OutcomeBox()

    /// What the server saw: the body bytes it wrote, and whether the client closed the
    /// connection before the end of the wait.
    struct Outcome: Sendable {
        let bytesWritten: Int
        let clientClosed: Bool
    }

    init(status: Int, wait: Duration = .seconds(30)) throws {
        let (listener, port) = try listenOnLoopback()
        self.listener = listener
        url = URL(string: "http://127.0.0.1:\(port)")!
        let head =
            "HTTP/1.1 \(status) Answer\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(announced)\r\n\r\n"
        let (sent, outcome) = (self.sent, self.outcome)
        let thread = Thread {
            outcome.set(serveOnce(listener, head: Array(head.utf8), bodyBytes: sent, wait: wait))
        }
        thread.start()
    }

    deinit {
        close(listener)
    }

    /// What the server saw, once it is done (after the client closed, or the wait ended).
    func result() async throws -> Outcome {
        while true {
            if let result = outcome.get() {
                return result
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private final class OutcomeBox: @unchecked Sendable {
        // @unchecked Sendable: `value` is read and written only with `lock` held.
        private let lock = NSLock()
        private var value: Outcome?

        func set(_ outcome: Outcome) {
            lock.lock()
            value = outcome
            lock.unlock()
        }

        func get() -> Outcome? {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
    }
}

/// A listening socket on 127.0.0.1 with a free port.
private func listenOnLoopback() throws -> (Int32, UInt16) {
    #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else {
        throw HarnessError(description: "socket() failed")
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        throw HarnessError(description: "cannot listen on 127.0.0.1")
    }
    return (fd, UInt16(bigEndian: address.sin_port))
}

/// Accepts one connection on `listener`, reads the request's head, writes `head` and
/// `bodyBytes` bytes of body, then waits up to `wait` for the client to close.
private func serveOnce(_ listener: Int32, head: [UInt8], bodyBytes: Int, wait: Duration)
    -> OversizedBodyServer.Outcome
{
    let waitMs = Int32(wait.components.seconds * 1000)
    var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
    guard poll(&pending, 1, waitMs) == 1 else {
        return .init(bytesWritten: 0, clientClosed: false)
    }
    let fd = accept(listener, nil, nil)
    guard fd >= 0 else {
        return .init(bytesWritten: 0, clientClosed: false)
    }
    defer { close(fd) }
    #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        let flags: Int32 = 0
    #else
        let flags = Int32(MSG_NOSIGNAL)
    #endif
    // The request: a head without a body (Content-Length: 0).
    var request = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !request.ends(with: Array("\r\n\r\n".utf8)) {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 1, 0) }
        guard count == 1 else {
            return .init(bytesWritten: 0, clientClosed: true)
        }
        request.append(buffer[0])
    }
    guard writeAll(fd, head, flags: flags) == head.count else {
        return .init(bytesWritten: 0, clientClosed: true)
    }
    let written = writeAll(
        fd, [UInt8](repeating: UInt8(ascii: " "), count: bodyBytes), flags: flags)
    if written < bodyBytes {
        // The client closed the connection while the body was being written.
        return .init(bytesWritten: written, clientClosed: true)
    }
    // The rest of the announced body never comes: only the client can end this.
    var closing = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    while poll(&closing, 1, waitMs) == 1 {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count <= 0 {
            return .init(bytesWritten: written, clientClosed: true)
        }
    }
    return .init(bytesWritten: written, clientClosed: false)
}

/// Writes `bytes` to `fd`; how many were written before an error.
private func writeAll(_ fd: Int32, _ bytes: [UInt8], flags: Int32) -> Int {
    var sent = 0
    while sent < bytes.count {
        let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, flags) }
        guard count > 0 else {
            break
        }
        sent += count
    }
    return sent
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
