import RADIUS

/// RADIUS servers simulated inside the emulator: every configured server whose address is not
/// loopback (the seeds' 9.45.15.144). Each answers a valid Accounting-Request with a signed
/// Accounting-Response after `latency` seconds; none of them is ever sent a real packet.
public final class LabRADIUSPeers {
    public enum Behaviour: Equatable, Sendable {
        /// Answer with a valid Accounting-Response.
        case respond
        /// Never answer (shows retransmission and fail-over).
        case silent
        /// Answer signed with a wrong secret (the device counts a bad authenticator).
        case badAuthenticator
    }

    /// How long a simulated peer takes to answer, in seconds (used when a scheduler is set).
    public var latency: Double = 0.002
    /// Behaviour by peer address; peers not listed respond.
    public var behaviours: [IPv4Address: Behaviour] = [:]

    /// A user a simulated server knows (`lab radius-peer A.B.C.D user …`): its password and
    /// the reply attributes its Access-Accept carries, so a lab can change a user's policy.
    public struct User {
        public var password: String
        public var reply: [RADIUSAttribute]
        public init(password: String, reply: [RADIUSAttribute]) {
            self.password = password
            self.reply = reply
        }
    }
    /// Users by peer address and User-Name; a user not listed falls back to the local `username`s.
    public var users: [IPv4Address: [String: User]] = [:]
    /// Accounting-Requests the peers accepted, by kind.
    public private(set) var startsReceived = 0
    public private(set) var stopsReceived = 0
    /// Requests discarded because their authenticator did not verify with the peer's secret.
    public private(set) var badRequests = 0
    /// The most recent requests received (for `lab` commands and tests), newest last.
    public private(set) var recent: [(peer: IPv4Address, packet: RADIUSPacket)] = []
    public var recentCapacity = 64

    public init() {}

    public func behaviour(of peer: IPv4Address) -> Behaviour { behaviours[peer] ?? .respond }

    /// The peer's answer to `request`, or nil if it stays silent or discards it.
    func answer(_ request: [UInt8], peer: IPv4Address, secret: [UInt8]) -> [UInt8]? {
        let behaviour = behaviour(of: peer)
        guard RADIUSAuth.verifyRequestAuthenticator(request, secret: secret),
              let packet = try? RADIUSPacket.decode(request), packet.code == .accountingRequest else {
            badRequests += 1
            return nil
        }
        switch packet.first(RADIUSAttributeType.acctStatusType)?.integerValue {
        case AccountingPackets.Status.start.rawValue: startsReceived += 1
        case AccountingPackets.Status.stop.rawValue: stopsReceived += 1
        default: break
        }
        if recentCapacity > 0 {
            if recent.count >= recentCapacity { recent.removeFirst(recent.count - recentCapacity + 1) }
            recent.append((peer, packet))
        }
        var reply = RADIUSPacket(code: .accountingResponse, identifier: packet.identifier)
        switch behaviour {
        case .silent:
            return nil
        case .respond:
            return RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator, secret: secret)
        case .badAuthenticator:
            return RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator,
                                        secret: secret + Array("-wrong".utf8))
        }
    }
}
