extension AddressPolicy {
    /// Whether a numeric address may be fetched from. Loopback, private, link-local (cloud
    /// metadata included), carrier-grade NAT, multicast, reserved and unspecified ranges are
    /// refused, and so is every IPv6 form that carries or reaches one of them.
    public static func isPublic(_ address: String) -> Bool {
        if let v4 = ipv4(address) { return isPublicV4(v4) }
        guard let v6 = ipv6(address) else { return false }
        return isPublicV6(v6)
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

    /// Only global unicast (`2000::/3`) is public, minus the ranges in it that are not global or
    /// that tunnel to an IPv4 address; forms that embed an IPv4 address are judged by it.
    static func isPublicV6(_ b: [UInt8]) -> Bool {
        // ::ffff:a.b.c.d, IPv4-mapped: the IPv4 address itself.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return isPublicV4(Array(b[12..<16])) }
        // 64:ff9b::/96, well-known NAT64: the gateway connects to the embedded IPv4 address.
        // The rest of 64:ff9b::/32 (64:ff9b:1::/48 is local-use NAT64) reaches whatever the operator chose.
        if b[0..<4] == [0x00, 0x64, 0xff, 0x9b] { return b[4..<12].allSatisfy { $0 == 0 } && isPublicV4(Array(b[12..<16])) }
        // Everything else outside 2000::/3: ::/96 IPv4-compatible, ::1, ::, fc00::/7 unique local,
        // fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast, 100::/64 discard…
        guard b[0] & 0xe0 == 0x20 else { return false }
        // 2002::/16, 6to4: relays deliver to the IPv4 address in bytes 2…5.
        if b[0] == 0x20 && b[1] == 0x02 { return isPublicV4(Array(b[2..<6])) }
        // 2001::/23, IETF protocol assignments: Teredo (2001::/32, whose client address is hidden
        // by obfuscation), benchmarking, ORCHID — no websites, and Teredo can tunnel anywhere.
        if b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02 { return false }
        if b[0..<4] == [0x20, 0x01, 0x0d, 0xb8] { return false }  // 2001:db8::/32 documentation
        if b[0] == 0x3f && b[1] == 0xff && b[2] & 0xf0 == 0 { return false }  // 3fff::/20 documentation
        return true
    }
}
