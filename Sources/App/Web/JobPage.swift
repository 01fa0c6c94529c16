import Billing
import Hummingbird
import Core
import PostgresNIO
import Brands
import Accounts
import Foundation
import Generation
import Library

/// What the job page shows: progress, and the ads to review (the ones not yet decided on).
enum JobPage {
    static func context(_ detail: JobDetail) -> [String: Any] {
        let job = detail.job
        let (done, expected) = detail.progress
        let undecided = detail.images.filter { !$0.isSaved }
        var page: [String: Any] = [
            "id": job.id.uuidString.lowercased(), "label": "Ads · \(WebPages.words(job.archetypeCode ?? "random"))",
            "status": job.status.rawValue.lowercased(), "finished": job.completedAt == nil ? "false" : "true",
            "done": done, "expected": expected, "percent": expected > 0 ? 100 * done / expected : 0,
            "images": undecided.map { image -> [String: Any] in
                [
                    "id": image.id.uuidString.lowercased(), "url": image.publicURL ?? "", "width": image.width ?? 1080, "height": image.height ?? 1080,
                    "alt": LibraryPage.alt(image), "caption": LibraryPage.caption(image),
                ]
            },
        ]
        // Mustache shows a section for any present value, even an empty text.
        if let error = job.errorMessage { page["error"] = error }
        return page
    }
}
