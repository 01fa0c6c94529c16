import Foundation
import HTMLParser

/// Insights without a language model: what the site says about itself, taken from its meta
/// description, headings, feature lists, pricing and FAQ text and testimonials. Fields that
/// need judgement (trigger events, aspirations, trends, the marketing insight) stay null on
/// purpose, and `ins_raw` says so.
public struct OfflineInsights: Sendable {
    public init() {}

    public func extract(_ site: SiteAnalysis, brandName: String) -> (InsightFields, [String: Any]) {
        var fields = InsightFields()
        var evidence: [String: Any] = [:]
        let home = site.home.document.root
        let description = site.meta("description") ?? site.meta("og:description")
        fields.productDescription = description.map { Self.clip($0, 400) }
        if description != nil { evidence["product_description"] = "meta description" }

        let h1 = home.all("h1").first?.text
        fields.uniqueValueProp = h1.map { Self.clip($0, 200) }
        if h1 != nil { evidence["unique_value_prop"] = "home h1" }

        var features: [String] = []
        var benefits: [String] = []
        var quotes: [String] = []
        var faqs: [String] = []
        var prices: [String] = []
        var paragraphs: [String] = []
        for page in site.pages {
            let isFeaturePage = page.url.path.lowercased().contains("feature") || page.url.path.lowercased().contains("product")
            page.document.root.walk { element, ancestors in
                let context = Self.tokens(ancestors.suffix(5).map(LogoExtractor.hints).joined(separator: " ") + " " + LogoExtractor.hints(element))
                if ["p", "li", "h1", "h2", "h3"].contains(element.name), !ancestors.contains(where: { ["nav", "header", "footer"].contains($0.name) }) {
                    paragraphs.append(element.text)
                }
                if ["h2", "h3", "h4"].contains(element.name) {
                    let text = element.text
                    guard (8...90).contains(text.count) else { return }
                    if context.contains("feature") || context.contains("features") || isFeaturePage { features.append(text) }
                    else if context.contains("benefit") || context.contains("benefits") || context.contains("why") { benefits.append(text) }
                    else if page.url == site.home.url, element.name != "h4", context.isDisjoint(with: Self.catalogWords), !LogoExtractor.isInWall(ancestors.suffix(6)) {
                        benefits.append(text)
                    }
                    if context.contains("faq") || text.hasSuffix("?") { faqs.append(text) }
                }
                if element.name == "li", context.contains("feature") || context.contains("features"), (8...120).contains(element.text.count), element.elements.allSatisfy({ !["ul", "ol"].contains($0.name) }) {
                    features.append(element.text)
                }
                if element.name == "blockquote" || ["testimonial", "quote", "review"].contains(where: { LogoExtractor.hints(element).contains($0) }) {
                    let text = (element.all("p").first?.text ?? element.text).trimmingCharacters(in: CharacterSet(charactersIn: "\"“”'‘’ "))
                    if (20...300).contains(text.count) { quotes.append(text) }
                }
                if context.contains(where: { $0.hasPrefix("pric") || $0.hasPrefix("plan") }), let price = element.text.range(of: #"[$€£]\s?\d+([.,]\d+)?(\s?/\s?(mo|month|year|yr|user))?"#, options: .regularExpression),
                    element.elements.isEmpty
                {
                    prices.append(String(element.text[price]))
                }
            }
        }
        fields.keyFeatures = Self.unique(features, limit: 6)
        fields.keyBenefits = Self.unique(benefits.filter { !features.contains($0) && $0 != h1 && !$0.hasSuffix("?") }, limit: 5)
        fields.insInterestingQuotes = Self.unique(quotes, limit: 5)
        let allText = site.pages.map { $0.document.root.text }.joined(separator: " ")
        fields.customerPainPoints = Self.unique(paragraphs.flatMap(Self.painSentences) + faqs.map { "Customers ask: \($0)" }, limit: 5)
        fields.industry = Self.industry(allText + " " + (description ?? ""))
        fields.targetCustomer = Self.audience(in: [h1, description].compactMap { $0 } + benefits)
        fields.expectedCustomer = fields.targetCustomer.map { Self.broadAudience($0) }
        fields.competitors = Self.competitors(in: site)
        fields.brandVoice = Self.voice(allText)
        var brief = "\(brandName)"
        if let description = fields.productDescription { brief += ": \(description)" } else if let h1 { brief += ": \(h1)" }
        if let features = fields.keyFeatures, !features.isEmpty { brief += " Key features: \(features.prefix(3).joined(separator: "; "))." }
        if let price = prices.first { brief += " Pricing from \(price)." }
        if let target = fields.targetCustomer { brief += " Built for \(target)." }
        fields.marketingBrief = Self.clip(brief, 900)
        for key in ["key_features", "key_benefits", "ins_interesting_quotes", "customer_pain_points", "competitors"] { evidence[key] = "page headings, lists and quotes" }
        evidence["pricing"] = Array(Set(prices)).sorted()
        return (fields, [
            "provider": "offline",
            "evidence": evidence,
            "null_on_purpose": ["ins_trigger_events", "ins_aspirations", "ins_marketing_insight", "ins_trend_opportunity"]
                + (fields.industry == nil ? ["industry"] : []),
        ])
    }

    static let painMarkers = ["tired of", "no more", "stop wasting", "struggle", "hard to", "frustrat", "without the hassle", "waste", "manual work", "spreadsheets", "chaos", "too expensive", "too slow", "never again", "instead of"]

    /// Class words of product listings: their headings are product names, not benefits.
    static let catalogWords: Set<String> = ["product", "products", "card", "item", "price", "collection", "grid", "title"]

    static func painSentences(_ text: String) -> [String] {
        text.components(separatedBy: CharacterSet(charactersIn: ".!?")).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { sentence in (15...160).contains(sentence.count) && painMarkers.contains { sentence.lowercased().contains($0) } }
    }

    static let industries: [(String, [String])] = [
        ("E-commerce", ["add to cart", "free shipping", "shop now", "checkout", "in stock", "returns"]),
        ("Software / SaaS", ["software", "platform", "dashboard", "integrations", "free trial", "api", "workflow", "saas", "app"]),
        ("Marketing", ["marketing", "campaign", "ads", "seo", "leads"]),
        ("Finance", ["payments", "invoice", "banking", "accounting", "finance"]),
        ("Health & wellness", ["health", "wellness", "fitness", "clinic", "therapy"]),
        ("Education", ["course", "learn", "students", "classes", "education"]),
        ("Food & beverage", ["coffee", "restaurant", "recipe", "menu", "food"]),
    ]

    static func industry(_ text: String) -> String? {
        let lower = text.lowercased()
        let scored = industries.map { entry in (entry.0, entry.1.reduce(0) { $0 + lower.components(separatedBy: $1).count - 1 }) }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 >= 2 else { return nil }
        return best.0
    }

    static let audienceNouns = [
        "team", "business", "compan", "agenc", "developer", "engineer", "marketer", "famil", "founder", "startup", "people",
        "professional", "creator", "shop", "store", "retailer", "designer", "freelancer", "student", "parent", "owner", "manager",
        "seller", "brand", "enterprise", "clinic", "restaurant", "organi", "nonprofit", "school", "coach", "writer",
    ]

    /// "… for remote teams" → "remote teams": a `for …` phrase that names a kind of customer.
    static func audience(in texts: [String]) -> String? {
        for text in texts {
            var searchRange = text.startIndex..<text.endIndex
            while let range = text.range(of: #"\bfor ([A-Za-z][A-Za-z -]{2,40}?)(?=[.,!?:;]|$|\s(who|that|to|with|and|in|on)\b)"#, options: .regularExpression, range: searchRange) {
                let phrase = String(text[range].dropFirst(4)).trimmingCharacters(in: .whitespaces)
                if audienceNouns.contains(where: { phrase.lowercased().contains($0) }) { return phrase }
                searchRange = range.upperBound..<text.endIndex
            }
        }
        return nil
    }

    /// Class and id words: `featured-products` → ["featured", "products"].
    static func tokens(_ hints: String) -> Set<String> {
        Set(hints.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
    }

    static func broadAudience(_ target: String) -> String {
        let lower = target.lowercased()
        if ["team", "business", "compan", "agenc", "startup", "enterprise"].contains(where: { lower.contains($0) }) { return "Businesses" }
        if ["developer", "engineer"].contains(where: { lower.contains($0) }) { return "Technical professionals" }
        return "Consumers"
    }

    /// Names in "X alternative", "vs X", "compared to X" (headings and links).
    static func competitors(in site: SiteAnalysis) -> [String] {
        var names: [String] = []
        for page in site.pages {
            for element in page.document.root.all("a") + page.document.root.all("h2") + page.document.root.all("h3") {
                let text = element.text
                for pattern in [#"\bvs\.? ([A-Z][A-Za-z0-9]+)"#, #"([A-Z][A-Za-z0-9]+) alternative"#, #"compared to ([A-Z][A-Za-z0-9]+)"#] {
                    if let range = text.range(of: pattern, options: .regularExpression) {
                        let words = text[range].split(separator: " ").map(String.init)
                        if let name = words.first(where: { $0.first?.isUppercase == true && $0 != "vs" && $0 != "vs." }) { names.append(name) }
                    }
                }
            }
        }
        return unique(names, limit: 5) ?? []
    }

    static func voice(_ text: String) -> String? {
        let words = text.split(separator: " ")
        guard words.count > 30 else { return nil }
        let you = Double(words.filter { ["you", "your", "you're"].contains($0.lowercased()) }.count) / Double(words.count)
        let exclamations = Double(text.filter { $0 == "!" }.count) / Double(words.count) * 100
        let sentences = max(1, text.filter { ".!?".contains($0) }.count)
        let averageLength = Double(words.count) / Double(sentences)
        var traits: [String] = []
        traits.append(you > 0.02 ? "Direct and customer-focused" : "Professional")
        if exclamations > 0.5 { traits.append("energetic") }
        traits.append(averageLength < 14 ? "concise" : "detailed")
        return traits.joined(separator: ", ")
    }

    static func unique(_ items: [String], limit: Int) -> [String]? {
        var seen: Set<String> = []
        let result = items.map { clip($0, 200) }.filter { seen.insert($0.lowercased()).inserted }.prefix(limit)
        return result.isEmpty ? nil : Array(result)
    }

    static func clip(_ text: String, _ limit: Int) -> String {
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.count <= limit ? collapsed : String(collapsed.prefix(limit - 1)) + "…"
    }
}
