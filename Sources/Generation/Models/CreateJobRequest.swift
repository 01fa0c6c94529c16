import Foundation

/// The body of `POST /api/v1/generation-jobs`, with the `generation_job` field names.
public struct CreateJobRequest: Decodable, Sendable {
    public struct Params: Decodable, Sendable {
        public var width: Int?
        public var height: Int?
        public var seed: UInt64?
        public var outputFormat: String?
        public var quality: Int?
        enum CodingKeys: String, CodingKey { case width, height, seed, quality, outputFormat = "output_format" }
        public init() {}
    }

    public var brandID: String?
    public var archetypeCode: String?
    public var archetypeMode: String?
    public var formats: [String]?
    public var productPhotoURLs: [String]?
    public var productPhotoMode: String?
    public var selectedPainPoints: [String]?
    public var insightSource: String?
    public var archetypeInputs: [String: String]?
    public var params: Params?
    public var prompt: String?

    enum CodingKeys: String, CodingKey {
        case formats, params, prompt
        case brandID = "brand_id", archetypeCode = "archetype_code", archetypeMode = "archetype_mode"
        case productPhotoURLs = "product_photo_urls", productPhotoMode = "product_photo_mode"
        case selectedPainPoints = "selected_pain_points", insightSource = "insight_source", archetypeInputs = "archetype_inputs"
    }

    public init(brandID: String?, archetypeCode: String?, formats: [String]?) {
        self.brandID = brandID
        self.archetypeCode = archetypeCode
        self.formats = formats
    }
}
