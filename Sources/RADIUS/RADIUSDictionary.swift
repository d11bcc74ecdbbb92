/// Data types of RADIUS attributes (RFC 2865 §5 / RFC 8044).
public enum RADIUSDataType: String, Sendable, CaseIterable {
    /// RFC "string" that is normally printable (User-Name, Acct-Session-Id, NAS-Identifier).
    case string
    /// UTF-8 text (Reply-Message, Filter-Id).
    case text
    /// 32-bit unsigned, big-endian.
    case integer
    /// IPv4 address, 4 bytes.
    case ipaddr
    /// IPv6 address, 16 bytes.
    case ipv6addr
    /// Opaque bytes (State, Class, Proxy-State, Message-Authenticator).
    case octets
    /// Seconds since 1970-01-01 UTC, 32-bit unsigned.
    case date
    /// Vendor-Specific: vendor id then vendor sub-attributes.
    case vsa
}

/// A named value of an enumerated integer attribute.
public struct RADIUSNamedValue: Sendable, Equatable {
    public let value: UInt32
    /// The RFC / FreeRADIUS dictionary name ("Interim-Update", "Admin-Reset", "Invalid Request").
    public let name: String
    /// What IOS `debug radius` prints before `[value]` ("Watchdog", "admin-reset").
    public let iosName: String
    /// Other accepted spellings for name lookup (e.g. FreeRADIUS's "Invalid-Request").
    public let aliases: [String]

    public init(_ value: UInt32, _ name: String, ios: String? = nil, aliases: [String] = []) {
        self.value = value
        self.name = name
        self.iosName = ios ?? name
        self.aliases = aliases
    }
}

/// A standard attribute: number, RFC name, data type, IOS debug label and named values.
public struct RADIUSAttributeDefinition: Sendable, Equatable {
    public let type: UInt8
    /// The RFC name, e.g. "Acct-Session-Id".
    public let name: String
    public let dataType: RADIUSDataType
    /// The label IOS `debug radius` prints before `[type]` (the RFC name, except
    /// 32 "Nas-Identifier" and 151 "home-hl-prefix").
    public let iosLabel: String
    /// Named values of an enumerated integer, in value order; empty otherwise.
    public let values: [RADIUSNamedValue]
    /// Other accepted spellings for name lookup.
    public let aliases: [String]

    public init(_ type: UInt8, _ name: String, _ dataType: RADIUSDataType, ios: String? = nil,
                values: [RADIUSNamedValue] = [], aliases: [String] = []) {
        self.type = type
        self.name = name
        self.dataType = dataType
        self.iosLabel = ios ?? name
        self.values = values
        self.aliases = aliases
    }

    /// The named value for `value`, if any.
    public func namedValue(_ value: UInt32) -> RADIUSNamedValue? {
        values.first { $0.value == value }
    }

    /// The RFC name of an enumerated value ("Interim-Update").
    public func valueName(_ value: UInt32) -> String? { namedValue(value)?.name }

    /// The IOS debug name of an enumerated value ("Watchdog").
    public func iosValueName(_ value: UInt32) -> String? { namedValue(value)?.iosName }

    /// The number of a value by its RFC name, IOS name or alias, case-insensitively.
    public func value(named text: String) -> UInt32? {
        let key = text.lowercased()
        for v in values where v.name.lowercased() == key || v.iosName.lowercased() == key
            || v.aliases.contains(where: { $0.lowercased() == key }) {
            return v.value
        }
        return nil
    }
}

/// An attribute inside a Vendor-Specific attribute.
public struct RADIUSVendorAttributeDefinition: Sendable, Equatable {
    public let vendorId: UInt32
    public let type: UInt8
    /// The FreeRADIUS name, e.g. "Cisco-AVPair".
    public let name: String
    public let dataType: RADIUSDataType
    /// What IOS `debug radius` prints, e.g. "Cisco AVpair".
    public let iosLabel: String
}

public struct RADIUSVendorDefinition: Sendable, Equatable {
    public let id: UInt32
    /// "Cisco"
    public let name: String
    /// What IOS `debug radius` prints for the Vendor-Specific line: "Vendor, Cisco".
    public let iosLabel: String
    public let attributes: [RADIUSVendorAttributeDefinition]

    public func attribute(_ type: UInt8) -> RADIUSVendorAttributeDefinition? {
        attributes.first { $0.type == type }
    }
}

/// Attributes of RFC 2865, 2866, 2869, 3162, 3579, 4372, 5176 and Cisco's 151, with names,
/// types, IOS debug labels and enumerated values. Lookups by number are O(1); lookups by name
/// are case-insensitive.
public enum RADIUSDictionary {
    /// Every known standard attribute, in type order.
    public static let attributes: [RADIUSAttributeDefinition] = makeAttributes()

    /// Known vendors (Cisco).
    public static let vendors: [RADIUSVendorDefinition] = [
        RADIUSVendorDefinition(id: RADIUSVendor.cisco, name: "Cisco", iosLabel: "Vendor, Cisco", attributes: [
            RADIUSVendorAttributeDefinition(vendorId: RADIUSVendor.cisco, type: RADIUSVendor.ciscoAVPair,
                                            name: "Cisco-AVPair", dataType: .string, iosLabel: "Cisco AVpair"),
        ]),
    ]

    private static let byType: [RADIUSAttributeDefinition?] = {
        var table = [RADIUSAttributeDefinition?](repeating: nil, count: 256)
        for a in attributes { table[Int(a.type)] = a }
        return table
    }()

    private static let byName: [String: RADIUSAttributeDefinition] = {
        var table: [String: RADIUSAttributeDefinition] = [:]
        for a in attributes {
            for n in [a.name, a.iosLabel] + a.aliases where table[n.lowercased()] == nil { table[n.lowercased()] = a }
        }
        return table
    }()

    /// The definition of a standard attribute.
    public static func attribute(_ type: UInt8) -> RADIUSAttributeDefinition? { byType[Int(type)] }

    /// By RFC name, IOS label or alias, case-insensitively ("acct-session-id", "home-hl-prefix").
    public static func attribute(named name: String) -> RADIUSAttributeDefinition? { byName[name.lowercased()] }

    /// The RFC name, or FreeRADIUS's "Attr-N" for an unknown number.
    public static func name(of type: UInt8) -> String { byType[Int(type)]?.name ?? "Attr-" + String(type) }

    /// The IOS debug label, or "Attr-N" for an unknown number.
    public static func iosLabel(of type: UInt8) -> String { byType[Int(type)]?.iosLabel ?? "Attr-" + String(type) }

    public static func vendor(_ id: UInt32) -> RADIUSVendorDefinition? { vendors.first { $0.id == id } }

    /// Case-insensitive vendor name lookup ("cisco").
    public static func vendor(named name: String) -> RADIUSVendorDefinition? {
        let key = name.lowercased()
        return vendors.first { $0.name.lowercased() == key }
    }

    public static func vendorAttribute(vendorId: UInt32, type: UInt8) -> RADIUSVendorAttributeDefinition? {
        vendor(vendorId)?.attribute(type)
    }

    /// By FreeRADIUS name or IOS label, case-insensitively ("Cisco-AVPair", "cisco avpair").
    public static func vendorAttribute(named name: String) -> RADIUSVendorAttributeDefinition? {
        let key = name.lowercased()
        for v in vendors {
            for a in v.attributes where a.name.lowercased() == key || a.iosLabel.lowercased() == key { return a }
        }
        return nil
    }

    // MARK: table

    private typealias V = RADIUSNamedValue

    private static func makeAttributes() -> [RADIUSAttributeDefinition] {
        let serviceType: [V] = [
            V(1, "Login-User", ios: "Login"), V(2, "Framed-User", ios: "Framed"),
            V(3, "Callback-Login-User", ios: "Callback Login"), V(4, "Callback-Framed-User", ios: "Callback Framed"),
            V(5, "Outbound-User", ios: "Outbound"), V(6, "Administrative-User", ios: "Administrative"),
            V(7, "NAS-Prompt-User", ios: "NAS Prompt"), V(8, "Authenticate-Only", ios: "Authenticate Only"),
            V(9, "Callback-NAS-Prompt", ios: "Callback NAS Prompt"), V(10, "Call-Check", ios: "Call Check"),
            V(11, "Callback-Administrative", ios: "Callback Administrative"),
            V(17, "Authorize-Only", ios: "Authorize Only"),
        ]
        let framedProtocol: [V] = [
            V(1, "PPP"), V(2, "SLIP"), V(3, "ARAP"), V(4, "Gandalf-SLML"), V(5, "Xylogics-IPX-SLIP"),
            V(6, "X.75-Synchronous"),
        ]
        let acctStatusType: [V] = [
            V(1, "Start"), V(2, "Stop"), V(3, "Interim-Update", ios: "Watchdog", aliases: ["Alive"]),
            V(7, "Accounting-On"), V(8, "Accounting-Off"), V(9, "Tunnel-Start"), V(10, "Tunnel-Stop"),
            V(11, "Tunnel-Reject"), V(12, "Tunnel-Link-Start"), V(13, "Tunnel-Link-Stop"),
            V(14, "Tunnel-Link-Reject"), V(15, "Failed"),
        ]
        let acctAuthentic: [V] = [V(1, "RADIUS"), V(2, "Local"), V(3, "Remote")]
        // IOS prints terminate causes in lower case ("none [0]" in the seed).
        let terminateNames = ["User-Request", "Lost-Carrier", "Lost-Service", "Idle-Timeout", "Session-Timeout",
                              "Admin-Reset", "Admin-Reboot", "Port-Error", "NAS-Error", "NAS-Request", "NAS-Reboot",
                              "Port-Unneeded", "Port-Preempted", "Port-Suspended", "Service-Unavailable", "Callback",
                              "User-Error", "Host-Request"]
        var terminateCause: [V] = [V(0, "none")]
        for (i, n) in terminateNames.enumerated() { terminateCause.append(V(UInt32(i + 1), n, ios: n.lowercased())) }
        let nasPortType: [V] = [
            V(0, "Async"), V(1, "Sync"), V(2, "ISDN"), V(3, "ISDN-V120"), V(4, "ISDN-V110"), V(5, "Virtual"),
            V(6, "PIAFS"), V(7, "HDLC-Clear-Channel"), V(8, "X.25"), V(9, "X.75"), V(10, "G.3-Fax"), V(11, "SDSL"),
            V(12, "ADSL-CAP"), V(13, "ADSL-DMT"), V(14, "IDSL"), V(15, "Ethernet"), V(16, "xDSL"), V(17, "Cable"),
            V(18, "Wireless-Other"), V(19, "Wireless-802.11"),
        ]
        // Names as in radius-das.md; aliases are FreeRADIUS's dictionary names (radclient prints those).
        let errorCause: [V] = [
            V(201, "Residual Session Context Removed", aliases: ["Residual-Context-Removed"]),
            V(202, "Invalid EAP Packet (Ignored)", aliases: ["Invalid-EAP-Packet"]),
            V(401, "Unsupported Attribute", aliases: ["Unsupported-Attribute"]),
            V(402, "Missing Attribute", aliases: ["Missing-Attribute"]),
            V(403, "NAS Identification Mismatch", aliases: ["NAS-Identification-Mismatch"]),
            V(404, "Invalid Request", aliases: ["Invalid-Request"]),
            V(405, "Unsupported Service", aliases: ["Unsupported-Service"]),
            V(406, "Unsupported Extension", aliases: ["Unsupported-Extension"]),
            V(407, "Invalid Attribute Value", aliases: ["Invalid-Attribute-Value"]),
            V(501, "Administratively Prohibited", aliases: ["Administratively-Prohibited"]),
            V(502, "Request Not Routable (Proxy)", aliases: ["Proxy-Request-Not-Routable"]),
            V(503, "Session Context Not Found", aliases: ["Session-Context-Not-Found"]),
            V(504, "Session Context Not Removable", aliases: ["Session-Context-Not-Removable"]),
            V(505, "Other Proxy Processing Error", aliases: ["Proxy-Processing-Error"]),
            V(506, "Resources Unavailable", aliases: ["Resources-Unavailable"]),
            V(507, "Request Initiated", aliases: ["Request-Initiated"]),
            V(508, "Multiple Session Selection Unsupported", aliases: ["Multiple-Session-Selection-Unsupported"]),
        ]
        typealias A = RADIUSAttributeDefinition
        return [
            // RFC 2865
            A(1, "User-Name", .string),
            A(2, "User-Password", .octets),
            A(3, "CHAP-Password", .octets),
            A(4, "NAS-IP-Address", .ipaddr),
            A(5, "NAS-Port", .integer),
            A(6, "Service-Type", .integer, values: serviceType),
            A(7, "Framed-Protocol", .integer, values: framedProtocol),
            A(8, "Framed-IP-Address", .ipaddr),
            A(9, "Framed-IP-Netmask", .ipaddr),
            A(10, "Framed-Routing", .integer,
              values: [V(0, "None"), V(1, "Broadcast"), V(2, "Listen"), V(3, "Broadcast-Listen")]),
            A(11, "Filter-Id", .text),
            A(12, "Framed-MTU", .integer),
            A(13, "Framed-Compression", .integer,
              values: [V(0, "None"), V(1, "Van-Jacobson-TCP-IP"), V(2, "IPX-Header-Compression"), V(3, "Stac-LZS")]),
            A(14, "Login-IP-Host", .ipaddr),
            A(15, "Login-Service", .integer,
              values: [V(0, "Telnet"), V(1, "Rlogin"), V(2, "TCP-Clear"), V(3, "PortMaster"), V(4, "LAT"),
                       V(5, "X25-PAD"), V(6, "X25-T3POS"), V(8, "TCP-Clear-Quiet")]),
            A(16, "Login-TCP-Port", .integer),
            A(18, "Reply-Message", .text),
            A(19, "Callback-Number", .string),
            A(20, "Callback-Id", .string),
            A(22, "Framed-Route", .text),
            A(23, "Framed-IPX-Network", .ipaddr),
            A(24, "State", .octets),
            A(25, "Class", .octets),
            A(26, "Vendor-Specific", .vsa),
            A(27, "Session-Timeout", .integer),
            A(28, "Idle-Timeout", .integer),
            A(29, "Termination-Action", .integer, values: [V(0, "Default"), V(1, "RADIUS-Request")]),
            A(30, "Called-Station-Id", .string),
            A(31, "Calling-Station-Id", .string),
            // Real IOS debug output prints "Nas-Identifier".
            A(32, "NAS-Identifier", .string, ios: "Nas-Identifier"),
            A(33, "Proxy-State", .octets),
            A(34, "Login-LAT-Service", .string),
            A(35, "Login-LAT-Node", .string),
            A(36, "Login-LAT-Group", .octets),
            A(37, "Framed-AppleTalk-Link", .integer),
            A(38, "Framed-AppleTalk-Network", .integer),
            A(39, "Framed-AppleTalk-Zone", .string),
            // RFC 2866
            A(40, "Acct-Status-Type", .integer, values: acctStatusType),
            A(41, "Acct-Delay-Time", .integer),
            A(42, "Acct-Input-Octets", .integer),
            A(43, "Acct-Output-Octets", .integer),
            A(44, "Acct-Session-Id", .string),
            A(45, "Acct-Authentic", .integer, values: acctAuthentic),
            A(46, "Acct-Session-Time", .integer),
            A(47, "Acct-Input-Packets", .integer),
            A(48, "Acct-Output-Packets", .integer),
            A(49, "Acct-Terminate-Cause", .integer, values: terminateCause),
            A(50, "Acct-Multi-Session-Id", .string),
            A(51, "Acct-Link-Count", .integer),
            // RFC 2869
            A(52, "Acct-Input-Gigawords", .integer),
            A(53, "Acct-Output-Gigawords", .integer),
            A(55, "Event-Timestamp", .date),
            // RFC 2865
            A(60, "CHAP-Challenge", .octets),
            A(61, "NAS-Port-Type", .integer, values: nasPortType),
            A(62, "Port-Limit", .integer),
            A(63, "Login-LAT-Port", .string),
            // RFC 2869
            A(70, "ARAP-Password", .octets),
            A(71, "ARAP-Features", .octets),
            A(72, "ARAP-Zone-Access", .integer,
              values: [V(1, "Default-Zone-Only"), V(2, "Zone-Filter-Inclusive"), V(4, "Zone-Filter-Exclusive")]),
            A(73, "ARAP-Security", .integer),
            A(74, "ARAP-Security-Data", .string),
            A(75, "Password-Retry", .integer),
            A(76, "Prompt", .integer, values: [V(0, "No-Echo"), V(1, "Echo")]),
            A(77, "Connect-Info", .text),
            A(78, "Configuration-Token", .string),
            // RFC 3579
            A(79, "EAP-Message", .octets),
            A(80, "Message-Authenticator", .octets),
            // RFC 2869
            A(84, "ARAP-Challenge-Response", .octets),
            A(85, "Acct-Interim-Interval", .integer),
            A(87, "NAS-Port-Id", .text),
            A(88, "Framed-Pool", .string),
            // RFC 4372 (a session identifier in RFC 5176)
            A(89, "Chargeable-User-Identity", .octets),
            // RFC 3162
            A(95, "NAS-IPv6-Address", .ipv6addr),
            A(96, "Framed-Interface-Id", .octets),
            A(97, "Framed-IPv6-Prefix", .octets),
            A(98, "Login-IPv6-Host", .ipv6addr),
            A(99, "Framed-IPv6-Route", .text),
            A(100, "Framed-IPv6-Pool", .string),
            // RFC 5176 (3576)
            A(101, "Error-Cause", .integer, values: errorCause),
            // Cisco: the session server key (8 hex digits). It has no RFC name; IOS calls it this.
            A(151, "home-hl-prefix", .string, aliases: ["Cisco-Session-Key", "session-key"]),
        ]
    }
}
