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
        try parse(String(buffer: try await request.body.collect(upTo: 64 << 10)))
    }

    /// Split by hand: Foundation's URL types trap on some malformed input, and a form body is
    /// whatever the sender wrote. A field that does not decode is refused, naming nothing.
    static func parse(_ body: String) throws -> WebForm {
        var fields: [String: [String]] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
                throw AppError.badRequest(code: "BAD_FORM", detail: "The form could not be read; reload the page and try again.")
            }
            fields[name, default: []].append(value)
        }
        return WebForm(fields: fields)
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
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
