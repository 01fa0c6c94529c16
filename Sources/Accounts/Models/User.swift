public import Core
public import Foundation

/// A person who signs in with emailed codes.
public struct User: Sendable, Codable, Equatable {
    @LowercasedUUID public var id: UUID
    public let email: String
    public var displayName: String?
    public var photoURL: String?
    public var phoneNumber: String?
    public let createdAt: Date
    public var lastLoginAt: Date?
    public var banFlag: Bool
    /// Granted with `blumpo admin grant`; `BLUMPO_ADMIN_EMAILS` makes admins too (see the request's identity).
    public var isAdmin: Bool

    enum CodingKeys: String, CodingKey {
        case id, email
        case displayName = "display_name"
        case photoURL = "photo_url"
        case phoneNumber = "phone_number"
        case createdAt = "created_at"
        case lastLoginAt = "last_login_at"
        case banFlag = "ban_flag"
        case isAdmin = "is_admin"
    }
}

/// What a one-time code is for.
public enum OTPPurpose: String, Sendable, Codable, CaseIterable {
    case login = "LOGIN"
    case verifyEmail = "VERIFY_EMAIL"
    case changeEmail = "CHANGE_EMAIL"
}

/// Where a request came from, recorded with codes and sessions and used for rate limits.
public struct RequestOrigin: Sendable {
    public let ipAddress: String?
    public let userAgent: String?

    public init(ipAddress: String?, userAgent: String?) {
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }
}
