import Billing
import Core
import Database
import Foundation
import HTTPTypes
import Hummingbird
import PostgresNIO
import Signing

/// `POST /api/v1/webhooks/stripe`: verifies the signature, stores the event in the inbox
/// (a redelivery is acknowledged and ignored) and leaves the work to the queue.
struct StripeWebhookRoutes: Sendable {
    let client: PostgresClient
    let webhookSecret: String?

    struct Received: ResponseEncodable {
        let received: Bool
        let duplicate: Bool
    }

    func register(on router: Router<AppRequestContext>) {
        router.post("api/v1/webhooks/stripe") { request, context -> Received in
            guard let webhookSecret else {
                throw AppError.unavailable(code: "PAYMENTS_NOT_CONFIGURED", detail: "Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET).")
            }
            let header = request.headers[HTTPField.Name("Stripe-Signature")!] ?? ""
            let bytes: [UInt8]
            do {
                try TimestampedSignature.fresh(header: header)  // before reading the body
                bytes = Array(buffer: try await request.body.collect(upTo: 1 << 20))
                try TimestampedSignature(secret: webhookSecret).verify(payload: bytes, header: header)
            } catch let error as TimestampedSignature.Failure {
                throw AppError.badRequest(code: "SIGNATURE_INVALID", detail: "The Stripe-Signature header does not verify (\(error)).")
            }
            guard let event = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                let id = event["id"] as? String, let type = event["type"] as? String
            else { throw AppError.badRequest(code: "BAD_REQUEST", detail: "The body is not a Stripe event.") }
            let text = String(decoding: bytes, as: UTF8.self)
            let inserted = try await client.transaction(logger: context.logger) { connection in
                try await StripeInboxStore().receive(id: id, type: type, payload: text, on: connection, logger: context.logger)
            }
            return Received(received: true, duplicate: !inserted)
        }
    }
}
