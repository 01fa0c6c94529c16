/// Why a server-side fetch did not return a usable resource.
///
/// Descriptions end up where users and the public read them (a brand's step errors, the crawl
/// snapshot's error list), so a refused address is never named: echoing which private address a
/// name resolves to would let anyone map the network Blumpo runs in. It stays in the case.
public enum FetchError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidURL(String)
    case unsupportedScheme(String)
    case unresolvable(String)
    case forbiddenAddress(host: String, address: String)
    case tooManyRedirects(String)
    case httpStatus(Int, url: String)
    case tooLarge(url: String, limit: Int)
    case unexpectedContentType(String, url: String)
    case timedOut(String)
    case transport(String)

    public var description: String {
        switch self {
        case .invalidURL(let url): "not a valid URL: \(url)"
        case .unsupportedScheme(let url): "only http and https URLs are fetched: \(url)"
        case .unresolvable(let host): "host \(host) does not resolve"
        case .forbiddenAddress(let host, _): "refused to fetch from \(host): the site resolves to an address that is not public"
        case .tooManyRedirects(let url): "more than 5 redirects from \(url)"
        case .httpStatus(let status, let url): "HTTP \(status) from \(url)"
        case .tooLarge(let url, let limit): "\(url) is larger than \(limit) bytes"
        case .unexpectedContentType(let type, let url): "unexpected content type \(type) from \(url)"
        case .timedOut(let url): "timed out fetching \(url)"
        case .transport(let message): message
        }
    }
}
