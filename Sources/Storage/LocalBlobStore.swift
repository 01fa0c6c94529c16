public import Foundation

/// Blobs as files under one directory (`$BLUMPO_DATA_DIR/blobs`), served by the app at `/blobs/`.
public struct LocalBlobStore: BlobStore {
    public let root: URL
    /// `<BLUMPO_BASE_URL>/blobs`.
    public let baseURL: String

    public init(directory: String, baseURL: String) {
        root = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// The file behind a key. `BlobKey` already refuses `..`; the prefix check is a second lock.
    public func fileURL(for key: BlobKey) throws -> URL {
        let url = root.appendingPathComponent(key.path).standardizedFileURL
        guard url.path.hasPrefix(root.path + "/") else { throw BlobStoreError("blob key escapes the store") }
        return url
    }

    public func put(_ data: Data, key: BlobKey, contentType: String) async throws -> String {
        let file = try fileURL(for: key)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        // Write beside, then rename: a reader never sees half a file, a crash leaves the old one.
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(UUID().uuidString).tmp")
        try data.write(to: temporary)
        if rename(temporary.path, file.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw BlobStoreError("could not store \(key): errno \(errno)")
        }
        return publicURL(for: key)
    }

    public func get(_ key: BlobKey) async throws -> Data? {
        let file = try fileURL(for: key)
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try Data(contentsOf: file)
    }

    public func head(_ key: BlobKey) async throws -> BlobInfo? {
        let file = try fileURL(for: key)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
            let size = attributes[.size] as? Int
        else { return nil }
        return BlobInfo(size: size, contentType: key.contentType)
    }

    public func delete(_ key: BlobKey) async throws {
        let file = try fileURL(for: key)
        if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
    }

    public func publicURL(for key: BlobKey) -> String { baseURL + "/" + key.path }

    public func key(forPublicURL url: String) -> BlobKey? { key(forURL: url, under: baseURL) }
}
