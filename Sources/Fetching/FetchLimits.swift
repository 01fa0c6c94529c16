public import Foundation

/// A resource fetched from the web, after redirects.
public struct FetchedResource: Sendable {
    /// The URL that finally answered.
    public let url: URL
    public let status: Int
    /// Lower-case media type without parameters (`text/html`).
    public let mediaType: String
    /// The `charset` parameter of `Content-Type`, if any.
    public let charset: String?
    public let body: Data
    /// The body was cut at the size limit (pages only; assets over the limit are refused).
    public let truncated: Bool
}

/// Limits of one fetch.
public struct FetchLimits: Sendable {
    public var timeout: Duration
    public var maximumBytes: Int
    /// Media types accepted (prefix match: `image/` accepts every image type); empty accepts all.
    public var acceptedTypes: [String]
    /// Keep the first `maximumBytes` of a larger body instead of refusing it.
    public var truncateOversized: Bool

    public init(timeout: Duration, maximumBytes: Int, acceptedTypes: [String], truncateOversized: Bool = false) {
        self.timeout = timeout
        self.maximumBytes = maximumBytes
        self.acceptedTypes = acceptedTypes
        self.truncateOversized = truncateOversized
    }

    public static let page = FetchLimits(timeout: .seconds(8), maximumBytes: 3 << 20, acceptedTypes: ["text/html", "application/xhtml+xml"], truncateOversized: true)
    public static let stylesheet = FetchLimits(timeout: .seconds(6), maximumBytes: 2 << 20, acceptedTypes: ["text/css", "text/plain"], truncateOversized: true)
    public static let manifest = FetchLimits(timeout: .seconds(5), maximumBytes: 256 << 10, acceptedTypes: ["application/manifest+json", "application/json", "text/plain"])
    public static let image = FetchLimits(timeout: .seconds(10), maximumBytes: 10 << 20, acceptedTypes: ["image/"])
}
