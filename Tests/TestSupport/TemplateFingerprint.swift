// The seed files exactly as `Seeder` reads them from the Database module's bundle.
@testable import Database

/// What the template database is made from, in its name.
enum TemplateFingerprint {
    static func bundledSeedFiles() throws -> [(name: String, text: String)] {
        try Migration.sqlFiles(in: "Seed")
    }

    static func templateName(migrations: [Migration], seedFiles: [(name: String, text: String)]) -> String {
        var parts = migrations.map { "migration \($0.name) \($0.checksum)" }
        parts += seedFiles.map { "seed \($0.name)\n\($0.text)" }
        return "blumpo_template_" + String(parts.joined(separator: "\u{0}").hashValueStable, radix: 16)
    }
}
