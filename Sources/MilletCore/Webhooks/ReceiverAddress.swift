/// Which network addresses a webhook may be sent to. Millet posts to receivers staff name, so a
/// receiver inside the brand's own network (the loopback, private ranges, link-local such as a
/// cloud's metadata service at 169.254.169.254) would let a URL reach what the internet cannot.
/// Those are refused unless the operator allows them (`MILLET_WEBHOOKS_ALLOW_PRIVATE`).
public enum ReceiverAddress {
    /// Whether an IPv4 (4 bytes) or IPv6 (16 bytes) address is on the public internet.
    public static func isPublic(_ bytes: [UInt8]) -> Bool {
        switch bytes.count {
        case 4: return isPublicV4(bytes)
        case 16: return isPublicV6(bytes)
        default: return false
        }
    }

    private static func isPublicV4(_ b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _): return false          // this network, private, loopback
        case (100, 64...127): return false                     // carrier-grade NAT
        case (169, 254): return false                          // link-local (cloud metadata)
        case (172, 16...31), (192, 168): return false          // private
        case (192, 0) where b[2] == 0: return false            // protocol assignments
        case (198, 18...19): return false                      // benchmarking
        case (224...255, _): return false                      // multicast, reserved, broadcast
        default: return true
        }
    }

    /// The IPv4 address an IPv6 one carries as `::ffff:a.b.c.d`, if it is one.
    public static func mappedIPv4(_ b: [UInt8]) -> [UInt8]? {
        b.count == 16 && b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff ? Array(b[12..<16]) : nil
    }

    private static func isPublicV6(_ b: [UInt8]) -> Bool {
        if let v4 = mappedIPv4(b) { return isPublicV4(v4) }
        if b[0..<15].allSatisfy({ $0 == 0 }) { return false }                 // :: and ::1
        if b[0] & 0xfe == 0xfc { return false }                              // unique local fc00::/7
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return false }              // link-local fe80::/10
        if b[0] == 0xff { return false }                                      // multicast
        if b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8 { return false } // documentation
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b { return isPublicV4(Array(b[12..<16])) } // NAT64
        return true
    }
}
