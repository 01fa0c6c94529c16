import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 document.
struct OpenAPIRoutes: Sendable {
    func register(on router: Router<AppRequestContext>) {
        router.get("api/v1/openapi.json") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(data: OpenAPIDocument.data)))
        }
    }
}
