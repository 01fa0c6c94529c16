import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat

/// The site's own origin in tests: web forms must come from it.
let webOrigin = "http://127.0.0.1:8080"

/// A page requested as a browser does: HTML accepted, the session cookie, a form body and the
/// site's Origin on posts.
func page(
    _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, session: String? = nil, form: String? = nil,
    origin: String? = webOrigin
) async throws -> (status: HTTPResponse.Status, html: String, location: String?) {
    var headers: HTTPFields = [.accept: "text/html"]
    if let session { headers[.cookie] = "blumpo_session=\(session)" }
    if let origin, method != .get { headers[.origin] = origin }
    if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
    return try await client.execute(uri: path, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) {
        ($0.status, String(buffer: $0.body), $0.headers[.location])
    }
}

/// A `multipart/form-data` post of text fields and one file, as a browser's upload form sends it.
func upload(
    _ client: any TestClientProtocol, _ path: String, session: String, fields: [(String, String)], file: Data
) async throws -> (status: HTTPResponse.Status, html: String, location: String?) {
    let boundary = "----form\(UUID().uuidString.prefix(8))"
    var body = Data()
    for (name, value) in fields {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }
    body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\nContent-Type: image/png\r\n\r\n".utf8))
    body.append(file)
    body.append(Data("\r\n--\(boundary)--\r\n".utf8))
    let headers: HTTPFields = [
        .accept: "text/html", .cookie: "blumpo_session=\(session)", .origin: webOrigin, .contentType: "multipart/form-data; boundary=\(boundary)",
    ]
    return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(data: body)) {
        ($0.status, String(buffer: $0.body), $0.headers[.location])
    }
}
