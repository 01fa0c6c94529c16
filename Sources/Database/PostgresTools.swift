import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The directory holding the machine's PostgreSQL server binaries (`initdb`, `pg_ctl`, …).
struct PostgresTools: Sendable {
    let binDirectory: String

    func path(_ tool: String) -> String { binDirectory + "/" + tool }

    /// Looks in Debian's versioned directories (newest first), then in PATH; requires 15 or newer.
    static func locate() throws -> PostgresTools {
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap(Int.init)
            .filter { $0 >= 15 }
            .sorted(by: >)
        var candidates = versions.map { "\(debianRoot)/\($0)/bin" }
        let pathEntries = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        candidates += pathEntries
        for directory in candidates where FileManager.default.isExecutableFile(atPath: directory + "/initdb") {
            let tools = PostgresTools(binDirectory: directory)
            if let major = tools.majorVersion(), major >= 15 { return tools }
        }
        throw DatabaseSetupError.postgresBinariesNotFound(searched: [debianRoot + "/<version>/bin"] + ["PATH"])
    }

    private func majorVersion() -> Int? {
        guard let output = try? ProcessRunner.run(path("pg_ctl"), ["--version"]).output else { return nil }
        // "pg_ctl (PostgreSQL) 15.18 (Debian …)"
        let words = output.split(separator: " ")
        guard let index = words.firstIndex(of: "(PostgreSQL)"), index + 1 < words.count else { return nil }
        return Int(words[index + 1].prefix(while: \.isNumber))
    }
}

/// Runs a program to completion and captures its combined output.
///
/// Spawned with `posix_spawn` and reaped with `waitpid`: Foundation's `Process` can miss the
/// exit of a child whose own child (the PostgreSQL server) lives on. Output goes to a temporary
/// file, not a pipe, because that server would inherit a pipe and keep it open forever. For the
/// same reason the child gets no descriptor of ours beyond 0–2: `pg_ctl`'s server would hold
/// any it inherited (a pipe another task of this process is reading to its end, a socket
/// holding a port) for as long as it runs.
enum ProcessRunner {
    struct Result {
        let status: Int32
        let output: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("blumpo-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        try closeInheritedDescriptors(&actions)

        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw DatabaseSetupError.embeddedClusterFailed("cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS are macros Swift cannot import.
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, output: output)
    }

    /// Asks the spawn to close every descriptor from 3 up (glibc 2.34+, looked up at run time
    /// because Swift's Glibc module does not export it).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw DatabaseSetupError.embeddedClusterFailed("this C library cannot close descriptors in a spawned child (glibc 2.34 or later needed)")
        }
        let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
        guard closeFrom(&actions, 3) == 0 else {
            throw DatabaseSetupError.embeddedClusterFailed("cannot prepare the child's descriptors")
        }
    }
}
