import App
import Database
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationCompat
import Prometheus
import TestSupport
import Testing

/// Builds the real application over a test database and calls it in-process.
func withTestApp(
    environment: [String: String] = [:], _ body: @escaping @Sendable (any TestClientProtocol, TestDatabase) async throws -> Void
) async throws {
    try await TestDatabase.with { db in
        var environment = environment
        environment["BLUMPO_DATA_DIR"] = environment["BLUMPO_DATA_DIR"] ?? FileManager.default.temporaryDirectory.path
        environment["BLUMPO_SCRYPT_LOG_N"] = "10"
        environment["BLUMPO_FETCH_LOOPBACK_ONLY"] = "1"
        let configuration = try AppConfiguration(environment: environment)
        let dependencies = AppDependencies(
            configuration: configuration, client: db.client, metrics: PrometheusCollectorRegistry(), logger: db.logger)
        let app = try buildApplication(dependencies)
        try await app.test(.router) { client in try await body(client, db) }
    }
}

@Suite struct HealthAndErrorsTests {
    @Test func healthzAnswersWithoutTouchingTheDatabase() async throws {
        try await withTestApp { client, _ in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"ok\""))
            }
        }
    }

    @Test func readyzIsReadyWhenTheSchemaIsCurrent() async throws {
        try await withTestApp { client, _ in
            // The probe gives the database 2 s; a machine busy with the whole suite may need a retry.
            var body = ""
            for _ in 0..<5 where !body.contains("ready\"") {
                body = try await client.execute(uri: "/readyz", method: .get) { String(buffer: $0.body) }
            }
            #expect(body == #"{"status":"ready"}"#)
        }
    }

    @Test func unknownRoutesAnswerProblemJSONWithARequestID() async throws {
        try await withTestApp { client, _ in
            try await client.execute(uri: "/api/v1/nope", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let requestID = try #require(response.headers[HTTPField.Name("X-Request-Id")!])
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["code"] as? String == "NOT_FOUND")
                #expect(body?["status"] as? Int == 404)
                #expect(body?["request_id"] as? String == requestID)
                #expect(body?["type"] != nil && body?["title"] != nil && body?["detail"] != nil)
            }
        }
    }

    @Test func aKnownPathWithAnotherMethodIs405NamingTheAllowedOnes() async throws {
        try await withTestApp { client, _ in
            // Refused before the body or the session is looked at: no 415, no 401.
            try await client.execute(uri: "/api/v1/brands/00000000-0000-0000-0000-000000000001/assets", method: .put, headers: [.contentType: "text/plain"]) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "DELETE, POST")
                #expect(response.headers[.contentType] == "application/problem+json")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(body?["code"] as? String == "METHOD_NOT_ALLOWED")
            }
            // A literal segment wins over a parameter, as in the router: not `/{id}/download`'s GET.
            try await client.execute(uri: "/api/v1/ad-images/bulk/download", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/healthz", method: .delete) { #expect($0.headers[.allow] == "GET, HEAD") }
            try await client.execute(uri: "/api/v1/nope", method: .delete) { #expect($0.status == .notFound) }
        }
    }

    @Test func metricsAreServedInPrometheusFormat() async throws {
        try await withTestApp { client, _ in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsMatchTheREADME() throws {
        let configuration = try AppConfiguration(environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.dataDirectory == ".blumpo")
        #expect(configuration.baseURL == "http://127.0.0.1:8080")
        #expect(configuration.logFormat == .text)
        #expect(configuration.databaseURL == nil)
    }

    @Test(arguments: [
        ("BLUMPO_PORT", "eighty", "an integer from 1 to 65535"),
        ("BLUMPO_PORT", "70000", "an integer from 1 to 65535"),
        ("BLUMPO_LOG_FORMAT", "xml", "one of text, json"),
        ("BLUMPO_LOG_LEVEL", "loud", "one of trace"),
        ("BLUMPO_BASE_URL", "ftp://x", "an absolute http:// or https:// URL"),
    ])
    func badValuesNameTheVariableAndWhatIsAccepted(variable: String, value: String, accepted: String) {
        #expect {
            try AppConfiguration(environment: [variable: value])
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("\(variable)=\"\(value)\"") && text.contains(accepted)
        }
    }

    @Test func adminEmailsAreNormalized() throws {
        let configuration = try AppConfiguration(environment: ["BLUMPO_ADMIN_EMAILS": " Ann@Example.com, bo@example.com ,"])
        #expect(configuration.adminEmails == ["ann@example.com", "bo@example.com"])
    }
}

@Suite struct ReadinessTests {
    @Test func readyzFollowsTheDatabaseGoingAwayAndComingBack() async throws {
        let logger = Logger(label: "test")
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("blumpo-ready-\(UUID().uuidString)").path
        let bootstrap = try await DatabaseBootstrap.prepare(databaseURL: nil, dataDirectory: dataDirectory, logger: logger)
        let cluster = try #require(bootstrap.ownedCluster)
        try await withClient(bootstrap.endpoint, logger: logger) { client in
            // What `blumpo migrate` does: the schema, then the reference data readiness checks for.
            try await Migrator().migrate(client, logger: logger)
            try await Seeder().seed(client, logger: logger)
            let configuration = try AppConfiguration(environment: [:])
            let app = try buildApplication(
                AppDependencies(configuration: configuration, client: client, metrics: PrometheusCollectorRegistry(), logger: logger))
            try await app.test(.router) { http in
                try await http.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
                await cluster.stop(logger: logger)
                try await http.execute(uri: "/readyz", method: .get) { #expect($0.status == .serviceUnavailable) }
                _ = try await cluster.start(logger: logger)
                // The pool reconnects on its own, with backoff; give it up to a minute.
                #expect(try await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
                    try await http.execute(uri: "/readyz", method: .get).status == .ok
                })
            }
        }
        await cluster.stop(logger: logger)
    }
}
