/// Why the database could not be made ready; each message is one line an operator can act on.
public enum DatabaseSetupError: Error, CustomStringConvertible, Sendable {
    case postgresBinariesNotFound(searched: [String])
    case embeddedClusterFailed(String)
    case unreachable(host: String, port: Int, reason: String)
    case invalidDatabaseURL(String)
    case migrationFailed(String)
    case migrationEdited(name: String)
    case databaseAhead(versions: [Int])

    public var description: String {
        switch self {
        case .postgresBinariesNotFound(let searched):
            "PostgreSQL 15 or newer (initdb, pg_ctl) was not found in PATH or in \(searched.joined(separator: ", ")); install the Debian package 'postgresql' or set DATABASE_URL"
        case .embeddedClusterFailed(let why):
            "the embedded PostgreSQL could not start: \(why)"
        case .unreachable(let host, let port, let reason):
            "cannot reach PostgreSQL at \(host):\(port): \(reason)"
        case .invalidDatabaseURL(let why):
            "DATABASE_URL is invalid: \(why) (expected postgres://user:password@host:port/database)"
        case .migrationFailed(let why):
            "migration failed: \(why)"
        case .migrationEdited(let name):
            "migration \(name) was changed after it was applied (checksum differs); add a new migration instead of editing an applied one"
        case .databaseAhead(let versions):
            "the database has migrations this build does not know (\(versions.map(String.init).joined(separator: ", "))); run a newer build"
        }
    }
}
