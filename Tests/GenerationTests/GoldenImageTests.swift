import Core
import Foundation
import Generation
import Imaging
import Testing

/// Each archetype in every format, compared with its golden image: both reduced to 48
/// pixels wide and compared pixel by pixel, so font hinting and encoder details do not matter
/// but a moved block, a lost photo or a changed colour does. Set `BLUMPO_UPDATE_GOLDENS=1` to
/// rewrite the goldens after an intended change (and look at them before committing).
@Suite struct GoldenImageTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")
    static let tolerance = 0.04

    @Test(arguments: RendererTests.archetypes)
    func adsLookAsTheyDid(_ archetype: String) async throws {
        let kit = try TestKit.kit()
        for format in AdFormat.all {
            let ad = try await BuiltinRenderer().render(
                RenderRequest(archetype: archetype, format: format, kit: kit, copy: TestKit.copy, seed: 0, output: .png))
            let thumbnail = try RasterImage.fit(ad.data, width: 48, height: 96, upscale: false)
            // `try #require` below needs the golden to exist; a missing one is a failure, not a skip.
            let golden = Self.directory.appendingPathComponent("\(archetype)-\(format.code).png")
            if ProcessInfo.processInfo.environment["BLUMPO_UPDATE_GOLDENS"] == "1" {
                try thumbnail.encoded(as: .png).write(to: golden)
                continue
            }
            let expected = try RasterImage.fit(try Data(contentsOf: golden), width: 48, height: 96, upscale: false)
            let (a, b) = (try thumbnail.rgbPixels(), try expected.rgbPixels())
            try #require(a.count == b.count, "\(archetype) \(format.code): size changed")
            let difference = zip(a, b).reduce(0.0) { $0 + Double(abs(Int($1.0) - Int($1.1))) } / Double(a.count * 255)
            #expect(difference < Self.tolerance, "\(archetype) \(format.code) differs from its golden by \(difference)")
        }
    }
}
