import Crypto
import Foundation

/// One forward-only schema change shipped inside the binary (`Resources/Migrations/NNNN_name.sql`).
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    /// SHA-256 of the file's text; an applied migration whose file changes is refused.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The migrations bundled with this build, ordered by version.
    public static func bundled() throws -> [Migration] {
        try sqlFiles(in: "Migrations").map { file in
            guard let version = Int(file.name.prefix(while: \.isNumber)) else {
                throw DatabaseSetupError.migrationFailed("migration file \(file.name) does not start with a number")
            }
            return Migration(version: version, name: file.name, sql: file.text)
        }
    }

    /// The `.sql` files of a bundled resource folder, sorted by name.
    static func sqlFiles(in folder: String) throws -> [(name: String, text: String)] {
        guard let directory = Bundle.module.url(forResource: folder, withExtension: nil) else {
            throw DatabaseSetupError.migrationFailed("the \(folder) resources are missing from this build")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        return try names.map { name in
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            return (String(name.dropLast(4)), text)
        }
    }
}
