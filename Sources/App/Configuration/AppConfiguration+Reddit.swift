import Reddit

extension AppConfiguration {
    /// `REDDIT_CLIENT_ID` and `REDDIT_CLIENT_SECRET` (both or neither), `REDDIT_AUTH_BASE`,
    /// `REDDIT_API_BASE`. The User-Agent names the product and `BLUMPO_BASE_URL`.
    static func redditSettings(_ settings: SettingsReader, productBaseURL: String) throws -> RedditSettings? {
        guard let id = settings.optionalString("REDDIT_CLIENT_ID") else {
            if settings.optionalString("REDDIT_CLIENT_SECRET") != nil {
                throw ConfigurationError(variable: "REDDIT_CLIENT_ID", value: "", accepted: "the Reddit app's client id (required with REDDIT_CLIENT_SECRET)")
            }
            return nil
        }
        guard let secret = settings.optionalString("REDDIT_CLIENT_SECRET") else {
            throw ConfigurationError(variable: "REDDIT_CLIENT_SECRET", value: "", accepted: "the Reddit app's secret (required with REDDIT_CLIENT_ID)")
        }
        var reddit = RedditSettings(
            clientID: id, clientSecret: secret, authBase: try settings.url("REDDIT_AUTH_BASE") ?? "https://www.reddit.com",
            apiBase: try settings.url("REDDIT_API_BASE") ?? "https://oauth.reddit.com", productBaseURL: productBaseURL)
        reddit.requestTimeout = .seconds(try settings.integer("REDDIT_TIMEOUT_SECONDS", default: 20, range: 1...300))
        return reddit
    }
}
