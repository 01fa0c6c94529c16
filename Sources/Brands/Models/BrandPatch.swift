import Foundation

/// A `PATCH /api/v1/brands/{id}` body: every field optional; null clears a nullable field.
public struct BrandPatch: Decodable, Sendable {
    public var name: String??
    public var language: String??
    public var fonts: [FontExtractor.RankedFont]??
    public var colors: [String]??
    public var photos: [String]??
    public var heroPhotos: [String]??
    public var logoURL: String??
    /// Present but not editable; named so the error can say so.
    var websiteURL: String??

    enum CodingKeys: String, CodingKey {
        case name, language, fonts, colors, photos
        case heroPhotos = "hero_photos", logoURL = "logo_url", websiteURL = "website_url"
    }

    /// An edit from a form: only the given fields change.
    public init(name: String? = nil, colors: [String]? = nil, fonts: [FontExtractor.RankedFont]? = nil) {
        self.name = name.map { .some($0) }
        self.colors = colors.map { .some($0) }
        self.fonts = fonts.map { .some($0) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field<T: Decodable>(_ key: CodingKeys, _ type: T.Type) throws -> T?? {
            guard container.contains(key) else { return nil }
            return .some(try container.decodeNil(forKey: key) ? nil : container.decode(T.self, forKey: key))
        }
        name = try field(.name, String.self)
        language = try field(.language, String.self)
        fonts = try field(.fonts, [FontExtractor.RankedFont].self)
        colors = try field(.colors, [String].self)
        photos = try field(.photos, [String].self)
        heroPhotos = try field(.heroPhotos, [String].self)
        logoURL = try field(.logoURL, String.self)
        websiteURL = try field(.websiteURL, String.self)
    }

    /// The edit, or the reason for every invalid field.
    public func validated() -> Result<BrandEdit, BrandValidationError> {
        var problems: [String: String] = [:]
        var edit = BrandEdit()
        if websiteURL != nil { problems["website_url"] = "cannot be changed; add a brand for the new URL" }
        switch name {
        case .some(.some(let value)):
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.count > 100 { problems["name"] = "must be 1 to 100 characters" } else { edit.name = trimmed }
        case .some(.none): problems["name"] = "cannot be null"
        case .none: break
        }
        switch language {
        case .some(.some(let value)):
            if let tag = SiteIdentity.normalizedTag(value) { edit.language = tag } else { problems["language"] = "must be a language tag such as en, de or pt-BR" }
        case .some(.none): problems["language"] = "cannot be null"
        case .none: break
        }
        if case .some(let fonts) = fonts {
            if let fonts, fonts.count > 20 || fonts.contains(where: { $0.fontFamily.trimmingCharacters(in: .whitespaces).isEmpty || $0.fontFamily.count > 100 || $0.count < 0 }) {
                problems["fonts"] = "must be at most 20 objects {fontFamily: 1-100 characters, count: ≥ 0}"
            }
            edit.fonts = .some(fonts)
        }
        if case .some(let colors) = colors {
            let normalized = colors?.map(Self.hex)
            if let normalized, normalized.count > 20 || normalized.contains(where: { $0 == nil }) {
                problems["colors"] = "must be at most 20 hex colours like #1A2B3C"
            }
            edit.colors = .some(normalized?.compactMap { $0 })
        }
        for (key, value) in [("photos", photos), ("hero_photos", heroPhotos)] {
            if case .some(.some(let urls)) = value, urls.count > 30 || urls.contains(where: { !Self.isHTTPURL($0) }) {
                problems[key] = "must be at most 30 http(s) URLs"
            }
        }
        edit.photos = photos
        edit.heroPhotos = heroPhotos
        if case .some(.some(let url)) = logoURL, !Self.isHTTPURL(url) { problems["logo_url"] = "must be an http(s) URL" }
        edit.logoURL = logoURL
        return problems.isEmpty ? .success(edit) : .failure(BrandValidationError(fields: problems))
    }

    /// `#abc` / `#AABBCC` → `#AABBCC`; nil for anything else.
    static func hex(_ text: String) -> String? {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix("#"), [4, 7].contains(value.count), value.dropFirst().allSatisfy(\.isHexDigit) else { return nil }
        return Color(css: value)?.hex
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard text.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased() else { return false }
        return ["http", "https"].contains(scheme) && url.host != nil
    }
}

/// Field → reason, for `VALIDATION` problems.
public struct BrandValidationError: Error, Sendable {
    public let fields: [String: String]
}
