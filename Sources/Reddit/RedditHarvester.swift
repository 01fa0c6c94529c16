public import Foundation
public import Logging

/// Everything one harvest kept, stored as the brand's Reddit snapshot so every insight can be
/// traced back to the post or comment it came from, and re-clustered without asking Reddit again.
public struct RedditHarvest: Codable, Sendable, Equatable {
    public var harvestedAt: Date
    public var terms: [SearchTerm]
    public var items: [RedditItem]
    /// Calls made to Reddit, the token included.
    public var requests: Int
    /// The budget ran out before every term and page was read.
    public var truncated: Bool
    /// Terms that failed (the harvest keeps what the others found).
    public var errors: [String]

    enum CodingKeys: String, CodingKey {
        case terms, items, requests, truncated, errors
        case harvestedAt = "harvested_at"
    }

    public init(harvestedAt: Date = Date(), terms: [SearchTerm], items: [RedditItem], requests: Int = 0, truncated: Bool = false, errors: [String] = []) {
        self.harvestedAt = harvestedAt
        self.terms = terms
        self.items = items
        self.requests = requests
        self.truncated = truncated
        self.errors = errors
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// Searches Reddit for each term (posts, newest and top of the year, page after page) and reads
/// the top comments of the best posts about the brand, within a budget of calls.
public struct RedditHarvester: Sendable {
    public struct Budget: Sendable {
        /// Calls to Reddit for the whole harvest.
        public var requests = 24
        /// Pages per term and sort.
        public var pagesPerSearch = 2
        public var pageSize = 50
        /// Posts whose comments are read, and comments read per post.
        public var commentThreads = 4
        public var commentsPerThread = 25
        public init() {}
    }

    let client: RedditClient
    let budget: Budget

    public init(client: RedditClient, budget: Budget = .init()) {
        self.client = client
        self.budget = budget
    }

    public func harvest(_ terms: [SearchTerm], logger: Logger) async throws -> RedditHarvest {
        var seen = Set<String>()
        var items: [RedditItem] = []
        var errors: [String] = []
        var truncated = false
        func keep(_ found: [RedditItem]) {
            for item in found where seen.insert(item.id).inserted { items.append(item) }
        }
        var calls = 0
        // Each call is one request unless Reddit makes us retry; the budget counts calls, so
        // one harvest cannot spend another brand's share of a client shared by every worker.
        func spent() -> Bool { calls >= budget.requests }

        searching: for term in terms {
            for sort in ["top", "new"] {
                var after: String?
                for _ in 0..<budget.pagesPerSearch {
                    if spent() { truncated = true; break searching }
                    var query = [("q", "\"\(term.text)\""), ("sort", sort), ("limit", String(budget.pageSize)), ("type", "link")]
                    if sort == "top" { query.append(("t", "year")) }
                    if let after { query.append(("after", after)) }
                    calls += 1
                    do {
                        let listing = try JSONDecoder().decode(Listing.self, from: try await client.get("/search", query: query))
                        keep(listing.items(term: term))
                        after = listing.data.after
                    } catch let error as DecodingError {
                        errors.append("\(term.text) (\(sort)): \(RedditError.malformed("\(error)"))")
                        break
                    } catch let error as RedditError {
                        if case .unauthorized = error { throw error }
                        errors.append("\(term.text) (\(sort)): \(error)")
                        break
                    }
                    if after == nil { break }
                }
            }
        }

        // Comments are where people say what they bought and why; read the best threads about the brand.
        let threads = items.filter { $0.kind == .post && $0.about == .brand }.sorted { $0.score > $1.score }.prefix(budget.commentThreads)
        for post in threads {
            if spent() { truncated = true; break }
            let id = post.id.hasPrefix("t3_") ? String(post.id.dropFirst(3)) : post.id
            // Reddit's ids are short base-36 words; anything else would steer the path.
            guard (1...12).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }) else { continue }
            calls += 1
            do {
                let data = try await client.get("/comments/\(id)", query: [("sort", "top"), ("limit", String(budget.commentsPerThread)), ("depth", "1")])
                let listings = try JSONDecoder().decode([Listing].self, from: data)
                let term = SearchTerm(post.term, about: post.about)
                if listings.count > 1 { keep(listings[1].items(term: term)) }
            } catch let error as RedditError {
                if case .unauthorized = error { throw error }
                errors.append("comments of \(post.permalink): \(error)")
            } catch {
                errors.append("comments of \(post.permalink): \(RedditError.malformed("\(error)"))")
            }
        }
        let requests = calls
        logger.info("Reddit harvest", metadata: ["items": "\(items.count)", "requests": "\(requests)", "truncated": "\(truncated)"])
        return RedditHarvest(terms: terms, items: items, requests: requests, truncated: truncated, errors: errors)
    }
}
