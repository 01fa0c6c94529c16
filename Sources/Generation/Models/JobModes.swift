/// `archetype_mode`: one archetype chosen by the user, or one drawn per format from the seed.
public enum ArchetypeMode: String, Codable, Sendable, CaseIterable {
    case single, random
}

/// `product_photo_mode`: the brand's photos, the ones named in the job, or both.
public enum ProductPhotoMode: String, Codable, Sendable, CaseIterable {
    case brand, custom, mixed
}

/// `insight_source`: pain points from the brand's insights, typed by the user, or both.
public enum InsightSource: String, Codable, Sendable, CaseIterable {
    case auto, manual, mixed
}
