import RADIUS

/// One remote-access (IKEv2) session as AAA sees it: the identifiers a RADIUS server may use to
/// name it in a Disconnect-Request, and what accounting reports about it.
public struct Session: Equatable, Sendable {
    /// AAA Session Id (`show aaa sessions`: `Session Id: 30`, `show aaa user`: `Session Id=0000001E`).
    public var sessionId: UInt32
    /// AAA Unique Id (`Unique Id: 41`; `show aaa user 41`).
    public var uniqueId: UInt32
    /// The IKEv2 identity (`isakmp-phase1-id`), sent as User-Name; nil shows `*not available*`.
    public var userName: String?
    /// The peer's IKE address: Calling-Station-Id, `formatted-clid`, `isakmp-initator-ip`.
    public var peer: IPv4Address
    /// This device's IKE address for the session (the seeds' 51.1.1.1).
    public var local: IPv4Address
    /// Framed-IP-Address: the inner address handed to the client, when one was assigned.
    public var framedIP: IPv4Address?
    /// Cisco AV pair `audit-session-id`.
    public var auditSessionId: String
    /// Acct-Session-Id (attribute 44), sent as 8 hex digits.
    public var acctSessionId: UInt32
    /// Session server key (attribute 151, IOS's `home-hl-prefix`), sent as 8 upper-case hex digits.
    public var serverKey: UInt32
    /// When the session came up, in device time (seconds since 1970).
    public var startTime: Double
    /// The IKEv2 session and SA ids of `debug crypto ikev2` lines (`SESSION ID = 59,SA ID = 2`).
    public var ikev2SessionId: UInt32
    public var saId: UInt32
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    public var packetsIn: UInt64 = 0
    public var packetsOut: UInt64 = 0
    /// The UDP ports of the IKE SA (`show crypto session`'s `port 4500`): a simulated session
    /// keeps the seeds' 4500/4500, a real client's are those its packets used.
    public var localPort: UInt16 = 4500
    public var peerPort: UInt16 = 4500

    public init(sessionId: UInt32, uniqueId: UInt32, userName: String?, peer: IPv4Address, local: IPv4Address,
                framedIP: IPv4Address? = nil, auditSessionId: String, acctSessionId: UInt32, serverKey: UInt32,
                startTime: Double, ikev2SessionId: UInt32, saId: UInt32) {
        self.sessionId = sessionId
        self.uniqueId = uniqueId
        self.userName = userName
        self.peer = peer
        self.local = local
        self.framedIP = framedIP
        self.auditSessionId = auditSessionId
        self.acctSessionId = acctSessionId
        self.serverKey = serverKey
        self.startTime = startTime
        self.ikev2SessionId = ikev2SessionId
        self.saId = saId
    }

    /// Calling-Station-Id / `formatted-clid` text: the peer address, dotted.
    public var callingStationId: String { peer.description }
    /// Acct-Session-Id as sent: `00000021`.
    public var acctSessionIdText: String { hex8(acctSessionId) }
    /// Attribute 151 as sent: `1771D693`.
    public var serverKeyText: String { hex8(serverKey) }

    /// The seeds' audit-session-id: `L2L4` local `ZO2L4` peer `ZH` ports `ZN` counter, e.g.
    /// `L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A` (ports 4500/4500 are 0x1194; counter 0x3A).
    public static func auditSessionId(local: IPv4Address, peer: IPv4Address, localPort: UInt16 = 4500,
                                      peerPort: UInt16 = 4500, counter: UInt32) -> String {
        // One allocation (every session makes one; chained `+` grew the string six times).
        var id = ""
        id.reserveCapacity(48)
        id += "L2L4"
        id += hex8(local.rawValue)
        id += "ZO2L4"
        id += hex8(peer.rawValue)
        id += "ZH"
        id += hex4(localPort)
        id += hex4(peerPort)
        id += "ZN"
        id += hexMin2(counter)
        return id
    }
}

private let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

/// `digits` upper-case hex digits of `value` (the low ones): `upperHex(30, digits: 8)` is `0000001E`.
public func upperHex(_ value: UInt64, digits: Int) -> String {
    String(unsafeUninitializedCapacity: digits) { out in
        for i in 0..<digits { out[i] = hexDigits[Int((value >> UInt64(4 * (digits - 1 - i))) & 0xF)] }
        return digits
    }
}

/// 8 upper-case hex digits: `0000001E`.
public func hex8(_ value: UInt32) -> String { upperHex(UInt64(value), digits: 8) }

/// 4 upper-case hex digits: `1194`.
public func hex4(_ value: UInt16) -> String { upperHex(UInt64(value), digits: 4) }

/// Upper-case hex, at least two digits: `3A`, `0F`, `1A2`.
public func hexMin2(_ value: UInt32) -> String {
    var digits = 2
    while digits < 8, value >> UInt32(4 * digits) != 0 { digits += 1 }
    return String(unsafeUninitializedCapacity: digits) { out in
        for i in 0..<digits { out[i] = hexDigits[Int((value >> UInt32(4 * (digits - 1 - i))) & 0xF)] }
        return digits
    }
}

/// Parses 1–8 hex digits (either case); nil for anything else.
public func parseHex32<S: StringProtocol>(_ text: S) -> UInt32? {
    var value: UInt32 = 0
    var count = 0
    for c in text.utf8 {
        let d: UInt8
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
        default: return nil
        }
        count += 1
        if count > 8 { return nil }
        value = value << 4 | UInt32(d)
    }
    return count == 0 ? nil : value
}
