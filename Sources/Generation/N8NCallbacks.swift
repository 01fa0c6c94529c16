import Brands
import Core
import Database
public import Fetching
import Foundation
import Imaging
public import Logging
public import PostgresNIO
import Signing
public import Storage

/// `POST /api/v1/workflows/callback`: an external workflow reports its variant's outcome.
///
/// The body is verified with the job's secret (`X-Blumpo-Signature`, five-minute window);
/// unknown variants are 404, a bad or foreign signature 401, a variant that already ended
/// (a replay, a late call) 409. Image URLs are fetched under the SSRF rules; every image is
/// decoded and re-encoded before it is stored.
public struct N8NCallbacks: Sendable {
    let client: PostgresClient
    let blobs: any BlobStore
    let fetcher: SafeFetcher
    let jobs = JobStore()
    let variants = VariantStore()

    public init(client: PostgresClient, blobs: any BlobStore, fetcher: SafeFetcher) {
        self.client = client
        self.blobs = blobs
        self.fetcher = fetcher
    }

    struct Callback: Decodable {
        struct Image: Decodable {
            let url: String?
            let base64: String?
            let width: Int?
            let height: Int?
            let format: String?
        }
        let variantID: String
        let status: String
        let images: [Image]?
        let error: String?
        enum CodingKeys: String, CodingKey { case status, images, error, variantID = "variant_id" }
    }

    public func handle(body: [UInt8], signature: String?, logger: Logger) async throws {
        guard let callback = try? JSONDecoder().decode(Callback.self, from: Data(body)), let variantID = UUID(uuidString: callback.variantID) else {
            throw AppError.badRequest(code: "CALLBACK_INVALID", detail: "The body must be {variant_id, status, images, error?}.")
        }
        let found = try await client.withConnection { connection -> (GenerationVariant, GenerationJob, String?)? in
            guard let variant = try await variants.variant(variantID, on: connection, logger: logger),
                let job = try await jobs.job(variant.jobID, on: connection, logger: logger)
            else { return nil }
            let secret = try await jobs.callbackSecret(job.id, creatingIfMissing: false, on: connection, logger: logger)
            return (variant, job, secret)
        }
        guard let (variant, job, secret) = found, case .n8n = WorkflowRunnerKind(uid: variant.workflowUID) else { throw AppError.notFound("Variant") }
        guard let secret, let signature else { throw AppError.unauthorized(code: "SIGNATURE_INVALID", detail: "The callback signature is missing.") }
        do {
            try TimestampedSignature(secret: secret).verify(payload: body, header: signature)
        } catch {
            throw AppError.unauthorized(code: "SIGNATURE_INVALID", detail: "The callback signature does not verify.")
        }
        guard variant.status.isOpen else {
            throw AppError.conflict(code: "VARIANT_FINISHED", detail: "This variant already ended (\(variant.status.rawValue)).")
        }
        guard callback.status.lowercased() == "succeeded", let first = callback.images?.first else {
            try await fail(variant, error: callback.error ?? "the workflow reported \(callback.status)", logger: logger)
            return
        }
        let image: EncodedImage
        do {
            let data = try await bytes(of: first)
            let output = JobParams(stored: job.params).outputFormat.imageFormat
            let format = AdFormat(parsing: variant.format) ?? .square
            image = try await ImageCodec.reencode(data, maxWidth: format.width, maxHeight: format.height, as: output)
        } catch {
            try await fail(variant, error: "the workflow's image was refused: \(error)", logger: logger)
            throw AppError.validation(["images": "could not be used: \(error)"])
        }
        let recorded = try await AdImageRecorder(blobs: blobs).record(
            image.data, format: image.format, width: image.width, height: image.height, variant: variant, job: job, copyJSON: "null",
            preflightJSON: #"{"external": true}"#, title: "\(variant.archetypeCode.replacingOccurrences(of: "_", with: " ")) · \(variant.format)",
            client: client, logger: logger)
        guard recorded else { throw AppError.conflict(code: "VARIANT_FINISHED", detail: "This variant already ended.") }
        logger.info("workflow callback stored an image", metadata: ["variant.id": "\(variant.id)"])
    }

    func bytes(of image: Callback.Image) async throws -> Data {
        if let base64 = image.base64 {
            guard let data = Data(base64Encoded: base64) else { throw ImageError("invalid base64") }
            return data
        }
        guard let url = image.url else { throw ImageError("an image needs a url or base64") }
        return try await fetcher.fetch(url, limits: .image).body
    }

    func fail(_ variant: GenerationVariant, error: String, logger: Logger) async throws {
        try await client.transaction(logger: logger) { connection in
            try await VariantRunner.fail(variant.id, error: error, on: connection, logger: logger)
        }
    }
}
