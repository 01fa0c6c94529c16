public import Core
import Database
public import Foundation
public import Logging
import PostgresNIO

/// A batch of events a client reports (views, a review's swipes), each with the client's own
/// id so a batch sent again after a dropped connection records nothing twice.
public struct ClientEventBatch: Decodable, Sendable {
    public let events: [ClientEvent]

    public struct ClientEvent: Decodable, Sendable {
        public let id: String
        public let type: String
        public let adImageID: UUID
        /// RFC 3339; the server's clock when absent.
        public let occurredAt: String?
        public let metadata: JSONValue?

        enum CodingKeys: String, CodingKey {
            case id, type, metadata
            case adImageID = "ad_image_id", occurredAt = "occurred_at"
        }
    }
}

public struct ClientEventResult: Sendable, Encodable {
    public let recorded: Int
    public let duplicates: Int
}

extension LibraryService {
    /// Records a batch all or nothing: one invalid event or one image not the caller's refuses
    /// the whole batch (naming it), so a client never has to guess which half landed.
    public func record(_ batch: ClientEventBatch, userID: UUID, source: AdEventSource, now: Date = Date(), logger: Logger) async throws -> ClientEventResult {
        let checked = try Self.validate(batch, now: now)
        return try await client.transaction(logger: logger) { connection in
            let ids = Array(Set(checked.map(\.event.adImageID)))
            let owned = try await images.images(ids, userID: userID, forUpdate: false, on: connection, logger: logger)
            let byID = Dictionary(uniqueKeysWithValues: owned.map { ($0.id, $0) })
            var recorded = 0
            for (index, item) in checked.enumerated() {
                guard let image = byID[item.event.adImageID] else { throw AppError.notFound("Ad image of events[\(index)]") }
                if try await events.recordClientEvent(
                    item.type, clientID: item.event.id, image: image, source: source, at: item.time, metadata: item.metadata,
                    on: connection, logger: logger)
                {
                    recorded += 1
                }
            }
            return ClientEventResult(recorded: recorded, duplicates: checked.count - recorded)
        }
    }

    static func validate(_ batch: ClientEventBatch, now: Date) throws -> [(event: ClientEventBatch.ClientEvent, type: AdEventType, time: Date?, metadata: String?)] {
        guard (1...100).contains(batch.events.count) else { throw AppError.validation(["events": "must hold 1 to 100 events"]) }
        let allowed = AdEventType.clientReported.map(\.rawValue).sorted().joined(separator: ", ")
        return try batch.events.enumerated().map { index, event in
            let field = "events[\(index)]"
            guard (1...100).contains(event.id.utf8.count), event.id.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x21 && $0.value < 0x7F }) else {
                throw AppError.validation(["\(field).id": "must be 1 to 100 printable ASCII characters"])
            }
            guard let type = AdEventType(rawValue: event.type), AdEventType.clientReported.contains(type) else {
                throw AppError.validation(["\(field).type": "must be one of \(allowed)"])
            }
            // A clock a little ahead is tolerated; history older than a month is not accepted.
            var time: Date?
            if let text = event.occurredAt {
                guard let parsed = RFC3339.parse(text), parsed <= now.addingTimeInterval(300), parsed >= now.addingTimeInterval(-30 * 86_400) else {
                    throw AppError.validation(["\(field).occurred_at": "must be an RFC 3339 time within the last 30 days"])
                }
                time = parsed
            }
            var metadata: String?
            if let value = event.metadata {
                guard case .object = value else { throw AppError.validation(["\(field).metadata": "must be an object"]) }
                let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
                // PostgreSQL's jsonb cannot hold a NUL character.
                guard !text.contains("\\u0000") else { throw AppError.validation(["\(field).metadata": "must not contain NUL characters"]) }
                guard text.utf8.count <= 2048 else { throw AppError.validation(["\(field).metadata": "must be at most 2048 bytes of JSON"]) }
                metadata = text
            }
            return (event, type, time, metadata)
        }
    }
}
