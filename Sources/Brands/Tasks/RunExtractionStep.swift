public import Foundation
public import Logging
public import PostgresNIO
public import TaskQueue

/// Runs one extraction step (fonts, colors, logo, hero, insights or reddit).
public struct RunExtractionStep: TaskHandler {
    public static let kind = "brand.extract"

    public struct Payload: Codable, Sendable {
        public let brandID: UUID
        public let step: ExtractionStep

        enum CodingKeys: String, CodingKey {
            case brandID = "brand_id", step
        }
    }

    let extraction: BrandExtraction
    public let options = TaskKindOptions(maxAttempts: 3, lease: .seconds(120), concurrency: 4, baseBackoff: .seconds(3))

    public init(extraction: BrandExtraction) { self.extraction = extraction }

    public static func task(brandID: UUID, step: ExtractionStep, owner: String?) throws -> NewTask {
        try NewTask(
            kind: kind, payload: Payload(brandID: brandID, step: step),
            uniqueKey: "brand.extract:\(brandID.uuidString.lowercased()):\(step.rawValue)", owner: owner)
    }

    /// The tasks for `steps`. Reddit searches with what insights found, so when both are asked
    /// for, the insights step queues reddit when it ends (see `queueRedditIfWaiting`).
    public static func tasks(brandID: UUID, steps: [ExtractionStep], owner: String?) throws -> [NewTask] {
        let now = steps.contains(.insights) ? steps.filter { $0 != .reddit } : steps
        return try now.map { try task(brandID: brandID, step: $0, owner: owner) }
    }

    public func run(_ payload: Payload, context: TaskContext) async throws {
        do {
            try await extraction.run(payload.step, brandID: payload.brandID, client: context.client, logger: context.logger)
        } catch ExtractionError.brandGone {
            throw PermanentTaskError("\(ExtractionError.brandGone)")
        }
        if payload.step == .insights {
            try await context.client.withConnection { try await Self.queueRedditIfWaiting(payload.brandID, owner: context.owner, on: $0, logger: context.logger) }
        }
    }

    public func finalFailure(_ payload: Payload, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws {
        try await BrandStore().finishStep(payload.brandID, payload.step, error: error, on: connection, logger: logger)
        // Reddit can still search for the brand's name when insights failed for good.
        if payload.step == .insights { try await Self.queueRedditIfWaiting(payload.brandID, owner: nil, on: connection, logger: logger) }
    }

    /// Queues the reddit step when it is pending (reset with insights, waiting for it).
    static func queueRedditIfWaiting(_ brandID: UUID, owner: String?, on connection: PostgresConnection, logger: Logger) async throws {
        guard try await BrandStore().status(brandID, on: connection, logger: logger)?.steps[.reddit]?.status == .pending else { return }
        try await TaskStore().enqueue([try task(brandID: brandID, step: .reddit, owner: owner)], on: connection, logger: logger)
    }
}
