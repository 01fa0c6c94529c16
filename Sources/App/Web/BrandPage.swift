import Billing
import Hummingbird
import Core
import PostgresNIO
import Library
import Generation
import Accounts
import Brands
import Foundation

/// What the brand-kit page shows: each step's state, and the values found.
enum BrandPage {
    static func context(_ detail: BrandService.Detail, firstRun: Bool) -> [String: Any] {
        let brand = detail.brand
        let steps = ExtractionStep.allCases.map { step -> [String: Any] in
            let state = detail.extractionStatus?.steps[step]
            var item: [String: Any] = ["step": step.rawValue, "label": step.rawValue.capitalized, "status": (state?.status ?? .pending).rawValue]
            if let error = state?.error { item["error"] = error }
            return item
        }
        let extracting = (detail.extractionStatus?.overall ?? "pending") == "pending"
        var page: [String: Any] = [
            "id": brand.id.uuidString.lowercased(), "name": brand.name, "url": brand.websiteURL, "steps": steps,
            "extracting": extracting, "extractingFlag": extracting ? "true" : "false", "firstRun": firstRun,
            "hasColors": !(brand.colors ?? []).isEmpty, "colors": (brand.colors ?? []).map { ["hex": $0] },
            "hasFonts": !(brand.fonts ?? []).isEmpty, "fonts": (brand.fonts ?? []).map(\.fontFamily),
            "hasPhotos": !(brand.photos ?? []).isEmpty, "photos": Array((brand.photos ?? []).prefix(12)),
        ]
        if let logo = brand.logoURL { page["logo"] = logo }
        if let fields = detail.insights?.fields {
            let pains = fields.customerPainPoints ?? []
            var insights: [String: Any] = ["hasPainPoints": !pains.isEmpty, "painPoints": pains]
            if let description = fields.productDescription, !description.isEmpty { insights["description"] = description }
            page["insights"] = insights
        }
        return page
    }
}
