import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The SSRF rules for server-side fetches: a host is reachable only when every address it
/// resolves to is a public unicast address. Loopback, private, link-local (cloud metadata
/// included), carrier-grade NAT, multicast, reserved and unspecified ranges are refused.
public struct AddressPolicy: Sendable {
    /// `BLUMPO_FETCH_ALLOW_PRIVATE=1`: tests and local demos fetch from loopback sites.
    public let allowPrivate: Bool
    /// `address:port` pairs treated as public (tests stand a loopback server in for a public site).
    let exemptEndpoints: Set<String>

    public init(allowPrivate: Bool, exemptEndpoints: Set<String> = []) {
        self.allowPrivate = allowPrivate
        self.exemptEndpoints = exemptEndpoints
    }

    /// The host's addresses, checked; throws `FetchError.forbiddenAddress` when any is refused.
    func resolve(_ host: String, port: Int) throws -> [String] {
        let addresses = try Self.lookUp(host, port: port)
        guard !addresses.isEmpty else { throw FetchError.unresolvable(host) }
        if !allowPrivate, let refused = addresses.first(where: { !Self.isPublic($0) && !exemptEndpoints.contains("\($0):\(port)") }) {
            throw FetchError.forbiddenAddress(host: host, address: refused)
        }
        return addresses
    }

    /// getaddrinfo, numeric results as text (IPv4 dotted, IPv6 colon form).
    static func lookUp(_ host: String, port: Int) throws -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        guard getaddrinfo(bare, String(port), &hints, &result) == 0, let first = result else { throw FetchError.unresolvable(host) }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let text = String(cString: buffer)
                if !addresses.contains(text) { addresses.append(text) }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// Whether a numeric address may be fetched from.
    public static func isPublic(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPublicV4(v4) }
        var v6 = in6_addr()
        let bare = address.split(separator: "%").first.map(String.init) ?? address
        guard inet_pton(AF_INET6, bare, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {  // ::ffff:a.b.c.d
            return isPublicV4(Array(bytes[12..<16]))
        }
        if bytes.allSatisfy({ $0 == 0 }) { return false }  // ::
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return false }  // ::1
        if bytes[0] == 0xff { return false }  // multicast
        if bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80 { return false }  // fe80::/10 link-local
        if (bytes[0] & 0xfe) == 0xfc { return false }  // fc00::/7 unique local
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0d && bytes[3] == 0xb8 { return false }  // documentation
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b { return isPublicV4(Array(bytes[12..<16])) }  // NAT64
        return true
    }

    static func ipv4(_ address: String) -> [UInt8]? {
        var v4 = in_addr()
        guard inet_pton(AF_INET, address, &v4) == 1 else { return nil }
        return withUnsafeBytes(of: v4) { Array($0) }
    }

    static func isPublicV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false
        case (100, 64...127): return false  // carrier-grade NAT
        case (169, 254): return false  // link-local, cloud metadata
        case (172, 16...31), (192, 168): return false
        case (192, 0) where b[2] == 0 || b[2] == 2: return false  // IETF, TEST-NET-1
        case (198, 18...19): return false  // benchmarking
        case (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return false  // TEST-NET-2/3
        case (224...255, _): return false  // multicast, reserved, broadcast
        default: return true
        }
    }
}
