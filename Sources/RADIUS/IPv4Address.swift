/// An IPv4 address held as a host-order `UInt32` (first octet in the high byte).
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Four network-order bytes; nil unless exactly four.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        var v: UInt32 = 0
        for b in bytes { v = v << 8 | UInt32(b) }
        rawValue = v
    }

    /// Strict dotted quad: exactly four decimal octets 0-255 of 1-3 ASCII digits, no sign,
    /// no whitespace, and no leading zeros (as glibc `inet_pton`: "01.2.3.4" is refused).
    public init?(_ text: String) {
        var value: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var dots = 0
        var leadingZero = false
        for c in text.utf8 {
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                if leadingZero { return nil }
                if digits == 0 && c == UInt8(ascii: "0") { leadingZero = true }
                digits += 1
                octet = octet * 10 + UInt32(c - UInt8(ascii: "0"))
                if digits > 3 || octet > 255 { return nil }
            } else if c == UInt8(ascii: ".") {
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | octet
                dots += 1
                octet = 0
                digits = 0
                leadingZero = false
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        rawValue = value << 8 | octet
    }

    /// 0.0.0.0
    public static let any = IPv4Address(rawValue: 0)

    /// Network-order bytes.
    public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: rawValue >> 24), UInt8(truncatingIfNeeded: rawValue >> 16),
         UInt8(truncatingIfNeeded: rawValue >> 8), UInt8(truncatingIfNeeded: rawValue)]
    }

    /// Dotted decimal, written digit by digit (every accounting record carries the peer's twice).
    public var description: String {
        String(unsafeUninitializedCapacity: 15) { out in
            var n = 0
            for shift in stride(from: 24, through: 0, by: -8) {
                let octet = Int((rawValue >> UInt32(shift)) & 0xFF)
                if octet >= 100 { out[n] = UInt8(ascii: "0") + UInt8(octet / 100); n += 1 }
                if octet >= 10 { out[n] = UInt8(ascii: "0") + UInt8(octet / 10 % 10); n += 1 }
                out[n] = UInt8(ascii: "0") + UInt8(octet % 10)
                n += 1
                if shift > 0 { out[n] = UInt8(ascii: "."); n += 1 }
            }
            return n
        }
    }

    public static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.rawValue < rhs.rawValue }
}
