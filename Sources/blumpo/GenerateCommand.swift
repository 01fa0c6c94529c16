import App
import ArgumentParser
import Billing
import Brands
import Core
import Database
import Foundation
import Generation
import Imaging
import Library
import Logging
import PostgresNIO
import Storage
import TaskQueue

/// `blumpo generate URL`: the product end to end on this machine — brand kit, job, ads on disk.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Turn a website into ads: extract the brand, run a generation job, write the ads to a folder.")

    @Argument(help: "The website, e.g. https://example.com") var url: String
    @Option(help: "Archetype: problem_solution, testimonial, competitor_comparison, promotion_offer, value_proposition, meme, or random.")
    var archetype: String = "value_proposition"
    @Option(help: "Comma-separated formats: square, portrait, story, landscape, widescreen.") var formats: String = "square"
    @Option(help: "Where to write the ads.") var out: String = "ads"
    @Option(help: "Seed for templates and phrasing (random when omitted).") var seed: UInt64?
    @Option(help: "The local account that owns the brand and pays the tokens.") var email = "local@blumpo.localhost"
    @Flag(help: "Crawl the website again even if the brand was extracted before.") var refresh = false
    @Option(help: "Also write a contact sheet of the job's ads (PNG): one row per idea, one column per format.") var sheet: String?

    func run() async throws {
        let runtime = try await Runtime.start("generate")
        try await runtime.requireCurrentSchema(migrate: true, seed: true)
        guard let websiteURL = WebsiteURL.normalize(url) else {
            printError("blumpo: \(url) is not an http(s) website address")
            throw ExitCode(2)
        }
        let services = try AppServices(configuration: runtime.configuration, logger: runtime.logger)
        let work = try BackgroundWork(configuration: runtime.configuration, logger: runtime.logger, services: services)
        let formatList = formats.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        try await runtime.run {
            try await withClient(runtime.database.endpoint, logger: runtime.logger) { client in
                let (brandID, isNew) = try await BrandCommand.Extract.localBrand(
                    websiteURL, email: email, services: services, client: client, logger: runtime.logger)
                let brand = try await client.withConnection { try await BrandStore().find(brandID, on: $0, logger: runtime.logger) }
                if isNew || refresh || brand?.websiteDataURL == nil {
                    printError("extracting the brand kit of \(websiteURL)")
                    try await services.extraction.runInline(brandID, adoptName: isNew, adoptLanguage: isNew, client: client, logger: runtime.logger) { progress in
                        if case .step(let step, let error, _) = progress { printError("  \(error == nil ? "✓" : "✗") \(step.rawValue)\(error.map { ": \($0)" } ?? "")") }
                    }
                }
                guard let userID = brand?.userID else { throw ExitCode.failure }
                let jobs = JobService(client: client, blobs: services.blobs)
                var request = CreateJobRequest(brandID: brandID.uuidString, archetypeCode: archetype == "random" ? nil : archetype, formats: formatList)
                request.archetypeMode = archetype == "random" ? "random" : "single"
                if let seed { var params = CreateJobRequest.Params(); params.seed = seed; request.params = params }
                let created = try await createPaying(request, userID: userID, jobs: jobs, client: client, logger: runtime.logger)
                let job = created.detail.job
                printError("job \(job.id.uuidString.lowercased()): \(job.expectedAds ?? 0) ad(s) for \(job.tokensCost ?? 0) tokens")
                let detail = try await withRunningServices([work.worker(client: client, logger: runtime.logger)], logger: runtime.logger) {
                    try await follow(job.id, userID: userID, jobs: jobs, logger: runtime.logger)
                }
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                var files: [UUID: Data] = [:]
                for image in detail.images {
                    guard let key = try? BlobKey(image.storageKey), let data = try await services.blobs.get(key) else { continue }
                    files[image.id] = data
                    let variant = detail.variants.first { $0.adImageID == image.id }
                    let ext = key.path.split(separator: ".").last.map(String.init) ?? "webp"
                    let path = "\(out)/\(variant?.archetypeCode ?? "ad")-\(variant?.format ?? "image")-\(image.id.uuidString.prefix(8).lowercased()).\(ext)"
                    try data.write(to: URL(fileURLWithPath: path))
                    print(path)
                }
                if let sheet {
                    try writeSheet(detail, files: files, formats: job.formats ?? formatList, to: sheet)
                }
                let refund = try await client.withConnection { connection in
                    try await TokenLedger().entry(reason: .jobRefund, referenceID: "job:\(job.id.uuidString.lowercased())", on: connection, logger: runtime.logger)?.delta ?? 0
                }
                printError("\(detail.job.status.rawValue): \(detail.images.count) of \(detail.variants.count) ad(s); charged \(job.tokensCost ?? 0), refunded \(refund)")
                if detail.job.status == .failed { throw ExitCode.failure }
            }
        }
    }

    /// Creates the job; a local account short of tokens is granted what it lacks first
    /// (an `ADMIN_ADJUST` ledger row), since this command runs on the operator's own machine.
    func createPaying(_ request: CreateJobRequest, userID: UUID, jobs: JobService, client: PostgresClient, logger: Logger) async throws -> JobService.Created {
        do {
            return try await jobs.create(userID: userID, request: request, idempotencyKey: nil, logger: logger)
        } catch AppError.insufficientTokens(let price, let balance) {
            let grant = price - balance
            try await client.withConnection { connection in
                _ = try await TokenLedger().apply(
                    userID: userID, delta: grant, reason: .adminAdjust, referenceID: "local-grant:\(UUID().uuidString.lowercased())", on: connection, logger: logger)
            }
            printError("granted \(grant) tokens to the local account")
            return try await jobs.create(userID: userID, request: request, idempotencyKey: nil, logger: logger)
        } catch let error as AppError {
            printError("blumpo: \(error.detail)")
            throw ExitCode(2)
        }
    }

    /// The job's ads in variant order, one row per idea (as many ads as formats).
    func writeSheet(_ detail: JobDetail, files: [UUID: Data], formats: [String], to path: String) throws {
        let ads = detail.variants.sorted { $0.position < $1.position }.map { $0.adImageID.flatMap { files[$0] } }
        let perRow = max(1, formats.count)
        let rows = stride(from: 0, to: ads.count, by: perRow).map { Array(ads[$0..<min($0 + perRow, ads.count)]).compactMap { $0 } }
        try ContactSheet.make(rows: rows.filter { !$0.isEmpty }).write(to: URL(fileURLWithPath: path))
        printError("contact sheet: \(path)")
    }

    /// Prints each variant as it ends; returns the finished job.
    func follow(_ jobID: UUID, userID: UUID, jobs: JobService, logger: Logger) async throws -> JobDetail {
        var reported: Set<UUID> = []
        while true {
            let detail = try await jobs.detail(jobID, userID: userID, logger: logger)
            for variant in detail.variants where !variant.status.isOpen && !reported.contains(variant.id) {
                reported.insert(variant.id)
                let mark = variant.status == .succeeded ? "✓" : "✗"
                printError("  \(mark) \(variant.archetypeCode) \(variant.format)\(variant.error.map { ": \($0)" } ?? "")  [\(reported.count)/\(detail.variants.count)]")
            }
            if detail.job.completedAt != nil { return detail }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
