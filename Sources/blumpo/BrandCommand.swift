import Accounts
import Core
import App
import ArgumentParser
import Billing
import Brands
import Database
import Foundation
import Logging
import PostgresNIO

/// `blumpo brand …`: brand tools for users and for debugging the extractor.
struct BrandCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "brand", abstract: "Brand tools.", subcommands: [Extract.self])

    /// `blumpo brand extract URL [--json]`: the whole extraction pipeline, here and now.
    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crawl a website and print its brand kit (logo, colours, fonts, hero images, insights).")

        @Argument(help: "The website, e.g. https://example.com")
        var url: String

        @Flag(help: "Print one JSON document: the brand as the API returns it plus the evidence for each choice.")
        var json = false

        @Option(help: "The local account that owns the brand.")
        var email = "local@blumpo.localhost"

        func run() async throws {
            let runtime = try await Runtime.start("brand")
            try await runtime.requireCurrentSchema(migrate: true, seed: true)
            guard let websiteURL = WebsiteURL.normalize(url) else {
                printError("blumpo: \(url) is not an http(s) website address")
                throw ExitCode(2)
            }
            let services = try AppServices(configuration: runtime.configuration, logger: runtime.logger)
            let output = try await runtime.run {
                try await withClient(runtime.database.endpoint, logger: runtime.logger) { client in
                    let (brandID, isNew) = try await Self.localBrand(websiteURL, email: email, services: services, client: client, logger: runtime.logger)
                    let json = self.json
                    let started = ContinuousClock.now
                    do {
                        try await services.extraction.runInline(
                            brandID, adoptName: isNew, adoptLanguage: isNew, client: client, logger: runtime.logger
                        ) { progress in
                            guard !json else { return }
                            switch progress {
                            case .crawled(let pages, let duration): printError("  crawled \(pages) page\(pages == 1 ? "" : "s") in \(Self.milliseconds(duration)) ms")
                            case .step(let step, let error, let duration):
                                printError("  \(error == nil ? "✓" : "✗") \(step.rawValue) (\(Self.milliseconds(duration)) ms)\(error.map { ": \($0)" } ?? "")")
                            case .skipped(let step, let reason): printError("  – \(step.rawValue) skipped: \(reason)")
                            }
                        }
                    } catch {
                        printError("blumpo: could not crawl \(websiteURL): \(error)")
                        throw ExitCode.failure
                    }
                    if !json { printError("  done in \(Self.milliseconds(ContinuousClock.now - started)) ms") }
                    return try await Self.render(brandID, json: json, services: services, client: client, logger: runtime.logger)
                }
            }
            print(output)
        }

        /// The local user's brand for the URL (restored if it was deleted), created when missing —
        /// through `BrandService`, like the API, so the plan's brand limit holds here too. `isNew`
        /// is true while the brand has never been crawled (its name and language are adopted).
        static func localBrand(
            _ websiteURL: String, email: String, services: AppServices, client: PostgresClient, logger: Logger
        ) async throws -> (id: UUID, isNew: Bool) {
            let user = try await client.transaction(logger: logger) { connection in
                let (user, created) = try await UserStore().findOrCreate(email: email.lowercased(), on: connection, logger: logger)
                if created { try await TokenAccountStore().open(for: user.id, on: connection, logger: logger) }
                return user
            }
            let brands = BrandService(client: client, blobs: services.blobs, limits: PlanBrandLimits())
            do {
                let detail = try await brands.create(
                    userID: user.id, websiteURL: websiteURL, name: nil, language: nil, queueExtraction: false, logger: logger)
                return (detail.brand.id, detail.brand.websiteDataURL == nil)
            } catch AppError.exists(_, _, let existing) {
                guard let id = UUID(uuidString: existing) else { throw ExitCode.failure }
                let brand = try await brands.detail(id, userID: user.id, logger: logger).brand
                return (id, brand.websiteDataURL == nil)
            } catch AppError.forbidden("BRAND_LIMIT", let detail) {
                printError("blumpo: \(email): \(detail) Use --email to work as another local account.")
                throw ExitCode.failure
            }
        }

        static func render(_ brandID: UUID, json: Bool, services: AppServices, client: PostgresClient, logger: Logger) async throws -> String {
            let (brand, userID) = try await client.withConnection { connection in
                let brand = try await BrandStore().find(brandID, on: connection, logger: logger)!
                return (brand, brand.userID)
            }
            let detail = try await BrandService(client: client, blobs: services.blobs, limits: PlanBrandLimits()).detail(brand.id, userID: userID, logger: logger)
            let evidenceText = try await client.withConnection { try await BrandStore().evidence(brandID, on: $0, logger: logger) }
            let evidence = try JSONDecoder().decode(JSONValue.self, from: Data(evidenceText.utf8))
            if json {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                return String(decoding: try encoder.encode(BrandKitDocument(detail: detail, evidence: evidence)), as: UTF8.self)
            }
            return BrandKitText(detail: detail).text
        }

        static func milliseconds(_ duration: Duration) -> Int {
            Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
    }
}

/// `GET /api/v1/brands/{id}` plus `evidence`.
struct BrandKitDocument: Encodable {
    let detail: BrandService.Detail
    let evidence: JSONValue

    func encode(to encoder: any Encoder) throws {
        try detail.encode(to: encoder)
        var container = encoder.container(keyedBy: EvidenceKey.self)
        try container.encode(evidence, forKey: .evidence)
    }

    enum EvidenceKey: String, CodingKey { case evidence }
}

/// The brand kit for a terminal.
struct BrandKitText {
    let detail: BrandService.Detail

    var text: String {
        let brand = detail.brand
        var lines = ["\(brand.name) — \(brand.websiteURL) (\(brand.language))"]
        lines.append("  logo:    \(brand.logoURL ?? "none")")
        lines.append("  colours: \((brand.colors ?? []).joined(separator: " "))")
        lines.append("  fonts:   \((brand.fonts ?? []).map { "\($0.fontFamily) (\($0.count))" }.joined(separator: ", "))")
        for url in brand.heroPhotos ?? [] { lines.append("  hero:    \(url)") }
        for url in brand.photos ?? [] { lines.append("  photo:   \(url)") }
        if let fields = detail.insights?.fields {
            if let value = fields.productDescription { lines.append("  product: \(value)") }
            if let value = fields.uniqueValueProp { lines.append("  promise: \(value)") }
            if let value = fields.industry { lines.append("  industry: \(value)") }
            for feature in fields.keyFeatures ?? [] { lines.append("  feature: \(feature)") }
            for quote in fields.insInterestingQuotes ?? [] { lines.append("  quote:   “\(quote)”") }
        }
        if let status = detail.extractionStatus {
            lines.append("  extraction: \(status.overall)")
            for step in ExtractionStep.allCases {
                if let error = status.steps[step]?.error {
                    lines.append("    \(step.rawValue)\(status.steps[step]?.status == .skipped ? " (skipped)" : ""): \(error)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
