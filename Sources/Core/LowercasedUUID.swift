public import Foundation

/// Ids leave the API as lower-case UUIDs, whatever type carries them: `UUID`'s own encoding is
/// upper-case, so every id is written through `encodeID` or `@LowercasedUUID`, never by hand.
extension KeyedEncodingContainer {
    public mutating func encodeID(_ id: UUID?, forKey key: Key) throws {
        try encode(id?.uuidString.lowercased(), forKey: key)
    }
}

/// A `UUID` property that encodes lower-case (for types whose `Codable` is synthesized).
@propertyWrapper
public struct LowercasedUUID: Codable, Sendable, Hashable {
    public var wrappedValue: UUID

    public init(wrappedValue: UUID) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let id = UUID(uuidString: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UUID")
        }
        wrappedValue = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue.uuidString.lowercased())
    }
}
