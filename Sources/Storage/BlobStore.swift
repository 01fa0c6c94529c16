public import Foundation

/// Where Blumpo keeps files: snapshots, brand assets and rendered ads.
///
/// Keys are relative paths such as `brands/<brand_id>/logo.png`; every store maps a key to a
/// public URL and back, so a URL stored in a row can be traced to the blob it names.
public protocol BlobStore: Sendable {
    /// Stores `data` under `key`, replacing what was there, and returns the blob's public URL.
    @discardableResult
    func put(_ data: Data, key: BlobKey, contentType: String) async throws -> String
    /// The blob's bytes, or nil when there is none.
    func get(_ key: BlobKey) async throws -> Data?
    /// Size and type, or nil when there is no such blob.
    func head(_ key: BlobKey) async throws -> BlobInfo?
    /// Removes the blob; removing a missing blob is not an error.
    func delete(_ key: BlobKey) async throws
    /// The URL a browser uses to read the blob.
    func publicURL(for key: BlobKey) -> String
    /// The key behind one of this store's public URLs, or nil for any other URL.
    func key(forPublicURL url: String) -> BlobKey?
}

/// What a store knows about a blob without reading it.
public struct BlobInfo: Sendable, Equatable {
    public let size: Int
    public let contentType: String
    public init(size: Int, contentType: String) {
        self.size = size
        self.contentType = contentType
    }
}

/// A failure talking to the storage backend.
public struct BlobStoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension BlobStore {
    /// Maps a URL prefixed by `base` back to a key (shared by stores whose URLs are `base/key`).
    func key(forURL url: String, under base: String) -> BlobKey? {
        let prefix = base.hasSuffix("/") ? base : base + "/"
        guard url.hasPrefix(prefix) else { return nil }
        let path = String(url.dropFirst(prefix.count)).split(separator: "?").first.map(String.init) ?? ""
        return try? BlobKey(path.removingPercentEncoding ?? path)
    }
}
