import Core
import Foundation

/// A `PATCH /api/v1/brands/{id}/insights` body: any editable insight field, null clears it.
/// Reddit fields and `ins_raw` belong to the pipelines and are refused.
public struct InsightsPatch: Decodable, Sendable {
    let values: [String: JSONValue]

    public init(from decoder: any Decoder) throws {
        values = try [String: JSONValue](from: decoder)
    }

    /// The fields after the edit, or the reason for every invalid field.
    public func applied(to current: InsightFields) -> Result<InsightFields, BrandValidationError> {
        var problems: [String: String] = [:]
        var object = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(current))) as? [String: Any] ?? [:]
        for (key, value) in values {
            if InsightFields.textFields.contains(key) {
                switch value {
                case .null: object[key] = NSNull()
                case .string(let text) where text.count <= 4000: object[key] = text.trimmingCharacters(in: .whitespacesAndNewlines)
                default: problems[key] = "must be a string of at most 4000 characters, or null"
                }
            } else if InsightFields.listFields.contains(key) {
                switch value {
                case .null: object[key] = NSNull()
                case .array(let items) where items.count <= 30:
                    let texts = items.compactMap { if case .string(let text) = $0, !text.isEmpty, text.count <= 1000 { text } else { nil } }
                    if texts.count == items.count { object[key] = texts } else { problems[key] = "must hold 1 to 1000-character strings" }
                default: problems[key] = "must be a list of at most 30 strings, or null"
                }
            } else {
                problems[key] = "is not an editable insight field"
            }
        }
        guard problems.isEmpty else { return .failure(BrandValidationError(fields: problems)) }
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return (try? JSONDecoder().decode(InsightFields.self, from: data)).map { .success($0) } ?? .failure(BrandValidationError(fields: ["body": "invalid"]))
    }
}
