import Foundation

/// Where a website insight came from: the page and the sentence on it that says so.
public struct WebsiteReceipt: Codable, Sendable, Equatable {
    public let url: String
    public let sentence: String
    /// The user edited the item after extraction; the receipt is for the words extraction found.
    public var edited: Bool?

    public init(url: String, sentence: String, edited: Bool? = nil) {
        self.url = url
        self.sentence = sentence
        self.edited = edited
    }
}

/// One insight item with its receipts.
public struct SourcedItem: Codable, Sendable, Equatable {
    public let text: String
    public var sources: [WebsiteReceipt]

    public init(text: String, sources: [WebsiteReceipt]) {
        self.text = text
        self.sources = sources
    }
}

/// `brand_insights.insight_sources`: for each website insight field, its items (a text field is
/// one item) with their receipts, in the field's order.
public struct InsightReceipts: Codable, Sendable, Equatable {
    public var fields: [String: [SourcedItem]]

    public init(fields: [String: [SourcedItem]] = [:]) { self.fields = fields }

    public init(from decoder: any Decoder) throws {
        fields = try [String: [SourcedItem]](from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try fields.encode(to: encoder)
    }

    public init(json: String?) {
        self = json.flatMap { try? JSONDecoder().decode(InsightReceipts.self, from: Data($0.utf8)) } ?? InsightReceipts()
    }

    public var json: String {
        String(decoding: (try? JSONEncoder.sorted.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Every item of `insights` with its receipts: found by its text, else — for an item the
    /// user edited in place (same field, same position, old text gone) — the receipts of the
    /// words it replaced, marked `edited`. A typed item gets none.
    public func aligned(with insights: InsightFields, previous: InsightFields? = nil) -> InsightReceipts {
        var result: [String: [SourcedItem]] = [:]
        for (field, items) in insights.itemsByField {
            let known = fields[field] ?? []
            let before = previous?.itemsByField[field] ?? known.map(\.text)
            result[field] = items.enumerated().map { index, text in
                if let match = known.first(where: { $0.text == text }) { return match }
                if index < before.count, !items.contains(before[index]), let replaced = known.first(where: { $0.text == before[index] }) {
                    return SourcedItem(text: text, sources: replaced.sources.map { var receipt = $0; receipt.edited = true; return receipt })
                }
                return SourcedItem(text: text, sources: [])
            }
        }
        return InsightReceipts(fields: result)
    }
}

extension InsightFields {
    /// Every filled website field as a list of items (a text field is one item), by column name.
    public var itemsByField: [String: [String]] {
        let object = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(self))) as? [String: Any] ?? [:]
        var result: [String: [String]] = [:]
        for field in Self.textFields { if let text = object[field] as? String, !text.isEmpty { result[field] = [text] } }
        for field in Self.listFields { if let list = object[field] as? [String], !list.isEmpty { result[field] = list } }
        return result
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
