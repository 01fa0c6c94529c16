public import Foundation
public import Logging
public import PostgresNIO

/// SQL for `ad_event`. Every event about an image carries its user, brand, job, archetype and
/// workflow, copied from the image row so analytics never need a join to attribute it.
public struct AdEventStore: Sendable {
    public init() {}

    public func record(
        _ type: AdEventType, image: AdImage, source: AdEventSource, metadata: String? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO ad_event (user_id, brand_id, job_id, ad_image_id, archetype_code, workflow_id, event_type, event_source, metadata)
            VALUES (\(image.userID), \(image.brandID), \(image.jobID), \(image.id), \(image.archetype), \(image.workflowID), \(type.rawValue),
                    \(source.rawValue), \(metadata)::jsonb)
            """, logger: logger)
    }

    /// The purge's event, written once per image whatever retries happen (a unique index).
    public func recordAutoDelete(_ image: AdImage, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO ad_event (user_id, brand_id, job_id, ad_image_id, archetype_code, workflow_id, event_type, event_source)
            VALUES (\(image.userID), \(image.brandID), \(image.jobID), \(image.id), \(image.archetype), \(image.workflowID), 'auto_delete', 'cron_cleanup')
            ON CONFLICT (ad_image_id) WHERE event_type = 'auto_delete' DO NOTHING
            """, logger: logger)
    }

    /// A client's event; false when that client event id was recorded before (a resent batch).
    public func recordClientEvent(
        _ type: AdEventType, clientID: String, image: AdImage, source: AdEventSource, at time: Date?, metadata: String?,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        try await connection.query(
            """
            INSERT INTO ad_event (created_at, user_id, brand_id, job_id, ad_image_id, archetype_code, workflow_id, event_type, event_source,
                                  metadata, client_event_id)
            VALUES (COALESCE(\(time), now()), \(image.userID), \(image.brandID), \(image.jobID), \(image.id), \(image.archetype), \(image.workflowID),
                    \(type.rawValue), \(source.rawValue), \(metadata)::jsonb, \(clientID))
            ON CONFLICT (user_id, client_event_id) WHERE client_event_id IS NOT NULL DO NOTHING
            RETURNING id
            """, logger: logger
        ).collect().count == 1
    }
}
