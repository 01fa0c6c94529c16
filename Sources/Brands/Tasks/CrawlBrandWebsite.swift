import Database
import Fetching
public import Foundation
public import Logging
public import PostgresNIO
public import TaskQueue

/// Crawls a brand's website into its snapshot, then queues the extraction steps.
public struct CrawlBrandWebsite: TaskHandler {
    public static let kind = "brand.crawl"

    public struct Payload: Codable, Sendable {
        public let brandID: UUID
        /// Replace the brand's name / language with the site's own (the user gave none).
        public let adoptName: Bool
        public let adoptLanguage: Bool
        /// The steps to queue after the crawl.
        public let steps: [ExtractionStep]

        enum CodingKeys: String, CodingKey {
            case brandID = "brand_id", adoptName = "adopt_name", adoptLanguage = "adopt_language", steps
        }
    }

    let extraction: BrandExtraction
    public let options = TaskKindOptions(maxAttempts: 3, lease: .seconds(90), concurrency: 4, baseBackoff: .seconds(5))

    public init(extraction: BrandExtraction) { self.extraction = extraction }

    /// The task that starts a full extraction of a brand.
    public static func task(_ payload: Payload, owner: UUID) throws -> NewTask {
        try NewTask(kind: kind, payload: payload, uniqueKey: "brand.crawl:\(payload.brandID.uuidString.lowercased())", owner: owner.uuidString.lowercased())
    }

    public func run(_ payload: Payload, context: TaskContext) async throws {
        do {
            try await extraction.crawl(payload.brandID, adoptName: payload.adoptName, adoptLanguage: payload.adoptLanguage, client: context.client, logger: context.logger)
        } catch let error as FetchError {
            switch error {
            case .timedOut, .transport, .unresolvable: throw error
            case .httpStatus(let status, _) where status >= 500 || status == 429: throw error
            default: throw PermanentTaskError("\(error)")
            }
        } catch ExtractionError.brandGone {
            throw PermanentTaskError("\(ExtractionError.brandGone)")
        }
        try await context.client.transaction(logger: context.logger) { connection in
            try await TaskStore().enqueue(
                try RunExtractionStep.tasks(brandID: payload.brandID, steps: payload.steps, owner: context.owner),
                on: connection, logger: context.logger)
        }
    }

    public func finalFailure(_ payload: Payload, error: String, taskID: Int64, connection: PostgresConnection, logger: Logger) async throws {
        try await BrandStore().failPending(payload.brandID, crawlError: error, on: connection, logger: logger)
    }
}
