import RADIUS

extension Device {
    /// `lab session connect` with every option: a scenario uses the ids and key to recreate the
    /// seeds' sessions exactly. Without them it is `connectSession`. A given Session Id or Unique
    /// Id that a live session holds is refused (`SessionTable.IdError`) and nothing changes; a
    /// given server key that a live session holds is replaced by a fresh one.
    @discardableResult
    public func connectLabSession(userName: String?, peer: IPv4Address, auditSessionId: String?,
                                  framedIP: IPv4Address? = nil, sessionId: UInt32? = nil, uniqueId: UInt32? = nil,
                                  serverKey: UInt32? = nil, ikeSA: IKESessionEndpoints? = nil) throws(SessionTable.IdError) -> Session {
        if sessionId == 0 || uniqueId == 0 { throw .zero }
        if let sid = sessionId, sessions.containsSessionId(sid) { throw .sessionIdInUse(sid) }
        if let uid = uniqueId, sessions.containsUniqueId(uid) { throw .uniqueIdInUse(uid) }
        let local = ikeSA?.local.address ?? sessionLocalAddress
        let audit = auditSessionId
            ?? Session.auditSessionId(local: local, peer: peer, localPort: ikeSA?.local.port ?? 4500,
                                      peerPort: ikeSA?.peer.port ?? 4500, counter: sessions.allocateAuditCounter())
        var key = serverKey ?? 0
        while key == 0 || sessions.containsServerKey(key) { key = UInt32(truncatingIfNeeded: random.next()) }
        let session = try sessions.add(userName: userName, peer: peer, local: local, framedIP: framedIP,
                                       auditSessionId: audit, serverKey: key, startTime: now,
                                       sessionId: sessionId, uniqueId: uniqueId,
                                       ikev2Ids: ikeSA.map { ($0.ikev2SessionId, $0.saId) },
                                       ports: ikeSA.map { ($0.local.port, $0.peer.port) })
        onSessionConnected?(session)
        return session
    }
}

/// The IKE SA a real client's session comes up on: its addresses, ports and IKEv2 ids (a lab
/// session has the seeds' 51.1.1.1, 4500/4500 and the next ids).
public struct IKESessionEndpoints: Sendable {
    public var local: IKEEndpoint
    public var peer: IKEEndpoint
    public var ikev2SessionId: UInt32
    public var saId: UInt32
}
