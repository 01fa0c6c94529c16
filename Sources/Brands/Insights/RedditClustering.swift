import Foundation
public import Reddit

/// Reddit insights without a language model: sentences that carry a marker phrase ("I wish",
/// "I hate", "finally bought" …) become candidates; a candidate joins the first cluster it shares
/// two content words with (one, when either has at most two), else starts one labelled with its
/// sentence; posts are read best-received first, so a label is its cluster's best sentence.
/// Clusters rank by how many posts and comments said it, then by summed score. Quotes are each
/// post's first first-person sentence, best-received first.
public struct RedditClustering: Sendable {
    let brandName: String
    let competitors: [String]
    /// Items per list.
    let limit: Int

    public init(brandName: String, competitors: [String], limit: Int = 8) {
        self.brandName = brandName
        self.competitors = competitors.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        self.limit = limit
    }

    public func cluster(_ harvest: RedditHarvest) -> RedditInsights {
        var insights = RedditInsights()
        let items = harvest.items.sorted { ($0.score, $1.id) > ($1.score, $0.id) }
        let names = Set(harvest.terms.flatMap { RedditText.keywords($0.text, excluding: "") } + RedditText.keywords(brandName, excluding: ""))
        insights.desires = clusters(RedditMarkers.desires, in: items, names: names)
        insights.painPoints = clusters(RedditMarkers.painPoints, in: items, names: names)
        insights.purchaseTriggers = clusters(RedditMarkers.purchaseTriggers, in: items, names: names)
        insights.quotes = quotes(in: items)
        insights.marketingBrief = Self.brief(insights, items: harvest.items)
        return insights
    }

    struct Cluster {
        var keywords: Set<String>
        var label: String
        var members: [RedditItem] = []
    }

    func clusters(_ markers: [String], in items: [RedditItem], names: Set<String>) -> [RedditInsightItem] {
        var clusters: [Cluster] = []
        for item in items {
            for sentence in RedditText.sentences(item.fullText) {
                guard let (marker, phrase) = RedditMarkers.match(sentence, markers: markers) else { continue }
                let subject = RedditMarkers.predicates.contains(marker) ? sentence : phrase
                var keywords = RedditText.keywords(subject, excluding: marker, names: names)
                // "Too expensive for what it is": the marker is all it says.
                if keywords.isEmpty { keywords = RedditText.keywords(marker, excluding: "", names: names) }
                guard !keywords.isEmpty else { continue }
                if let index = clusters.firstIndex(where: { Self.sameSubject($0.keywords, keywords) }) {
                    clusters[index].keywords.formUnion(keywords)
                    if !clusters[index].members.contains(where: { $0.id == item.id }) { clusters[index].members.append(item) }
                } else {
                    // The label is the sentence as written: a receipt, not a paraphrase.
                    clusters.append(Cluster(keywords: keywords, label: RedditText.label(sentence), members: [item]))
                }
            }
        }
        let ranked = clusters.map { cluster in
            RedditInsightItem(
                text: cluster.label, mentions: cluster.members.count, score: cluster.members.reduce(0) { $0 + $1.score },
                sources: cluster.members.prefix(10).map(RedditReceipt.init))
        }
        return Array(ranked.sorted { ($0.mentions, $0.score, $1.text) > ($1.mentions, $1.score, $0.text) }.prefix(limit))
    }

    /// Two candidates speak of the same thing when they share two content words, or one when
    /// either has no more than two.
    static func sameSubject(_ a: Set<String>, _ b: Set<String>) -> Bool {
        let shared = a.intersection(b).count
        return shared >= 2 || (shared >= 1 && min(a.count, b.count) <= 2)
    }

    func quotes(in items: [RedditItem]) -> [RedditInsightItem] {
        var quotes: [RedditInsightItem] = []
        for item in items where quotes.count < limit {
            guard let sentence = RedditText.sentences(item.text.isEmpty ? item.fullText : item.text)
                .first(where: { (30...220).contains($0.count) && RedditText.isFirstPerson($0) })
            else { continue }
            let mentionsBrand = RedditText.mentions(sentence, brandName)
            let mentionsCompetitor = competitors.contains { RedditText.mentions(sentence, $0) }
            let about: SearchTerm.About = mentionsCompetitor ? .competitor : mentionsBrand ? .brand : .category
            // A customer's words about this brand: found searching for the brand, naming it, in
            // the first person as someone who bought or uses it, naming no competitor and not a complaint.
            let customer = item.about == .brand && about == .brand && RedditMarkers.isOwnership(sentence, brandName: brandName)
                && RedditMarkers.match(sentence, markers: RedditMarkers.painPoints) == nil
            quotes.append(RedditInsightItem(text: sentence, mentions: 1, score: item.score, sources: [RedditReceipt(item)], about: about, customerQuote: customer))
        }
        return quotes
    }

    static func brief(_ insights: RedditInsights, items: [RedditItem]) -> String? {
        var parts: [String] = []
        if let desire = insights.desires.first { parts.append("people want: \"\(desire.text)\" (\(desire.mentions)×)") }
        if let pain = insights.painPoints.first { parts.append("the main complaint: \"\(pain.text)\" (\(pain.mentions)×)") }
        if let trigger = insights.purchaseTriggers.first { parts.append("what made people buy: \"\(trigger.text)\" (\(trigger.mentions)×)") }
        guard !parts.isEmpty else { return nil }
        var counts: [String: Int] = [:]
        for item in items where !item.subreddit.isEmpty { counts[item.subreddit, default: 0] += 1 }
        let communities = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(3).map { "r/\($0.key)" }
        let whereSaid = communities.isEmpty ? "" : " in " + communities.joined(separator: ", ")
        return "From \(items.count) Reddit posts and comments\(whereSaid): " + parts.joined(separator: "; ") + "."
    }
}
