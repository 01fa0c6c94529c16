public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

/// Vercel Blob through its HTTP API: `PUT /?pathname=` to store, `POST /delete` to remove,
/// `GET /?url=` for metadata. Public blobs live at `https://<store>.public.blob.vercel-storage.com/<path>`,
/// where `<store>` is the store id carried in the read-write token (`vercel_blob_rw_<store>_<secret>`).
///
/// The API has no way to set response headers: the blob host itself serves every blob with
/// `content-disposition` (inline or attachment, with the file name), `content-security-policy:
/// default-src 'none'`, `x-content-type-options: nosniff` and `x-frame-options: DENY`, which
/// also keeps an SVG opened on its own from running anything.
public struct VercelBlobStore: BlobStore {
    let token: String
    let apiBase: String
    let publicBase: String
    let http: HTTPClient

    public init(token: String, apiBase: String = "https://blob.vercel-storage.com", publicBase: String? = nil, http: HTTPClient) throws {
        let parts = token.split(separator: "_")
        guard parts.count >= 5, parts[0] == "vercel", parts[1] == "blob", parts[2] == "rw" else {
            throw BlobStoreError("BLOB_READ_WRITE_TOKEN is not a Vercel Blob read-write token")
        }
        self.token = token
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.publicBase = publicBase ?? "https://\(parts[3].lowercased()).public.blob.vercel-storage.com"
        self.http = http
    }

    private func request(_ url: String, method: HTTPMethod) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "x-api-version", value: "11")
        return request
    }

    public func put(_ data: Data, key: BlobKey, contentType: String) async throws -> String {
        var request = request("\(apiBase)/?pathname=\(key.path)", method: .PUT)
        request.headers.add(name: "x-content-type", value: contentType)
        request.headers.add(name: "x-add-random-suffix", value: "0")
        request.headers.add(name: "x-allow-overwrite", value: "1")
        request.body = .bytes(ByteBuffer(data: data))
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw BlobStoreError("Vercel Blob put \(key): HTTP \(response.status.code)") }
        struct Stored: Decodable { let url: String }
        return (try? JSONDecoder().decode(Stored.self, from: Data(buffer: body)).url) ?? publicURL(for: key)
    }

    public func get(_ key: BlobKey) async throws -> Data? {
        let response = try await http.execute(HTTPClientRequest(url: publicURL(for: key)), timeout: .seconds(60))
        if response.status == .notFound { return nil }
        let body = try await response.body.collect(upTo: 64 << 20)
        guard response.status == .ok else { throw BlobStoreError("Vercel Blob get \(key): HTTP \(response.status.code)") }
        return Data(buffer: body)
    }

    public func head(_ key: BlobKey) async throws -> BlobInfo? {
        let encoded = publicURL(for: key).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let response = try await http.execute(request("\(apiBase)/?url=\(encoded)", method: .GET), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        if response.status == .notFound { return nil }
        guard response.status == .ok else { throw BlobStoreError("Vercel Blob head \(key): HTTP \(response.status.code)") }
        struct Metadata: Decodable { let size: Int; let contentType: String }
        let metadata = try JSONDecoder().decode(Metadata.self, from: Data(buffer: body))
        return BlobInfo(size: metadata.size, contentType: metadata.contentType)
    }

    public func delete(_ key: BlobKey) async throws {
        var request = request("\(apiBase)/delete", method: .POST)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(["urls": [publicURL(for: key)]])))
        let response = try await http.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw BlobStoreError("Vercel Blob delete \(key): HTTP \(response.status.code)") }
    }

    public func publicURL(for key: BlobKey) -> String { publicBase + "/" + key.path }

    public func key(forPublicURL url: String) -> BlobKey? { key(forURL: url, under: publicBase) }
}
