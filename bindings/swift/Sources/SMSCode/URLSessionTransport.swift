import CSMSCode
import Dispatch
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Security)
    import Security
#endif

/// A ``Transport`` on Foundation's `URLSession`: the platform's own networking. On Apple
/// platforms it honours App Transport Security, the system's proxy and VPN settings and
/// user-installed or MDM certificates; on Linux it is FoundationNetworking (libcurl, which
/// reads the `http_proxy`-style environment variables).
///
/// One `URLSession` serves every send of the transport, and so of the client that holds it:
/// its connections are reused from one send to the next. Pass your own session (for its
/// metrics, `URLProtocol` stubs in UI tests, cellular or constrained-network policy) or a
/// configuration for a session the transport creates, owns and invalidates when it is freed.
///
/// Each send is one data task: POST with the prepared URL, headers and body, once, with no
/// cache and no cookies (set on the request, so your session's settings are untouched);
/// redirects are refused (the 3xx answer goes to the library). Its task delegate reads at
/// most 64 KiB + 1 bytes of the body (`SMS_MAX_RESPONSE_BODY` + 1: the library refuses a
/// longer one, and one byte more shows it is longer), then ends the send and cancels the
/// task: the rest is never read, so a server sending gigabytes costs 64 KiB. One exception:
/// on Linux, with a session you passed, the body is read whole (FoundationNetworking gives a
/// task's data only to its session's delegate, which is yours; a session the transport
/// creates has a delegate that passes the data on to the task's).
///
/// Timeouts: ``HTTPRequest/totalTimeout`` ends the send wherever it is (connecting, waiting
/// for the answer, reading it): a timer of the transport cancels the task then and the send
/// throws ``TransportError/Kind/timeout``. URLSession has no connect-only timeout, so
/// connecting is bounded by the total timeout, not by ``HTTPRequest/connectTimeout``. Its
/// `timeoutIntervalForRequest` is an idle timeout that also covers the wait for the first
/// byte of the answer: set to the connect timeout, it would give up on a server that is still
/// answering (and has sent the SMS). So the request's `timeoutInterval` is the total timeout
/// rounded up to whole seconds plus one (FoundationNetworking truncates it to whole seconds),
/// and the session's `timeoutIntervalForResource` is not relied on (FoundationNetworking
/// ignores it, and a shared session cannot have one per send).
///
/// Extra trusted certificates: on Apple platforms the session the transport creates evaluates
/// the server's trust with them as extra anchors (the system's roots stay trusted). On Linux
/// this is impossible: FoundationNetworking hands no server-trust challenge to the delegate and
/// has no per-session CA setting (libcurl's only CA file is process-wide), so certificates
/// throw ``SMSError/Code-swift.struct/unsupported`` there; use ``TransportChoice/library``.
public final class URLSessionTransport: Transport {
    /// The session every send goes through.
    public let session: URLSession
    /// True when this transport created the session, and so invalidates it when freed.
    private let ownsSession: Bool

    /// A transport on your session, used as it is: its delegate (if any) decides trust and
    /// authentication, and it stays valid when the transport is freed.
    public init(session: URLSession) {
        self.session = session
        self.ownsSession = false
    }

    /// A transport on a new session with `configuration` (copied; by default an ephemeral
    /// one), trusting the certificates of these PEM files on top of the system's.
    ///
    /// - Throws: ``SMSError`` with ``SMSError/Code-swift.struct/invalidArgument`` for a file
    ///   that cannot be read or holds no certificate;
    ///   ``SMSError/Code-swift.struct/unsupported`` for any certificate on Linux.
    public init(
        configuration: URLSessionConfiguration = .ephemeral,
        additionalTrustedCertificates: [URL] = []
    ) throws {
        var anchors: [Data] = []
        for file in additionalTrustedCertificates {
            anchors += try pemCertificates(file)
        }
        #if canImport(Security)
            let delegate: URLSessionDelegate? = anchors.isEmpty ? nil : TrustDelegate(anchors)
        #else
            if !anchors.isEmpty {
                throw SMSError(
                    code: .unsupported,
                    message:
                        "URLSessionTransport: additionalTrustedCertificates is not supported on "
                        + "this platform (FoundationNetworking has no per-session trust "
                        + "evaluation); use the library's transport")
            }
            let delegate: URLSessionDelegate? = TaskDelegateForwarder()
        #endif
        // URLSession copies its configuration: later changes to `configuration` do nothing.
        self.session = URLSession(
            configuration: configuration, delegate: delegate, delegateQueue: nil)
        self.ownsSession = true
    }

    deinit {
        // A session holds its delegate until invalidated; sends under way still finish.
        if ownsSession {
            session.finishTasksAndInvalidate()
        }
    }

    /// Sends `request` once and returns the answer, whatever its status.
    ///
    /// - Throws: ``TransportError`` (network, timeout or TLS) when there is no answer;
    ///   `CancellationError` when the task is cancelled: the HTTP request is cancelled too,
    ///   closing its connection.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for header in request.headers {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        urlRequest.httpBody = request.body
        urlRequest.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        urlRequest.httpShouldHandleCookies = false
        urlRequest.timeoutInterval = (timeInterval(request.totalTimeout) + 1).rounded(.up)
        let send = Send()
        let task: URLSessionDataTask
        if taskDelegateGetsTheData {
            task = session.dataTask(with: urlRequest)
        } else {
            // Linux, the caller's session: its delegate, not the task's, would get the data.
            task = session.dataTask(with: urlRequest) { data, response, error in
                send.finish(answer(data ?? Data(), response, error))
            }
        }
        // Refuses redirects, and (without a completion handler) reads the body and the end.
        task.delegate = send
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                send.start(task, totalTimeout: request.totalTimeout, continuation)
            }
        } onCancel: {
            send.finish(.failure(CancellationError()))
        }
    }

    /// True when a data task's body and end reach its task delegate: always on Apple
    /// platforms; on Linux only through the forwarding delegate of a session this transport
    /// created (FoundationNetworking calls only the session's delegate for them).
    private var taskDelegateGetsTheData: Bool {
        #if canImport(FoundationNetworking)
            return ownsSession
        #else
            return true
        #endif
    }
}

/// The most body a send reads: the library refuses a body over `SMS_MAX_RESPONSE_BODY`
/// bytes, and one byte more is enough to tell.
private let responseBodyReadLimit = Int(SMS_MAX_RESPONSE_BODY) + 1

private func timeInterval(_ duration: Duration) -> TimeInterval {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) + Double(attoseconds) / 1e18
}

/// What a finished data task stands for: the answer, or the failure without one.
private func answer(_ body: Data, _ response: URLResponse?, _ error: (any Error)?)
    -> Result<HTTPResponse, any Error>
{
    if let error {
        if let error = error as? URLError {
            return .failure(TransportError(error))
        }
        return .failure(TransportError(.network, "URLSession: \(error)"))
    }
    guard let response = response as? HTTPURLResponse else {
        return .failure(TransportError(.network, "URLSession: no HTTP response"))
    }
    return .success(
        HTTPResponse(
            status: response.statusCode, date: response.value(forHTTPHeaderField: "Date"),
            body: body))
}

/// The certificates of a PEM file, as DER.
private func pemCertificates(_ file: URL) throws -> [Data] {
    guard let text = try? String(contentsOf: file, encoding: .utf8) else {
        throw SMSError(
            code: .invalidArgument,
            message: "additionalTrustedCertificates: cannot read \(file.path)")
    }
    var certificates: [Data] = []
    var base64: String?
    for line in text.split(whereSeparator: \.isNewline) {
        let line = line.trimmingCharacters(in: .whitespaces)
        if line == "-----BEGIN CERTIFICATE-----" {
            base64 = ""
        } else if line == "-----END CERTIFICATE-----", let body = base64 {
            guard let der = Data(base64Encoded: body) else {
                throw SMSError(
                    code: .invalidArgument,
                    message: "additionalTrustedCertificates: bad PEM in \(file.path)")
            }
            certificates.append(der)
            base64 = nil
        } else if base64 != nil {
            base64? += line
        }
    }
    guard !certificates.isEmpty else {
        throw SMSError(
            code: .invalidArgument,
            message: "additionalTrustedCertificates: no certificate in \(file.path)")
    }
    return certificates
}

/// One send, and the task delegate of its data task: collects at most
/// ``responseBodyReadLimit`` bytes of the body, refuses redirects, and resumes the waiting
/// Swift task exactly once, with whichever comes first (enough of the body, the data task's
/// end, the total timeout, cancellation); then cancels the data task if it is still running,
/// which closes its connection.
private final class Send: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked Sendable: every mutable property is read and written with `lock` held, and
    // the continuation is taken out (set to nil) before it is resumed, so at most once.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var task: URLSessionTask?
    private var outcome: Result<HTTPResponse, any Error>?
    private var body = Data()

    /// Starts `task` and arms the total timeout, unless the send already ended (the Swift
    /// task was cancelled before it got here).
    func start(
        _ task: URLSessionTask, totalTimeout: Duration,
        _ continuation: CheckedContinuation<HTTPResponse, any Error>
    ) {
        lock.lock()
        if let outcome {
            lock.unlock()
            continuation.resume(with: outcome)
            return
        }
        self.continuation = continuation
        self.task = task
        lock.unlock()
        DispatchQueue.global().asyncAfter(deadline: .now() + timeInterval(totalTimeout)) {
            [weak self] in
            self?.finish(
                .failure(TransportError(.timeout, "URLSession: total timeout \(totalTimeout)")))
        }
        task.resume()
    }

    /// Ends the send with `result` (the first call only) and cancels the data task.
    func finish(_ result: Result<HTTPResponse, any Error>) {
        lock.lock()
        guard outcome == nil else {
            lock.unlock()
            return
        }
        outcome = result
        let continuation = self.continuation
        self.continuation = nil
        let task = self.task
        self.task = nil
        lock.unlock()
        continuation?.resume(with: result)
        task?.cancel()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        body.append(data.prefix(responseBodyReadLimit - body.count))
        let enough: Data? = body.count >= responseBodyReadLimit ? body : nil
        lock.unlock()
        if let enough {
            // The library refuses a body this long whatever follows: the rest is never read.
            finish(answer(enough, dataTask.response, nil))
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
    ) {
        lock.lock()
        let read = body
        lock.unlock()
        finish(answer(read, task.response, error))
    }

    /// A redirect is never followed: its 3xx answer completes the task and goes to the
    /// library.
    func urlSession(
        _ session: URLSession, task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

#if canImport(FoundationNetworking)
    /// The delegate of a session the transport created on Linux: FoundationNetworking gives a
    /// data task's body and end only to its session's delegate (a task delegate gets the
    /// redirect alone), so this one passes them on to the task's ``Send``.
    private final class TaskDelegateForwarder: NSObject, URLSessionDataDelegate, Sendable {
        func urlSession(
            _ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data
        ) {
            (dataTask.delegate as? Send)?.urlSession(session, dataTask: dataTask, didReceive: data)
        }

        func urlSession(
            _ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?
        ) {
            (task.delegate as? Send)?.urlSession(session, task: task, didCompleteWithError: error)
        }
    }
#endif

#if canImport(Security)
    /// The delegate of a session the transport created with extra trusted certificates: the
    /// server's trust is evaluated with them as extra anchors. Failing that, the system decides
    /// as usual (and refuses an untrusted server with a certificate error, which is TLS).
    private final class TrustDelegate: NSObject, URLSessionDelegate, Sendable {
        private let anchors: [Data]

        init(_ anchors: [Data]) {
            self.anchors = anchors
        }

        func urlSession(
            _ session: URLSession, didReceive challenge: URLAuthenticationChallenge,
            completionHandler:
                @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            guard
                challenge.protectionSpace.authenticationMethod
                    == NSURLAuthenticationMethodServerTrust,
                let trust = challenge.protectionSpace.serverTrust
            else {
                completionHandler(.performDefaultHandling, nil)
                return
            }
            let certificates = anchors.compactMap {
                SecCertificateCreateWithData(nil, $0 as CFData)
            }
            SecTrustSetAnchorCertificates(trust, certificates as CFArray)
            // The system's roots stay trusted: the files are added, not substituted.
            SecTrustSetAnchorCertificatesOnly(trust, false)
            if SecTrustEvaluateWithError(trust, nil) {
                completionHandler(.useCredential, URLCredential(trust: trust))
            } else {
                completionHandler(.performDefaultHandling, nil)
            }
        }
    }
#endif
