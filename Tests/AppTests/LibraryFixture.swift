import Foundation
import PostgresNIO
import TestSupport

/// Images in a user's library without running generation: a brand, a succeeded job, one
/// variant per image, the `ad_image` rows, and each file in the local blob store under the
/// app's data directory (so downloads, shares and the purge touch real files).
struct LibraryFixture {
    struct Image {
        let id: UUID
        let key: String
        let bytes: Data
        let archetype: String
        let format: String
    }

    let brandID: UUID
    let jobID: UUID
    let images: [Image]

    /// `specs` are (archetype, format) pairs; images are created one second apart, oldest first.
    static func seed(
        _ db: TestDatabase, userID: UUID, dataDirectory: String, brandName: String = "Kettle & Co.",
        specs: [(String, String)] = [("problem_solution", "square"), ("problem_solution", "story"), ("testimonial", "square")]
    ) async throws -> LibraryFixture {
        let brandID = UUID()
        let jobID = UUID()
        try await db.execute(
            "INSERT INTO brand (id, user_id, name, website_url) VALUES (\(brandID), \(userID), \(brandName), 'https://kettle.example')")
        try await db.execute(
            """
            INSERT INTO generation_job (id, user_id, brand_id, status, started_at, completed_at, archetype_code)
            VALUES (\(jobID), \(userID), \(brandID), 'SUCCEEDED', now() - interval '1 minute', now(), 'problem_solution')
            """)
        var images: [Image] = []
        for (index, (archetype, format)) in specs.enumerated() {
            let id = UUID()
            let key = "users/\(userID.uuidString.lowercased())/jobs/\(jobID.uuidString.lowercased())/\(id.uuidString.lowercased()).webp"
            let bytes = Data("RIFF-fixture-\(id)".utf8)
            let file = URL(fileURLWithPath: dataDirectory + "/blobs/" + key)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try bytes.write(to: file)
            let workflowID = try await db.one(
                "SELECT id FROM ad_workflow WHERE archetype_code = \(archetype) ORDER BY created_at LIMIT 1", as: UUID.self)
            try await db.execute(
                """
                INSERT INTO generation_variant (id, job_id, position, archetype_code, workflow_id, workflow_uid, format, status, ad_image_id)
                VALUES (\(id), \(jobID), \(index), \(archetype), \(workflowID), \("builtin:" + archetype), \(format), 'SUCCEEDED', NULL)
                """)
            try await db.execute(
                """
                INSERT INTO ad_image (id, job_id, user_id, brand_id, created_at, title, storage_key, public_url, bytes_size, width, height, format,
                                      archetypes, workflow_id, variant_id)
                VALUES (\(id), \(jobID), \(userID), \(brandID), now() - make_interval(secs => \(Double(specs.count - index))), 'ad', \(key),
                        \("http://127.0.0.1:8080/blobs/" + key), \(Int64(bytes.count)), 1080, 1080, 'WEBP', \([archetype]), \(workflowID), \(id))
                """)
            images.append(Image(id: id, key: key, bytes: bytes, archetype: archetype, format: format))
        }
        return LibraryFixture(brandID: brandID, jobID: jobID, images: images)
    }
}

extension TestDatabase {
    /// The events of one image, as `type/source` strings in order.
    func events(of imageID: UUID) async throws -> [String] {
        try await client.query(
            "SELECT event_type || '/' || event_source FROM ad_event WHERE ad_image_id = \(imageID) ORDER BY id", logger: logger
        ).collect().map { try $0.decode(String.self) }
    }
}
