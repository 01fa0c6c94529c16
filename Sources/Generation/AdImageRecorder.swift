import Database
import Foundation
import Imaging
import Library
import Logging
import PostgresNIO
import Storage

/// Keeps a variant's finished ad, whoever made it (the built-in renderer or an external
/// workflow): the file under `users/<uid>/jobs/<job>/<variant id>.<ext>`, then in one
/// transaction the `ad_image` row, the variant's end and — if it was the last open one — the
/// job's settlement. The image id is the variant id, so a retry overwrites rather than doubles.
struct AdImageRecorder {
    let blobs: any BlobStore
    let images = AdImageStore()
    let variants = VariantStore()

    struct VariantEnded: Error {}

    /// False (and the file removed) when the variant had already ended, e.g. by the sweep.
    func record(
        _ data: Data, format: ImageFormat, width: Int, height: Int, variant: GenerationVariant, job: GenerationJob, copyJSON: String,
        preflightJSON: String, title: String, client: PostgresClient, logger: Logger
    ) async throws -> Bool {
        let key = try BlobKey.adImage(
            userID: job.userID.uuidString, jobID: job.id.uuidString, imageID: variant.id.uuidString, fileExtension: format.fileExtension)
        let url = try await blobs.put(data, key: key, contentType: format.contentType)
        do {
            try await client.transaction(logger: logger) { connection in
                let image = AdImageStore.NewImage(
                    id: variant.id, jobID: job.id, userID: job.userID, brandID: job.brandID, workflowID: variant.workflowID,
                    archetype: variant.archetypeCode, key: key.path, url: url, bytes: data.count, width: width, height: height,
                    format: format.rawValue, copyJSON: copyJSON, preflightJSON: preflightJSON, title: title)
                try await images.insert(image, on: connection, logger: logger)
                guard try await variants.finish(variant.id, status: .succeeded, imageID: variant.id, on: connection, logger: logger) else {
                    throw VariantEnded()
                }
                try await JobSettlement().finishIfDone(job.id, on: connection, logger: logger)
            }
            return true
        } catch is VariantEnded {
            try? await blobs.delete(key)
            return false
        }
    }
}
