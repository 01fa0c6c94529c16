import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO
import TaskQueue

/// The webhook inbox: events are stored by id before anything else happens, so a redelivery
/// is recognised and acknowledged without a second effect, and processed on the queue.
public struct StripeInboxStore: Sendable {
    public init() {}

    /// Stores the event and enqueues its processing; false when the event was already received.
    public func receive(id: String, type: String, payload: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let inserted = try await connection.query(
            "INSERT INTO stripe_event (id, type, payload) VALUES (\(id), \(type), \(payload)::jsonb) ON CONFLICT (id) DO NOTHING RETURNING id",
            logger: logger
        ).collect().count == 1
        if inserted {
            try await TaskStore().enqueue(
                [try NewTask(kind: ProcessStripeEvent.kind, payload: ProcessStripeEvent.Payload(eventID: id), uniqueKey: "stripe:\(id)")],
                on: connection, logger: logger)
        }
        return inserted
    }

    /// What became of the user's Checkout Session, as the page Stripe returns the buyer to
    /// shows it: a top-up is done when its tokens are in the ledger (an indexed lookup); a plan
    /// when its paid checkout's event has been processed (its tokens come with the invoice).
    public enum CheckoutOutcome: Sendable, Equatable { case waiting, credited, subscribed }

    public func checkoutOutcome(sessionID: String, userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> CheckoutOutcome {
        let credited = try await connection.query(
            """
            SELECT EXISTS (SELECT 1 FROM token_ledger WHERE reason = 'TOPUP_PURCHASE' AND reference_id = \("checkout:" + sessionID)
                AND user_id = \(userID))
            """, logger: logger
        ).collect().first?.decode(Bool.self) ?? false
        if credited { return .credited }
        let subscribed = try await connection.query(
            """
            SELECT EXISTS (
                SELECT 1 FROM stripe_event WHERE type = 'checkout.session.completed' AND processed_at IS NOT NULL
                AND payload->'data'->'object'->>'id' = \(sessionID) AND payload->'data'->'object'->>'mode' = 'subscription'
                AND payload->'data'->'object'->>'payment_status' = 'paid'
                AND payload->'data'->'object'->>'client_reference_id' = \(userID.uuidString.lowercased()))
            """, logger: logger
        ).collect().first?.decode(Bool.self) ?? false
        return subscribed ? .subscribed : .waiting
    }
}
