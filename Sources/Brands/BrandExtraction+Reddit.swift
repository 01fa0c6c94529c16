import Foundation
import LLM
import Logging
import PostgresNIO
import Reddit
import Storage

extension BrandExtraction {
    /// The reddit step: search for the brand, its competitors and its category, keep the harvest
    /// as the brand's Reddit snapshot, cluster it (model or offline) and store the lists with
    /// their sources. Without credentials it is recorded as skipped, with the reason.
    func runReddit(_ brand: Brand, client: PostgresClient, logger: Logger) async throws {
        guard let reddit else {
            let reason = "Reddit is not configured (set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET)"
            try await client.withConnection { try await brands.finishStep(brand.id, .reddit, error: reason, skipped: true, on: $0, logger: logger) }
            return
        }
        let stored = try await client.withConnection { try await insights.find(brand.id, on: $0, logger: logger) }?.fields
        let terms = Self.searchTerms(brandName: brand.name, insights: stored)
        let harvest: RedditHarvest
        do {
            harvest = try await RedditHarvester(client: reddit, budget: redditBudget).harvest(terms, logger: logger)
        } catch let error as RedditError {
            // Refused credentials will not fix themselves on a retry.
            try await client.withConnection { try await brands.finishStep(brand.id, .reddit, error: "\(error)", on: $0, logger: logger) }
            return
        }
        let url = try await blobs.put(
            try RedditHarvest.encoder.encode(harvest), key: try .redditHarvest(brandID: brand.id), contentType: "application/json")
        let competitors = terms.filter { $0.about == .competitor }.map(\.text)
        var method = "offline"
        var result = RedditClustering(brandName: brand.name, competitors: competitors).cluster(harvest)
        if let llm, !harvest.items.isEmpty {
            do {
                result = try await LLMRedditInsights(client: llm, brandName: brand.name, competitors: competitors).extract(harvest)
                method = "model"
            } catch {
                // The offline clusters still carry receipts; a model outage should not cost the step.
                method = "offline (the model failed: \(error))"
                logger.warning("Reddit clustering by the model failed, kept the offline clusters", metadata: ["error": "\(error)"])
            }
        }
        let failure: String? =
            if harvest.items.isEmpty {
                harvest.errors.isEmpty
                    ? "no Reddit posts or comments found for " + terms.map { "\"\($0.text)\"" }.joined(separator: ", ")
                    : "Reddit search failed: " + harvest.errors.prefix(3).joined(separator: "; ")
            } else { nil }
        let evidence = RedditEvidence(
            snapshotURL: url, terms: terms, items: harvest.items.count, requests: harvest.requests, truncated: harvest.truncated,
            errors: harvest.errors, method: method)
        let evidenceJSON = String(decoding: try JSONEncoder.sorted.encode(evidence), as: UTF8.self)
        try await client.withConnection { connection in
            if failure == nil { try await insights.saveReddit(brand.id, result, on: connection, logger: logger) }
            try await brands.finishStep(brand.id, .reddit, error: failure, evidence: ["reddit": evidenceJSON], on: connection, logger: logger)
        }
    }

    /// The brand's name, up to three named competitors and its category (the industry, when short
    /// enough to be a search), in that order: the budget is spent on the brand first.
    static func searchTerms(brandName: String, insights: InsightFields?) -> [SearchTerm] {
        var terms = [SearchTerm(brandName, about: .brand)]
        for name in (insights?.competitors ?? []).prefix(3) {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            if (2...60).contains(trimmed.count), !terms.contains(where: { $0.text.lowercased() == trimmed.lowercased() }) {
                terms.append(SearchTerm(trimmed, about: .competitor))
            }
        }
        if let industry = insights?.industry?.trimmingCharacters(in: .whitespacesAndNewlines), (3...60).contains(industry.count) {
            terms.append(SearchTerm(industry, about: .category))
        }
        return terms
    }
}

/// `evidence.reddit`: what was searched, how much was kept and how it was clustered.
struct RedditEvidence: Encodable {
    let snapshotURL: String
    let terms: [SearchTerm]
    let items: Int
    let requests: Int
    let truncated: Bool
    let errors: [String]
    let method: String

    enum CodingKeys: String, CodingKey {
        case terms, items, requests, truncated, errors, method
        case snapshotURL = "snapshot_url"
    }
}
