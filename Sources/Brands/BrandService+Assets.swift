import Core
public import Foundation
import Imaging
public import Logging
import PostgresNIO
import Storage

extension BrandService {
    /// Uploads larger than this are refused before decoding.
    public static let maximumUploadBytes = 10 << 20
    /// The blob store, while the user waits: then 503 `UPSTREAM_UNAVAILABLE`, not a hung request.
    static let storageDeadline: Duration = .seconds(10)

    /// Decodes an uploaded image, re-encodes it (PNG for logos, WEBP for photos), stores it under
    /// the brand and adds it to the field its kind fills.
    public func addAsset(_ id: UUID, userID: UUID, kind: AssetKind, data: Data, logger: Logger) async throws -> Detail {
        guard data.count <= Self.maximumUploadBytes else { throw AppError.validation(["file": "must be at most 10 MB"]) }
        guard try await client.withConnection({ try await brands.find(id, userID: userID, on: $0, logger: logger) }) != nil else {
            throw AppError.notFound("Brand")
        }
        let image: EncodedImage
        do {
            image = kind == .logo
                ? try await ImageCodec.reencode(data, maxWidth: 1024, maxHeight: 1024, as: .png)
                : try await ImageCodec.reencode(data, maxWidth: 2048, maxHeight: 2048, as: .webp, quality: 88)
        } catch let error as ImageError {
            throw AppError.validation(["file": "must be a PNG, JPEG, WEBP, GIF or SVG image (\(error))"])
        }
        let folder = kind == .photo ? "photos" : kind.rawValue
        let key = try BlobKey.brandAsset(brandID: id.uuidString, kind: folder, name: BrandExtraction.contentName(image.data) + "." + image.format.fileExtension)
        let url = try await withTimeout(Self.storageDeadline) { [blobs] in try await blobs.put(image.data, key: key, contentType: image.format.contentType) }
        guard try await client.withConnection({ try await brands.addAsset(id, kind: kind, url: url, on: $0, logger: logger) }) != nil else {
            throw AppError.notFound("Brand")
        }
        return try await detail(id, userID: userID, logger: logger)
    }

    /// Removes an asset the brand holds (logo, hero or photo); the file goes too when it is one
    /// of this brand's blobs. A URL the brand does not hold is "not found".
    public func removeAsset(_ id: UUID, userID: UUID, url: String, logger: Logger) async throws -> Detail {
        try await client.withConnection { connection in
            guard let brand = try await brands.find(id, userID: userID, on: connection, logger: logger) else { throw AppError.notFound("Brand") }
            let held = brand.heldAssets
            guard held.contains(url) else { throw AppError.notFound("Asset") }
            _ = try await brands.removeAsset(id, url: url, on: connection, logger: logger)
        }
        if let key = blobs.key(forPublicURL: url), key.path.hasPrefix("brands/\(id.uuidString.lowercased())/") {
            try await withTimeout(Self.storageDeadline) { [blobs] in
                try await blobs.delete(key)
                if key.path.hasSuffix(".svg"), let png = try? BlobKey(String(key.path.dropLast(4)) + ".png") { try await blobs.delete(png) }
            }
        }
        return try await detail(id, userID: userID, logger: logger)
    }
}
