import RADIUS

extension Device {
    /// `lab session connect` with every option: a scenario uses the ids and key to recreate the
    /// seeds' sessions exactly. Without them it is `connectSession`. A given Session Id or Unique
    /// Id that a live session holds is refused (`SessionTable.IdError`) and nothing changes; a
    /// given server key that a live session holds is replaced by a fresh one.
    @discardableResult
    public func connectLabSession(userName: String?, peer: IPv4Address, auditSessionId: String?,
                                  framedIP: IPv4Address? = nil, sessionId: UInt32? = nil, uniqueId: UInt32? = nil,
                                  serverKey: UInt32? = nil) throws(SessionTable.IdError) -> Session {
        if sessionId == 0 || uniqueId == 0 { throw .zero }
        if let sid = sessionId, sessions.containsSessionId(sid) { throw .sessionIdInUse(sid) }
        if let uid = uniqueId, sessions.containsUniqueId(uid) { throw .uniqueIdInUse(uid) }
        let local = sessionLocalAddress
        let audit = auditSessionId
            ?? Session.auditSessionId(local: local, peer: peer, counter: sessions.allocateAuditCounter())
        var key = serverKey ?? 0
        while key == 0 || sessions.containsServerKey(key) { key = UInt32(truncatingIfNeeded: random.next()) }
        let session = try sessions.add(userName: userName, peer: peer, local: local, framedIP: framedIP,
                                       auditSessionId: audit, serverKey: key, startTime: now,
                                       sessionId: sessionId, uniqueId: uniqueId)
        onSessionConnected?(session)
        return session
    }
}
