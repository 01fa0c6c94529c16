public import Foundation
public import Logging
import Core
import PostgresNIO

/// Where each value of a brand kit came from, as the extraction steps recorded it.
public struct BrandEvidence: Sendable, Decodable {
    public var logo: ImageEvidence?
    public var colors: [ColorEvidence] = []
    public var fonts: [FontEvidence] = []
    public var hero: [ImageEvidence] = []
    public var photos: [ImageEvidence] = []

    enum CodingKeys: String, CodingKey { case logo, colors, fonts, hero, photos }

    public init() {}

    /// Each key on its own: evidence written by an older extractor, or a step that recorded
    /// nothing, leaves that key empty instead of hiding the rest.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        logo = try? container.decodeIfPresent(ImageEvidence.self, forKey: .logo)
        colors = (try? container.decodeIfPresent([ColorEvidence].self, forKey: .colors)) ?? []
        fonts = (try? container.decodeIfPresent([FontEvidence].self, forKey: .fonts)) ?? []
        hero = (try? container.decodeIfPresent([ImageEvidence].self, forKey: .hero)) ?? []
        photos = (try? container.decodeIfPresent([ImageEvidence].self, forKey: .photos)) ?? []
    }
}

extension BrandService {
    /// The evidence of one of the user's brands; "not found" for anyone else's.
    public func evidence(_ id: UUID, userID: UUID, logger: Logger) async throws -> BrandEvidence {
        let text = try await client.withConnection { connection in
            guard try await brands.find(id, userID: userID, on: connection, logger: logger) != nil else { throw AppError.notFound("Brand") }
            return try await brands.evidence(id, on: connection, logger: logger)
        }
        return (try? JSONDecoder().decode(BrandEvidence.self, from: Data(text.utf8))) ?? BrandEvidence()
    }
}
