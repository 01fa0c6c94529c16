import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `blumpo` binary as a child process, as an operator would.
public struct BlumpoProcess: Sendable {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
        public let seconds: Double
    }

    /// `blumpo` sits next to the test bundle in the build directory (`make test` builds both).
    public static var executable: String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        if directory.path.hasSuffix(".xctest/Contents/MacOS") {
            directory = directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        return directory.appendingPathComponent("blumpo").path
    }

    /// Runs `blumpo arguments…` with exactly `environment` (plus PATH) in a fresh working directory.
    public static func run(_ arguments: [String], environment: [String: String], timeout: Double = 60) async throws -> Outcome {
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        return try await runProgram(executable, arguments, environment: env, timeout: timeout)
    }

    /// Runs a program to its end, its combined output going to a file that is read once it has
    /// exited. Nothing here blocks a thread of the test's executor: a pipe read to its end
    /// would, for as long as any process that inherited the pipe lives.
    public static func runProgram(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let workingDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("blumpo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workingDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: workingDirectory) }
        process.currentDirectoryURL = workingDirectory
        let outputFile = workingDirectory.appendingPathComponent("output.log")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        process.standardOutput = output
        process.standardError = output
        let started = Date()
        try process.run()
        if try await !eventually(timeout: .seconds(timeout), every: .milliseconds(50), { !process.isRunning }) {
            kill(process.processIdentifier, SIGKILL)
            _ = try await eventually(timeout: .seconds(10), every: .milliseconds(20)) { !process.isRunning }
        }
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return Outcome(status: process.isRunning ? -1 : process.terminationStatus, output: text, seconds: Date().timeIntervalSince(started))
    }
}

/// A `blumpo` child process that keeps running until the test stops it.
public final class RunningBlumpo: Sendable {
    private let process: Process
    private let outputPath: String

    /// Starts `blumpo arguments…`; its output goes to a file read by `output()`.
    public init(_ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BlumpoProcess.executable)
        process.arguments = arguments
        var env = environment
        env["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        process.environment = env
        outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("blumpo-\(UUID().uuidString).log").path
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        self.process = process
    }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit (up to `timeout`) and returns its status, nil if still running.
    public func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32? {
        let exited = try await eventually(timeout: timeout, every: .milliseconds(20)) { !process.isRunning }
        return exited ? process.terminationStatus : nil
    }

    public func output() -> String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
