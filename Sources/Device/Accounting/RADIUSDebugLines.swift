import RADIUS

/// `debug radius` renderings of packets, read from the encoded bytes (never from a template), in
/// the seeds' columns:
///
///     RADIUS:  Acct-Session-Id     [44] 10 "00000021"
///     RADIUS:  Vendor, Cisco       [26] 64
///     RADIUS:  Cisco AVpair        [1] 58 "audit-session-id=L2L4…"
///     RADIUS:  Acct-Authentic      [45] 6  Local                     [2]
///     RADIUS:  NAS-IP-Address      [4] 6  192.168.202.1
///
/// The label is padded to 20 columns (a 20-character label runs into the bracket, as
/// `Acct-Terminate-Cause[49]` in the seed), `[type]` is followed by one space, the length by
/// spaces to three columns. Enumerated values are padded to 26 columns before their `[number]`;
/// numbers and addresses are padded to 26 columns too (trailing spaces, as IOS prints them —
/// the seed's page wraps show them); quoted strings are not padded.
public enum RADIUSDebugLines {
    public static let labelWidth = 20
    public static let valueWidth = 26

    /// `RADIUS:  authenticator 29 63 0C 79 C1 5E F2 0E - F3 CA 36 DD A3 55 C1 DE`
    public static func authenticator(_ bytes: some Collection<UInt8>) -> String {
        var s = "RADIUS:  authenticator"
        for (i, b) in bytes.prefix(16).enumerated() {
            s += i == 8 ? " - " : " "
            s += hex2(b)
        }
        return s
    }

    /// One line per attribute of the packet in `bytes` (its header is skipped), Vendor-Specific
    /// lines followed by one line per vendor sub-attribute. Stops at the first malformed attribute.
    public static func attributes(_ bytes: [UInt8]) -> [String] {
        var lines: [String] = []
        guard bytes.count >= RADIUSPacket.headerLength else { return lines }
        let declared = Int(bytes[2]) << 8 | Int(bytes[3])
        let end = min(bytes.count, max(RADIUSPacket.headerLength, declared))
        var offset = RADIUSPacket.headerLength
        while offset + 2 <= end {
            let type = bytes[offset]
            let length = Int(bytes[offset + 1])
            guard length >= 2, offset + length <= end else { break }
            let value = Array(bytes[(offset + 2)..<(offset + length)])
            if type == RADIUSAttributeType.vendorSpecific {
                vendorLines(value, length: length, into: &lines)
            } else {
                lines.append(line(label: label(of: type), type: Int(type), length: length,
                                  value: valueText(type: type, value)))
            }
            offset += length
        }
        return lines
    }

    /// `RADIUS:  <label padded> [type] <length padded><value>`, without trailing spaces after
    /// an empty value.
    public static func line(label: String, type: Int, length: Int, value: String) -> String {
        let head = "RADIUS:  " + padColumn(label, labelWidth) + "[" + String(type) + "] "
        if value.isEmpty { return head + String(length) }
        return head + padColumn(String(length), 3) + value
    }

    // MARK: attribute dictionary (IOS labels)

    private enum Kind {
        case string, integer, address, hidden, octets
        case enumerated([UInt32: String])
    }

    private static let acctStatusTypes: [UInt32: String] = [1: "Start", 2: "Stop", 3: "Watchdog",
                                                            7: "Accounting-On", 8: "Accounting-Off"]
    private static let acctAuthentic: [UInt32: String] = [1: "RADIUS", 2: "Local", 3: "Remote"]
    private static let terminateCauses: [UInt32: String] = [
        0: "none", 1: "user-request", 2: "lost-carrier", 3: "lost-service", 4: "idle-timeout",
        5: "session-timeout", 6: "admin-reset", 7: "admin-reboot", 8: "port-error", 9: "nas-error",
        10: "nas-request", 11: "nas-reboot", 12: "port-unneeded", 13: "port-preempted", 14: "port-suspended",
        15: "service-unavailable", 16: "callback", 17: "user-error", 18: "host-request",
    ]
    private static let serviceTypes: [UInt32: String] = [1: "Login", 2: "Framed", 3: "Callback-Login",
                                                          4: "Callback-Framed", 5: "Outbound", 6: "Administrative",
                                                          7: "NAS-Prompt", 8: "Authenticate Only"]
    private static let nasPortTypes: [UInt32: String] = [0: "Async", 1: "Sync", 2: "ISDN", 3: "ISDN-V120",
                                                         4: "ISDN-V110", 5: "Virtual"]

    private static let dictionary: [UInt8: (String, Kind)] = [
        1: ("User-Name", .string), 2: ("User-Password", .hidden), 4: ("NAS-IP-Address", .address),
        5: ("NAS-Port", .integer), 6: ("Service-Type", .enumerated(serviceTypes)),
        7: ("Framed-Protocol", .enumerated([1: "PPP", 2: "SLIP"])), 8: ("Framed-IP-Address", .address),
        9: ("Framed-IP-Netmask", .address), 11: ("Filter-Id", .string), 18: ("Reply-Message", .string),
        24: ("State", .octets), 25: ("Class", .octets), 27: ("Session-Timeout", .integer),
        28: ("Idle-Timeout", .integer), 30: ("Called-Station-Id", .string), 31: ("Calling-Station-Id", .string),
        32: ("Nas-Identifier", .string), 33: ("Proxy-State", .octets),
        40: ("Acct-Status-Type", .enumerated(acctStatusTypes)), 41: ("Acct-Delay-Time", .integer),
        42: ("Acct-Input-Octets", .integer), 43: ("Acct-Output-Octets", .integer),
        44: ("Acct-Session-Id", .string), 45: ("Acct-Authentic", .enumerated(acctAuthentic)),
        46: ("Acct-Session-Time", .integer), 47: ("Acct-Input-Packets", .integer),
        48: ("Acct-Output-Packets", .integer), 49: ("Acct-Terminate-Cause", .enumerated(terminateCauses)),
        50: ("Acct-Multi-Session-Id", .string), 52: ("Acct-Input-Giga", .integer),
        53: ("Acct-Output-Giga", .integer), 55: ("Event-Timestamp", .integer),
        61: ("NAS-Port-Type", .enumerated(nasPortTypes)), 80: ("Message-Authenticator", .octets),
        85: ("Acct-Interim-Interval", .integer), 87: ("NAS-Port-Id", .string), 101: ("Error-Cause", .integer),
        151: ("home-hl-prefix", .string),
    ]

    private static func label(of type: UInt8) -> String {
        dictionary[type]?.0 ?? "Unknown-" + String(type)
    }

    private static func valueText(type: UInt8, _ value: [UInt8]) -> String {
        let kind = dictionary[type]?.1 ?? .octets
        switch kind {
        case .string:
            return "\"" + printable(value) + "\""
        case .hidden:
            return "*"
        case .octets:
            return value.map(hex2).joined()
        case .address:
            guard let address = IPv4Address(bytes: value) else { return value.map(hex2).joined() }
            return padColumn(address.description, valueWidth)
        case .integer:
            guard let n = integer(value) else { return value.map(hex2).joined() }
            return padColumn(String(n), valueWidth)
        case .enumerated(let names):
            guard let n = integer(value) else { return value.map(hex2).joined() }
            return padColumn(names[n] ?? "unknown", valueWidth) + "[" + String(n) + "]"
        }
    }

    private static func vendorLines(_ value: [UInt8], length: Int, into lines: inout [String]) {
        guard value.count >= 4 else {
            lines.append(line(label: "Vendor, Unknown", type: 26, length: length, value: ""))
            return
        }
        let vendor = UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3])
        let isCisco = vendor == RADIUSVendor.cisco
        lines.append(line(label: isCisco ? "Vendor, Cisco" : "Vendor, " + String(vendor), type: 26,
                          length: length, value: ""))
        var offset = 4
        while offset + 2 <= value.count {
            let subType = value[offset]
            let subLength = Int(value[offset + 1])
            guard subLength >= 2, offset + subLength <= value.count else { return }
            let text = Array(value[(offset + 2)..<(offset + subLength)])
            let label = isCisco && subType == RADIUSVendor.ciscoAVPair ? "Cisco AVpair" : "Vendor-Attr"
            lines.append(line(label: label, type: Int(subType), length: subLength,
                              value: "\"" + printable(text) + "\""))
            offset += subLength
        }
    }

    private static func integer(_ value: [UInt8]) -> UInt32? {
        guard value.count == 4 else { return nil }
        return UInt32(value[0]) << 24 | UInt32(value[1]) << 16 | UInt32(value[2]) << 8 | UInt32(value[3])
    }

    /// Text as IOS shows it: printable ASCII kept, anything else as `.`.
    private static func printable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    }
}

private let upperHexDigits: [Character] = Array("0123456789ABCDEF")

/// Two upper-case hex digits.
func hex2(_ b: UInt8) -> String {
    String([upperHexDigits[Int(b >> 4)], upperHexDigits[Int(b & 0xF)]])
}

/// Pads with spaces on the right to `width` characters (never truncates).
func padColumn(_ s: String, _ width: Int) -> String {
    let n = s.count
    return n >= width ? s : s + String(repeating: " ", count: width - n)
}
