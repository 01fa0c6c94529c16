public import Hummingbird

/// The context every request starts with. Authenticated routes derive richer child contexts.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}
