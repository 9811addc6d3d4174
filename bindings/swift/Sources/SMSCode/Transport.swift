import Foundation

/// An HTTP stack that moves a prepared, signed request and brings back the answer.
///
/// The library decides everything else: it validates, signs, applies the resend guard and
/// maps the answer (status, JSON `code`, 64 KiB cap, clock skew). A transport only moves
/// bytes, so every transport behaves the same by construction. It must:
///
/// - send ``HTTPRequest/method``, ``HTTPRequest/url`` as is, ``HTTPRequest/headers`` and
///   ``HTTPRequest/body`` once: never retry (a repeated send replaces the code the user is
///   typing);
/// - not follow redirects: return the 3xx answer as it is;
/// - end the send at ``HTTPRequest/totalTimeout`` wherever it is (connecting, waiting for
///   the answer, reading it), and bound connecting by ``HTTPRequest/connectTimeout`` if the
///   stack can do that on its own; never give up earlier on a server that is still
///   answering (an idle or first-byte timeout shorter than the total would report a timeout
///   for an SMS that was sent);
/// - return the status, the `Date` header and the body (the first 64 KiB + 1 bytes are
///   enough; more is never needed);
/// - throw ``TransportError`` for a failure without an answer (or a `URLError`, which is
///   mapped the same way), and `CancellationError` when its task is cancelled, after
///   cancelling the HTTP request.
///
/// ``URLSessionTransport`` is one; pass yours as ``TransportChoice/custom(_:)``.
public protocol Transport: Sendable {
    /// Sends `request` once and returns the answer, whatever its status.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// One header of an ``HTTPRequest``.
public struct HTTPHeader: Hashable, Sendable {
    /// The name, e.g. `User-Agent`.
    public let name: String
    /// The value.
    public let value: String

    /// A header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A signed request the library prepared, for a ``Transport`` to send exactly as given.
public struct HTTPRequest: Hashable, Sendable {
    /// The HTTP method: always `POST`.
    public let method: String
    /// The full URL with the signed query, already percent-encoded: send it byte for byte.
    public let url: URL
    /// The headers to set (the HTTP stack adds its own, such as `Host`).
    public let headers: [HTTPHeader]
    /// The body: empty today (every parameter travels in the query); send it with
    /// `Content-Length: 0`.
    public let body: Data
    /// The client's connect timeout (DNS, TCP, TLS), for a stack that can bound connecting
    /// on its own (URLSession cannot: ``totalTimeout`` bounds it there).
    public let connectTimeout: Duration
    /// The client's timeout of the whole send, body included.
    public let totalTimeout: Duration

    /// A request; the library makes them, this is for tests of a transport.
    public init(
        method: String, url: URL, headers: [HTTPHeader], body: Data,
        connectTimeout: Duration, totalTimeout: Duration
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }
}

/// The answer a ``Transport`` received, whatever its status.
public struct HTTPResponse: Hashable, Sendable {
    /// The HTTP status, e.g. 200 or 302.
    public let status: Int
    /// The `Date` header's value, or nil without one (it gives the clock skew).
    public let date: String?
    /// The body as received, after any `Content-Encoding` was undone; at most 64 KiB + 1
    /// bytes are needed (a longer body is refused either way).
    public let body: Data

    /// An answer.
    public init(status: Int, date: String?, body: Data) {
        self.status = status
        self.date = date
        self.body = body
    }
}

/// A transport's failure without an answer: the library's `SMS_ERR_NETWORK`,
/// `SMS_ERR_TIMEOUT` or `SMS_ERR_TLS`, which ``SMSClient/sendCode(internationalCode:phone:codeType:)``
/// throws as ``SMSError`` with the same code.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// The matching ``SMSError`` code.
        public let code: SMSError.Code

        private init(_ code: SMSError.Code) {
            self.code = code
        }

        /// No network, DNS failure, connection refused or reset.
        public static let network = Kind(.network)
        /// The connect or total timeout expired.
        public static let timeout = Kind(.timeout)
        /// TLS handshake or certificate verification failed.
        public static let tls = Kind(.tls)

        /// "network", "timeout" or "tls".
        public var description: String {
            switch self {
            case .timeout: "timeout"
            case .tls: "tls"
            default: "network"
            }
        }
    }

    /// What failed.
    public let kind: Kind
    /// A short English explanation (the HTTP stack's own message).
    public let message: String

    /// A failure of `kind`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The failure a `URLError` stands for: `.timedOut` is a timeout; a TLS or certificate
    /// error (`.secureConnectionFailed`, `.serverCertificate*`, `.clientCertificate*`) is TLS;
    /// any other code is a network failure. On Linux, FoundationNetworking reports libcurl's
    /// TLS failures as `.unknown` with a message starting "SSL": those are TLS too.
    public init(_ error: URLError) {
        let kind: Kind
        switch error.code {
        case .timedOut:
            kind = .timeout
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid,
            .clientCertificateRejected, .clientCertificateRequired:
            kind = .tls
        #if !canImport(Darwin)
            // FoundationNetworking reports libcurl's certificate and handshake failures
            // (CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_*) as `.unknown` with libcurl's
            // message, e.g. "SSL certificate problem: self-signed certificate": the message
            // is the only sign of TLS.
            case .unknown where error.localizedDescription.hasPrefix("SSL"):
                kind = .tls
        #endif
        default:
            kind = .network
        }
        self.init(kind, "URLError \(error.code.rawValue): \(error.localizedDescription)")
    }

    /// "timeout: URLError -1001: ...".
    public var description: String { "\(kind): \(message)" }
}

/// Which HTTP stack a client sends with.
public struct TransportChoice: Sendable, CustomStringConvertible {
    enum Storage: Sendable {
        case library
        case urlSession
        case custom(any Transport)
    }

    let storage: Storage

    /// The library's own HTTPS stack (rustls with the bundled Mozilla roots), run on a
    /// dispatch queue: the same on every OS, and it honours
    /// ``SMSClient/Configuration/proxy``. Needs a library built with its `transport`
    /// feature (the default); without it a send throws ``SMSError/Code-swift.struct/unsupported``.
    public static let library = TransportChoice(storage: .library)

    /// A ``URLSessionTransport`` of the client's own, with an ephemeral session that lives as
    /// long as the client: the platform's networking (on Apple platforms App Transport
    /// Security, the system's proxy, VPN and certificates). On Linux, FoundationNetworking
    /// (libcurl). For your own `URLSession` or configuration, pass
    /// `.custom(URLSessionTransport(session:))` or
    /// `.custom(try URLSessionTransport(configuration:))`.
    public static let urlSession = TransportChoice(storage: .urlSession)

    /// Your own ``Transport``.
    public static func custom(_ transport: any Transport) -> TransportChoice {
        TransportChoice(storage: .custom(transport))
    }

    /// ``urlSession`` on Apple platforms (the XCFramework is built without the library's
    /// transport), ``library`` elsewhere (on Linux, FoundationNetworking cannot add a
    /// trusted certificate: see ``URLSessionTransport``).
    public static var platformDefault: TransportChoice {
        #if canImport(Darwin)
            .urlSession
        #else
            .library
        #endif
    }

    /// True for ``library``: sends are one blocking C call on a dispatch queue.
    var isLibrary: Bool {
        if case .library = storage {
            return true
        }
        return false
    }

    /// "library", "urlSession" or "custom(...)".
    public var description: String {
        switch storage {
        case .library: "library"
        case .urlSession: "urlSession"
        case .custom(let transport): "custom(\(type(of: transport)))"
        }
    }
}
