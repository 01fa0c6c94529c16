import Accounts
import Audit
public import Hummingbird
import NIOCore

/// The context every request starts with. The authentication middleware fills `identity`;
/// authenticated routes use `AuthenticatedContext`, whose identity is not optional.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in user, when the request carried a live session.
    var identity: Identity?
    /// The client's IP address: the peer's, or the one a trusted proxy forwarded (nil in
    /// in-process tests).
    var clientIP: String?
    public var requestDecoder: APIRequestDecoder { APIRequestDecoder() }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientIP = source.channel.remoteAddress?.ipAddress
    }
}

/// Who is calling, and how they proved it.
struct Identity: Sendable {
    let user: User
    let token: String
    /// Authenticated by the session cookie (so CSRF rules apply), not by a bearer token.
    let viaCookie: Bool
    let isAdmin: Bool
}

/// The context of routes that need a signed-in user; building it fails with 401 otherwise.
struct AuthenticatedContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let identity: Identity
    let clientIP: String?
    var requestDecoder: APIRequestDecoder { APIRequestDecoder() }

    init(context: AppRequestContext) throws {
        guard let identity = context.identity else { throw Problem.unauthenticated }
        coreContext = context.coreContext
        self.identity = identity
        clientIP = context.clientIP
    }
}

/// The context of admin routes: a signed-in user whose email is in `BLUMPO_ADMIN_EMAILS` or who
/// was granted `is_admin` (`blumpo admin grant`).
struct AdminContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let identity: Identity
    var requestDecoder: APIRequestDecoder { APIRequestDecoder() }

    init(context: AppRequestContext) throws {
        guard let identity = context.identity else { throw Problem.unauthenticated }
        // Not found rather than forbidden: admin routes do not reveal themselves.
        guard identity.isAdmin else { throw Problem(status: .notFound, code: "NOT_FOUND", detail: "Not found.") }
        coreContext = context.coreContext
        self.identity = identity
    }

    /// The admin as the audit log names them.
    var actor: AuditActor { AuditActor(id: identity.user.id, email: identity.user.email) }
}

extension Problem {
    static let unauthenticated = Problem(
        status: .unauthorized, code: "UNAUTHENTICATED", detail: "Sign in first: no live session was presented.")
}
