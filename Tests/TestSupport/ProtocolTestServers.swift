import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real SMTP server (aiosmtpd, STARTTLS and AUTH required) on a loopback port. Messages it
/// accepts are files in `directory`. Login: `mailer` / `s3cret`.
public final class SMTPTestServer: PythonTestServer, @unchecked Sendable {
    public init() throws {
        try super.init(script: "smtp_server.py")
    }

    /// `smtp://mailer:s3cret@127.0.0.1:<port>?verify=false` (the certificate is self-signed).
    public var url: String { "smtp://mailer:s3cret@127.0.0.1:\(port)?verify=false" }

    /// The raw messages received so far, oldest first.
    public func messages() -> [String] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
        return names.compactMap { try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }
    }
}

/// A Stripe API stand-in (see `Servers/stripe_server.py`); the secret key it accepts is `sk_test_blumpo`.
public final class StripeTestServer: PythonTestServer, @unchecked Sendable {
    public init() throws {
        try super.init(script: "stripe_server.py")
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The API requests received so far: method, path, form fields, Stripe-Version, Idempotency-Key.
    public func requests() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: directory + "/requests.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}

/// A protocol server written in Python (from `Servers/`), started on a loopback port.
///
/// The port is held from `init` until the server listens on it (see `PortReservation`), so no
/// other test's server or connection can take it in between, and clients that connect before
/// `start()` are refused as by a server that is down.
public class PythonTestServer: @unchecked Sendable {
    public let port: Int
    public let directory: String
    private let script: String
    private let arguments: [String]
    private var reservation: PortReservation?
    private var process: Process?

    init(script: String, arguments: [String] = []) throws {
        let reservation = try PortReservation()
        self.reservation = reservation
        port = reservation.port
        self.script = script
        self.arguments = arguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("server-\(UUID().uuidString)").path
    }

    /// The interpreter the servers run with: `BLUMPO_TEST_PYTHON`, else the virtual environment
    /// `make test` prepares (`.blumpo/venv`), else `python3` on `PATH`.
    public static var python: [String] {
        if let python = ProcessInfo.processInfo.environment["BLUMPO_TEST_PYTHON"], !python.isEmpty { return [python] }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let venv = packageRoot.appendingPathComponent(".blumpo/venv/bin/python3").path
        if FileManager.default.isExecutableFile(atPath: venv) { return [venv] }
        return ["python3"]
    }

    public func start() async throws {
        if reservation == nil { reservation = try PortReservation(port: port) }
        defer { reservation?.release(); reservation = nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Servers/\(script)").path
        let python = Self.python
        process.arguments = python + [script, String(port), directory] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        var exited = false
        let listening = try await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            exited = !process.isRunning
            return exited || isListening(port: port)
        }
        if exited {
            throw TestSupportError(
                "\(script) exited; are its Python packages installed for \(python.joined(separator: " "))? (make test installs them)")
        }
        guard listening else { throw TestSupportError("\(script) did not start") }
    }

    public func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    deinit { stop() }
}

extension String {
    /// The decoded text of every base64 MIME part of a message (tests look for codes in it).
    public var decodedMIMEParts: String {
        let blocks = components(separatedBy: "\r\n\r\n").dropFirst()
        return blocks.compactMap { block -> String? in
            let base64 = block.components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: "") ?? ""
            return Data(base64Encoded: base64).flatMap { String(data: $0, encoding: .utf8) }
        }.joined(separator: "\n")
    }
}
