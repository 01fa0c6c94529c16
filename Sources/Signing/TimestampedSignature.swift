import Core
import Crypto
public import Foundation

/// A timestamped HMAC signature header, `t=<unix time>,v1=<hex HMAC-SHA256 of "t.payload">`
/// (several `v1` entries may be present while secrets roll), checked within a replay window.
/// Stripe signs its webhooks this way (`Stripe-Signature`), and Blumpo asks external workflows
/// to sign their callbacks the same way (`X-Blumpo-Signature`, with the job's secret).
public struct TimestampedSignature: Sendable {
    public let secret: String
    public let tolerance: TimeInterval

    public init(secret: String, tolerance: TimeInterval = 300) {
        self.secret = secret
        self.tolerance = tolerance
    }

    public enum Failure: Error, Equatable {
        case malformedHeader, staleTimestamp, noMatchingSignature
    }

    public func verify(payload: [UInt8], header: String, now: Date = Date()) throws(Failure) {
        let (timestamp, signatures) = try Self.fresh(header: header, tolerance: tolerance, now: now)
        let expected = Self.sign(payload: payload, timestamp: timestamp, secret: secret)
        guard signatures.contains(where: { ConstantTime.equal($0, expected) }) else { throw .noMatchingSignature }
    }

    /// The header's timestamp and signatures when it is well formed and within `tolerance`.
    /// Checked before the body is read, so an unsigned or replayed request costs no upload.
    @discardableResult
    public static func fresh(header: String, tolerance: TimeInterval = 300, now: Date = Date()) throws(Failure) -> (Int, [String]) {
        guard header.utf8.count <= 2048 else { throw .malformedHeader }
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0].trimmingCharacters(in: .whitespaces) {
            case "t": timestamp = Int(pair[1])
            case "v1": signatures.append(String(pair[1]))
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { throw .malformedHeader }
        // The subtraction happens in Double: any Int timestamp converts, none can overflow.
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { throw .staleTimestamp }
        return (timestamp, signatures)
    }

    /// The hex `v1` signature Stripe computes (tests sign their fixtures with it).
    public static func sign(payload: [UInt8], timestamp: Int, secret: String) -> String {
        let message = Array("\(timestamp).".utf8) + payload
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
