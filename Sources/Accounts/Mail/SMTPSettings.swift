import Foundation

/// Where and how to deliver mail, parsed from `SMTP_URL`:
/// `smtp://user:pass@host:587` (STARTTLS whenever the server offers it) or
/// `smtps://user:pass@host:465` (TLS from the first byte). `?verify=false` accepts a server
/// certificate that does not verify (local relays, tests).
public struct SMTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var implicitTLS: Bool
    public var verifyCertificate: Bool
    /// `Name <address>` or a bare address.
    public var from: String

    public init(url: String, from: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme, ["smtp", "smtps"].contains(scheme),
            let host = components.host, !host.isEmpty
        else { throw SMTPSettingsError(reason: "expected smtp://user:pass@host:port or smtps://…") }
        self.host = host
        implicitTLS = scheme == "smtps"
        port = components.port ?? (implicitTLS ? 465 : 587)
        username = components.user?.removingPercentEncoding
        password = components.password?.removingPercentEncoding
        verifyCertificate = components.queryItems?.first(where: { $0.name == "verify" })?.value != "false"
        self.from = from
    }

    /// The bare address of `from`, for MAIL FROM.
    var fromAddress: String {
        if let open = from.firstIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close {
            return String(from[from.index(after: open)..<close])
        }
        return from
    }
}

/// `SMTP_URL` could not be read.
public struct SMTPSettingsError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
