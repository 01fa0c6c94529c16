import Core
import Database
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `/healthz` (the process answers), `/readyz` (database reachable and migrations current).
struct HealthRoutes: Sendable {
    let client: PostgresClient
    let migrator: Migrator

    func register(on router: Router<AppRequestContext>) {
        router.get("/healthz") { _, _ in
            StatusBody(status: "ok", detail: nil)
        }
        router.get("/readyz") { _, context -> Response in
            let body: StatusBody
            let status: HTTPResponse.Status
            do {
                let (pending, missing) = try await withTimeout(.seconds(2)) { [client, migrator, logger = context.logger] in
                    let pending = try await migrator.pending(client, logger: logger)
                    guard pending.isEmpty else { return (pending, [String]()) }
                    return (pending, try await client.withConnection { try await Seeder().missing(on: $0, logger: logger) })
                }
                if pending.isEmpty && missing.isEmpty {
                    (status, body) = (.ok, StatusBody(status: "ready", detail: nil))
                } else if pending.isEmpty {
                    (status, body) = (.serviceUnavailable, StatusBody(status: "reference data missing", detail: missing.joined(separator: ", ")))
                } else {
                    (status, body) = (.serviceUnavailable, StatusBody(status: "migrations pending", detail: pending.joined(separator: ", ")))
                }
            } catch is TimeoutError {
                (status, body) = (.serviceUnavailable, StatusBody(status: "database unreachable", detail: "no answer within 2 seconds"))
            } catch {
                // The error text may name hosts, users or SQL: it goes to the log, not to the caller.
                context.logger.warning("readiness check failed", metadata: ["error": "\(String(reflecting: error))"])
                (status, body) = (.serviceUnavailable, StatusBody(status: "database unreachable", detail: nil))
            }
            let data = try JSONEncoder.sortedKeys.encode(body)
            return Response(
                status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}

/// The small JSON body of the health endpoints.
struct StatusBody: ResponseCodable {
    let status: String
    let detail: String?
}
