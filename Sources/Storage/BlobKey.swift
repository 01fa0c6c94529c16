public import Foundation

/// A validated blob path: segments of letters, digits, `-`, `_` and `.`, never `.` or `..`, so a
/// key can never climb out of the store's root or smuggle in a query or a scheme.
public struct BlobKey: Sendable, Hashable, CustomStringConvertible {
    public let path: String

    public init(_ path: String) throws {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, path.utf8.count <= 512, !segments.isEmpty else { throw BlobStoreError("empty or over-long blob key") }
        for segment in segments {
            guard !segment.isEmpty, segment != ".", segment != "..",
                segment.unicodeScalars.allSatisfy({ $0.isASCII && (Self.allowed.contains(Character($0)) || $0.properties.isAlphabetic || ("0"..."9").contains($0)) })
            else { throw BlobStoreError("invalid blob key \"\(path)\"") }
        }
        self.path = path
    }

    private static let allowed: Set<Character> = ["-", "_", "."]

    public var description: String { path }

    /// `brands/<brand_id>/website_data.json`, the crawl snapshot.
    public static func websiteSnapshot(brandID: String) -> BlobKey { try! BlobKey("brands/\(brandID.lowercased())/website_data.json") }

    /// `brands/<brand_id>/reddit_harvest.json`, the posts and comments the Reddit step kept.
    public static func redditHarvest(brandID: UUID) throws -> BlobKey { try BlobKey("brands/\(brandID.uuidString.lowercased())/reddit_harvest.json") }

    /// `brands/<brand_id>/<kind>/<name>`, an asset of a brand (logo, hero, photo).
    public static func brandAsset(brandID: String, kind: String, name: String) throws -> BlobKey {
        try BlobKey("brands/\(brandID.lowercased())/\(kind)/\(name)")
    }

    /// `users/<uid>/jobs/<job_id>/<image_id>.<ext>`, a rendered ad.
    public static func adImage(userID: String, jobID: String, imageID: String, fileExtension: String) throws -> BlobKey {
        try BlobKey("users/\(userID.lowercased())/jobs/\(jobID.lowercased())/\(imageID.lowercased()).\(fileExtension)")
    }

    /// The content type a file name implies (used when serving local blobs).
    public var contentType: String {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        return Self.contentTypes[ext] ?? "application/octet-stream"
    }

    static let contentTypes: [String: String] = [
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif",
        "svg": "image/svg+xml", "json": "application/json", "html": "text/html; charset=utf-8", "css": "text/css",
        "txt": "text/plain; charset=utf-8",
    ]
}
