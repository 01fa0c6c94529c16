import Database
import Foundation
import PostgresNIO
import Testing
import TestSupport

/// The live catalog must be the schema document, column for column and index for index.
/// `Resources/schema-document.json` transcribes the document; its `additions` section lists
/// what the product adds on top (each explained in docs/schema.md). Anything else is drift.
@Suite struct SchemaDocumentTests {
    let document: SchemaDescription

    init() throws {
        let url = try #require(Bundle.module.url(forResource: "Resources/schema-document", withExtension: "json"))
        document = try JSONDecoder().decode(SchemaDescription.self, from: Data(contentsOf: url))
    }

    @Test func enumsHaveTheDocumentedLabelsInOrder() async throws {
        try await TestDatabase.with { db in
            for (name, labels) in document.enums {
                let rows = try await db.client.query(
                    """
                    SELECT e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
                    WHERE t.typname = \(name) ORDER BY e.enumsortorder
                    """, logger: db.logger
                ).collect().map { try $0.decode(String.self) }
                #expect(rows == labels, "enum \(name)")
            }
        }
    }

    @Test func everyDocumentedTableHasExactlyItsColumns() async throws {
        try await TestDatabase.with { db in
            let catalog = try await CatalogColumns.read(db)
            let documentedTables = Set(document.tables.keys)
            #expect(documentedTables.count == 15)
            for (table, description) in document.tables {
                let live = try #require(catalog[table], "table \(table) is missing")
                let expected = description.columns + (document.additions.columns[table] ?? [])
                #expect(live.map(\.name).sorted() == expected.map(\.name).sorted(), "columns of \(table)")
                for column in expected {
                    guard let actual = live.first(where: { $0.name == column.name }) else { continue }
                    let key = "\(table).\(column.name)"
                    #expect(actual.type == column.type, "type of \(key)")
                    let expectedDefault = column.default ?? document.additions.columnDefaults[key]
                    #expect(actual.defaultExpression == expectedDefault, "default of \(key)")
                    if let nullable = column.nullable {
                        #expect(actual.nullable == nullable, "nullability of \(key)")
                    }
                }
            }
        }
    }

    @Test func everyDocumentedIndexExistsAndNoOthers() async throws {
        try await TestDatabase.with { db in
            for (table, description) in document.tables {
                let rows = try await db.client.query(
                    """
                    SELECT i.indisunique, pg_get_indexdef(i.indexrelid)
                    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                    WHERE c.relname = \(table) AND c.relnamespace = 'public'::regnamespace AND NOT i.indisprimary
                    """, logger: db.logger
                ).collect()
                let live = try rows.map { row in
                    let (unique, definition) = try row.decode((Bool, String).self)
                    // "CREATE INDEX name ON public.t USING btree (a, b) WHERE (…)" → "btree (a, b) WHERE (…)"
                    let body = definition.components(separatedBy: " USING ").last ?? definition
                    return IndexDescription(unique: unique, definition: body)
                }
                let expected = description.indexes + (document.additions.indexes[table] ?? [])
                #expect(Set(live) == Set(expected), "indexes of \(table)")
            }
        }
    }

    @Test func foreignKeysPointWhereTheDocumentSays() async throws {
        try await TestDatabase.with { db in
            for (table, description) in document.tables {
                let rows = try await db.client.query(
                    """
                    SELECT a.attname, ft.relname || '(' || fa.attname || ')',
                           CASE con.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
                                WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
                    FROM pg_constraint con
                    JOIN pg_class t ON t.oid = con.conrelid
                    JOIN pg_class ft ON ft.oid = con.confrelid
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
                    JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[1]
                    WHERE con.contype = 'f' AND t.relname = \(table)
                    """, logger: db.logger
                ).collect()
                let live = try rows.map { row in
                    let (column, references, onDelete) = try row.decode((String, String, String).self)
                    return ForeignKeyDescription(column: column, references: references, onDelete: onDelete)
                }
                let expected = description.foreignKeys + (document.additions.foreignKeys[table] ?? [])
                #expect(Set(live) == Set(expected), "foreign keys of \(table)")
            }
        }
    }

    @Test func emailUniquenessIgnoresCase() async throws {
        try await TestDatabase.with { db in
            try await db.execute(#"INSERT INTO "user" (email) VALUES ('ann@example.com')"#)
            await #expect(throws: PSQLError.self) {
                try await db.execute(#"INSERT INTO "user" (email) VALUES ('Ann@Example.com')"#)
            }
            await #expect(throws: PSQLError.self) {
                try await db.execute(#"INSERT INTO "user" (email) VALUES ('ann@example.com')"#)
            }
        }
    }

    @Test func updatedAtFollowsEveryUpdate() async throws {
        try await TestDatabase.with { db in
            try await db.execute("UPDATE subscription_plan SET updated_at = now() - interval '1 day' WHERE plan_code = 'FREE'")
            let before = try await db.one("SELECT updated_at FROM subscription_plan WHERE plan_code = 'FREE'", as: Date.self)
            try await db.execute("UPDATE subscription_plan SET display_name = 'Free plan' WHERE plan_code = 'FREE'")
            let after = try await db.one("SELECT updated_at FROM subscription_plan WHERE plan_code = 'FREE'", as: Date.self)
            #expect(after > before)
        }
    }

    @Test func ledgerRowsCannotBeChangedAndBalancesCannotGoNegative() async throws {
        try await TestDatabase.with { db in
            let userID = try await db.one(#"INSERT INTO "user" (email) VALUES ('bo@example.com') RETURNING id"#, as: UUID.self)
            try await db.execute("INSERT INTO token_account (user_id, balance) VALUES (\(userID), 50)")
            try await db.execute(
                "INSERT INTO token_ledger (user_id, delta, reason, reference_id, balance_after) VALUES (\(userID), 50, 'SIGNUP_GRANT', 'signup:x', 50)")
            await #expect(throws: PSQLError.self) { try await db.execute("UPDATE token_ledger SET delta = 500") }
            await #expect(throws: PSQLError.self) { try await db.execute("DELETE FROM token_ledger") }
            await #expect(throws: PSQLError.self) { try await db.execute("UPDATE token_account SET balance = -1") }
        }
    }
}

/// The machine-readable transcription of the schema document.
struct SchemaDescription: Decodable {
    struct Table: Decodable {
        let columns: [ColumnDescription]
        let indexes: [IndexDescription]
        let foreignKeys: [ForeignKeyDescription]
        enum CodingKeys: String, CodingKey { case columns, indexes, foreignKeys = "foreign_keys" }
    }
    struct Additions: Decodable {
        let columnDefaults: [String: String]
        let columns: [String: [ColumnDescription]]
        let indexes: [String: [IndexDescription]]
        let foreignKeys: [String: [ForeignKeyDescription]]
        enum CodingKeys: String, CodingKey {
            case columns, indexes, columnDefaults = "column_defaults", foreignKeys = "foreign_keys"
        }
    }
    let enums: [String: [String]]
    let tables: [String: Table]
    let additions: Additions
}

struct ColumnDescription: Decodable {
    let name: String
    let type: String
    let `default`: String?
    let nullable: Bool?
}

struct IndexDescription: Decodable, Hashable {
    let unique: Bool
    let definition: String
}

struct ForeignKeyDescription: Decodable, Hashable {
    let column: String
    let references: String
    let onDelete: String
    enum CodingKeys: String, CodingKey { case column, references, onDelete = "on_delete" }
}

/// Columns as the catalog reports them.
struct CatalogColumns {
    let name: String
    let type: String
    let defaultExpression: String?
    let nullable: Bool

    static func read(_ db: TestDatabase) async throws -> [String: [CatalogColumns]] {
        let rows = try await db.client.query(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   pg_get_expr(d.adbin, d.adrelid), NOT a.attnotnull
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped
            """, logger: db.logger
        ).collect()
        var tables: [String: [CatalogColumns]] = [:]
        for row in rows {
            let (table, name, type, defaultExpression, nullable) = try row.decode((String, String, String, String?, Bool).self)
            tables[table, default: []].append(CatalogColumns(name: name, type: type, defaultExpression: defaultExpression, nullable: nullable))
        }
        return tables
    }
}
