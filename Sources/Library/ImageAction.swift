import Foundation
import Logging
import PostgresNIO

/// An action the owner takes on an image, and the event it writes when it changes something.
public enum ImageAction: String, Sendable, CaseIterable {
    case save, unsave, delete, restore

    public var event: AdEventType {
        switch self {
        case .save: .saved
        case .unsave: .unsaved
        case .delete: .deleted
        case .restore: .restored
        }
    }

    /// Applies the change; false when the image already was that way (no event then).
    func apply(to id: UUID, _ images: AdImageStore, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        switch self {
        case .save: try await images.setSaved(id, true, on: connection, logger: logger)
        case .unsave: try await images.setSaved(id, false, on: connection, logger: logger)
        case .delete: try await images.moveToBin(id, on: connection, logger: logger)
        case .restore: try await images.restore(id, on: connection, logger: logger)
        }
    }
}

/// `<brand>-<archetype>-<format>-<short id>.<ext>`, each part reduced to lower-case letters,
/// digits and hyphens so the name is safe in every file system and header.
enum DownloadName {
    static func of(_ image: AdImage) -> String {
        let ext = image.storageKey.split(separator: ".").last.map { String($0).lowercased() } ?? "webp"
        let parts = [image.brandName ?? "ad", image.archetype ?? "ad", image.adFormat ?? "image", String(image.id.uuidString.prefix(8))]
        return parts.map(slug).filter { !$0.isEmpty }.joined(separator: "-") + "." + slug(ext)
    }

    static func slug(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) ? Character(scalar) : "-"
        }
        return String(String(mapped).split(separator: "-").joined(separator: "-").prefix(40))
    }
}
