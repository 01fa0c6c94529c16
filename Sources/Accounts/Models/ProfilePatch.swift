import Core
import Foundation

/// A `PATCH /api/v1/me` body: every field optional; a JSON null clears the field.
public struct ProfilePatch: Decodable, Sendable {
    var displayName: String??
    var photoURL: String??
    var phoneNumber: String??

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case photoURL = "photo_url"
        case phoneNumber = "phone_number"
    }

    /// A patch from a form: only the name (nil leaves it, an empty text clears it).
    public init(displayName: String?) {
        self.displayName = displayName.map { $0.isEmpty ? nil : $0 }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field(_ key: CodingKeys) throws -> String?? {
            guard container.contains(key) else { return nil }
            return .some(try container.decodeNil(forKey: key) ? nil : container.decode(String.self, forKey: key))
        }
        displayName = try field(.displayName)
        photoURL = try field(.photoURL)
        phoneNumber = try field(.phoneNumber)
    }

    /// Field → reason for every invalid value.
    func problems() -> [String: String] {
        var problems: [String: String] = [:]
        if case .some(.some(let name)) = displayName, name.trimmingWhitespace().isEmpty || name.count > 100 {
            problems["display_name"] = "must be 1 to 100 characters"
        }
        if case .some(.some(let url)) = photoURL {
            let parsed = URL(string: url)
            if url.count > 2048 || !["http", "https"].contains(parsed?.scheme ?? "") || parsed?.host == nil {
                problems["photo_url"] = "must be an http(s) URL"
            }
        }
        if case .some(.some(let phone)) = phoneNumber, !Self.isE164(phone) {
            problems["phone_number"] = "must be in E.164 form, e.g. +14155550123"
        }
        return problems
    }

    static func isE164(_ text: String) -> Bool {
        guard text.first == "+" else { return false }
        let digits = text.dropFirst()
        return (2...15).contains(digits.count) && digits.first != "0" && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
