public import Foundation
public import Logging
public import PostgresNIO

extension BrandExtraction {
    /// What finished, for progress displays.
    public enum Progress: Sendable {
        case crawled(pages: Int, duration: Duration)
        case step(ExtractionStep, error: String?, duration: Duration)
        /// The step could not run by configuration (Reddit without credentials).
        case skipped(ExtractionStep, reason: String)
    }

    /// The whole pipeline in this process, without the queue (the `blumpo brand extract`
    /// command): crawl, then the website steps in parallel, then reddit. A step that throws is recorded as
    /// failed, as the queue's final-failure hook would.
    public func runInline(
        _ brandID: UUID, adoptName: Bool, adoptLanguage: Bool, client: PostgresClient, logger: Logger,
        progress: @escaping @Sendable (Progress) -> Void
    ) async throws {
        let started = ContinuousClock.now
        let snapshot: WebsiteSnapshot
        do {
            snapshot = try await crawl(brandID, adoptName: adoptName, adoptLanguage: adoptLanguage, client: client, logger: logger)
        } catch {
            try await client.withConnection { try await brands.failPending(brandID, crawlError: "\(error)", on: $0, logger: logger) }
            throw error
        }
        progress(.crawled(pages: snapshot.pages.count, duration: ContinuousClock.now - started))
        try await client.withConnection { try await brands.resetSteps(brandID, ExtractionStep.allCases, on: $0, logger: logger) }
        @Sendable func runStep(_ step: ExtractionStep) async {
            let stepStarted = ContinuousClock.now
            var failure: String?
            do {
                try await run(step, brandID: brandID, client: client, logger: logger)
                let state = try await client.withConnection { try await brands.status(brandID, on: $0, logger: logger) }?.steps[step]
                if state?.status == .skipped { return progress(.skipped(step, reason: state?.error ?? "")) }
                failure = state?.error
            } catch {
                failure = "\(error)"
                try? await client.withConnection { try await brands.finishStep(brandID, step, error: "\(error)", on: $0, logger: logger) }
            }
            progress(.step(step, error: failure, duration: ContinuousClock.now - stepStarted))
        }
        await withTaskGroup(of: Void.self) { group in
            for step in ExtractionStep.allCases where step != .reddit {
                group.addTask { await runStep(step) }
            }
        }
        // Reddit searches with what the insights step found.
        await runStep(.reddit)
    }
}
