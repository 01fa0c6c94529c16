import Core
import Hummingbird
import Prometheus

/// `/metrics` in Prometheus text format.
struct MetricsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry
    /// When set, scrapers present it as a bearer token; others get 404, as if nothing were here.
    let token: String?

    func register(on router: Router<AppRequestContext>) {
        router.get("/metrics") { request, _ -> Response in
            if let token, !ConstantTime.equal(request.headers[.authorization] ?? "", "Bearer " + token) {
                throw Problem(status: .notFound, code: "NOT_FOUND", detail: "No route matches GET /metrics.")
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(4096)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }
}
