public import AsyncHTTPClient
import Billing
import Brands
import Core
import Crypto
import Foundation
import Imaging
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import PostgresNIO
import Storage
import TaskQueue

/// Where the n8n instance is and how it is called.
public struct N8NSettings: Sendable {
    /// `https://n8n.example.com`; workflows are called at `<base>/webhook/<path>`.
    public var baseURL: String
    /// Sent as `X-Blumpo-Webhook-Key` (configure n8n's Header Auth with that name).
    public var webhookKey: String
    /// Where n8n calls back: `<BLUMPO_BASE_URL>/api/v1/workflows/callback`.
    public var callbackURL: String
    /// How long a workflow may take to call back before its variant fails.
    public var deadline: Duration = .seconds(600)

    public init(baseURL: String, webhookKey: String, callbackURL: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.webhookKey = webhookKey
        self.callbackURL = callbackURL
    }
}

/// Runs `n8n:<path>` workflows: posts the variant's brief to the n8n webhook (30 s to
/// acknowledge), then waits for the signed callback, which `N8NCallbacks` handles.
public struct N8NRunner: Sendable {
    let settings: N8NSettings
    let http: HTTPClient

    public init(settings: N8NSettings, http: HTTPClient) {
        self.settings = settings
        self.http = http
    }

    struct Brief: Encodable {
        struct BrandBrief: Encodable {
            let name: String
            let colors: [String]
            let fonts: [String]
            let logoURL: String?
            let photos: [String]
            enum CodingKeys: String, CodingKey { case name, colors, fonts, photos, logoURL = "logo_url" }
        }
        let jobID: String
        let variantID: String
        let archetype: String
        let format: String
        let width: Int
        let height: Int
        let brand: BrandBrief
        let insights: InsightFields?
        let copy: AdCopy
        let callbackURL: String
        /// Signs the callback: `X-Blumpo-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
        let callbackSecret: String
        enum CodingKeys: String, CodingKey {
            case archetype, format, width, height, brand, insights, copy
            case jobID = "job_id", variantID = "variant_id", callbackURL = "callback_url", callbackSecret = "callback_secret"
        }
    }

    func start(
        path: String, variant: GenerationVariant, job: GenerationJob, brand: Brand, insights: InsightFields?, copy: AdCopy, format: AdFormat,
        secret: String, logger: Logger
    ) async throws {
        let brief = Brief(
            jobID: job.id.uuidString.lowercased(), variantID: variant.id.uuidString.lowercased(), archetype: variant.archetypeCode, format: format.code,
            width: format.width, height: format.height,
            brand: .init(name: brand.name, colors: brand.colors ?? [], fonts: (brand.fonts ?? []).map(\.fontFamily), logoURL: brand.logoURL,
                photos: (brand.heroPhotos ?? []) + (brand.photos ?? [])),
            insights: insights, copy: copy, callbackURL: settings.callbackURL, callbackSecret: secret)
        var request = HTTPClientRequest(url: "\(settings.baseURL)/webhook/\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Blumpo-Webhook-Key", value: settings.webhookKey)
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(brief)))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw N8NError("n8n answered HTTP \(response.status.code) for workflow \(path)")
        }
        logger.info("n8n workflow started", metadata: ["workflow": "\(path)", "variant.id": "\(variant.id)"])
    }
}

struct N8NError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
