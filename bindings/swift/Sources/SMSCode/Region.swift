import Foundation

/// A region of the platform; the library knows each one's base URL.
public enum Region: String, CaseIterable, Sendable {
    /// China: https://iot-api.quectelcn.com
    case china = "cn"
    /// Europe: https://iot-api.acceleronix.io
    case europe = "eu"
    /// North America: https://iot-api.landecia.com
    case northAmerica = "na"
}

/// Where requests go: a region, or a URL (an API gateway, a test server).
public enum Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// One of the platform's regions.
    case region(Region)
    /// An `https://` URL, optionally with a gateway path prefix (the endpoint's path is
    /// appended to it); plain `http://` only for a loopback host.
    case url(URL)

    /// What the C library takes as `base_url`: the region's name or the URL's text.
    var cValue: String {
        switch self {
        case .region(let region): return region.rawValue
        case .url(let url): return url.absoluteString
        }
    }

    /// The region's name ("eu") or the URL.
    public var description: String { cValue }
}
