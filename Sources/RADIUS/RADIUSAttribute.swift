/// One RADIUS attribute: Type, then the Value (the Length byte is derived on encode).
///
/// Values longer than 253 bytes cannot be encoded; the constructors truncate to 253 and
/// `RADIUSPacket.encode()` writes at most 253 value bytes of an attribute whose `value` was
/// set longer by hand.
public struct RADIUSAttribute: Equatable, Sendable {
    public var type: UInt8
    public var value: [UInt8]

    /// The most value bytes one attribute can carry (255 minus the two header bytes).
    public static let maxValueLength = 253

    public init(type: UInt8, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    /// Type, Length and Value bytes on the wire.
    @inlinable
    public var encodedLength: Int { Swift.min(value.count, RADIUSAttribute.maxValueLength) + 2 }

    // MARK: constructors

    /// A string/text attribute from UTF-8 (truncated to 253 bytes).
    public static func string(_ type: UInt8, _ s: String) -> RADIUSAttribute {
        RADIUSAttribute(type: type, value: Array(s.utf8.prefix(maxValueLength)))
    }

    /// A 32-bit big-endian integer (also `date`: seconds since 1970).
    public static func integer(_ type: UInt8, _ v: UInt32) -> RADIUSAttribute {
        RADIUSAttribute(type: type, value: [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
                                            UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)])
    }

    /// A `date` attribute (Event-Timestamp): seconds since 1970, encoded as an integer.
    public static func date(_ type: UInt8, _ secondsSince1970: UInt32) -> RADIUSAttribute {
        integer(type, secondsSince1970)
    }

    public static func ipv4(_ type: UInt8, _ a: IPv4Address) -> RADIUSAttribute {
        RADIUSAttribute(type: type, value: a.bytes)
    }

    /// Raw octets (truncated to 253 bytes).
    public static func octets(_ type: UInt8, _ bytes: [UInt8]) -> RADIUSAttribute {
        RADIUSAttribute(type: type, value: bytes.count > maxValueLength ? Array(bytes.prefix(maxValueLength)) : bytes)
    }

    /// Vendor-Specific (26) holding one vendor sub-attribute `vendorType, 2 + value.count, value`.
    /// The sub-attribute value is truncated to fit (247 bytes).
    public static func vendorSpecific(vendorId: UInt32, vendorType: UInt8, value: [UInt8]) -> RADIUSAttribute {
        vendorSpecific(vendorId: vendorId, vendorType: vendorType, bytes: value)
    }

    /// The same from any bytes (a string's UTF-8 view goes in without an array of its own).
    static func vendorSpecific(vendorId: UInt32, vendorType: UInt8, bytes value: some Collection<UInt8>) -> RADIUSAttribute {
        let v = value.prefix(maxValueLength - 6)
        var out: [UInt8] = []
        out.reserveCapacity(6 + v.count)
        out.append(UInt8(truncatingIfNeeded: vendorId >> 24))
        out.append(UInt8(truncatingIfNeeded: vendorId >> 16))
        out.append(UInt8(truncatingIfNeeded: vendorId >> 8))
        out.append(UInt8(truncatingIfNeeded: vendorId))
        out.append(vendorType)
        out.append(UInt8(truncatingIfNeeded: v.count + 2))
        out.append(contentsOf: v)
        return RADIUSAttribute(type: RADIUSAttributeType.vendorSpecific, value: out)
    }

    /// Cisco-AVPair: Vendor-Specific, vendor 9, vendor type 1, text `key=value`.
    /// Encodes as `1a LL 00000009 01 VL text` with VL = 2 + text length, LL = VL + 6.
    public static func ciscoAVPair(_ text: String) -> RADIUSAttribute {
        vendorSpecific(vendorId: RADIUSVendor.cisco, vendorType: RADIUSVendor.ciscoAVPair, bytes: text.utf8)
    }

    // MARK: accessors

    /// The value as UTF-8 text; nil if it is not valid UTF-8.
    public var stringValue: String? {
        // Validate first (String(validating:) needs macOS 15; the package targets macOS 13).
        var decoder = UTF8()
        var it = value.makeIterator()
        while true {
            switch decoder.decode(&it) {
            case .scalarValue: continue
            case .emptyInput: return String(decoding: value, as: UTF8.self)
            case .error: return nil
            }
        }
    }

    /// The value as a 32-bit big-endian integer; nil unless exactly 4 bytes.
    public var integerValue: UInt32? {
        guard value.count == 4 else { return nil }
        return UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3])
    }

    public var ipv4Value: IPv4Address? {
        guard value.count == 4, let v = integerValue else { return nil }
        return IPv4Address(rawValue: v)
    }

    /// A Vendor-Specific value split into its vendor id and sub-attributes; nil if this is not
    /// attribute 26, is shorter than 4 bytes, or its sub-attributes do not tile the value exactly
    /// (a sub-attribute length < 2 or running past the end).
    public var vendorSpecific: (vendorId: UInt32, subAttributes: [(type: UInt8, value: [UInt8])])? {
        guard type == RADIUSAttributeType.vendorSpecific, value.count >= 4 else { return nil }
        let vendorId = UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3])
        var subs: [(type: UInt8, value: [UInt8])] = []
        var i = 4
        while i < value.count {
            guard i + 1 < value.count else { return nil }
            let len = Int(value[i + 1])
            guard len >= 2, i + len <= value.count else { return nil }
            subs.append((type: value[i], value: Array(value[(i + 2)..<(i + len)])))
            i += len
        }
        return (vendorId, subs)
    }

    /// The text of each Cisco (vendor 9) vendor-type-1 sub-attribute, in order; empty for any
    /// other attribute. Invalid UTF-8 is repaired with U+FFFD.
    public var ciscoAVPairs: [String] {
        guard let vsa = vendorSpecific, vsa.vendorId == RADIUSVendor.cisco else { return [] }
        var out: [String] = []
        for sub in vsa.subAttributes where sub.type == RADIUSVendor.ciscoAVPair {
            out.append(String(decoding: sub.value, as: UTF8.self))
        }
        return out
    }
}

/// Vendor ids and vendor types used here.
public enum RADIUSVendor {
    /// Cisco's SMI enterprise number.
    public static let cisco: UInt32 = 9
    /// Cisco vendor type 1: Cisco-AVPair (IOS: `Cisco AVpair`).
    public static let ciscoAVPair: UInt8 = 1
}

/// Attribute type numbers (RFC 2865, 2866, 2869, 3162, 3579, 5176, plus Cisco's 151).
public enum RADIUSAttributeType {
    public static let userName: UInt8 = 1
    public static let userPassword: UInt8 = 2
    public static let chapPassword: UInt8 = 3
    public static let nasIPAddress: UInt8 = 4
    public static let nasPort: UInt8 = 5
    public static let serviceType: UInt8 = 6
    public static let framedProtocol: UInt8 = 7
    public static let framedIPAddress: UInt8 = 8
    public static let framedIPNetmask: UInt8 = 9
    public static let filterId: UInt8 = 11
    public static let replyMessage: UInt8 = 18
    public static let state: UInt8 = 24
    public static let `class`: UInt8 = 25
    public static let vendorSpecific: UInt8 = 26
    public static let sessionTimeout: UInt8 = 27
    public static let idleTimeout: UInt8 = 28
    public static let terminationAction: UInt8 = 29
    public static let calledStationId: UInt8 = 30
    public static let callingStationId: UInt8 = 31
    public static let nasIdentifier: UInt8 = 32
    public static let proxyState: UInt8 = 33
    public static let acctStatusType: UInt8 = 40
    public static let acctDelayTime: UInt8 = 41
    public static let acctInputOctets: UInt8 = 42
    public static let acctOutputOctets: UInt8 = 43
    public static let acctSessionId: UInt8 = 44
    public static let acctAuthentic: UInt8 = 45
    public static let acctSessionTime: UInt8 = 46
    public static let acctInputPackets: UInt8 = 47
    public static let acctOutputPackets: UInt8 = 48
    public static let acctTerminateCause: UInt8 = 49
    public static let acctMultiSessionId: UInt8 = 50
    public static let acctLinkCount: UInt8 = 51
    public static let acctInputGigawords: UInt8 = 52
    public static let acctOutputGigawords: UInt8 = 53
    public static let eventTimestamp: UInt8 = 55
    public static let nasPortType: UInt8 = 61
    public static let eapMessage: UInt8 = 79
    public static let messageAuthenticator: UInt8 = 80
    public static let acctInterimInterval: UInt8 = 85
    public static let nasPortId: UInt8 = 87
    public static let chargeableUserIdentity: UInt8 = 89
    public static let nasIPv6Address: UInt8 = 95
    public static let framedInterfaceId: UInt8 = 96
    public static let framedIPv6Prefix: UInt8 = 97
    public static let errorCause: UInt8 = 101
    /// Cisco's session server key; IOS `debug radius` labels it `home-hl-prefix`.
    public static let ciscoSessionKey: UInt8 = 151
}
