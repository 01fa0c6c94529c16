public import Core
public import Foundation
import PostgresNIO

extension ExtractionStatus {
    /// The status columns in `BrandStore`'s order (`fonts_status, fonts_error, …, crawled_at,
    /// crawl_error, updated_at, reddit_status, reddit_error`), starting at column `offset`.
    static func decode(_ row: PostgresRandomAccessRow, from offset: Int) throws -> ExtractionStatus {
        var steps: [ExtractionStep: ExtractionStatus.StepState] = [:]
        for (index, step) in [ExtractionStep.fonts, .colors, .logo, .hero, .insights].enumerated() {
            // A value the enum does not know (written by hand) reads as `error`, never as a trap.
            let status = StepStatus(rawValue: try row[offset + index * 2].decode(String.self)) ?? .error
            steps[step] = .init(status: status, error: try row[offset + index * 2 + 1].decode(String?.self))
        }
        // Reddit's columns came later and sit after `updated_at`.
        let reddit = StepStatus(rawValue: try row[offset + 13].decode(String.self)) ?? .error
        steps[.reddit] = .init(status: reddit, error: try row[offset + 14].decode(String?.self))
        return ExtractionStatus(
            steps: steps, crawledAt: try row[offset + 10].decode(Date?.self), crawlError: try row[offset + 11].decode(String?.self),
            updatedAt: try row[offset + 12].decode(Date.self))
    }
}

/// A brand as admins list it: the brand and how its extraction went.
public struct AdminBrand: Sendable, Encodable {
    public let brand: Brand
    public let extraction: ExtractionStatus?
    /// Why each value was chosen (`brand_extraction_status.evidence`); only in the detail.
    public var evidence: JSONValue?

    enum CodingKeys: String, CodingKey { case extraction, evidence }

    /// The brand's fields, plus `extraction` (and `evidence` in the detail).
    public func encode(to encoder: any Encoder) throws {
        try brand.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(extraction, forKey: .extraction)
        if let evidence { try c.encode(evidence, forKey: .evidence) }
    }
}

/// Failing extraction steps that look alike: one step, one reason (ids and numbers normalised
/// out) and one website domain, with how many brands failed that way.
public struct ExtractionProblem: Sendable, Encodable, Equatable {
    public let step: String
    public let reason: String
    public let domain: String
    public let count: Int
    public let lastSeenAt: Date
    public let example: String
    /// The newest few brands in the group.
    public let brandIDs: [String]

    enum CodingKeys: String, CodingKey {
        case step, reason, domain, count, example
        case lastSeenAt = "last_seen_at", brandIDs = "brand_ids"
    }

    /// One failing step of one brand, as the store reads it.
    public struct Failure: Sendable {
        public let brandID: UUID
        public let websiteURL: String
        public let step: String
        public let error: String
        public let at: Date
    }

    /// Newest group first; `failures` come newest first.
    public static func group(_ failures: [Failure], keepingIDs: Int = 5) -> [ExtractionProblem] {
        var order: [String] = []
        var groups: [String: [Failure]] = [:]
        for failure in failures {
            let key = [failure.step, ErrorText.normalized(failure.error), domain(of: failure.websiteURL)].joined(separator: "\u{1F}")
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(failure)
        }
        return order.compactMap { key -> ExtractionProblem? in
            guard let members = groups[key], let first = members.first else { return nil }
            return ExtractionProblem(
                step: first.step, reason: ErrorText.normalized(first.error), domain: domain(of: first.websiteURL), count: members.count,
                lastSeenAt: members.map(\.at).max() ?? first.at, example: String(first.error.prefix(1000)),
                brandIDs: members.prefix(keepingIDs).map { $0.brandID.uuidString.lowercased() })
        }.sorted { $0.lastSeenAt > $1.lastSeenAt }
    }

    /// The host without `www.`; the whole text when it is no URL.
    static func domain(of url: String) -> String {
        guard let host = URL(string: url)?.host?.lowercased() else { return String(url.prefix(200)) }
        return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    }
}
