import Brands
import Foundation

/// What the brand-kit page shows: each step's state in words, the values found with where each
/// came from, and the forms that change them.
enum BrandPage {
    static func context(_ detail: BrandService.Detail, evidence: BrandEvidence, firstRun: Bool) -> [String: Any] {
        let brand = detail.brand
        let status = detail.extractionStatus
        let steps = ExtractionStep.allCases.map { step -> [String: Any] in
            let state = status?.steps[step]
            var item: [String: Any] = ["step": step.rawValue, "label": label(step), "status": (state?.status ?? .pending).rawValue]
            if let error = state?.error {
                item["problem"] = state?.status == .skipped ? "\(label(step)) skipped: \(error)." : problem(step, error)
            }
            return item
        }
        let extracting = (status?.overall ?? "pending") == "pending"
        let colorSources = Dictionary(evidence.colors.map { ($0.hex.lowercased(), $0.source) }, uniquingKeysWith: { first, _ in first })
        let fontSources = Dictionary(evidence.fonts.map { ($0.family.lowercased(), $0.source) }, uniquingKeysWith: { first, _ in first })
        let colors = brand.colors ?? [], fonts = (brand.fonts ?? []).map(\.fontFamily)
        var page: [String: Any] = [
            "id": brand.id.uuidString.lowercased(), "name": brand.name, "url": brand.websiteURL, "steps": steps,
            "extracting": extracting, "extractingFlag": extracting ? "true" : "false", "firstRun": firstRun,
            "hasColors": !colors.isEmpty,
            "colors": colors.map { ["hex": $0, "source": sourceInWords(colorSources[$0.lowercased()])] },
            "colorsText": colors.joined(separator: ", "),
            "hasFonts": !fonts.isEmpty,
            "fonts": fonts.map { ["family": $0, "source": sourceInWords(fontSources[$0.lowercased()])] },
            "fontsText": fonts.joined(separator: ", "),
            "hasPhotos": !((brand.heroPhotos ?? []) + (brand.photos ?? [])).isEmpty,
            "photos": ((brand.heroPhotos ?? []).map { ["url": $0, "kind": "Hero"] } + (brand.photos ?? []).map { ["url": $0, "kind": "Photo"] }).prefix(24).map { $0 },
            "stepOptions": ExtractionStep.allCases.map { ["value": $0.rawValue, "label": label($0)] },
        ]
        if let crawlError = status?.crawlError { page["crawlProblem"] = "We could not read the website: \(crawlError)." }
        if let logo = brand.logoURL {
            page["logo"] = logo
            if let found = evidence.logo, found.error == nil {
                page["logoSource"] = "Found on the site as \(methodInWords(found.method)): \(found.sourceURL)"
            }
        }
        if let fields = detail.insights?.fields {
            let pains = fields.customerPainPoints ?? []
            var insights: [String: Any] = ["hasPainPoints": !pains.isEmpty, "painPoints": pains]
            if let description = fields.productDescription, !description.isEmpty { insights["description"] = description }
            page["insights"] = insights
        }
        return page
    }

    static func label(_ step: ExtractionStep) -> String {
        switch step {
        case .fonts: "Fonts"
        case .colors: "Colours"
        case .logo: "Logo"
        case .hero: "Photos"
        case .insights: "Insights"
        case .reddit: "Reddit"
        }
    }

    /// A failed step, said as what it means for the user and what they can do about it.
    static func problem(_ step: ExtractionStep, _ error: String) -> String {
        let remedy =
            switch step {
            case .fonts: "Type your fonts below."
            case .colors: "Type your colours below."
            case .logo, .hero: "Upload one below."
            case .insights, .reddit: "Try reading this step again."
            }
        return "\(label(step)) not found: \(error). \(remedy)"
    }

    static func sourceInWords(_ source: String?) -> String {
        guard let source else { return "added by you" }
        if source.hasPrefix("css-variable") { return "from the site's CSS variable \(source.dropFirst("css-variable".count).trimmingCharacters(in: .whitespaces))" }
        let words = [
            "theme-color": "from the site's theme colour", "manifest": "from the web app manifest", "button-background": "from the site's buttons",
            "link": "from the site's links", "logo-svg": "from the logo", "frequency": "used most on the site", "google-fonts": "a Google font",
            "font-face": "a web font of the site", "css": "from the site's stylesheets", "typekit": "an Adobe font",
        ]
        return words[source] ?? "from the site (\(source))"
    }

    static func methodInWords(_ method: String) -> String {
        let words = [
            "header-img": "the header image", "home-link-img": "the image in the home link", "inline-svg": "the inline SVG",
            "json-ld": "the structured data logo", "apple-touch-icon": "the touch icon", "manifest-icon": "the app icon",
            "og-image": "the sharing image", "css-background": "the home link's CSS background", "upload": "your upload",
            "mask-icon": "the pinned-tab icon", "og-logo": "the og:logo tag", "favicon": "the favicon",
        ]
        return words[method] ?? method
    }
}
