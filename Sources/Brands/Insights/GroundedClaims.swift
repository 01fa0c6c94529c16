import Foundation
import HTMLParser

/// Claims an ad may only make when the brand's own pages make them: a customer's words (a
/// testimonial, with the attribution the page gives) and an offer. Inventing either is a fake
/// review or a false offer, unlawful in many markets (in the US, 16 CFR Part 465) and the end
/// of a customer's ad account, so these are taken verbatim from the page, with where they were
/// found, and never written by a template or a model.
public struct GroundedClaims: Codable, Sendable, Equatable {
    public struct Testimonial: Codable, Sendable, Equatable {
        public let quote: String
        public let attribution: String
        /// The page the quote is on.
        public let source: String

        public init(quote: String, attribution: String, source: String) {
            self.quote = quote
            self.attribution = attribution
            self.source = source
        }
    }

    public struct Offer: Codable, Sendable, Equatable {
        /// The sentence that states the offer, as the page words it.
        public let text: String
        public let source: String

        public init(text: String, source: String) {
            self.text = text
            self.source = source
        }
    }

    public var testimonials: [Testimonial] = []
    public var offers: [Offer] = []

    public init(testimonials: [Testimonial] = [], offers: [Offer] = []) {
        self.testimonials = testimonials
        self.offers = offers
    }

    /// The claims stored under `grounded` in `brand_insights.ins_raw`; none when absent.
    public init(insightsRaw raw: String?) {
        struct Wrapper: Decodable { let grounded: GroundedClaims? }
        self = raw.flatMap { try? JSONDecoder().decode(Wrapper.self, from: Data($0.utf8)).grounded } ?? GroundedClaims()
    }

    /// As a JSON object for `ins_raw`.
    public var jsonObject: [String: Any] {
        let data = (try? JSONEncoder().encode(self)) ?? Data("{}".utf8)
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Testimonials are quotes in a testimonial-like element (`blockquote`, or a class or id
    /// saying testimonial, review or quote) whose attribution the page gives in a `cite`,
    /// `figcaption`, `footer` or an element named author/name/cite; a quote nobody signed is
    /// not a testimonial. Offers are short sentences outside navigation that state a concrete
    /// deal: a discount, a free trial or month, free shipping, a promo code.
    public static func extract(from site: SiteAnalysis) -> GroundedClaims {
        var claims = GroundedClaims()
        for page in site.pages {
            page.document.root.walk { element, ancestors in
                if isTestimonialBlock(element), !ancestors.contains(where: isTestimonialBlock),
                    let testimonial = testimonial(in: element, page: page.url.absoluteString),
                    !claims.testimonials.contains(where: { $0.quote == testimonial.quote })
                {
                    claims.testimonials.append(testimonial)
                }
                if ["p", "li", "h1", "h2", "h3", "h4", "span", "strong", "a", "div"].contains(element.name),
                    element.elements.allSatisfy({ !["p", "div", "ul", "ol", "section"].contains($0.name) }),
                    !ancestors.contains(where: { ["nav", "footer", "form"].contains($0.name) })
                {
                    let text = element.text
                    if (6...140).contains(text.count), isOffer(text), !claims.offers.contains(where: { $0.text == text }) {
                        claims.offers.append(Offer(text: text, source: page.url.absoluteString))
                    }
                }
            }
        }
        claims.testimonials = Array(claims.testimonials.prefix(8))
        claims.offers = Array(claims.offers.prefix(5))
        return claims
    }

    static func isTestimonialBlock(_ element: HTMLElement) -> Bool {
        if element.name == "blockquote" { return true }
        guard ["div", "figure", "li", "article", "section"].contains(element.name) else { return false }
        let words = element.classNames.map { $0.lowercased() } + [(element["id"] ?? "").lowercased()]
        // The item, not the wall of them: `testimonials` and `reviews` sections hold several.
        return words.contains { word in
            ["testimonial", "review", "quote", "customer-quote"].contains { word == $0 || word.hasSuffix("-" + $0) || word.hasPrefix($0 + "-") || word.hasPrefix($0 + "_") }
        }
    }

    static func testimonial(in block: HTMLElement, page: String) -> Testimonial? {
        var attribution: String?
        var attributionElement: HTMLElement?
        block.walk { element, _ in
            guard attribution == nil else { return }
            let hints = LogoExtractor.hints(element)
            if ["cite", "figcaption", "footer"].contains(element.name) || ["author", "name", "cite", "attribution"].contains(where: { hints.contains($0) }) {
                let text = element.text.trimmingCharacters(in: CharacterSet(charactersIn: "—–-~ ").union(.whitespaces))
                if (2...120).contains(text.count) {
                    attribution = text
                    attributionElement = element
                }
            }
        }
        // Unmarked, a signature is the block's last element when it starts with a dash.
        if attribution == nil, let last = block.elements.last, let dash = last.text.first, "—–-~".contains(dash) {
            let text = last.text.trimmingCharacters(in: CharacterSet(charactersIn: "—–-~ ").union(.whitespaces))
            if (2...120).contains(text.count) {
                attribution = text
                attributionElement = last
            }
        }
        guard let attribution, let attributionElement else { return nil }
        // The quote is the block's paragraph, or its text without the attribution.
        let paragraph = block.all("p").first { !$0.text.isEmpty && !attributionElement.text.contains($0.text) }?.text
        var quote = paragraph ?? block.text.replacingOccurrences(of: attributionElement.text, with: "")
        quote = quote.trimmingCharacters(in: CharacterSet(charactersIn: "\"“”'‘’«» ").union(.whitespacesAndNewlines))
        guard (20...300).contains(quote.count) else { return nil }
        return Testimonial(quote: quote, attribution: attribution, source: page)
    }

    static let offerPatterns = [
        #"\b\d{1,2}\s?%\s?off\b"#, #"\bsave\s+(up to\s+)?([$€£]\s?\d+|\d{1,2}\s?%)"#, #"\bfree\s+(\d+[- ]day\s+)?trial\b"#,
        #"\b(first|1st)\s+(month|week)\s+free\b"#, #"\bfree\s+shipping\b"#, #"\b(promo|coupon|discount)\s+code\b"#,
        #"\b\d+\s+(days?|months?)\s+free\b"#, #"\bbuy\s+one,?\s+get\s+one\b"#, #"\btry\s+(it\s+)?free\b"#,
    ]

    static func isOffer(_ text: String) -> Bool {
        // "Is there a free trial?" asks; it does not offer.
        guard !text.hasSuffix("?") else { return false }
        let lower = text.lowercased()
        return offerPatterns.contains { lower.range(of: $0, options: .regularExpression) != nil }
    }
}
