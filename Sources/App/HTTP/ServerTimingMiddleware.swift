import Foundation
import HTTPTypes
import Hummingbird

/// `Server-Timing: app;dur=<ms>` on every response: the time the server spent on it, which a
/// browser's developer tools (and the end-to-end run's page report) read without guessing at
/// network time. Error pages are included: it is the outermost middleware.
struct ServerTimingMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let header = HTTPField.Name("Server-Timing")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[Self.header] = "app;dur=" + String(format: "%.1f", milliseconds)
        return response
    }
}
