import Core
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOPosix
import Storage

/// `GET /blobs/...`: files of the local blob store, with their content type, an ETag and cache
/// headers. Keys are validated by `BlobKey`, so `..` and encoded tricks never leave the store.
struct BlobRoutes: Sendable {
    let store: LocalBlobStore

    func register(on router: Router<AppRequestContext>) {
        router.get("blobs/**") { request, context -> Response in
            let path = String(request.uri.path.dropFirst("/blobs/".count))
            // `hidden/` holds the files of banned images: never served.
            guard let decoded = path.removingPercentEncoding, !decoded.hasPrefix("hidden/"), let key = try? BlobKey(decoded),
                let file = try? store.fileURL(for: key)
            else {
                throw AppError.notFound("File")
            }
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.path)
            guard let attributes, (attributes[.type] as? FileAttributeType) == .typeRegular,
                let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date
            else { throw AppError.notFound("File") }
            let etag = "\"\(String(size, radix: 16))-\(String(Int64(modified.timeIntervalSince1970 * 1000), radix: 16))\""
            var headers: HTTPFields = [
                .eTag: etag,
                // Ads can be banned or purged: browsers revalidate them (cheap with the ETag).
                .cacheControl: key.path.hasPrefix("users/") ? "no-cache" : "public, max-age=3600",
                .contentType: key.contentType,
                .init("X-Content-Type-Options")!: "nosniff",
                // An SVG opened directly must not run anything.
                .contentSecurityPolicy: "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
                .contentDisposition: ContentDisposition.header(for: key, contentType: key.contentType),
            ]
            if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
            let data = try await NIOThreadPool.singleton.runIfActive { try Data(contentsOf: file) }
            headers[.contentLength] = String(data.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }
}
