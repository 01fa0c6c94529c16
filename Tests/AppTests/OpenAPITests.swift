import App
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOFoundationCompat
import Prometheus
import Testing
import TestSupport

/// The OpenAPI document and the router agree: every route is documented and every documented
/// operation exists.
@Suite struct OpenAPITests {
    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationExists() async throws {
        try await TestDatabase.with { db in
            // n8n configured: its callback route exists only then.
            let configuration = try AppConfiguration(environment: [
                "BLUMPO_DATA_DIR": FileManager.default.temporaryDirectory.path, "N8N_BASE_URL": "http://127.0.0.1:9", "N8N_WEBHOOK_KEY": "k",
            ])
            let router = try buildRouter(AppDependencies(configuration: configuration, client: db.client, metrics: PrometheusCollectorRegistry(), logger: db.logger))
            // The web app's pages are HTML for people, not API operations: the document covers the rest.
            let apiPrefixes = ["/api/", "/blobs/", "/s/", "/healthz", "/readyz", "/metrics"]
            let routes = Set(router.routes.compactMap { route -> String? in
                let path = "/" + route.path.description.split(separator: "/").map { $0 == "**" ? "{key}" : String($0) }.joined(separator: "/")
                guard apiPrefixes.contains(where: path.hasPrefix) else { return nil }
                return "\(route.method.rawValue) \(path)"
            })
            let document = try #require(try JSONSerialization.jsonObject(with: OpenAPIDocument.data) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let documented = Set(paths.flatMap { path, operations in
                operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
            })
            #expect(routes.subtracting(documented).sorted() == [], "routes missing from the document")
            #expect(documented.subtracting(routes).sorted() == [], "documented operations without a route")
        }
    }

    @Test func theDocumentIsServed() async throws {
        try await withTestApp { client, _ in
            try await client.execute(uri: "/api/v1/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let document = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((document?["info"] as? [String: Any])?["title"] as? String == "Blumpo API")
            }
        }
    }
}
