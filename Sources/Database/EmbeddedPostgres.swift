import Foundation
public import Logging
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster under `<data dir>/postgres`, created on first use with the
/// machine's own PostgreSQL binaries and reached over a free loopback port.
///
/// A second process on the same data directory finds the running server (through
/// `postmaster.pid`) and reuses it; only the process that started the server stops it.
public struct EmbeddedPostgres: Sendable {
    public static let userName = "blumpo"
    public static let databaseName = "blumpo"

    /// `<data dir>/postgres`, absolute.
    public let root: String
    /// Extra `postgresql.conf` settings written when the cluster is created (tests turn fsync off).
    public let extraSettings: [String: String]

    var clusterDirectory: String { root + "/data" }
    var logFile: String { root + "/postgres.log" }
    var passwordFile: String { root + "/password" }
    var lockFile: String { root + "/lock" }
    var portFile: String { root + "/port" }

    public init(dataDirectory: String, extraSettings: [String: String] = [:]) {
        let absolute = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        self.root = absolute + "/postgres"
        self.extraSettings = extraSettings
    }

    /// A running server: where to reach it and whether this process must stop it.
    public struct Server: Sendable {
        public let port: Int
        public let password: String
        public let startedHere: Bool
    }

    /// Creates the cluster if needed and starts it unless it already runs. The `initdb` and
    /// `pg_ctl` processes are waited for on NIO's blocking-work pool, not on the caller's executor.
    public func start(logger: Logger) async throws -> Server {
        try await NIOThreadPool.singleton.runIfActive { try startSynchronously(logger: logger) }
    }

    /// Stops the server with a fast shutdown (active transactions roll back, data is flushed).
    public func stop(logger: Logger) async {
        _ = try? await NIOThreadPool.singleton.runIfActive { stopSynchronously(logger: logger) }
    }

    public func startSynchronously(logger: Logger) throws -> Server {
        let tools = try PostgresTools.locate()
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let runner = try ClusterCommandRunner(tools: tools, root: root)
        return try withFileLock(lockFile) {
            if !FileManager.default.fileExists(atPath: clusterDirectory + "/PG_VERSION") {
                try initialize(runner: runner, logger: logger)
            }
            let password = try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            if let port = runningPort(runner: runner) {
                return Server(port: port, password: password, startedHere: false)
            }
            let port = try preferredPort()
            let result = try runner.run(
                "pg_ctl",
                ["-D", clusterDirectory, "-l", logFile, "-o", "-p \(port)", "-w", "-t", "60", "start"])
            guard result.status == 0 else {
                throw DatabaseSetupError.embeddedClusterFailed(
                    "pg_ctl start failed (\(result.output.trimmingCharacters(in: .whitespacesAndNewlines))); see \(logFile)")
            }
            try? String(port).write(toFile: portFile, atomically: true, encoding: .utf8)
            return Server(port: port, password: password, startedHere: true)
        }
    }

    /// The port used last time when it is still free (stable `psql` commands, and clients that
    /// reconnect after a restart find the server again), else any free port.
    private func preferredPort() throws -> Int {
        if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
            let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), FreePort.isFree(port)
        {
            return port
        }
        return try FreePort.pick()
    }

    /// `stop` for contexts that cannot wait asynchronously (exit handlers).
    public func stopSynchronously(logger: Logger) {
        guard let tools = try? PostgresTools.locate(),
            let runner = try? ClusterCommandRunner(tools: tools, root: root)
        else { return }
        let result = try? runner.run("pg_ctl", ["-D", clusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"])
        if result?.status == 0 {
            logger.info("embedded PostgreSQL stopped", metadata: ["data": "\(clusterDirectory)"])
        } else {
            logger.warning("embedded PostgreSQL did not stop cleanly", metadata: ["output": "\(result?.output ?? "")"])
        }
    }

    /// One line telling an operator where the data is and how to open a `psql` shell.
    public func connectionHint(port: Int) -> String {
        "PostgreSQL data in \(clusterDirectory); connect with: PGPASSWORD=$(cat \(passwordFile)) psql -h 127.0.0.1 -p \(port) -U \(Self.userName) \(Self.databaseName)"
    }

    private func initialize(runner: ClusterCommandRunner, logger: Logger) throws {
        logger.info("creating embedded PostgreSQL cluster", metadata: ["data": "\(clusterDirectory)"])
        try? FileManager.default.removeItem(atPath: clusterDirectory)
        let password = randomHex(bytes: 24)
        try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        chmod(passwordFile, 0o600)
        // initdb reads the password from a file; the copy is readable by the cluster's OS user only.
        let initPasswordFile = root + "/initdb-password"
        try password.write(toFile: initPasswordFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: initPasswordFile) }
        try runner.handOver(initPasswordFile)

        let result = try runner.run("initdb", [
            "-D", clusterDirectory, "-U", Self.userName, "--pwfile=\(initPasswordFile)",
            "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-instructions",
        ])
        guard result.status == 0 else {
            throw DatabaseSetupError.embeddedClusterFailed("initdb failed: \(result.output)")
        }
        var settings = [
            "listen_addresses": "'127.0.0.1'",
            // No unix socket: nothing to clash with a system PostgreSQL's /var/run/postgresql.
            "unix_socket_directories": "''",
            "max_connections": "200",
        ]
        settings.merge(extraSettings) { _, new in new }
        let lines = settings.keys.sorted().map { "\($0) = \(settings[$0]!)" }.joined(separator: "\n")
        let configFile = clusterDirectory + "/postgresql.auto.conf"
        let existing = (try? String(contentsOfFile: configFile, encoding: .utf8)) ?? ""
        try runner.write(existing + "\n# written by blumpo\n" + lines + "\n", to: configFile)
    }

    /// The port of a server already running on this cluster, read from `postmaster.pid`.
    private func runningPort(runner: ClusterCommandRunner) -> Int? {
        guard let status = try? runner.run("pg_ctl", ["-D", clusterDirectory, "status"]), status.status == 0,
            let pidFile = try? String(contentsOfFile: clusterDirectory + "/postmaster.pid", encoding: .utf8)
        else { return nil }
        let lines = pidFile.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 3 ? Int(lines[3].trimmingCharacters(in: .whitespaces)) : nil
    }

    private func randomHex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// Holds an exclusive `flock` on `path` while `body` runs, so two processes never initialize
/// or start the same cluster at once.
func withFileLock<T>(_ path: String, _ body: () throws -> T) throws -> T {
    let descriptor = open(path, O_CREAT | O_RDWR, 0o600)
    guard descriptor >= 0 else {
        throw DatabaseSetupError.embeddedClusterFailed("cannot open lock file \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    guard flock(descriptor, LOCK_EX) == 0 else {
        throw DatabaseSetupError.embeddedClusterFailed("cannot lock \(path)")
    }
    defer { flock(descriptor, LOCK_UN) }
    return try body()
}
