public import Brands
public import Foundation
public import Logging
public import PostgresNIO
public import Storage

/// Builds a `BrandKit` from a brand's row and its blobs (the logo's PNG, the first photos).
public struct BrandKitLoader: Sendable {
    let blobs: any BlobStore

    public init(blobs: any BlobStore) { self.blobs = blobs }

    /// The kit and the insights of a brand; nil when the brand does not exist.
    public func load(_ brandID: UUID, productPhotos: [String] = [], client: PostgresClient, logger: Logger) async throws -> (BrandKit, InsightFields?)? {
        let loaded = try await client.withConnection { try await BrandStore().findWithInsights(brandID, on: $0, logger: logger) }
        guard let (brand, insights) = loaded else { return nil }
        var logo: Data?
        if let url = brand.logoURL, let key = blobs.key(forPublicURL: url) {
            // An SVG logo has a PNG rendering beside it, which is what the renderer draws.
            let pngKey = key.path.hasSuffix(".svg") ? (try? BlobKey(String(key.path.dropLast(4)) + ".png")) ?? key : key
            logo = try await blobs.get(pngKey)
        }
        var photos: [Data] = []
        for url in (productPhotos + (brand.heroPhotos ?? []) + (brand.photos ?? [])).prefix(2) {
            if let key = blobs.key(forPublicURL: url), let data = try await blobs.get(key) { photos.append(data) }
        }
        let kit = BrandKit(
            name: brand.name, colors: brand.colors ?? [], fonts: (brand.fonts ?? []).map(\.fontFamily), logo: logo, photos: photos)
        return (kit, insights)
    }
}
