import Brands
import Core
import Database
public import Foundation
import Imaging
public import LLM
public import Logging
public import PostgresNIO
public import Storage
import TaskQueue

/// Produces one variant's ad: copy, render, store, record — and settles the job when it was
/// the last open variant, in the transaction that records the image.
public struct VariantRunner: Sendable {
    let blobs: any BlobStore
    let renderer: any AdRenderer
    let n8n: N8NRunner?
    /// Writes the copy when configured; templates otherwise.
    let llm: (any LLMClient)?
    let jobs = JobStore()
    let variants = VariantStore()

    public init(blobs: any BlobStore, renderer: any AdRenderer = BuiltinRenderer(), n8n: N8NRunner? = nil, llm: (any LLMClient)? = nil) {
        self.blobs = blobs
        self.renderer = renderer
        self.n8n = n8n
        self.llm = llm
    }

    func copy(
        archetype: String, brandName: String, insights: InsightFields?, job: GenerationJob, format: AdFormat, seed: UInt64, logger: Logger
    ) async -> AdCopy {
        let inputs = Self.strings(job.archetypeInputs)
        let painPoints = job.selectedPainPoints ?? []
        if let llm {
            return await LLMCopyWriter(client: llm).write(
                archetype: archetype, brandName: brandName, insights: insights, painPoints: painPoints, inputs: inputs, formatCode: format.code,
                seed: seed, logger: logger)
        }
        return CopyWriter().write(
            archetype: archetype, brandName: brandName, insights: insights, painPoints: painPoints, inputs: inputs, formatCode: format.code, seed: seed)
    }

    public func run(_ variantID: UUID, client: PostgresClient, logger: Logger) async throws {
        let started = try await client.transaction(logger: logger) { connection -> (GenerationVariant, GenerationJob)? in
            guard let variant = try await variants.start(variantID, on: connection, logger: logger) else {
                // The job was cancelled or ended while this variant waited: nothing to make.
                if let waiting = try await variants.variant(variantID, on: connection, logger: logger), waiting.status == .queued {
                    try await variants.finish(variantID, status: .skipped, on: connection, logger: logger)
                    try await JobSettlement().finishIfDone(waiting.jobID, on: connection, logger: logger)
                }
                return nil
            }
            try await jobs.markRunning(variant.jobID, on: connection, logger: logger)
            guard let job = try await jobs.job(variant.jobID, on: connection, logger: logger) else { return nil }
            return (variant, job)
        }
        guard let (variant, job) = started else { return }
        guard let format = AdFormat(parsing: variant.format) else { throw PermanentTaskError("unknown format \(variant.format)") }
        switch WorkflowRunnerKind(uid: variant.workflowUID) {
        case .n8n(let path):
            try await startExternal(variant, job: job, path: path, format: format, client: client, logger: logger)
            return
        case .builtin:
            break
        case nil:
            throw PermanentTaskError("workflow \(variant.workflowUID) has no runner here")
        }
        let customPhotos = job.productPhotoMode == .brand ? [] : (job.productPhotoURLs ?? [])
        guard let brandID = job.brandID, let (kit, insights) = try await BrandKitLoader(blobs: blobs).load(brandID, productPhotos: customPhotos, client: client, logger: logger)
        else { throw PermanentTaskError("the job's brand no longer exists") }

        let params = JobParams(stored: job.params)
        let seed = params.seed(position: variant.position, total: job.expectedAds ?? 0)
        if let missing = CopyWriter.missingGrounds(archetype: variant.archetypeCode, insights: insights, inputs: Self.strings(job.archetypeInputs)) {
            // The pages changed since the job was planned: no ad rather than an untrue one.
            throw PermanentTaskError("\(missing.field) \(missing.reason)")
        }
        let copy = await copy(archetype: variant.archetypeCode, brandName: kit.name, insights: insights, job: job, format: format, seed: seed, logger: logger)
        let ad: RenderedAd
        do {
            ad = try await renderer.render(
                RenderRequest(
                    archetype: variant.archetypeCode, format: format, kit: kit, copy: copy, seed: seed, output: params.outputFormat.imageFormat,
                    quality: params.quality))
        } catch let error as RenderError {
            // Rendering is deterministic: the same inputs would fail the same way again.
            throw PermanentTaskError("\(error)")
        }

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let copyJSON = String(decoding: try encoder.encode(copy), as: UTF8.self)
        var preflight = try JSONSerialization.jsonObject(with: try encoder.encode(ad.preflight)) as? [String: Any] ?? [:]
        preflight["template"] = ad.template.rawValue
        let preflightJSON = String(decoding: try JSONSerialization.data(withJSONObject: preflight, options: [.sortedKeys]), as: UTF8.self)
        let recorded = try await AdImageRecorder(blobs: blobs).record(
            ad.data, format: ad.format, width: ad.width, height: ad.height, variant: variant, job: job, copyJSON: copyJSON,
            preflightJSON: preflightJSON, title: "\(kit.name) · \(variant.archetypeCode.replacingOccurrences(of: "_", with: " ")) · \(format.code)",
            client: client, logger: logger)
        if !recorded {
            // The sweep ended this variant while it rendered; its outcome (and refund) stands.
            logger.info("variant ended before its image was recorded", metadata: ["variant.id": "\(variant.id)"])
        }
    }

    /// Hands the variant to n8n; it stays running until the signed callback or its deadline.
    func startExternal(_ variant: GenerationVariant, job: GenerationJob, path: String, format: AdFormat, client: PostgresClient, logger: Logger) async throws {
        guard let n8n else { throw PermanentTaskError("workflow \(variant.workflowUID) needs n8n, and N8N_BASE_URL is not set") }
        let loaded = try await client.withConnection { connection -> (Brand, InsightFields?, String)? in
            guard let brandID = job.brandID, let (brand, insights) = try await BrandStore().findWithInsights(brandID, on: connection, logger: logger)
            else { return nil }
            let secret = try await jobs.callbackSecret(job.id, creatingIfMissing: true, on: connection, logger: logger) ?? ""
            try await variants.setCallbackDeadline(variant.id, after: n8n.settings.deadline, on: connection, logger: logger)
            return (brand, insights, secret)
        }
        guard let (brand, insights, secret) = loaded else { throw PermanentTaskError("the job's brand no longer exists") }
        if let missing = CopyWriter.missingGrounds(archetype: variant.archetypeCode, insights: insights, inputs: Self.strings(job.archetypeInputs)) {
            throw PermanentTaskError("\(missing.field) \(missing.reason)")
        }
        let seed = JobParams(stored: job.params).seed(position: variant.position, total: job.expectedAds ?? 0)
        let copy = await copy(archetype: variant.archetypeCode, brandName: brand.name, insights: insights, job: job, format: format, seed: seed, logger: logger)
        try await n8n.start(
            path: path, variant: variant, job: job, brand: brand, insights: insights, copy: copy,
            format: format, secret: secret, logger: logger)
    }

    /// Marks a variant failed for good and settles the job if it was the last open one.
    public static func fail(_ variantID: UUID, error: String, on connection: PostgresConnection, logger: Logger) async throws {
        let store = VariantStore()
        guard let variant = try await store.variant(variantID, on: connection, logger: logger) else { return }
        try await store.finish(variantID, status: .failed, error: String(error.prefix(500)), on: connection, logger: logger)
        try await JobSettlement().finishIfDone(variant.jobID, on: connection, logger: logger)
    }

    static func strings(_ value: JSONValue?) -> [String: String] {
        guard case .object(let object) = value else { return [:] }
        return object.compactMapValues { if case .string(let text) = $0 { text } else { nil } }
    }
}
