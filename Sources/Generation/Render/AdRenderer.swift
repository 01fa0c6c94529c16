/// Something that turns a render request into an ad: the built-in renderer, or a test's stand-in.
public protocol AdRenderer: Sendable {
    func render(_ request: RenderRequest) async throws -> RenderedAd
}

extension BuiltinRenderer: AdRenderer {}
