import HTTPTypes
import Hummingbird
import Synchronization

/// Answers 405 with an `Allow` header when the path names a route but not for this method, before
/// any other middleware reads the body or the session: a `PUT` to a `POST`-only path is the
/// method's fault, not a missing route (404) or a body in the wrong type (415).
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let table: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let allowed = table.methods(forPath: request.uri.path), !allowed.contains(request.method) else {
            return try await next(request, context)
        }
        let names = allowed.map(\.rawValue).sorted().joined(separator: ", ")
        var problem = Problem(status: .methodNotAllowed, code: "METHOD_NOT_ALLOWED", detail: "\(request.method) is not allowed here; use \(names).")
        problem.headers[.allow] = names
        throw problem
    }
}

/// The methods each route path answers, filled once the router has every route.
final class RouteMethods: Sendable {
    private enum Segment: Equatable {
        case literal(Substring)
        case parameter  // any one segment
        case rest  // `**`: any number of segments
    }

    private struct Route {
        let segments: [Segment]
        let method: HTTPRequest.Method

        /// Per segment 0 for a literal, 1 for a parameter, 2 for `**`: smaller is preferred.
        var specificity: [Int] {
            segments.map {
                switch $0 {
                case .literal: 0
                case .parameter: 1
                case .rest: 2
                }
            }
        }
    }

    /// Routes by their number of segments (the common case: one dictionary lookup per request),
    /// and those ending in `**`, which match longer paths too.
    private let routes = Mutex<(bySegmentCount: [Int: [Route]], open: [Route])>(([:], []))

    /// Records the routes; `HEAD` is allowed wherever `GET` is.
    func load(_ list: [(method: HTTPRequest.Method, path: String)]) {
        let parsed = list.flatMap { route -> [Route] in
            let segments = route.path.split(separator: "/").map { text -> Segment in
                if text == "**" { return .rest }
                return text.hasPrefix(":") || text.hasPrefix("{") || text == "*" ? .parameter : .literal(text)
            }
            let methods: [HTTPRequest.Method] = route.method == .get ? [.get, .head] : [route.method]
            return methods.map { Route(segments: segments, method: $0) }
        }
        let open = parsed.filter { $0.segments.last == .rest }
        let exact = Dictionary(grouping: parsed.filter { $0.segments.last != .rest }, by: \.segments.count)
        routes.withLock { $0 = (exact, open) }
    }

    /// The methods of the routes matching `path`; nil when none does (a 404 is then the answer).
    func methods(forPath path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/")
        let matching = routes.withLock { routes in
            (routes.bySegmentCount[segments.count] ?? []).filter { Self.matches($0.segments, segments) }
                + routes.open.filter { Self.matches($0.segments, segments) }
        }
        // The router prefers a literal segment to a parameter, and both to `**`: only the routes
        // it would pick for this path count (`/bulk/download` is not `/{id}/download`).
        guard let best = matching.map(\.specificity).min(by: { $0.lexicographicallyPrecedes($1) }) else { return nil }
        return Set(matching.filter { $0.specificity == best }.map(\.method))
    }

    private static func matches(_ pattern: [Segment], _ segments: [Substring]) -> Bool {
        if pattern.last == .rest {
            return segments.count >= pattern.count - 1 && matches(Array(pattern.dropLast()), Array(segments.prefix(pattern.count - 1)))
        }
        guard pattern.count == segments.count else { return false }
        return zip(pattern, segments).allSatisfy { segment, text in
            if case .literal(let literal) = segment { return literal == text }
            return true
        }
    }
}
