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
/// Each send uses an ephemeral session of its own (no cookies, no cache): POST with the
/// prepared URL, headers and body, once; redirects are refused (the 3xx answer goes to the
/// library); ``HTTPRequest/connectTimeout`` is the session's `timeoutIntervalForRequest` (no
/// byte for that long, connecting included) and ``HTTPRequest/totalTimeout`` its
/// `timeoutIntervalForResource`, also enforced by a timer of its own; at most 64 KiB + 1
/// bytes of body are read.
///
/// Extra trusted certificates: on Apple platforms a session delegate evaluates the server's
/// trust with them as extra anchors (the system's roots stay trusted). On Linux this is
/// impossible: FoundationNetworking hands no server-trust challenge to the delegate and has
/// no per-session CA setting (libcurl's only CA file is process-wide), so
/// `init(additionalTrustedCertificates:)` with certificates throws
/// ``SMSError/Code-swift.struct/unsupported`` there; use ``TransportChoice/library``.
public struct URLSessionTransport: Transport {
    /// The DER bytes of the extra trusted certificates.
    let anchors: [Data]

    /// A transport that trusts the certificates of these PEM files on top of the system's.
    ///
    /// - Throws: ``SMSError`` with ``SMSError/Code-swift.struct/invalidArgument`` for a file
    ///   that cannot be read or holds no certificate;
    ///   ``SMSError/Code-swift.struct/unsupported`` for any certificate on Linux.
    public init(additionalTrustedCertificates: [URL] = []) throws {
        var anchors: [Data] = []
        for file in additionalTrustedCertificates {
            anchors += try pemCertificates(file)
        }
        #if !canImport(Security)
            if !anchors.isEmpty {
                throw SMSError(
                    code: .unsupported,
                    message:
                        "URLSessionTransport: additionalTrustedCertificates is not supported on "
                        + "this platform (FoundationNetworking has no per-session trust "
                        + "evaluation); use the library's transport")
            }
        #endif
        self.anchors = anchors
    }

    /// Sends `request` once and returns the answer, whatever its status.
    ///
    /// - Throws: ``TransportError`` (network, timeout or TLS) when there is no answer;
    ///   `CancellationError` when the task is cancelled (the HTTP request is cancelled too).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeInterval(request.connectTimeout)
        configuration.timeoutIntervalForResource = timeInterval(request.totalTimeout)
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for header in request.headers {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        urlRequest.httpBody = request.body
        let delegate = SendDelegate(anchors: anchors)
        // The session holds its delegate until invalidated: finishTasksAndInvalidate ends it.
        let session = URLSession(
            configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.dataTask(with: urlRequest)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.start(task, totalTimeout: request.totalTimeout, continuation)
            }
        } onCancel: {
            delegate.cancel()
        }
    }
}

/// The most body a send ever needs: the library refuses more than 64 KiB, and one byte more
/// shows it was more.
private let bodyLimit = 64 * 1024 + 1

private func timeInterval(_ duration: Duration) -> TimeInterval {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) + Double(attoseconds) / 1e18
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

/// The delegate of one send's session: collects the answer, refuses redirects, evaluates
/// trust with the extra anchors, and resumes the waiting task exactly once.
private final class SendDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked Sendable: every mutable property is read and written with `lock` held, and
    // the continuation is taken out (set to nil) before it is resumed, so at most once.
    private let lock = NSLock()
    private let anchors: [Data]
    private var continuation: CheckedContinuation<HTTPResponse, any Error>?
    private var task: URLSessionTask?
    private var body = Data()
    private var cancelled = false
    private var trustRefused = false

    init(anchors: [Data]) {
        self.anchors = anchors
    }

    /// Starts `task`, unless the Swift task was already cancelled; arms the total timeout.
    func start(
        _ task: URLSessionTask, totalTimeout: Duration,
        _ continuation: CheckedContinuation<HTTPResponse, any Error>
    ) {
        lock.lock()
        if cancelled {
            lock.unlock()
            continuation.resume(throwing: CancellationError())
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

    /// The Swift task was cancelled: resumes it with `CancellationError` and cancels the send.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
        finish(.failure(CancellationError()))
    }

    /// Resumes the waiting task (the first call only) and cancels the HTTP request if it is
    /// still running.
    private func finish(_ result: Result<HTTPResponse, any Error>) {
        lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        let task = self.task
        lock.unlock()
        guard let continuation else {
            return
        }
        continuation.resume(with: result)
        task?.cancel()
    }

    private func answer(_ task: URLSessionTask) -> Result<HTTPResponse, any Error> {
        guard let response = task.response as? HTTPURLResponse else {
            return .failure(TransportError(.network, "URLSession: no HTTP response"))
        }
        lock.lock()
        let body = self.body
        lock.unlock()
        return .success(
            HTTPResponse(
                status: response.statusCode, date: response.value(forHTTPHeaderField: "Date"),
                body: body))
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        body.append(data.prefix(bodyLimit - body.count))
        let full = body.count >= bodyLimit
        lock.unlock()
        if full {
            // Enough to tell the body is too long: the rest is never read.
            finish(answer(dataTask))
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        // Never followed: the 3xx answer completes the task and goes to the library.
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?)
    {
        guard let error else {
            finish(answer(task))
            return
        }
        lock.lock()
        let trustRefused = self.trustRefused
        lock.unlock()
        if trustRefused {
            finish(
                .failure(
                    TransportError(.tls, "URLSession: the server's certificate is not trusted")))
        } else if let error = error as? URLError {
            finish(.failure(TransportError(error)))
        } else {
            finish(.failure(TransportError(.network, "URLSession: \(error)")))
        }
    }

    #if canImport(Security)
        func urlSession(
            _ session: URLSession, task: URLSessionTask,
            didReceive challenge: URLAuthenticationChallenge,
            completionHandler:
                @escaping (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            guard
                challenge.protectionSpace.authenticationMethod
                    == NSURLAuthenticationMethodServerTrust,
                !anchors.isEmpty, let trust = challenge.protectionSpace.serverTrust
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
                lock.lock()
                trustRefused = true
                lock.unlock()
                completionHandler(.cancelAuthenticationChallenge, nil)
            }
        }
    #endif
}
