import Brands
import Core
import Foundation
import Logging
import PostgresNIO
import Storage

/// Turns a job request into a validated plan: the brand, archetype(s), formats, photos, pain
/// points and the variants (active workflows × formats). Every bad field is named at once.
struct JobPlanner {
    let blobs: any BlobStore

    struct PlannedVariant {
        let archetype: String
        let workflowID: UUID
        let workflowUID: String
        let format: String
    }

    struct Plan {
        var brandID: UUID
        var archetypeCode: String?
        var archetypeMode: ArchetypeMode
        var formats: [String]
        var photoURLs: [String]?
        var photoMode: ProductPhotoMode
        var painPoints: [String]?
        var insightSource: InsightSource
        var inputs: [String: String]
        var params: JobParams
        var variants: [PlannedVariant]
    }

    /// `variantsPerFormat`: the ideas the job makes of each format (from the pricing rule).
    func plan(_ request: CreateJobRequest, userID: UUID, variantsPerFormat: Int, on connection: PostgresConnection, logger: Logger) async throws -> Plan {
        guard let brandText = request.brandID else { throw AppError.validation(["brand_id": "is required"]) }
        guard let brandID = UUID(uuidString: brandText),
            let (brand, insights) = try await BrandStore().findWithInsights(brandID, userID: userID, on: connection, logger: logger)
        else { throw AppError.notFound("Brand") }
        let workflows = try await WorkflowStore().activeWorkflows(on: connection, logger: logger)

        // Every field is checked before anything is refused, so one answer names every problem.
        var problems: [String: String] = [:]
        let inputs = request.archetypeInputs ?? [:]
        let (mode, archetypes) = Self.archetypes(request, workflows: workflows, insights: insights, problems: &problems)
        var formats: [String] = []
        switch Self.formats(request.formats) {
        case .success(let codes): formats = codes
        case .failure(let problem): problems["formats"] = problem.reason
        }
        let (photoMode, photos) = photos(request, brand: brand, userID: userID, problems: &problems)
        let (source, pains) = Self.painPoints(request, insights: insights, problems: &problems)
        if inputs.count > 10 || inputs.contains(where: { $0.key.count > 40 || $0.value.count > 500 }) {
            problems["archetype_inputs"] = "must be at most 10 string values of at most 500 characters"
        }
        if let prompt = request.prompt, prompt.count > 2000 { problems["prompt"] = "must be at most 2000 characters" }
        let makeParams = Self.params(request.params ?? .init(), formats: formats, problems: &problems)
        guard problems.isEmpty else { throw AppError.validation(problems) }

        var params = makeParams()
        params.variantsPerFormat = variantsPerFormat
        // Random mode draws from the archetypes that serve every requested format, one workflow
        // each: the job makes exactly formats × ideas ads, as its quote said.
        let drawn = archetypes.filter { code in formats.allSatisfy { !Self.variants(of: code, in: [$0], workflows: workflows).isEmpty } }
        if mode == .random, drawn.isEmpty {
            throw AppError.validation(["formats": "no archetype this brand's pages support has an active workflow for every one of these formats"])
        }
        // Idea by idea, each in every format: an idea keeps its archetype (and its seed) across
        // formats, so a user can pair its square with its story.
        let variants = (0..<variantsPerFormat).flatMap { idea -> [PlannedVariant] in
            guard mode == .random else { return Self.variants(of: archetypes[0], in: formats, workflows: workflows) }
            let archetype = drawn[Int(SeededChoice.value(params.seed, idea) % UInt64(drawn.count))]
            return formats.compactMap { Self.variants(of: archetype, in: [$0], workflows: workflows).first }
        }
        guard !variants.isEmpty else { throw AppError.validation(["formats": "no active workflow of this archetype serves these formats"]) }
        guard variants.count <= 100 else { throw AppError.validation(["formats": "would make \(variants.count) ads; a job makes at most 100"]) }
        return Plan(
            brandID: brandID, archetypeCode: mode == .single ? archetypes.first : nil, archetypeMode: mode, formats: formats,
            photoURLs: photos.isEmpty ? nil : photos, photoMode: photoMode, painPoints: pains.isEmpty ? nil : pains, insightSource: source,
            inputs: inputs, params: params, variants: variants)
    }

    /// The mode and the archetypes it may draw from: the one requested (single), or every served
    /// archetype this brand can be advertised with truthfully (random).
    static func archetypes(
        _ request: CreateJobRequest, workflows: [WorkflowStore.Workflow], insights: InsightFields?, problems: inout [String: String]
    ) -> (mode: ArchetypeMode, archetypes: [String]) {
        let inputs = request.archetypeInputs ?? [:]
        let served = Array(Set(workflows.map(\.archetype))).sorted()
        switch ArchetypeMode(rawValue: request.archetypeMode ?? "single") {
        case .random:
            let truthful = served.filter { CopyWriter.missingGrounds(archetype: $0, insights: insights, inputs: inputs) == nil }
            if truthful.isEmpty {
                problems["archetype_mode"] = "random needs at least one archetype with an active workflow that this brand's pages can support"
            }
            return (.random, truthful)
        case .single:
            guard let code = request.archetypeCode else {
                problems["archetype_code"] = "is required unless archetype_mode is random"
                return (.single, [])
            }
            if !served.contains(code) {
                problems["archetype_code"] = "must be one of " + served.joined(separator: ", ")
            } else if let missing = CopyWriter.missingGrounds(archetype: code, insights: insights, inputs: inputs) {
                problems[missing.field] = missing.reason
            }
            return (.single, [code])
        case nil:
            problems["archetype_mode"] = "must be single or random"
            return (.single, [])
        }
    }

    /// Product photos: Blumpo's own or the brand's, at most five; `custom` needs one.
    func photos(_ request: CreateJobRequest, brand: Brand, userID: UUID, problems: inout [String: String]) -> (mode: ProductPhotoMode, urls: [String]) {
        let mode = ProductPhotoMode(rawValue: request.productPhotoMode ?? "brand")
        if mode == nil { problems["product_photo_mode"] = "must be brand, custom or mixed" }
        let urls = request.productPhotoURLs ?? []
        let held = Set(brand.heldAssets)
        if urls.count > 5 || urls.contains(where: { !isOurs($0, brandID: brand.id, userID: userID, brandPhotos: held) }) {
            problems["product_photo_urls"] = "must be at most 5 images uploaded to Blumpo or belonging to the brand"
        }
        if mode == .custom && urls.isEmpty { problems["product_photo_urls"] = "must name at least one photo when product_photo_mode is custom" }
        return (mode ?? .brand, urls)
    }

    /// Pain points to address: with `insight_source` `auto`, only the brand's own (from its
    /// pages or from Reddit).
    static func painPoints(_ request: CreateJobRequest, insights: InsightFields?, problems: inout [String: String]) -> (source: InsightSource, pains: [String]) {
        let source = InsightSource(rawValue: request.insightSource ?? "auto")
        if source == nil { problems["insight_source"] = "must be auto, manual or mixed" }
        let pains = request.selectedPainPoints ?? []
        if pains.count > 5 || pains.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.count > 200 }) {
            problems["selected_pain_points"] = "must be at most 5 texts of 1 to 200 characters"
        } else if source == .auto, !pains.isEmpty, pains.contains(where: { !Set(insights?.selectablePainPoints ?? []).contains($0) }) {
            problems["selected_pain_points"] = "must come from the brand's insights when insight_source is auto"
        }
        return (source ?? .auto, pains)
    }

    /// Checks the requested params; the returned closure makes them (drawing a seed when none
    /// was given) once every field has passed.
    static func params(_ params: CreateJobRequest.Params, formats: [String], problems: inout [String: String]) -> () -> JobParams {
        let output = params.outputFormat.map(JobParams.OutputFormat.init(parsing:)) ?? JobParams.defaultOutput
        if output == nil { problems["params.output_format"] = "must be webp, png or jpeg" }
        if let quality = params.quality, !(50...100).contains(quality) { problems["params.quality"] = "must be 50 to 100" }
        if params.width != nil || params.height != nil {
            let sizes = formats.compactMap { AdFormat(parsing: $0) }
            if sizes.count != 1 || sizes.first?.width != params.width || sizes.first?.height != params.height {
                problems["params.width"] = "width and height, when given, must equal the single requested format's size"
            }
        }
        if let seed = params.seed, seed > Bounds.maxSeed { problems["params.seed"] = "must be 0 to \(Bounds.maxSeed)" }
        return {
            // A size is kept only as a pair (checked above to be the single format's).
            let size = params.width.flatMap { width in params.height.map { (width: width, height: $0) } }
            return JobParams(
                seed: params.seed ?? UInt64.random(in: 0...Bounds.maxSeed), outputFormat: output ?? JobParams.defaultOutput,
                quality: params.quality ?? JobParams.defaultQuality, width: size?.width, height: size?.height)
        }
    }

    struct Problem: Error {
        let reason: String
    }

    /// The requested formats as codes, in order, without repeats; 1 to 5 of them.
    static func formats(_ requested: [String]?) -> Result<[String], Problem> {
        guard let requested, (1...5).contains(requested.count) else { return .failure(Problem(reason: "must list 1 to 5 formats")) }
        var codes: [String] = []
        for text in requested {
            guard let format = AdFormat(parsing: text) else {
                return .failure(Problem(reason: "must be square, portrait, story, landscape, widescreen (or 1:1, 4:5, 9:16, 1.91:1, 16:9)"))
            }
            if !codes.contains(format.code) { codes.append(format.code) }
        }
        return .success(codes)
    }

    /// One variant per active workflow of `archetype` that serves each format: the ads a job makes
    /// and is charged for.
    static func variants(of archetype: String, in formats: [String], workflows: [WorkflowStore.Workflow]) -> [PlannedVariant] {
        formats.flatMap { format in
            workflows.filter { $0.archetype == archetype && ($0.format == nil || $0.format == format) }.map {
                PlannedVariant(archetype: archetype, workflowID: $0.id, workflowUID: $0.uid, format: format)
            }
        }
    }

    /// A photo Blumpo stores for this user or brand, or one the brand already holds.
    func isOurs(_ url: String, brandID: UUID, userID: UUID, brandPhotos: Set<String>) -> Bool {
        if brandPhotos.contains(url) { return true }
        guard let key = blobs.key(forPublicURL: url) else { return false }
        return key.path.hasPrefix("brands/\(brandID.uuidString.lowercased())/") || key.path.hasPrefix("users/\(userID.uuidString.lowercased())/")
    }
}

/// Deterministic choices from a seed (SplitMix64), so the same seed picks the same things.
enum SeededChoice {
    static func value(_ seed: UInt64, _ index: Int) -> UInt64 {
        var z = seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
