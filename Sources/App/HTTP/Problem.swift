import Core
import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem document: `{type, title, status, detail, code}` plus optional fields.
struct Problem: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var detail: String
    /// Field-level reasons for `VALIDATION`, price and balance for `INSUFFICIENT_TOKENS`, …
    var extra: [String: ProblemValue] = [:]
    var headers: HTTPFields = [:]

    init(status: HTTPResponse.Status, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    init(_ error: AppError) {
        switch error {
        case .notFound: status = .notFound
        case .conflict: status = .conflict
        case .exists(_, _, let id):
            status = .conflict
            extra["existing_id"] = .string(id)
        case .validation(let fields):
            status = .unprocessableContent
            extra["errors"] = .object(fields.mapValues(ProblemValue.string))
        case .badRequest: status = .badRequest
        case .unprocessable: status = .unprocessableContent
        case .unauthorized: status = .unauthorized
        case .forbidden: status = .forbidden
        case .rateLimited(let seconds):
            status = .tooManyRequests
            headers[.retryAfter] = String(seconds)
            extra["retry_after"] = .integer(Int64(seconds))
        case .insufficientTokens(let price, let balance):
            status = HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
            extra["price"] = .integer(price)
            extra["balance"] = .integer(balance)
        case .unavailable: status = .serviceUnavailable
        }
        code = error.code
        detail = error.detail
    }

    /// The detail and, for invalid fields, each field's reason: what a page shows.
    var inWords: String {
        guard case .object(let fields)? = extra["errors"] else { return detail }
        let reasons = fields.sorted { $0.key < $1.key }.compactMap { key, value -> String? in
            guard case .string(let reason) = value else { return nil }
            return "\(key.replacingOccurrences(of: "_", with: " ")) \(reason)"
        }
        return reasons.isEmpty ? detail : reasons.joined(separator: "; ").prefix(1).uppercased() + reasons.joined(separator: "; ").dropFirst() + "."
    }

    func response(requestID: String) -> Response {
        var body: [String: ProblemValue] = extra
        body["type"] = .string("https://blumpo.app/problems/\(code.lowercased().replacingOccurrences(of: "_", with: "-"))")
        body["title"] = .string(status.reasonPhrase)
        body["status"] = .integer(Int64(status.code))
        body["detail"] = .string(detail)
        body["code"] = .string(code)
        body["request_id"] = .string(requestID)
        let data = (try? JSONEncoder.sortedKeys.encode(body)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The JSON values a problem document carries.
enum ProblemValue: Encodable, Sendable {
    case string(String)
    case integer(Int64)
    case object([String: ProblemValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONEncoder {
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
