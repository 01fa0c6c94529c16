import Core
import Foundation

/// What an admin sends to create or edit an archetype; every field is checked before a row changes.
public struct ArchetypeEdit: Decodable, Sendable {
    /// Only when creating: the code is the key jobs and workflows refer to.
    public let code: String?
    public let displayName: String?
    /// Absent: unchanged; null: cleared.
    public let description: String??
    public let isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case code, description
        case displayName = "display_name", isActive = "is_active"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decodeIfPresent(String.self, forKey: .code)
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        description = c.contains(.description) ? .some(try c.decodeIfPresent(String.self, forKey: .description)) : .none
        isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
    }

    /// Every invalid field; `creating` requires the code and the name.
    public func problems(creating: Bool) -> [String: String] {
        var problems: [String: String] = [:]
        if creating {
            if let code { if !CatalogText.isCode(code) { problems["code"] = CatalogText.codeRule } } else { problems["code"] = "is required" }
            if displayName == nil { problems["display_name"] = "is required" }
        } else if code != nil {
            problems["code"] = "cannot be changed; create another archetype instead"
        }
        if let displayName, !CatalogText.isLine(displayName, maximum: 100) { problems["display_name"] = "must be 1 to 100 characters without control characters" }
        if let text = description ?? nil, !CatalogText.isText(text, maximum: 1000) { problems["description"] = "must be at most 1000 characters without control characters" }
        return problems
    }
}

/// What an admin sends to register or edit a workflow. Only n8n workflows are registered here
/// (`workflow_uid` is `n8n:<path>`); built-in ones come with the product.
public struct WorkflowEdit: Decodable, Sendable {
    public let archetypeCode: String?
    /// The n8n webhook path, e.g. `ads/problem-solution-v2`.
    public let path: String?
    public let variantKey: String?
    /// Absent: unchanged (all formats when creating); null: every format; a code: only that one.
    public let format: String??
    public let isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case path, format
        case archetypeCode = "archetype_code", variantKey = "variant_key", isActive = "is_active"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        archetypeCode = try c.decodeIfPresent(String.self, forKey: .archetypeCode)
        path = try c.decodeIfPresent(String.self, forKey: .path)
        variantKey = try c.decodeIfPresent(String.self, forKey: .variantKey)
        format = c.contains(.format) ? .some(try c.decodeIfPresent(String.self, forKey: .format)) : .none
        isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
    }

    /// The format as stored: a known code (aliases normalised), or nil for every format.
    public var formatCode: String? { (format ?? nil).flatMap { AdFormat(parsing: $0)?.code } }

    public func problems(creating: Bool) -> [String: String] {
        var problems: [String: String] = [:]
        if creating {
            if archetypeCode == nil { problems["archetype_code"] = "is required" }
            if path == nil { problems["path"] = "is required" }
            if variantKey == nil { problems["variant_key"] = "is required" }
        } else if archetypeCode != nil {
            problems["archetype_code"] = "cannot be changed; register the workflow under the other archetype instead"
        }
        if let archetypeCode, !CatalogText.isCode(archetypeCode) { problems["archetype_code"] = CatalogText.codeRule }
        if let path, !Self.isPath(path) { problems["path"] = Self.pathRule }
        if let variantKey, !CatalogText.isCode(variantKey) { problems["variant_key"] = CatalogText.codeRule }
        if let format = format ?? nil, AdFormat(parsing: format) == nil {
            problems["format"] = "must be one of " + AdFormat.all.map(\.code).joined(separator: ", ") + ", or null for every format"
        }
        return problems
    }

    static let pathRule = "must be 1 to 200 characters: segments of a-z, A-Z, 0-9, _ and - separated by single /"

    /// A webhook path appended to the n8n base URL: nothing that could leave `/webhook/`.
    static func isPath(_ path: String) -> Bool {
        guard (1...200).contains(path.utf8.count) else { return false }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return segments.allSatisfy { segment in
            !segment.isEmpty && segment.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        }
    }
}

/// Shared text rules of catalogue edits.
enum CatalogText {
    static let codeRule = "must be 1 to 64 of a-z, 0-9 and _, starting with a letter"

    static func isCode(_ code: String) -> Bool {
        guard (1...64).contains(code.utf8.count), let first = code.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// One line of visible text.
    static func isLine(_ text: String, maximum: Int) -> Bool {
        !text.trimmingWhitespace().isEmpty && text.count <= maximum && !text.unicodeScalars.contains { isRefused($0) || $0 == "\n" }
    }

    /// Free text: line breaks allowed, other control characters not.
    static func isText(_ text: String, maximum: Int) -> Bool {
        text.count <= maximum && !text.unicodeScalars.contains(where: isRefused)
    }

    static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control: scalar != "\n"
        case .format, .surrogate, .unassigned, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
