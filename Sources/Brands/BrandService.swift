public import Core
import Database
public import Foundation
public import Logging
public import PostgresNIO
public import Storage
import TaskQueue

/// The brand rules: creation (normalized URL, one brand per URL, the plan's brand limit),
/// edits, soft deletion, re-extraction, insights and uploaded assets. Every method checks
/// ownership: another user's brand is "not found".
public struct BrandService: Sendable {
    let client: PostgresClient
    let blobs: any BlobStore
    let limits: any BrandLimits
    let brands = BrandStore()
    let insights = InsightsStore()

    /// `limits` says how many brands a user's plan allows (Billing knows; Brands only asks).
    public init(client: PostgresClient, blobs: any BlobStore, limits: any BrandLimits) {
        self.client = client
        self.blobs = blobs
        self.limits = limits
    }

    /// A brand with its insights and extraction status, as `GET /api/v1/brands/{id}` returns it.
    public struct Detail: Sendable, Encodable {
        public let brand: Brand
        public let insights: BrandInsightsRecord?
        public let extractionStatus: ExtractionStatus?

        public func encode(to encoder: any Encoder) throws {
            try brand.encode(to: encoder)
            var container = encoder.container(keyedBy: ExtractionStatus.Key.self)
            try container.encode(insights, forKey: .init(stringValue: "insights"))
            try container.encode(extractionStatus, forKey: .init(stringValue: "extraction_status"))
        }
    }

    /// Creates the brand (or restores the user's deleted brand for the same URL) and queues its
    /// extraction, in one transaction.
    /// With `queueExtraction: false` the caller runs the extraction itself (the command line):
    /// the steps are reset, nothing is queued.
    public func create(
        userID: UUID, websiteURL input: String, name: String?, language: String?, queueExtraction: Bool = true, logger: Logger
    ) async throws -> Detail {
        var problems: [String: String] = [:]
        let url = WebsiteURL.normalize(input)
        if url == nil { problems["website_url"] = "must be an http(s) website address" }
        let trimmedName = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let trimmedName, trimmedName.isEmpty || trimmedName.count > 100 { problems["name"] = "must be 1 to 100 characters" }
        let tag = language.map(SiteIdentity.normalizedTag)
        if case .some(.none) = tag { problems["language"] = "must be a language tag such as en, de or pt-BR" }
        guard problems.isEmpty, let url else { throw AppError.validation(problems) }

        let brandID = try await client.transaction(logger: logger) { connection -> UUID in
            // One creation at a time per user, so two requests cannot both pass the limit.
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('brand-create:' || \(userID.uuidString)))", logger: logger)
            if let existing = try await brands.find(userID: userID, websiteURL: url, on: connection, logger: logger) {
                guard existing.isDeleted else {
                    throw AppError.exists(code: "BRAND_EXISTS", detail: "You already have a brand for \(url).", id: existing.id.uuidString.lowercased())
                }
                try await checkLimit(userID: userID, on: connection, logger: logger)
                try await brands.setDeleted(existing.id, false, on: connection, logger: logger)
                return existing.id
            }
            try await checkLimit(userID: userID, on: connection, logger: logger)
            let fallbackName = trimmedName ?? SiteIdentity.domainName(URL(string: url)!).capitalized
            guard let brand = try await brands.insert(userID: userID, name: fallbackName, websiteURL: url, language: (tag ?? nil) ?? "en", on: connection, logger: logger)
            else { throw AppError.conflict(code: "BRAND_EXISTS", detail: "You already have a brand for \(url).") }
            if queueExtraction {
                try await self.queueExtraction(
                    brand.id, userID: userID, steps: ExtractionStep.allCases, adoptName: trimmedName == nil, adoptLanguage: language == nil,
                    on: connection, logger: logger)
            } else {
                try await brands.resetSteps(brand.id, ExtractionStep.allCases, on: connection, logger: logger)
            }
            return brand.id
        }
        return try await detail(brandID, userID: userID, logger: logger)
    }

    func checkLimit(userID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        guard let limit = try await limits.brandLimit(for: userID, on: connection, logger: logger) else { return }
        let count = try await brands.liveCount(userID: userID, on: connection, logger: logger)
        if count >= limit {
            throw AppError.forbidden(code: "BRAND_LIMIT", detail: "Your plan allows \(limit) brand\(limit == 1 ? "" : "s"); upgrade or delete a brand first.")
        }
    }

    func queueExtraction(
        _ brandID: UUID, userID: UUID, steps: [ExtractionStep], adoptName: Bool, adoptLanguage: Bool, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await brands.resetSteps(brandID, steps, on: connection, logger: logger)
        let payload = CrawlBrandWebsite.Payload(brandID: brandID, adoptName: adoptName, adoptLanguage: adoptLanguage, steps: steps)
        try await TaskStore().enqueue([try CrawlBrandWebsite.task(payload, owner: userID)], on: connection, logger: logger)
    }

    public func detail(_ id: UUID, userID: UUID, logger: Logger) async throws -> Detail {
        try await client.withConnection { connection in
            guard let brand = try await brands.find(id, userID: userID, on: connection, logger: logger) else { throw AppError.notFound("Brand") }
            return Detail(
                brand: brand, insights: try await insights.find(id, on: connection, logger: logger),
                extractionStatus: try await brands.status(id, on: connection, logger: logger))
        }
    }

    public func list(userID: UUID, cursor: String?, limit: Int, logger: Logger) async throws -> Page<Brand> {
        let after = try Keyset(cursor: cursor)
        let rows = try await client.withConnection { try await brands.list(userID: userID, after: after, limit: limit + 1, on: $0, logger: logger) }
        return Page(rows: rows, limit: limit) { ($0.createdAt, $0.id) }
    }

    public func update(_ id: UUID, userID: UUID, patch: BrandPatch, logger: Logger) async throws -> Detail {
        let edit: BrandEdit
        switch patch.validated() {
        case .success(let value): edit = value
        case .failure(let error): throw AppError.validation(error.fields)
        }
        try await client.withConnection { connection in
            guard let brand = try await brands.find(id, userID: userID, on: connection, logger: logger) else { throw AppError.notFound("Brand") }
            try checkOwnFiles(edit, of: brand)
            guard try await brands.update(id, edit, on: connection, logger: logger) != nil else { throw AppError.notFound("Brand") }
        }
        return try await detail(id, userID: userID, logger: logger)
    }

    /// Image fields may only name files the brand already holds or this brand's own blobs: a
    /// typed URL would otherwise be fetched later by the renderer or n8n, outside the crawl's
    /// SSRF rules. New images arrive through `POST /brands/{id}/assets`, which re-hosts them.
    func checkOwnFiles(_ edit: BrandEdit, of brand: Brand) throws {
        let held = Set(brand.heldAssets)
        let folder = "brands/\(brand.id.uuidString.lowercased())/"
        func isOwn(_ url: String) -> Bool {
            held.contains(url) || blobs.key(forPublicURL: url).map { $0.path.hasPrefix(folder) } == true
        }
        var problems: [String: String] = [:]
        let rule = "must name this brand's own files (upload new images with POST /api/v1/brands/{id}/assets)"
        if case .some(.some(let url)) = edit.logoURL, !isOwn(url) { problems["logo_url"] = rule }
        if case .some(.some(let urls)) = edit.photos, !urls.allSatisfy(isOwn) { problems["photos"] = rule }
        if case .some(.some(let urls)) = edit.heroPhotos, !urls.allSatisfy(isOwn) { problems["hero_photos"] = rule }
        guard problems.isEmpty else { throw AppError.validation(problems) }
    }

    public func delete(_ id: UUID, userID: UUID, logger: Logger) async throws {
        try await client.withConnection { connection in
            guard try await brands.find(id, userID: userID, on: connection, logger: logger) != nil else { throw AppError.notFound("Brand") }
            try await brands.setDeleted(id, true, on: connection, logger: logger)
        }
    }

    /// Re-runs extraction: every step after a fresh crawl, or only `steps` from the stored snapshot.
    public func extract(_ id: UUID, userID: UUID, steps requested: [String]?, logger: Logger) async throws -> Detail {
        var steps = ExtractionStep.allCases
        if let requested {
            let parsed = requested.map(ExtractionStep.init(rawValue:))
            guard !requested.isEmpty, !parsed.contains(where: { $0 == nil }) else {
                throw AppError.validation(["steps": "must list some of " + ExtractionStep.allCases.map(\.rawValue).joined(separator: ", ")])
            }
            steps = ExtractionStep.allCases.filter { parsed.contains($0) }
        }
        try await client.transaction(logger: logger) { connection in
            guard let brand = try await brands.find(id, userID: userID, on: connection, logger: logger) else { throw AppError.notFound("Brand") }
            if requested == nil || brand.websiteDataURL == nil {
                try await queueExtraction(id, userID: userID, steps: steps, adoptName: false, adoptLanguage: false, on: connection, logger: logger)
            } else {
                try await brands.resetSteps(id, steps, on: connection, logger: logger)
                try await TaskStore().enqueue(
                    try RunExtractionStep.tasks(brandID: id, steps: steps, owner: userID.uuidString.lowercased()), on: connection, logger: logger)
            }
        }
        return try await detail(id, userID: userID, logger: logger)
    }

    public func insights(_ id: UUID, userID: UUID, logger: Logger) async throws -> BrandInsightsRecord {
        guard let record = try await detail(id, userID: userID, logger: logger).insights else { throw AppError.notFound("Brand insights") }
        return record
    }

    public func updateInsights(_ id: UUID, userID: UUID, patch: InsightsPatch, logger: Logger) async throws -> BrandInsightsRecord {
        try await client.transaction(logger: logger) { connection in
            guard try await brands.find(id, userID: userID, on: connection, logger: logger) != nil else { throw AppError.notFound("Brand") }
            let record = try await insights.find(id, on: connection, logger: logger)
            switch patch.applied(to: record?.fields ?? InsightFields()) {
            case .success(let fields):
                // Items keep their receipts (one reworded in place keeps those of the words it replaced).
                try await insights.save(
                    id, fields, raw: nil, receipts: record?.receipts.aligned(with: fields, previous: record?.fields), on: connection, logger: logger)
            case .failure(let error): throw AppError.validation(error.fields)
            }
        }
        return try await insights(id, userID: userID, logger: logger)
    }
}

/// How many live brands a user may have: nil for no limit. Asked inside the creating
/// transaction, so a limit and the count it is compared with are read together.
public protocol BrandLimits: Sendable {
    func brandLimit(for userID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int?
}
