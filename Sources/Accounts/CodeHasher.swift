import _CryptoExtras
import Core
import Crypto
import Foundation
import NIOPosix

/// Hashes one-time codes with scrypt into a PHC-style string
/// (`$scrypt$ln=14,r=8,p=1$<salt>$<hash>`, base64 without padding) and checks them in constant
/// time. The work runs on NIO's thread pool, off the request's executor.
public struct CodeHasher: Sendable {
    /// log2 of scrypt's N; 14 costs about 16 MiB and tens of milliseconds.
    public let logRounds: Int
    public let blockSize = 8
    public let parallelism = 1

    public init(logRounds: Int = 14) {
        self.logRounds = logRounds
    }

    public func hash(_ code: String) async throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let digest = try await derive(code, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return "$scrypt$ln=\(logRounds),r=\(blockSize),p=\(parallelism)$\(Self.base64(salt))$\(Self.base64(digest))"
    }

    /// True when `code` matches `stored`; false for a wrong code or a malformed hash.
    public func verify(_ code: String, against stored: String) async throws -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: true)
        guard parts.count == 4, parts[0] == "scrypt" else { return false }
        var parameters: [String: Int] = [:]
        for pair in parts[1].split(separator: ",") {
            let keyValue = pair.split(separator: "=", maxSplits: 1)
            if keyValue.count == 2, let value = Int(keyValue[1]) { parameters[String(keyValue[0])] = value }
        }
        guard let logRounds = parameters["ln"], let blockSize = parameters["r"], let parallelism = parameters["p"],
            (10...20).contains(logRounds), let salt = Self.unbase64(String(parts[2])), let expected = Self.unbase64(String(parts[3]))
        else { return false }
        let actual = try await derive(code, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return ConstantTime.equal(actual, expected)
    }

    private func derive(_ code: String, salt: [UInt8], logRounds: Int, blockSize: Int, parallelism: Int) async throws -> [UInt8] {
        try await NIOThreadPool.singleton.runIfActive {
            let key = try KDF.Scrypt.deriveKey(
                from: Array(code.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds, blockSize: blockSize,
                parallelism: parallelism)
            return key.withUnsafeBytes { Array($0) }
        }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func unbase64(_ text: String) -> [UInt8]? {
        let padded = text + String(repeating: "=", count: (4 - text.count % 4) % 4)
        return Data(base64Encoded: padded).map(Array.init)
    }
}
