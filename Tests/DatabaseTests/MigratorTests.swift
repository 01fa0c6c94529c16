import Database
import PostgresNIO
import Testing
import TestSupport

@Suite struct SQLScriptTests {
    @Test func splitsAtTopLevelSemicolonsOnly() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE t (note text DEFAULT 'a;b');
            CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 1; END; $body$;
            /* block; comment */ SELECT "odd;name" FROM t;
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 3)
        #expect(statements[1].hasSuffix("$body$"))
        #expect(statements[2].contains("\"odd;name\""))
    }

    @Test func aTrailingCommentIsNotAStatement() {
        #expect(SQLScript.statements(in: "SELECT 1;\n-- done\n").count == 1)
    }
}

@Suite struct MigratorTests {
    @Test func aSecondRunIsANoOp() async throws {
        try await TestDatabase.with(empty: true) { db in
            let first = try await Migrator().migrate(db.client, logger: db.logger)
            let second = try await Migrator().migrate(db.client, logger: db.logger)
            #expect(first.count == (try Migration.bundled().count))
            #expect(second.isEmpty)
            #expect(try await Migrator().pending(db.client, logger: db.logger).isEmpty)
        }
    }

    @Test func concurrentRunnersApplyEachMigrationOnce() async throws {
        try await TestDatabase.with(empty: true) { db in
            let client = db.client
            let logger = db.logger
            let results = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 { group.addTask { try await Migrator().migrate(client, logger: logger) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let bundled = try Migration.bundled().map(\.name)
            #expect(results.flatMap { $0 }.sorted() == bundled.sorted())
            let recorded = try await db.one("SELECT count(*)::int FROM schema_migrations", as: Int.self)
            #expect(recorded == bundled.count)
        }
    }

    @Test func anEditedAppliedMigrationIsRefused() async throws {
        try await TestDatabase.with(empty: true) { db in
            let original = Migration(version: 1, name: "0001_t", sql: "CREATE TABLE t (id int);")
            try await Migrator(migrations: [original]).migrate(db.client, logger: db.logger)
            let edited = Migration(version: 1, name: "0001_t", sql: "CREATE TABLE t (id bigint);")
            await #expect {
                try await Migrator(migrations: [edited]).migrate(db.client, logger: db.logger)
            } throws: { error in
                "\(error)".contains("0001_t was changed after it was applied")
            }
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await TestDatabase.with(empty: true) { db in
            let broken = Migration(version: 1, name: "0001_broken", sql: "CREATE TABLE ok (id int); SELECT no_such_function();")
            await #expect(throws: DatabaseSetupError.self) {
                try await Migrator(migrations: [broken]).migrate(db.client, logger: db.logger)
            }
            let leftover = try await db.one("SELECT to_regclass('public.ok') IS NULL", as: Bool.self)
            #expect(leftover)
            #expect(try await db.one("SELECT count(*)::int FROM schema_migrations", as: Int.self) == 0)
        }
    }
}

@Suite struct SeederTests {
    @Test func seedingTwiceKeepsOneCopyOfEverything() async throws {
        try await TestDatabase.with { db in
            try await Seeder().seed(db.client, logger: db.logger)
            let counts = try await db.one(
                """
                SELECT (SELECT count(*) FROM subscription_plan)::int, (SELECT count(*) FROM topup_plan)::int,
                       (SELECT count(*) FROM generation_pricing WHERE is_active)::int,
                       (SELECT count(*) FROM ad_archetype)::int, (SELECT count(*) FROM ad_workflow)::int
                """, as: (Int, Int, Int, Int, Int).self)
            #expect(counts == (4, 3, 1, 6, 6))
        }
    }

    @Test func freeIsTheOnlyDefaultPlan() async throws {
        try await TestDatabase.with { db in
            let plan = try await db.one("SELECT plan_code, monthly_tokens FROM subscription_plan WHERE is_default", as: (String, Int64).self)
            #expect(plan == ("FREE", 50))
        }
    }
}
