public import Accounts
public import PostgresNIO

extension AuthService {
    /// The sign-in service as the app builds it (a new user gets their token account), for
    /// commands that change accounts outside a request.
    public static func forApp(client: PostgresClient, configuration: AppConfiguration) -> AuthService {
        AuthService(client: client, settings: configuration.auth, newUserHook: OpenTokenAccount())
    }
}
