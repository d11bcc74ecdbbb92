import RADIUS

extension Device {
    /// The peer of `lab session connect` when none is given: the seeds' client 192.168.202.2.
    public static let defaultSessionPeer = IPv4Address(192, 168, 202, 2)

    /// Brings up a remote-access session, as an IKEv2 client connecting would
    /// (`lab session connect USER-NAME [peer A.B.C.D] [audit-session-id WORD]`).
    /// Without an audit-session-id one is generated in the seeds' format; the server key
    /// (attribute 151) comes from the device's random source and is unique among live sessions.
    @discardableResult
    public func connectSession(userName: String?, peer: IPv4Address = Device.defaultSessionPeer,
                               auditSessionId: String? = nil, framedIP: IPv4Address? = nil) -> Session {
        let local = sessionLocalAddress
        let audit = auditSessionId
            ?? Session.auditSessionId(local: local, peer: peer, counter: sessions.allocateAuditCounter())
        let session = sessions.add(userName: userName, peer: peer, local: local, framedIP: framedIP,
                                   auditSessionId: audit, serverKey: freshServerKey(), startTime: now)
        onSessionConnected?(session)
        return session
    }

    /// A session server key (attribute 151) from the device's random source, unique among live sessions.
    func freshServerKey() -> UInt32 {
        var key = UInt32(truncatingIfNeeded: random.next())
        while key == 0 || sessions.containsServerKey(key) { key = UInt32(truncatingIfNeeded: random.next()) }
        return key
    }

    /// Whether a new SA may come up under `crypto ikev2 limit max-sa`. When the table is full the
    /// request is refused: counted (`sessionsRefusedAtLimit`) and logged as IOS's IKEv2 call
    /// admission control logs it; the live sessions and everything else go on.
    public func admitsNewSession() -> Bool {
        guard let limit = config.ikev2MaxSA, sessions.count >= limit else { return true }
        sessionsRefusedAtLimit += 1
        syslog(facility: "IKEV2", severity: 5, mnemonic: "SA_REJECTED_LIMIT_REACHED",
               "Request was rejected because the SA limit (\(limit)) was reached")
        return false
    }

    /// `clear crypto session [remote A.B.C.D]`: ends every session, or those whose peer is
    /// `remote`, and returns them oldest first. `onSessionsDisconnected` hears of them.
    @discardableResult
    public func clearCryptoSessions(remote: IPv4Address? = nil) -> [Session] {
        let ended: [Session]
        if let remote {
            ended = sessions.sessions(peer: remote)
            for session in ended { sessions.remove(uniqueId: session.uniqueId) }
        } else {
            ended = sessions.removeAll()
        }
        if !ended.isEmpty, let hook = onSessionsDisconnected { hook(ended, .clearCommand) }
        return ended
    }

    /// `show aaa sessions`, one line at a time so a million sessions never sit in one string.
    /// The seeds' words in a real capture's layout (genieparser's `ShowAaaSessions`): the total,
    /// then per session its id and three-space indented fields; `IP Address` is the
    /// Framed-IP-Address (0.0.0.0 when none).
    public func renderAAASessions(into emit: (String) -> Void) {
        emit("Total sessions since last reload: \(sessions.totalSinceReload)")
        sessions.forEach { session in
            emit("Session Id: \(session.sessionId)")
            emit("   Unique Id: \(session.uniqueId)")
            emit("   User Name: " + (session.userName ?? "*not available*"))
            emit("   IP Address: " + (session.framedIP ?? .any).description)
            emit("   Idle Time: " + String(idleSeconds(uniqueId: session.uniqueId)))
            emit("   CT Call Handle: 0")
        }
    }
}
