import RADIUS

extension Device {
    /// `lab session connect` with every option: a scenario uses the ids and key to recreate the
    /// seeds' sessions exactly. Without them it is `connectSession`.
    @discardableResult
    public func connectLabSession(userName: String?, peer: IPv4Address, auditSessionId: String?,
                                  framedIP: IPv4Address? = nil, sessionId: UInt32? = nil, uniqueId: UInt32? = nil,
                                  serverKey: UInt32? = nil) -> Session {
        sessions.advanceCounters(nextSessionId: sessionId, nextUniqueId: uniqueId)
        guard let serverKey, !sessions.containsServerKey(serverKey) else {
            return connectSession(userName: userName, peer: peer, auditSessionId: auditSessionId, framedIP: framedIP)
        }
        let local = sessionLocalAddress
        let audit = auditSessionId
            ?? Session.auditSessionId(local: local, peer: peer, counter: sessions.allocateAuditCounter())
        let session = sessions.add(userName: userName, peer: peer, local: local, framedIP: framedIP,
                                   auditSessionId: audit, serverKey: serverKey, startTime: now)
        onSessionConnected?(session)
        return session
    }
}
