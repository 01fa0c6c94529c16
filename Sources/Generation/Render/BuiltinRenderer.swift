import Foundation
import Imaging
import NIOPosix

/// The built-in renderer (`workflow_uid` `builtin:<archetype>`): composes an ad from the brand
/// kit and copy with libvips, checks it (preflight), and re-lays it out until it passes —
/// seed's template, the other template, then a plain layout — so a broken ad never ships.
public struct BuiltinRenderer: Sendable {
    public init() {}

    public func render(_ request: RenderRequest) async throws -> RenderedAd {
        try await NIOThreadPool.singleton.runIfActive { try Self.renderNow(request) }
    }

    static func renderNow(_ request: RenderRequest) throws -> RenderedAd {
        let choices = AdTemplate.seeded
        let first = request.template.flatMap { choices.contains($0) ? $0 : nil } ?? choices[Int(request.seed % UInt64(choices.count))]
        let order = [first] + choices.filter { $0 != first } + [.plain]
        var problems: [String] = []
        for (index, template) in order.enumerated() {
            let composer = AdComposer(request: request, template: template, attempt: index + 1)
            let (image, report) = try composer.compose()
            if report.passed {
                return RenderedAd(
                    data: try image.encoded(as: request.output, quality: request.quality), format: request.output, width: image.width,
                    height: image.height, template: template, preflight: report, operations: composer.recorder.operations)
            }
            problems += report.problems.map { "\(template): \($0)" }
        }
        throw RenderError("no layout passed preflight: " + problems.joined(separator: "; "))
    }
}
