import Foundation

/// The library actions a report counts, in the order reports list them.
public enum ReportedAction: String, Sendable, CaseIterable {
    case saved, downloaded, shared, deleted, restored

    /// The bit this action has in a per-image bit set (`bit_or` in the SQL).
    var bit: Int { 1 << (Self.allCases.firstIndex(of: self) ?? 0) }
}

/// How many of the images generated in the period had at least one event of a kind in the
/// period, and that number over the images generated (0 when nothing was generated). Each
/// image counts once however many events it had, so a rate is never above 1.
public struct CountAndRate: Sendable, Equatable, Encodable {
    public let count: Int64
    public let rate: Double

    public init(count: Int64, of generated: Int64) {
        self.count = count
        rate = generated > 0 ? Double(count) / Double(generated) : 0
    }
}

/// Images generated in the period and what became of them, for one group (an archetype, a
/// workflow, or everything).
public struct ActionCounts: Sendable, Equatable, Encodable {
    public private(set) var generated: Int64 = 0
    /// Images per action, indexed like `ReportedAction.allCases`.
    public private(set) var acted: [Int64] = Array(repeating: 0, count: ReportedAction.allCases.count)

    public init() {}

    public init(generated: Int64, acted: [ReportedAction: Int64]) {
        self.generated = generated
        self.acted = ReportedAction.allCases.map { acted[$0] ?? 0 }
    }

    public subscript(action: ReportedAction) -> CountAndRate {
        CountAndRate(count: acted[ReportedAction.allCases.firstIndex(of: action) ?? 0], of: generated)
    }

    /// Sums two disjoint groups (each image is in exactly one row of the SQL's result); counts
    /// of rows cannot come near `Int64.max`, but the sum saturates rather than trap.
    public mutating func add(_ other: ActionCounts) {
        generated = Self.sum(generated, other.generated)
        acted = zip(acted, other.acted).map(Self.sum)
    }

    static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : value
    }

    /// (saved + downloaded) / generated: how much of what was made was kept. From 0 to 2, as an
    /// image both saved and downloaded counts in both.
    public var keepScore: Double {
        generated > 0 ? Double(Self.sum(self[.saved].count, self[.downloaded].count)) / Double(generated) : 0
    }

    enum CodingKeys: String, CodingKey {
        case generated, saved, downloaded, shared, deleted, restored
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(generated, forKey: .generated)
        try container.encode(self[.saved], forKey: .saved)
        try container.encode(self[.downloaded], forKey: .downloaded)
        try container.encode(self[.shared], forKey: .shared)
        try container.encode(self[.deleted], forKey: .deleted)
        try container.encode(self[.restored], forKey: .restored)
    }
}
