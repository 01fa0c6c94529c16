import App
import ArgumentParser
import Brands
import Core
import Database
import Foundation
import Generation
import Imaging

/// `blumpo render`: one ad from a brand (in the database or a JSON file), without a job — for
/// designers working on templates.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Render one ad for a brand without creating a job, and print its preflight.")

    @Option(help: "A brand id in the database.") var brand: String?
    @Option(name: .customLong("brand-json"), help: "A JSON file: {name, colors, fonts, logo (path), photos (paths), insights, pain_points, inputs}.")
    var brandJSON: String?
    @Option(help: "Archetype code, e.g. problem_solution.") var archetype: String
    @Option(help: "square, portrait, story, landscape or widescreen (or 1:1, 4:5, 9:16, 1.91:1, 16:9).") var format: String
    @Option(help: "Where to write the image.") var out: String = "."
    @Option(help: "Seed: picks the template and phrasing.") var seed: UInt64 = 1
    @Option(help: "Force a template: split or poster.") var template: String?
    @Option(help: "webp, png or jpeg.") var output: String = "webp"

    struct BrandFile: Decodable {
        let name: String
        let colors: [String]?
        let fonts: [String]?
        let logo: String?
        let photos: [String]?
        let insights: InsightFields?
        let painPoints: [String]?
        let inputs: [String: String]?
        enum CodingKeys: String, CodingKey { case name, colors, fonts, logo, photos, insights, painPoints = "pain_points", inputs }
    }

    func run() async throws {
        guard let adFormat = AdFormat(parsing: format) else { throw ValidationError("unknown format \(format)") }
        guard let imageFormat = ImageFormat(rawValue: output.uppercased() == "JPG" ? "JPEG" : output.uppercased()) else {
            throw ValidationError("unknown output \(output)")
        }
        let forced = try template.map { name in
            guard let forced = AdTemplate(rawValue: name), AdTemplate.seeded.contains(forced) else { throw ValidationError("unknown template \(name)") }
            return forced
        }
        let (kit, insights, painPoints, inputs) = try await loadBrand()
        let copy = CopyWriter().write(
            archetype: archetype, brandName: kit.name, insights: insights, painPoints: painPoints, inputs: inputs, formatCode: adFormat.code, seed: seed)
        let ad = try await BuiltinRenderer().render(
            RenderRequest(archetype: archetype, format: adFormat, kit: kit, copy: copy, seed: seed, output: imageFormat, template: forced))
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let path = "\(out)/\(archetype)-\(adFormat.code)-\(ad.template.rawValue).\(imageFormat.fileExtension)"
        try ad.data.write(to: URL(fileURLWithPath: path))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print("\(path) \(ad.width)×\(ad.height) preflight \(String(decoding: try encoder.encode(ad.preflight), as: UTF8.self))")
    }

    func loadBrand() async throws -> (BrandKit, InsightFields?, [String], [String: String]) {
        if let brandJSON {
            let file = try JSONDecoder().decode(BrandFile.self, from: Data(contentsOf: URL(fileURLWithPath: brandJSON)))
            let base = URL(fileURLWithPath: brandJSON).deletingLastPathComponent()
            func read(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path, relativeTo: base)) }
            let kit = BrandKit(
                name: file.name, colors: file.colors ?? [], fonts: file.fonts ?? [], logo: try file.logo.map(read), photos: try (file.photos ?? []).map(read))
            return (kit, file.insights, file.painPoints ?? [], file.inputs ?? [:])
        }
        guard let brand, let brandID = UUID(uuidString: brand) else { throw ValidationError("give --brand BRAND_ID or --brand-json FILE") }
        let runtime = try await Runtime.start("render")
        try await runtime.requireCurrentSchema(migrate: false)
        let services = try AppServices(configuration: runtime.configuration, logger: runtime.logger)
        let loaded = try await runtime.run {
            try await withClient(runtime.database.endpoint, logger: runtime.logger) { client in
                try await BrandKitLoader(blobs: services.blobs).load(brandID, client: client, logger: runtime.logger)
            }
        }
        guard let (kit, insights) = loaded else { throw ValidationError("no brand \(brand)") }
        return (kit, insights, [], [:])
    }
}
