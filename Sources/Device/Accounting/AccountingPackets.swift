import RADIUS

/// The attributes of the FlexVPN server's Accounting-Requests, in the order of the seeds'
/// `debug radius` output. With the seeds' values the Start encodes to 288 bytes and the Stop
/// to 356.
public enum AccountingPackets {
    /// Acct-Status-Type values.
    public enum Status: UInt32, Sendable {
        case start = 1
        case stop = 2
        case interimUpdate = 3
    }

    /// What an authorized session's records carry after User-Name: its assigned address and the
    /// Class values its Access-Accept gave (RFC 2865 §5.25: echoed unchanged in every record).
    public struct Extras: Sendable {
        public var framedIP: IPv4Address?
        public var classes: [[UInt8]]
        public init(framedIP: IPv4Address? = nil, classes: [[UInt8]] = []) {
            self.framedIP = framedIP
            self.classes = classes
        }
    }

    /// Start: Acct-Session-Id, Calling-Station-Id, audit-session-id, isakmp-phase1-id,
    /// isakmp-initator-ip (IOS's spelling), User-Name, the extras, connect-progress,
    /// Acct-Authentic Local, Acct-Status-Type Start, NAS-IP-Address, 151 (session server key),
    /// Acct-Delay-Time.
    public static func writeStart(_ session: Session, nasIP: IPv4Address, delay: UInt32 = 0,
                                  extras: Extras = Extras(), into out: inout RADIUSPacketWriter) {
        identification(session, extras, into: &out)
        out.ciscoAVPair("connect-progress", "No Progress")
        out.integer(RADIUSAttributeType.acctAuthentic, 2)
        trailer(session, status: .start, nasIP: nasIP, delay: delay, into: &out)
    }

    /// Stop: as Start up to the extras, then Acct-Authentic, connect-progress, Acct-Session-Time,
    /// octets and packets, Acct-Terminate-Cause, disc-cause-ext, then the Start's trailer.
    /// Counters are sent modulo 2^32, as the seed's IOS does without gigaword attributes.
    public static func writeStop(_ session: Session, nasIP: IPv4Address, sessionTime: UInt32,
                                 terminateCause: UInt32 = 0, disconnectCause: String = "No Reason",
                                 delay: UInt32 = 0, extras: Extras = Extras(), into out: inout RADIUSPacketWriter) {
        identification(session, extras, into: &out)
        counters(session, sessionTime: sessionTime, into: &out)
        out.integer(RADIUSAttributeType.acctTerminateCause, terminateCause)
        out.ciscoAVPair("disc-cause-ext", disconnectCause)
        trailer(session, status: .stop, nasIP: nasIP, delay: delay, into: &out)
    }

    /// Interim-Update: as Stop without the terminate cause and its `disc-cause-ext`.
    public static func writeInterim(_ session: Session, nasIP: IPv4Address, sessionTime: UInt32,
                                    extras: Extras = Extras(), into out: inout RADIUSPacketWriter) {
        identification(session, extras, into: &out)
        counters(session, sessionTime: sessionTime, into: &out)
        trailer(session, status: .interimUpdate, nasIP: nasIP, delay: 0, into: &out)
    }

    /// A record's wire bytes (identifier and authenticator left for signing), at most 4096 bytes
    /// (RFC 2865 §3). The Class values echoed (one Access-Accept may carry 4 KiB of them, a CoA
    /// more) can push a record past that; the last ones are left out until it fits, so the record
    /// still goes out, signed, with every Class that fits, in order.
    public static func record(capacity: Int, extras: Extras,
                              _ write: (Extras, inout RADIUSPacketWriter) -> Void) -> [UInt8] {
        var extras = extras
        while true {
            var out = RADIUSPacketWriter(capacity: capacity)
            write(extras, &out)
            var excess = out.bytes.count - RADIUSPacket.maxLength
            if excess <= 0 || extras.classes.isEmpty { return out.finished(code: .accountingRequest, identifier: 0) }
            while excess > 0, let dropped = extras.classes.popLast() {
                excess -= 2 + min(dropped.count, RADIUSAttribute.maxValueLength)
            }
        }
    }

    /// The Start's attributes as values. With the seeds' values the packet is 288 bytes.
    public static func start(_ session: Session, nasIP: IPv4Address, delay: UInt32 = 0,
                             extras: Extras = Extras()) -> [RADIUSAttribute] {
        var out = RADIUSPacketWriter()
        writeStart(session, nasIP: nasIP, delay: delay, extras: extras, into: &out)
        return out.attributes
    }

    /// The Stop's attributes as values. With the seeds' values the packet is 356 bytes.
    public static func stop(_ session: Session, nasIP: IPv4Address, sessionTime: UInt32,
                            terminateCause: UInt32 = 0, disconnectCause: String = "No Reason",
                            delay: UInt32 = 0, extras: Extras = Extras()) -> [RADIUSAttribute] {
        var out = RADIUSPacketWriter()
        writeStop(session, nasIP: nasIP, sessionTime: sessionTime, terminateCause: terminateCause,
                  disconnectCause: disconnectCause, delay: delay, extras: extras, into: &out)
        return out.attributes
    }

    /// The Interim-Update's attributes as values.
    public static func interim(_ session: Session, nasIP: IPv4Address, sessionTime: UInt32,
                               extras: Extras = Extras()) -> [RADIUSAttribute] {
        var out = RADIUSPacketWriter()
        writeInterim(session, nasIP: nasIP, sessionTime: sessionTime, extras: extras, into: &out)
        return out.attributes
    }

    /// An unsigned Accounting-Request with these attributes.
    public static func request(identifier: UInt8, attributes: [RADIUSAttribute]) -> RADIUSPacket {
        RADIUSPacket(code: .accountingRequest, identifier: identifier, attributes: attributes)
    }

    private static func counters(_ session: Session, sessionTime: UInt32, into out: inout RADIUSPacketWriter) {
        out.integer(RADIUSAttributeType.acctAuthentic, 2)
        out.ciscoAVPair("connect-progress", "No Progress")
        out.integer(RADIUSAttributeType.acctSessionTime, sessionTime)
        out.integer(RADIUSAttributeType.acctInputOctets, UInt32(truncatingIfNeeded: session.bytesIn))
        out.integer(RADIUSAttributeType.acctOutputOctets, UInt32(truncatingIfNeeded: session.bytesOut))
        out.integer(RADIUSAttributeType.acctInputPackets, UInt32(truncatingIfNeeded: session.packetsIn))
        out.integer(RADIUSAttributeType.acctOutputPackets, UInt32(truncatingIfNeeded: session.packetsOut))
    }

    private static func identification(_ session: Session, _ extras: Extras, into out: inout RADIUSPacketWriter) {
        out.string(RADIUSAttributeType.acctSessionId, session.acctSessionIdText)
        out.string(RADIUSAttributeType.callingStationId, session.callingStationId)
        out.ciscoAVPair("audit-session-id", session.auditSessionId)
        if let name = session.userName { out.ciscoAVPair("isakmp-phase1-id", name) }
        out.ciscoAVPair("isakmp-initator-ip", session.peer.description)
        if let name = session.userName { out.string(RADIUSAttributeType.userName, name) }
        if let framed = extras.framedIP { out.ipv4(RADIUSAttributeType.framedIPAddress, framed) }
        for value in extras.classes { out.octets(RADIUSAttributeType.class, value) }
    }

    private static func trailer(_ session: Session, status: Status, nasIP: IPv4Address, delay: UInt32,
                                into out: inout RADIUSPacketWriter) {
        out.integer(RADIUSAttributeType.acctStatusType, status.rawValue)
        out.ipv4(RADIUSAttributeType.nasIPAddress, nasIP)
        out.string(RADIUSAttributeType.ciscoSessionKey, session.serverKeyText)
        out.integer(RADIUSAttributeType.acctDelayTime, delay)
    }
}
