import Database
import Foundation
import PostgresNIO
import Testing
import TestSupport

/// The test database harness itself: what its template is made from, and what it cleans up.
@Suite struct TestHarnessTests {
    private let seeds = [(name: "0001_reference_data", text: "INSERT INTO plan (code) VALUES ('starter');")]

    @Test func theTemplateNameChangesWhenASeedFileOrAMigrationDoes() throws {
        let migrations = try Migration.bundled()
        let name = TestDatabase.templateName(migrations: migrations, seedFiles: seeds)
        #expect(TestDatabase.templateName(migrations: migrations, seedFiles: seeds) == name)
        let editedSeed = [(name: "0001_reference_data", text: "INSERT INTO plan (code) VALUES ('pro');")]
        #expect(TestDatabase.templateName(migrations: migrations, seedFiles: editedSeed) != name)
        #expect(TestDatabase.templateName(migrations: migrations, seedFiles: seeds + [(name: "0002_more", text: "")]) != name)
        #expect(TestDatabase.templateName(migrations: Array(migrations.dropLast()), seedFiles: seeds) != name)
    }

    @Test func theTemplateOfThisRunIsNamedAfterTheBundledMigrationsAndSeedFiles() async throws {
        try await TestDatabase.with { db in
            let template = try TestDatabase.currentTemplateName()
            #expect(try await db.one("SELECT count(*)::int FROM pg_database WHERE datname = \(template)", as: Int.self) == 1)
        }
    }

    @Test func databasesLeftByAnEarlierRunAreDroppedUnlessSomeoneIsConnected() async throws {
        try await TestDatabase.with { db in
            let anHourAgo = Int(Date().addingTimeInterval(-3600).timeIntervalSince1970)
            let random = { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }
            let leftover = "blumpo_test_\(anHourAgo)_\(random())"
            let leftoverOfTheOldNaming = "blumpo_test_\(random())"
            let inUse = "blumpo_test_\(anHourAgo)_\(random())"
            let notTheHarnesses = "blumpo_testing_\(random())"
            for name in [leftover, leftoverOfTheOldNaming, inUse, notTheHarnesses] {
                try await db.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0"))
            }
            let dropped = try await withClient(db.endpoint.with(database: inUse), logger: db.logger) { connected in
                _ = try await connected.query("SELECT 1", logger: db.logger).collect()
                return try await TestDatabase.dropLeftoverDatabases(createdBefore: Date().addingTimeInterval(-1800))
            }
            #expect(dropped.contains(leftover))
            #expect(dropped.contains(leftoverOfTheOldNaming))
            #expect(!dropped.contains(inUse))
            #expect(!dropped.contains(db.endpoint.database), "this run's databases are newer than the cutoff")
            let remaining = try await db.client.query(
                "SELECT datname FROM pg_database WHERE datname = ANY(\([leftover, leftoverOfTheOldNaming, inUse, notTheHarnesses, db.endpoint.database]))",
                logger: db.logger
            ).collect().map { try $0.decode(String.self) }
            #expect(Set(remaining) == [inUse, notTheHarnesses, db.endpoint.database])
            for name in [inUse, notTheHarnesses] {
                try await db.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
            }
        }
    }
}
