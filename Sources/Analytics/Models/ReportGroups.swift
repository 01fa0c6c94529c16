import Core
public import Foundation

/// One archetype's images in the period and what became of them, with the archetype's rank
/// score `(saved + downloaded) / generated`.
public struct ArchetypeStats: Sendable, Equatable, Encodable {
    /// Nil for images made before archetypes were recorded on images.
    public let archetypeCode: String?
    public internal(set) var counts: ActionCounts

    public var keepScore: Double { counts.keepScore }

    enum CodingKeys: String, CodingKey {
        case archetypeCode = "archetype_code"
        case keepScore = "keep_score"
    }

    public func encode(to encoder: any Encoder) throws {
        try counts.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(archetypeCode, forKey: .archetypeCode)
        try container.encode(keepScore, forKey: .keepScore)
    }
}

/// One workflow's images in the period and what became of them.
public struct WorkflowStats: Sendable, Equatable, Encodable {
    /// Nil for images whose workflow was removed (the link is set null).
    public let workflowID: UUID?
    public let workflowUID: String?
    public let archetypeCode: String?
    public internal(set) var counts: ActionCounts

    public var keepScore: Double { counts.keepScore }

    enum CodingKeys: String, CodingKey {
        case workflowID = "workflow_id"
        case workflowUID = "workflow_uid"
        case archetypeCode = "archetype_code"
        case keepScore = "keep_score"
    }

    public func encode(to encoder: any Encoder) throws {
        try counts.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeID(workflowID, forKey: .workflowID)
        try container.encode(workflowUID, forKey: .workflowUID)
        try container.encode(archetypeCode, forKey: .archetypeCode)
        try container.encode(keepScore, forKey: .keepScore)
    }
}

/// A row of the cohort query: the images of one (archetype, workflow) pair. Pairs are
/// disjoint, so summing rows gives per-archetype, per-workflow and overall figures.
public struct CohortRow: Sendable, Equatable {
    public let archetypeCode: String?
    public let workflowID: UUID?
    public let workflowUID: String?
    public let counts: ActionCounts
}

extension [CohortRow] {
    /// Every image once.
    var totals: ActionCounts {
        reduce(into: ActionCounts()) { $0.add($1.counts) }
    }

    /// Per archetype, best kept first (then most generated, then by code).
    var archetypes: [ArchetypeStats] {
        var groups: [String?: ActionCounts] = [:]
        for row in self { groups[row.archetypeCode, default: ActionCounts()].add(row.counts) }
        return groups.map { ArchetypeStats(archetypeCode: $0.key, counts: $0.value) }.sorted {
            ($0.keepScore, $0.counts.generated, $1.archetypeCode ?? "") > ($1.keepScore, $1.counts.generated, $0.archetypeCode ?? "")
        }
    }

    /// Per workflow, best kept first (then most generated, then by uid).
    var workflows: [WorkflowStats] {
        var groups: [UUID?: WorkflowStats] = [:]
        for row in self {
            groups[row.workflowID, default: WorkflowStats(
                workflowID: row.workflowID, workflowUID: row.workflowUID, archetypeCode: row.archetypeCode, counts: ActionCounts())
            ].counts.add(row.counts)
        }
        return groups.values.sorted {
            ($0.keepScore, $0.counts.generated, $1.workflowUID ?? "") > ($1.keepScore, $1.counts.generated, $0.workflowUID ?? "")
        }
    }
}
