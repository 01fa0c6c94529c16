public import Foundation

/// One post or comment kept from Reddit: the words, where they were said and how well they
/// were received, with the link back to them (the receipt every insight cites).
public struct RedditItem: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case post, comment }

    /// Reddit's fullname, `t3_…` (post) or `t1_…` (comment).
    public let id: String
    public let kind: Kind
    /// A post's title; nil for comments.
    public let title: String?
    /// A post's body (may be empty) or a comment's text.
    public let text: String
    public let subreddit: String
    public let score: Int
    public let createdAt: Date
    /// `https://www.reddit.com/r/…/comments/…`.
    public let permalink: String
    /// The search term that found it (a comment: its post's term).
    public var term: String
    public var about: SearchTerm.About

    enum CodingKeys: String, CodingKey {
        case id, kind, title, text, subreddit, score, permalink, term, about
        case createdAt = "created_at"
    }

    public init(id: String, kind: Kind, title: String?, text: String, subreddit: String, score: Int, createdAt: Date, permalink: String, term: String, about: SearchTerm.About) {
        self.id = id
        self.kind = kind
        self.title = title
        self.text = text
        self.subreddit = subreddit
        self.score = score
        self.createdAt = createdAt
        self.permalink = permalink
        self.term = term
        self.about = about
    }

    /// Title and body as one text.
    public var fullText: String {
        [title, text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
    }
}

/// What we search Reddit for, and whose name it is.
public struct SearchTerm: Codable, Sendable, Equatable, Hashable {
    public enum About: String, Codable, Sendable { case brand, competitor, category }
    public let text: String
    public let about: About

    public init(_ text: String, about: About) {
        self.text = text
        self.about = about
    }
}

/// Reddit's listing envelope: `{"kind": "Listing", "data": {"after": …, "children": [{"kind": "t3", "data": {…}}]}}`.
struct Listing: Decodable {
    struct Envelope: Decodable {
        let after: String?
        let children: [Thing]
    }
    struct Thing: Decodable {
        let kind: String
        let data: ThingData
    }
    /// The fields of `t3` (link) and `t1` (comment) we read; everything else is ignored.
    struct ThingData: Decodable {
        let name: String?
        let id: String?
        let title: String?
        let selftext: String?
        let body: String?
        let author: String?
        let subreddit: String?
        let score: Double?
        let created_utc: Double?
        let permalink: String?
        let over_18: Bool?
        let removed_by_category: String?
    }
    let kind: String
    let data: Envelope

    /// The children worth keeping: no deleted or removed text, no NSFW post, nothing without
    /// a permalink (it could not be cited).
    func items(term: SearchTerm, origin: String = "https://www.reddit.com") -> [RedditItem] {
        data.children.compactMap { thing in
            let d = thing.data
            let kind: RedditItem.Kind
            switch thing.kind {
            case "t3": kind = .post
            case "t1": kind = .comment
            default: return nil
            }
            let text = ((kind == .post ? d.selftext : d.body) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if Self.gone(text) || d.over_18 == true || d.removed_by_category != nil { return nil }
            if kind == .comment, text.isEmpty { return nil }
            if kind == .post, (d.title ?? "").isEmpty { return nil }
            guard let permalink = d.permalink, permalink.hasPrefix("/"), let name = d.name ?? d.id.map({ "\(thing.kind)_\($0)" }) else { return nil }
            let created = d.created_utc.flatMap { $0.isFinite && $0 >= 0 && $0 < 253_402_300_800 ? Date(timeIntervalSince1970: $0) : nil } ?? Date(timeIntervalSince1970: 0)
            let score = d.score.map { $0.isFinite ? Int(max(-1_000_000_000, min(1_000_000_000, $0))) : 0 } ?? 0
            return RedditItem(
                id: name, kind: kind, title: kind == .post ? d.title : nil, text: text, subreddit: d.subreddit ?? "", score: score,
                createdAt: created, permalink: origin + permalink, term: term.text, about: term.about)
        }
    }

    static func gone(_ text: String) -> Bool { text == "[deleted]" || text == "[removed]" }
}
