public import Foundation

/// The crawl of a brand's website, stored as `brands/<brand_id>/website_data.json`.
///
/// The schema document's `{brand_id, root_url, created_at, pages}` plus what the extractors
/// need besides pages: the stylesheets and the web app manifest, and the fetch errors.
public struct WebsiteSnapshot: Codable, Sendable {
    public struct Page: Codable, Sendable {
        public let path: String
        public let url: String
        public let title: String?
        public let status: Int
        public let html: String
        public let truncated: Bool?

        public init(path: String, url: String, title: String?, status: Int, html: String, truncated: Bool?) {
            self.path = path
            self.url = url
            self.title = title
            self.status = status
            self.html = html
            self.truncated = truncated
        }
    }

    public struct Resource: Codable, Sendable {
        public let url: String
        public let body: String

        public init(url: String, body: String) {
            self.url = url
            self.body = body
        }
    }

    public let brandID: String
    public let rootURL: String
    public let createdAt: Date
    public var pages: [Page]
    public var stylesheets: [Resource]
    public var manifest: Resource?
    /// Fetches that failed, as `url: reason` (the extractors do their best without them).
    public var errors: [String]

    public init(brandID: String, rootURL: String, createdAt: Date, pages: [Page], stylesheets: [Resource], manifest: Resource?, errors: [String]) {
        self.brandID = brandID
        self.rootURL = rootURL
        self.createdAt = createdAt
        self.pages = pages
        self.stylesheets = stylesheets
        self.manifest = manifest
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case brandID = "brand_id", rootURL = "root_url", createdAt = "created_at"
        case pages, stylesheets, manifest, errors
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
