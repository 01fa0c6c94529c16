import Foundation
public import Logging
import NIOPosix
import NIOSSL
public import PostgresNIO

/// Where PostgreSQL lives and how to log in, parsed from `DATABASE_URL`
/// (`postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-full`).
public struct DatabaseEndpoint: Sendable, Equatable {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode

    public init(host: String, port: Int, username: String, password: String?, database: String, tlsMode: TLSMode = .disable) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
    }

    public init(url: String) throws {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw DatabaseSetupError.invalidDatabaseURL("the scheme must be postgres:// or postgresql://") }
        guard let host = components.host, !host.isEmpty else {
            throw DatabaseSetupError.invalidDatabaseURL("the host is missing")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw DatabaseSetupError.invalidDatabaseURL("the database name is missing") }
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        guard let tlsMode = TLSMode(rawValue: sslmode) else {
            throw DatabaseSetupError.invalidDatabaseURL("sslmode must be disable, prefer, require or verify-full")
        }
        self.init(
            host: host, port: components.port ?? 5432,
            username: components.user?.removingPercentEncoding ?? "postgres",
            password: components.password?.removingPercentEncoding,
            database: database, tlsMode: tlsMode)
    }

    /// The same server, another database (tests clone databases next to the template).
    public func with(database: String) -> DatabaseEndpoint {
        var copy = self
        copy.database = database
        return copy
    }

    /// A URL for this endpoint, for child processes and logs.
    public var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        if tlsMode != .disable { components.queryItems = [URLQueryItem(name: "sslmode", value: tlsMode.rawValue)] }
        return components.string ?? ""
    }

    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The TLS settings for `sslmode`, nil when TLS is off.
    private var tlsConfiguration: TLSConfiguration? {
        guard tlsMode != .disable else { return nil }
        var tls = TLSConfiguration.makeClientConfiguration()
        // libpq's prefer/require encrypt without checking the certificate; verify-full checks it.
        if tlsMode != .verifyFull { tls.certificateVerification = .none }
        return tls
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        guard let tls = tlsConfiguration else { return .disable }
        return tlsMode == .prefer ? .prefer(tls) : .require(tls)
    }

    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        guard let tls = tlsConfiguration else { return .disable }
        let context = try NIOSSLContext(configuration: tls)
        return tlsMode == .prefer ? .prefer(context) : .require(context)
    }

    /// Opens and closes one connection, turning any failure into a one-line `unreachable` error.
    public func probe(logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: try connectionTLS())
        configuration.options.connectTimeout = .seconds(5)
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch let error as PSQLError {
            throw DatabaseSetupError.unreachable(host: host, port: port, reason: error.oneLineReason)
        } catch {
            throw DatabaseSetupError.unreachable(host: host, port: port, reason: "\(error)")
        }
    }
}

extension PSQLError {
    /// The server's message when there is one, else the error kind — never a dump.
    public var oneLineReason: String {
        if let message = serverInfo?[.message] { return message }
        if let underlying { return "\(code): \(underlying)" }
        return "\(code)"
    }
}
