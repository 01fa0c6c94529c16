public import Foundation

/// One page of a list and the cursor of the next (`{items, next_cursor}`), per the API conventions.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public let items: [Item]
    public let nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// `next_cursor` is always present, `null` on the last page: clients test it, not its absence.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(nextCursor, forKey: .nextCursor)
    }
}

/// An opaque keyset cursor `(timestamp, id)` for lists ordered newest first.
public struct TimeCursor: Sendable, Equatable {
    public let time: Date
    public let id: String

    public init(time: Date, id: String) {
        self.time = time
        self.id = id
    }

    /// Base64url of `seconds|id`; clients treat it as opaque.
    public var encoded: String {
        Data("\(time.timeIntervalSince1970)|\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    /// Nil when the text is not a cursor this server made.
    public init?(encoded text: String) {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else { return nil }
        let parts = decoded.split(separator: "|", maxSplits: 1)
        // `Double` also reads `1e300`, `inf` and `nan`; only times a row can have are cursors.
        guard parts.count == 2, let seconds = Double(parts[0]), let time = Bounds.date(unixSeconds: seconds) else { return nil }
        self.time = time
        id = String(parts[1])
    }
}

/// Where a newest-first list continues: the rows strictly before `(time, id)` in
/// `ORDER BY created_at DESC, id DESC`.
public struct Keyset: Sendable, Equatable {
    public let time: Date
    public let id: UUID

    /// Before every row: the first page.
    public static let start = Keyset(time: .distantFuture, id: UUID(uuidString: "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")!)

    public init(time: Date, id: UUID) {
        self.time = time
        self.id = id
    }

    /// The position a client's `cursor` names; the first page without one.
    public init(cursor: String?) throws {
        guard let cursor else {
            self = .start
            return
        }
        guard cursor.utf8.count <= 200, let decoded = TimeCursor(encoded: cursor), let id = UUID(uuidString: decoded.id) else {
            throw AppError.invalidCursor
        }
        self.init(time: decoded.time, id: id)
    }
}

extension Page {
    /// A page from up to `limit + 1` rows fetched newest first: the extra row only says there
    /// is more; the last row shown is where the next page starts.
    public init(rows: [Item], limit: Int, position: (Item) -> (time: Date, id: UUID)) {
        let items = Array(rows.prefix(limit))
        let next = rows.count > limit ? items.last.map(position).map { TimeCursor(time: $0.time, id: $0.id.uuidString).encoded } : nil
        self.init(items: items, nextCursor: next)
    }
}
