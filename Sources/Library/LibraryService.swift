public import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO
public import Storage

/// The owner's ads: the library list and every action on an image, each writing exactly one
/// `ad_event` when it changes something (a download or a share always does).
public struct LibraryService: Sendable {
    let client: PostgresClient
    let blobs: any BlobStore
    /// `BLUMPO_BASE_URL`, for share links.
    let baseURL: String
    let images = AdImageStore()
    let events = AdEventStore()

    public init(client: PostgresClient, blobs: any BlobStore, baseURL: String) {
        self.client = client
        self.blobs = blobs
        self.baseURL = baseURL
    }

    public func list(userID: UUID, filter: LibraryFilter, cursor: String?, limit: Int, logger: Logger) async throws -> Page<AdImage> {
        let after = try Keyset(cursor: cursor)
        let rows = try await client.withConnection { try await images.library(userID: userID, filter, after: after, limit: limit + 1, on: $0, logger: logger) }
        return Page(rows: rows, limit: limit) { ($0.createdAt, $0.id) }
    }

    public func image(_ id: UUID, userID: UUID, logger: Logger) async throws -> AdImage {
        guard let image = try await client.withConnection({ try await images.image(id, userID: userID, on: $0, logger: logger) }) else {
            throw AppError.notFound("Ad image")
        }
        return image
    }

    /// One action on one image, in its own transaction.
    public func perform(_ action: ImageAction, on id: UUID, userID: UUID, source: AdEventSource, logger: Logger) async throws -> AdImage {
        // A ban landing between the change and the re-read hides the image: then it is gone.
        guard let image = try await perform(action, on: [id], userID: userID, source: source, logger: logger).first else {
            throw AppError.notFound("Ad image")
        }
        return image
    }

    /// The same action on up to 100 images, all or nothing: one of them not the caller's is a 404.
    public func perform(_ action: ImageAction, on ids: [UUID], userID: UUID, source: AdEventSource, logger: Logger) async throws -> [AdImage] {
        let ids = try Self.checkedIDs(ids)
        try await client.transaction(logger: logger) { connection in
            let found = try await images.images(ids, userID: userID, forUpdate: true, on: connection, logger: logger)
            guard found.count == ids.count else { throw try await missing(ids, found, userID: userID, on: connection, logger: logger) }
            for image in found where try await action.apply(to: image.id, images, on: connection, logger: logger) {
                try await events.record(action.event, image: image, source: source, on: connection, logger: logger)
            }
        }
        let after = try await client.withConnection { try await images.images(ids, userID: userID, forUpdate: false, on: $0, logger: logger) }
        let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }

    /// A public link to the image that stops answering once it is binned, purged or banned.
    public func share(_ id: UUID, userID: UUID, source: AdEventSource, logger: Logger) async throws -> ShareLink {
        let token = try await client.transaction(logger: logger) { connection in
            guard let image = try await images.image(id, userID: userID, forUpdate: true, on: connection, logger: logger), image.deleteAt == nil else {
                throw AppError.notFound("Ad image")
            }
            let token = try await images.shareToken(id, candidate: Self.newShareToken(), on: connection, logger: logger) ?? ""
            try await events.record(.shared, image: image, source: source, on: connection, logger: logger)
            return token
        }
        return ShareLink(url: "\(baseURL)/s/\(token)", token: token)
    }

    /// The bytes behind a share link, or 404 once the image is binned, purged or banned.
    public func sharedFile(token: String, logger: Logger) async throws -> (AdImage, Data) {
        guard token.utf8.count == 43, token.utf8.allSatisfy({ $0.isBase64URL }),
            let image = try await client.withConnection({ try await images.sharedImage(token: token, on: $0, logger: logger) }),
            let data = try await file(of: image)
        else { throw AppError.notFound("Shared ad") }
        return (image, data)
    }

    /// The image's bytes and its download name, recording a `downloaded` event.
    public func download(_ id: UUID, userID: UUID, source: AdEventSource, logger: Logger) async throws -> (AdImage, Data, String) {
        let image = try await image(id, userID: userID, logger: logger)
        guard let data = try await file(of: image) else { throw AppError.notFound("Ad image file") }
        try await client.withConnection { try await events.record(.downloaded, image: image, source: source, on: $0, logger: logger) }
        return (image, data, DownloadName.of(image))
    }

    /// Up to 100 images in one zip (stored, not compressed: the images already are), one
    /// `downloaded` event each.
    public func downloadZip(_ ids: [UUID], userID: UUID, source: AdEventSource, logger: Logger) async throws -> Data {
        let ids = try Self.checkedIDs(ids)
        let found = try await client.withConnection { try await images.images(ids, userID: userID, forUpdate: false, on: $0, logger: logger) }
        guard found.count == ids.count else { throw AppError.notFound("Ad image") }
        // The archive is built in memory: its size is bounded before any file is read.
        let total = found.reduce(Int64(0)) { $0 + max(0, min($1.bytesSize ?? 0, Int64(Self.zipLimit))) }
        guard total <= Int64(Self.zipLimit) else {
            throw AppError.validation(["ids": "the selected ads are over \(Self.zipLimit >> 20) MB together; download fewer at once"])
        }
        var zip = ZipWriter()
        for image in found {
            guard let data = try await file(of: image) else { throw AppError.notFound("Ad image file") }
            try zip.add(name: DownloadName.of(image), data: data, modified: image.createdAt)
        }
        try await client.transaction(logger: logger) { connection in
            for image in found {
                try await events.record(.downloaded, image: image, source: source, metadata: #"{"bulk":true}"#, on: connection, logger: logger)
            }
        }
        return zip.finish()
    }

    func file(of image: AdImage) async throws -> Data? {
        guard let key = try? BlobKey(image.currentKey) else { return nil }
        // The user waits: a blob store that does not answer is an error after a few seconds.
        return try await withTimeout(.seconds(10)) { [blobs] in try await blobs.get(key) }
    }

    /// A purged image of the caller's is a 409 (it cannot come back); any other is a 404.
    private func missing(_ ids: [UUID], _ found: [AdImage], userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> AppError {
        let foundIDs = Set(found.map(\.id))
        for id in ids where !foundIDs.contains(id) {
            if let image = try await images.anyImage(id, on: connection, logger: logger), image.userID == userID, image.isPurged, !image.banned {
                return AppError.conflict(code: "IMAGE_PURGED", detail: "The image was purged from the bin; its file is gone.")
            }
        }
        return AppError.notFound("Ad image")
    }

    /// The most one zip download holds.
    static let zipLimit = 200 << 20

    static func checkedIDs(_ ids: [UUID]) throws -> [UUID] {
        var seen = Set<UUID>()
        let unique = ids.filter { seen.insert($0).inserted }
        guard (1...100).contains(unique.count) else { throw AppError.validation(["ids": "must name 1 to 100 images"]) }
        return unique
    }

    static func newShareToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// A public link to one image.
public struct ShareLink: Sendable, Encodable {
    public let url: String
    public let token: String
}

extension UInt8 {
    var isBase64URL: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || self == 0x2D || self == 0x5F
    }
}
