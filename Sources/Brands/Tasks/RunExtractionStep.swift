public import Foundation
public import Logging
public import PostgresNIO
public import TaskQueue

/// Runs one extraction step (fonts, colors, logo, hero or insights) from the stored snapshot.
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

    public func run(_ payload: Payload, context: TaskContext) async throws {
        do {
            try await extraction.run(payload.step, brandID: payload.brandID, client: context.client, logger: context.logger)
        } catch ExtractionError.brandGone {
            throw PermanentTaskError("\(ExtractionError.brandGone)")
        }
    }

    public func finalFailure(_ payload: Payload, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws {
        try await BrandStore().finishStep(payload.brandID, payload.step, error: error, on: connection, logger: logger)
    }
}
