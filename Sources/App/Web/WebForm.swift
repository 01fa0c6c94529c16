import Billing
import PostgresNIO
import Library
import Generation
import Brands
import Accounts
import Core
import Crypto
import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body, as plain HTML forms post it.
struct WebForm: Sendable {
    let fields: [String: [String]]

    static func read(_ request: Request, context: some RequestContext) async throws -> WebForm {
        let body = try await request.body.collect(upTo: 64 << 10)
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: body).replacingOccurrences(of: "+", with: "%20")
        var fields: [String: [String]] = [:]
        for item in components.queryItems ?? [] { fields[item.name, default: []].append(item.value ?? "") }
        return WebForm(fields: fields)
    }

    subscript(_ name: String) -> String? { fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines) }
    func all(_ name: String) -> [String] { fields[name] ?? [] }
}

/// The CSRF token of a session: derived from the session token, so it needs no storage and dies
/// with the session. Forms carry it besides the browser's Origin check.
enum CSRF {
    static func token(for session: String) -> String {
        let digest = SHA256.hash(data: Data("blumpo-csrf|\(session)".utf8))
        return Data(digest).prefix(18).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    static func check(_ form: WebForm, session: String) throws {
        guard let sent = form["_csrf"], ConstantTime.equal(Array(sent.utf8), Array(token(for: session).utf8)) else {
            throw AppError.forbidden(code: "CSRF_REJECTED", detail: "This form expired or came from another site; reload the page and try again.")
        }
    }
}
