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

    /// Start: Acct-Session-Id, Calling-Station-Id, audit-session-id, isakmp-phase1-id,
    /// isakmp-initator-ip (IOS's spelling), User-Name, connect-progress, Acct-Authentic Local,
    /// Acct-Status-Type Start, NAS-IP-Address, 151 (session server key), Acct-Delay-Time.
    /// `extras` follow User-Name: an authorized session's Framed-IP-Address and the Class
    /// values its Access-Accept gave (RFC 2865 §5.25: echoed unchanged in every record).
    public static func start(_ session: Session, nasIP: IPv4Address, delay: UInt32 = 0,
                             extras: [RADIUSAttribute] = []) -> [RADIUSAttribute] {
        var out = identification(session) + extras
        out.append(.ciscoAVPair("connect-progress=No Progress"))
        out.append(.integer(RADIUSAttributeType.acctAuthentic, 2))
        out.append(contentsOf: trailer(session, status: .start, nasIP: nasIP, delay: delay))
        return out
    }

    /// Stop: as Start up to User-Name, then Acct-Authentic, connect-progress, Acct-Session-Time,
    /// octets and packets, Acct-Terminate-Cause, disc-cause-ext, then the Start's trailer.
    /// Counters are sent modulo 2^32, as the seed's IOS does without gigaword attributes.
    public static func stop(_ session: Session, nasIP: IPv4Address, sessionTime: UInt32,
                            terminateCause: UInt32 = 0, disconnectCause: String = "No Reason",
                            delay: UInt32 = 0, extras: [RADIUSAttribute] = []) -> [RADIUSAttribute] {
        var out = identification(session) + extras
        appendCounters(session, sessionTime: sessionTime, to: &out)
        out.append(.integer(RADIUSAttributeType.acctTerminateCause, terminateCause))
        out.append(.ciscoAVPair("disc-cause-ext=" + disconnectCause))
        out.append(contentsOf: trailer(session, status: .stop, nasIP: nasIP, delay: delay))
        return out
    }

    /// Interim-Update: as Stop without the terminate cause and its `disc-cause-ext`.
    public static func interim(_ session: Session, nasIP: IPv4Address, sessionTime: UInt32,
                               extras: [RADIUSAttribute] = []) -> [RADIUSAttribute] {
        var out = identification(session) + extras
        appendCounters(session, sessionTime: sessionTime, to: &out)
        out.append(contentsOf: trailer(session, status: .interimUpdate, nasIP: nasIP, delay: 0))
        return out
    }

    private static func appendCounters(_ session: Session, sessionTime: UInt32, to out: inout [RADIUSAttribute]) {
        out.append(.integer(RADIUSAttributeType.acctAuthentic, 2))
        out.append(.ciscoAVPair("connect-progress=No Progress"))
        out.append(.integer(RADIUSAttributeType.acctSessionTime, sessionTime))
        out.append(.integer(RADIUSAttributeType.acctInputOctets, UInt32(truncatingIfNeeded: session.bytesIn)))
        out.append(.integer(RADIUSAttributeType.acctOutputOctets, UInt32(truncatingIfNeeded: session.bytesOut)))
        out.append(.integer(RADIUSAttributeType.acctInputPackets, UInt32(truncatingIfNeeded: session.packetsIn)))
        out.append(.integer(RADIUSAttributeType.acctOutputPackets, UInt32(truncatingIfNeeded: session.packetsOut)))
    }

    /// An unsigned Accounting-Request with these attributes.
    public static func request(identifier: UInt8, attributes: [RADIUSAttribute]) -> RADIUSPacket {
        RADIUSPacket(code: .accountingRequest, identifier: identifier, attributes: attributes)
    }

    private static func identification(_ session: Session) -> [RADIUSAttribute] {
        var out: [RADIUSAttribute] = []
        out.reserveCapacity(20)
        out.append(.string(RADIUSAttributeType.acctSessionId, session.acctSessionIdText))
        out.append(.string(RADIUSAttributeType.callingStationId, session.callingStationId))
        out.append(.ciscoAVPair("audit-session-id=" + session.auditSessionId))
        if let name = session.userName { out.append(.ciscoAVPair("isakmp-phase1-id=" + name)) }
        out.append(.ciscoAVPair("isakmp-initator-ip=" + session.peer.description))
        if let name = session.userName { out.append(.string(RADIUSAttributeType.userName, name)) }
        return out
    }

    private static func trailer(_ session: Session, status: Status, nasIP: IPv4Address,
                                delay: UInt32) -> [RADIUSAttribute] {
        [.integer(RADIUSAttributeType.acctStatusType, status.rawValue),
         .ipv4(RADIUSAttributeType.nasIPAddress, nasIP),
         .string(RADIUSAttributeType.ciscoSessionKey, session.serverKeyText),
         .integer(RADIUSAttributeType.acctDelayTime, delay)]
    }
}
