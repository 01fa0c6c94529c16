import Database
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The binary as an operator meets it: exit codes, one-line errors, the embedded cluster.
@Suite(.serialized) struct CommandLineTests {
    @Test func migrateOnAnEmptyDatabaseLeavesAWorkingProductWithReferenceData() async throws {
        try await TestDatabase.with(empty: true) { db in
            let outcome = try await BlumpoProcess.run(["migrate"], environment: ["DATABASE_URL": db.endpoint.url])
            #expect(outcome.status == 0, "\(outcome.output)")
            // Without --seed: the default plan a first sign-in needs, and the rest of the reference data.
            #expect(try await db.one("SELECT plan_code FROM subscription_plan WHERE is_default", as: String.self) == "FREE")
            #expect(try await db.one("SELECT count(*)::int FROM generation_pricing WHERE is_active", as: Int.self) == 1)
            #expect(try await db.one("SELECT count(*)::int FROM ad_workflow", as: Int.self) == 6)
            // Rows an admin changed are left alone by the next migrate.
            try await db.execute("UPDATE subscription_plan SET display_name = 'Free forever' WHERE plan_code = 'FREE'")
            #expect(try await BlumpoProcess.run(["migrate"], environment: ["DATABASE_URL": db.endpoint.url]).status == 0)
            #expect(try await db.one("SELECT display_name FROM subscription_plan WHERE plan_code = 'FREE'", as: String.self) == "Free forever")
        }
    }

    @Test func aURLSettingIsNeverPrintedWithItsPassword() async throws {
        for (variable, value) in [("SMTP_URL", "smtp://mailer:hunter2-secret@:bad"), ("BLUMPO_BASE_URL", "ftp://admin:hunter2-secret@example.com")] {
            let outcome = try await BlumpoProcess.run(["migrate"], environment: [variable: value])
            #expect(outcome.status == 2)
            #expect(outcome.output.contains(variable))
            #expect(!outcome.output.contains("hunter2-secret"), "\(outcome.output)")
        }
    }

    @Test func aBadSettingStopsWithExitCode2AndOneLine() async throws {
        let outcome = try await BlumpoProcess.run(["migrate"], environment: ["BLUMPO_PORT": "http"])
        #expect(outcome.status == 2)
        let lines = outcome.output.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("BLUMPO_PORT=\"http\" is not valid: expected an integer from 1 to 65535") == true)
    }

    @Test func helpExplainsEveryCommand() async throws {
        let outcome = try await BlumpoProcess.run(["--help"], environment: [:])
        #expect(outcome.status == 0)
        for command in ["serve", "migrate", "seed"] { #expect(outcome.output.contains(command)) }
    }

    @Test func twoConcurrentMigrateRunsBothSucceed() async throws {
        try await TestDatabase.with(empty: true) { db in
            let environment = ["DATABASE_URL": db.endpoint.url]
            async let first = BlumpoProcess.run(["migrate"], environment: environment)
            async let second = BlumpoProcess.run(["migrate"], environment: environment)
            let outcomes = try await [first, second]
            #expect(outcomes.map(\.status) == [0, 0], "\(outcomes.map(\.output))")
            let count = try await db.one("SELECT count(*)::int FROM schema_migrations", as: Int.self)
            #expect(count == (try Migration.bundled().count))
        }
    }

    @Test func billingCheckFindsABalanceThatDisagreesWithItsLedger() async throws {
        try await TestDatabase.with { db in
            let environment = ["DATABASE_URL": db.endpoint.url]
            let clean = try await BlumpoProcess.run(["billing", "check"], environment: environment)
            #expect(clean.status == 0, "\(clean.output)")
            #expect(clean.output.contains("ok: every balance equals its ledger"))
            let userID = try await db.one(#"INSERT INTO "user" (email) VALUES ('drift@example.com') RETURNING id"#, as: UUID.self)
            try await db.execute("INSERT INTO token_account (user_id, balance) VALUES (\(userID), 7)")
            let drift = try await BlumpoProcess.run(["billing", "check"], environment: environment)
            #expect(drift.status == 1)
            #expect(drift.output.contains("MISMATCH user=\(userID) balance=7 ledger_sum=0"))
        }
    }

    @Test func serveNamesAnUnreachableDatabaseAndExitsQuickly() async throws {
        // Held, never listening: connecting is refused and nothing else can take the port meanwhile.
        let reservation = try PortReservation()
        defer { reservation.release() }
        let port = reservation.port
        let outcome = try await BlumpoProcess.run(
            ["serve"], environment: ["DATABASE_URL": "postgres://u:p@127.0.0.1:\(port)/db"], timeout: 20)
        #expect(outcome.status != 0)
        #expect(outcome.seconds < 10)
        #expect(outcome.output.contains("cannot reach PostgreSQL at 127.0.0.1:\(port)"))
    }

    @Test func serveReportsAPortInUseInOneLine() async throws {
        try await TestDatabase.with { db in
            let (socket, port) = try listeningSocket()
            defer { close(socket) }
            let outcome = try await BlumpoProcess.run(
                ["serve"], environment: ["DATABASE_URL": db.endpoint.url, "BLUMPO_PORT": "\(port)"], timeout: 30)
            #expect(outcome.status != 0)
            #expect(outcome.output.contains("127.0.0.1:\(port) is already in use"), "\(outcome.output)")
        }
    }

    @Test func embeddedClusterIsCreatedUsedAndStoppedByTheProcessThatStartedIt() async throws {
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("blumpo-embedded-\(UUID().uuidString)").path
        let environment = ["BLUMPO_DATA_DIR": dataDirectory]
        let first = try await BlumpoProcess.run(["seed"], environment: environment, timeout: 120)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("psql -h 127.0.0.1"))
        #expect(!clusterIsRunning(dataDirectory), "the process that started PostgreSQL stops it on exit")

        // A server someone else started is reused and left running.
        let cluster = EmbeddedPostgres(dataDirectory: dataDirectory)
        let server = try await cluster.start(logger: Logger(label: "test"))
        #expect(server.startedHere)
        let second = try await BlumpoProcess.run(["migrate"], environment: environment, timeout: 120)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("-p \(server.port)"))
        #expect(clusterIsRunning(dataDirectory))
        await cluster.stop(logger: Logger(label: "test"))
    }

    private func clusterIsRunning(_ dataDirectory: String) -> Bool {
        FileManager.default.fileExists(atPath: dataDirectory + "/postgres/data/postmaster.pid")
    }
}

