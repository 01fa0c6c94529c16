import Core
public import Foundation
import Library

/// One UTC day of a chart: images generated that day, and per event type the images that had
/// at least one such event that day (whenever they were generated).
public struct DailyActivity: Sendable, Equatable, Encodable {
    /// `YYYY-MM-DD`.
    public let date: String
    public internal(set) var generated: Int64
    /// Every event type, zero included, so a chart's series are all present.
    public internal(set) var events: [String: Int64]

    init(date: String, generated: Int64) {
        self.date = date
        self.generated = generated
        events = Dictionary(uniqueKeysWithValues: AdEventType.allCases.map { ($0.rawValue, 0) })
    }
}

/// `GET /api/v1/analytics`: a user's (or one of their brands') images generated in the period
/// and what became of them, per archetype and per workflow, and a daily series.
public struct UserReport: Sendable, Equatable, Encodable {
    public let from: Date
    public let to: Date
    public let brandID: UUID?
    public let totals: ActionCounts
    public let archetypes: [ArchetypeStats]
    public let workflows: [WorkflowStats]
    public let daily: [DailyActivity]

    enum CodingKeys: String, CodingKey {
        case from, to, totals, archetypes, workflows, daily
        case brandID = "brand_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encodeID(brandID, forKey: .brandID)
        try container.encode(totals, forKey: .totals)
        try container.encode(archetypes, forKey: .archetypes)
        try container.encode(workflows, forKey: .workflows)
        try container.encode(daily, forKey: .daily)
    }
}
