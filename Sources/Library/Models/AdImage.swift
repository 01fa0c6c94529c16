public import Core
public import Foundation

/// An `ad_image` row as the library shows it, with the format and brand it was made for.
public struct AdImage: Sendable, Encodable {
    public let id: UUID
    public let jobID: UUID
    public let userID: UUID
    public let brandID: UUID?
    public let createdAt: Date
    public let title: String?
    public let storageKey: String
    public let publicURL: String?
    public let bytesSize: Int64?
    public let width: Int?
    public let height: Int?
    public let format: String?
    public let archetypes: [String]?
    public let workflowID: UUID?
    public let variantID: UUID?
    public let copy: JSONValue?
    public let preflight: JSONValue?
    public let isSaved: Bool
    /// Set while the image is in the bin: the purge removes its file then.
    public let deleteAt: Date?
    /// The ad format code (`square`, `story`, …) of the variant that made it.
    public let adFormat: String?
    public let brandName: String?
    /// Banned images appear only to admins; where the blob is stays internal.
    public let banned: Bool
    public let blobHidden: Bool
    /// The purge removed the file; the row stays for history.
    public let isPurged: Bool

    public var archetype: String? { archetypes?.first }

    /// Where the blob lives now: a banned image's blob is moved under `hidden/`.
    public var currentKey: String { blobHidden ? "hidden/" + storageKey : storageKey }

    /// Whole days until the purge (rounded up), for "deleted in N days".
    public func daysUntilPurge(now: Date = Date()) -> Int? {
        deleteAt.map { max(0, Int((($0.timeIntervalSince(now)) / 86_400).rounded(.up))) }
    }

    enum CodingKeys: String, CodingKey {
        case id, title, width, height, format, archetypes, copy, preflight
        case jobID = "job_id", userID = "user_id", brandID = "brand_id", createdAt = "created_at", storageKey = "storage_key"
        case publicURL = "public_url", bytesSize = "bytes_size", workflowID = "workflow_id", variantID = "variant_id"
        case isSaved = "is_saved", deleteAt = "delete_at", daysUntilPurge = "days_until_purge", adFormat = "ad_format", brandName = "brand_name"
        case banned = "ban_flag", isPurged = "is_deleted"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeID(id, forKey: .id)
        try c.encodeID(jobID, forKey: .jobID)
        try c.encodeID(userID, forKey: .userID)
        try c.encodeID(brandID, forKey: .brandID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(title, forKey: .title)
        try c.encode(storageKey, forKey: .storageKey)
        try c.encode(publicURL, forKey: .publicURL)
        try c.encode(bytesSize, forKey: .bytesSize)
        try c.encode(width, forKey: .width)
        try c.encode(height, forKey: .height)
        try c.encode(format, forKey: .format)
        try c.encode(archetypes, forKey: .archetypes)
        try c.encodeID(workflowID, forKey: .workflowID)
        try c.encodeID(variantID, forKey: .variantID)
        try c.encode(copy, forKey: .copy)
        try c.encode(preflight, forKey: .preflight)
        try c.encode(isSaved, forKey: .isSaved)
        try c.encode(deleteAt, forKey: .deleteAt)
        try c.encode(daysUntilPurge(), forKey: .daysUntilPurge)
        try c.encode(adFormat, forKey: .adFormat)
        try c.encode(brandName, forKey: .brandName)
        try c.encode(banned, forKey: .banned)
        try c.encode(isPurged, forKey: .isPurged)
    }
}

/// What the library list can be narrowed to.
public enum LibraryState: String, Sendable, CaseIterable {
    /// Not in the bin (saved or not).
    case active
    /// Saved and not in the bin.
    case saved
    /// In the bin, not yet purged.
    case deleted
}

public struct LibraryFilter: Sendable {
    public var brandID: UUID?
    public var jobID: UUID?
    public var archetype: String?
    public var adFormat: String?
    public var workflowID: UUID?
    public var state: LibraryState
    public var from: Date?
    public var to: Date?

    public init(
        brandID: UUID? = nil, jobID: UUID? = nil, archetype: String? = nil, adFormat: String? = nil, workflowID: UUID? = nil,
        state: LibraryState = .active, from: Date? = nil, to: Date? = nil
    ) {
        self.brandID = brandID
        self.jobID = jobID
        self.archetype = archetype
        self.adFormat = adFormat
        self.workflowID = workflowID
        self.state = state
        self.from = from
        self.to = to
    }
}
