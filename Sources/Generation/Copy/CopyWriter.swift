public import Brands
import Foundation

/// Copy from deterministic templates over the brand's insights: what a careful junior
/// copywriter would write from the website alone. The seed picks between phrasings.
public struct CopyWriter: Sendable {
    public init() {}

    /// Length limits per format: tall formats take longer lines than wide ones.
    public struct Limits: Sendable {
        public let headline: Int
        public let subline: Int
        public let cta: Int

        public static func `for`(formatCode: String) -> Limits {
            switch formatCode {
            case "landscape": Limits(headline: 48, subline: 90, cta: 22)
            case "widescreen": Limits(headline: 56, subline: 110, cta: 24)
            case "story": Limits(headline: 70, subline: 140, cta: 24)
            default: Limits(headline: 60, subline: 120, cta: 24)
            }
        }
    }

    public func write(
        archetype: String, brandName: String, insights: InsightFields?, painPoints: [String], inputs: [String: String], formatCode: String, seed: UInt64
    ) -> AdCopy {
        let limits = Limits.for(formatCode: formatCode)
        let pick = { (options: [String]) -> String in options[Int(seed % UInt64(options.count))] }
        // A job's ideas take consecutive seeds: each takes the next pain point and the next
        // promise the brand's pages give, so five ideas are five angles, not one repeated.
        let pains = painPoints.isEmpty ? (insights?.customerPainPoints ?? []) : painPoints
        let pain = pains.isEmpty ? nil : pains[Int(seed % UInt64(pains.count))]
        let promises = Self.unique([insights?.uniqueValueProp] + (insights?.keyBenefits ?? []).map(Optional.some) + [insights?.productDescription])
        let promise = promises.isEmpty ? "\(brandName) does the hard part for you" : promises[Int((seed / UInt64(max(pains.count, 1))) % UInt64(promises.count))]
        let description = insights?.productDescription ?? insights?.keyBenefits?.first
        let benefits = (insights?.keyBenefits ?? insights?.keyFeatures ?? []).prefix(3)
        var copy: AdCopy
        switch archetype {
        case "problem_solution":
            let problem = pain.map { Self.question($0) } ?? pick(["Still doing it the hard way?", "There is a better way."])
            copy = AdCopy(headline: problem, subline: Self.signed(promise, by: brandName) ?? description, cta: pick(["Fix it today", "See how"]))
        case "testimonial":
            // Only words a customer really wrote: on the brand's pages, signed as the page signs
            // them, or on Reddit about this brand, with the thread as the receipt.
            let found = Self.quotable(insights)
            let testimonial = found.first { $0.quote == inputs["quote"] } ?? (found.isEmpty ? nil : found[Int(seed % UInt64(found.count))])
            copy = AdCopy(
                headline: testimonial?.quote ?? promise, subline: description, cta: pick(["See why", "Try it yourself"]), quote: testimonial?.quote,
                attribution: testimonial?.attribution)
        case "competitor_comparison":
            let rival = inputs["competitor"] ?? insights?.competitors?.first
            let edge = benefits.first ?? promise
            copy = AdCopy(
                headline: rival.map { "Switching from \($0)? \(edge)" } ?? "Why teams switch to \(brandName)",
                subline: description, cta: pick(["Compare now", "Make the switch"]),
                comparison: rival.map { "\(brandName) vs \($0)" } ?? "\(brandName) vs the old way")
        case "promotion_offer":
            // The offer the user typed for this job, or one the brand's pages state; never invented.
            let offers = insights?.grounded.offers.map(\.text) ?? []
            let offer = inputs["offer"] ?? (offers.isEmpty ? nil : offers[Int(seed % UInt64(offers.count))])
            copy = AdCopy(headline: promise, subline: description, cta: offer == nil ? pick(["Get started", "See how"]) : pick(["Claim offer", "Get started"]), offer: offer)
        case "meme":
            let before = pain.map { "Me dealing with \(Self.lowerFirst(Self.withoutLeadIn(Self.statement($0))))" } ?? "Me doing it the old way"
            copy = AdCopy(headline: before, cta: "", bottomText: "Me after \(brandName)")
        default:  // value_proposition
            copy = AdCopy(
                headline: promise, subline: benefits.isEmpty ? description : benefits.map { "✓ \($0)" }.joined(separator: "  "),
                cta: pick(["Get started", "Try \(brandName)"]))
        }
        return Self.clipped(copy, limits)
    }

    /// Why the archetype cannot be made truthfully for this brand, naming the field to fix; nil
    /// when it can. A testimonial needs a customer quote the brand's pages give (and a chosen
    /// `quote` must be one of them, verbatim); a promotion needs an offer from the pages or typed
    /// for the job.
    public static func missingGrounds(archetype: String, insights: InsightFields?, inputs: [String: String]) -> (field: String, reason: String)? {
        let grounded = insights?.grounded ?? GroundedClaims()
        switch archetype {
        case "testimonial":
            if quotable(insights).isEmpty {
                return (
                    "archetype_code",
                    "testimonial needs a customer quote of at most \(longestQuote) characters with its attribution on the brand's pages (or from this brand's customers on Reddit), and none was found"
                )
            }
            if let quote = inputs["quote"], !quotable(insights).contains(where: { $0.quote == quote }) {
                return ("archetype_inputs.quote", "must be one of the testimonials found on the brand's pages, word for word, of at most \(longestQuote) characters")
            }
        case "competitor_comparison":
            // Named only from the brand's own pages or by the user for this job; else the ad
            // compares with "the old way" and names no one.
            break
        case "promotion_offer":
            if inputs["offer"]?.trimmingCharacters(in: .whitespaces).isEmpty != false, grounded.offers.isEmpty {
                return ("archetype_inputs.offer", "promotion_offer needs the offer you are running: none was found on the brand's pages")
            }
        default:
            break
        }
        return nil
    }

    /// The non-empty values, first occurrence kept, in order.
    static func unique(_ values: [String?]) -> [String] {
        var seen: Set<String> = []
        return values.compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    /// A quote is never shortened (a shortened quote is words nobody said): only the page's
    /// testimonials short enough for every format can be used.
    static let longestQuote = 160

    /// Signed testimonials from the pages, and Reddit quotes marked as this brand's customers'.
    static func quotable(_ insights: InsightFields?) -> [GroundedClaims.Testimonial] {
        (insights?.usableTestimonials ?? []).filter { $0.quote.count <= longestQuote }
    }

    /// The promise under the brand's name ("Acme: invoices in one click"); a promise that already
    /// names the brand stays as it is, and one that is only the brand's name is no promise (nil),
    /// never "Acme: acme".
    static func signed(_ promise: String, by brandName: String) -> String? {
        let plain = statement(promise)
        if plain.lowercased() == brandName.lowercased() || plain.isEmpty { return nil }
        if plain.lowercased().contains(brandName.lowercased()) { return plain }
        return "\(brandName): \(lowerFirst(plain))"
    }

    /// "Slow workflow management" → "Tired of slow workflow management?"; questions stay.
    static func question(_ pain: String) -> String {
        let trimmed = statement(pain)
        if trimmed.hasSuffix("?") { return trimmed }
        if trimmed.lowercased().hasPrefix("tired of") || trimmed.lowercased().hasPrefix("still") { return trimmed + "?" }
        return "Tired of \(lowerFirst(trimmed))?"
    }

    static func statement(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if value.hasPrefix("Customers ask: ") { value = String(value.dropFirst("Customers ask: ".count)) }
        while let last = value.last, ".!".contains(last) { value.removeLast() }
        return value
    }

    /// "Tired of status meetings" → "status meetings".
    static func withoutLeadIn(_ text: String) -> String {
        for leadIn in ["tired of ", "sick of ", "fed up with ", "no more "] where text.lowercased().hasPrefix(leadIn) {
            return String(text.dropFirst(leadIn.count))
        }
        return text
    }

    static func lowerFirst(_ text: String) -> String {
        guard let first = text.first else { return text }
        // Keep acronyms and names that start with two capitals ("AI", "GitHub").
        if text.count > 1, text.dropFirst().first?.isUppercase == true { return text }
        return first.lowercased() + text.dropFirst()
    }

    static func clipped(_ copy: AdCopy, _ limits: Limits) -> AdCopy {
        var copy = copy
        copy.subline = copy.subline.map { clip($0, limits.subline) }
        copy.cta = clip(copy.cta, limits.cta)
        // A quote (and a headline that is the quote) stays word for word.
        if copy.quote == nil || copy.headline != copy.quote { copy.headline = clip(copy.headline, limits.headline) }
        copy.comparison = copy.comparison.map { clip($0, limits.headline) }
        copy.offer = copy.offer.map { clip($0, 28) }
        copy.bottomText = copy.bottomText.map { clip($0, limits.headline) }
        return copy
    }

    /// Shortened where a reader would stop: at the last clause boundary (". ", "; ", ", ", " — ",
    /// ": ") that keeps at least half the room, else after the last whole word that is not a
    /// dangling "and", "of", "the"… Never an ellipsis in the middle of a sentence.
    static func clip(_ text: String, _ limit: Int) -> String {
        let collapsed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard collapsed.count > limit else { return collapsed }
        let room = String(collapsed.prefix(limit))
        for mark in [". ", "; ", " — ", ": ", ", "] {
            if let cut = room.range(of: mark, options: .backwards), room.distance(from: room.startIndex, to: cut.lowerBound) >= limit / 2 {
                return String(room[..<cut.lowerBound]) + (mark == ". " ? "." : "")
            }
        }
        var words = room.split(separator: " ")
        if collapsed[collapsed.index(collapsed.startIndex, offsetBy: limit)] != " " { words = words.dropLast() }
        while let last = words.last, words.count > 1, danglers.contains(last.lowercased().trimmingCharacters(in: .punctuationCharacters)) {
            words.removeLast()
        }
        let kept = words.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: ",;:—- "))
        return kept.isEmpty ? String(collapsed.prefix(limit)) : kept
    }

    static let danglers: Set<String> = [
        "a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "in", "on", "at", "by", "from", "your", "our", "their", "that", "which",
    ]
}
