import Foundation
import HTMLParser

/// Finds, for each website insight, the sentences on the crawled pages that say it: a sentence
/// that contains the item, or that holds at least 60% of its content words. Works the same
/// whether the offline extractor or a model wrote the item, so a model's paraphrase is tied to
/// the sentence it paraphrased, and an item no sentence supports shows no receipt at all.
public struct WebsiteReceiptFinder: Sendable {
    struct Sentence {
        let url: String
        let text: String
        let lower: String
        let words: Set<String>
    }

    let sentences: [Sentence]

    public init(_ site: SiteAnalysis) {
        var sentences: [Sentence] = []
        var seen = Set<String>()
        for page in site.pages {
            var texts: [String] = []
            page.document.root.walk { element, _ in
                if element.name == "title" { texts.append(element.text) }
                if element.name == "meta", ["description", "og:description"].contains((element["name"] ?? element["property"] ?? "").lowercased()), let content = element["content"] {
                    texts.append(content)
                }
                if ["h1", "h2", "h3", "h4", "p", "li", "blockquote", "td", "figcaption"].contains(element.name),
                    element.elements.allSatisfy({ !["p", "ul", "ol", "li"].contains($0.name) })
                {
                    texts.append(element.text)
                }
            }
            for text in texts {
                for sentence in RedditText.sentences(text, minimum: 3) where seen.insert(page.url.absoluteString + "\u{0}" + sentence).inserted {
                    sentences.append(Sentence(url: page.url.absoluteString, text: sentence, lower: sentence.lowercased(), words: Self.contentWords(sentence)))
                }
            }
        }
        self.sentences = sentences
    }

    /// Receipts for every item of every filled field.
    public func receipts(for insights: InsightFields) -> InsightReceipts {
        var fields: [String: [SourcedItem]] = [:]
        for (field, items) in insights.itemsByField {
            fields[field] = items.map { SourcedItem(text: $0, sources: receipts(for: $0)) }
        }
        return InsightReceipts(fields: fields)
    }

    /// At most three sentences, the best first; a long text is matched sentence by sentence.
    func receipts(for item: String) -> [WebsiteReceipt] {
        let parts = item.count > 300 ? RedditText.sentences(item) : [item]
        var scored: [(Double, Int)] = []
        for part in parts {
            let lower = part.lowercased().trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
            let words = Self.contentWords(part)
            for (index, sentence) in sentences.enumerated() {
                let score: Double
                if !lower.isEmpty, sentence.lower.contains(lower) {
                    score = 2
                } else if !words.isEmpty {
                    let shared = words.intersection(sentence.words).count
                    score = shared >= min(2, words.count) ? Double(shared) / Double(words.count) : 0
                } else {
                    score = 0
                }
                if score >= 0.6 { scored.append((score, index)) }
            }
        }
        var chosen: [WebsiteReceipt] = []
        for (_, index) in scored.sorted(by: { ($0.0, $1.1) > ($1.0, $0.1) }) where chosen.count < 3 {
            let receipt = WebsiteReceipt(url: sentences[index].url, sentence: sentences[index].text)
            if !chosen.contains(receipt) { chosen.append(receipt) }
        }
        return chosen
    }

    static func contentWords(_ text: String) -> Set<String> {
        Set(RedditText.words(text).filter { $0.count >= 3 && !RedditText.stopwords.contains($0) })
    }
}
