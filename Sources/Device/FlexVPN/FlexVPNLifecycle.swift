import RADIUS

// A FlexVPN session's life after authorization: its address, its timers (Session-Timeout,
// Idle-Timeout, interim accounting), simulated traffic, and its end with the right
// Acct-Terminate-Cause. Timers run on the accounting scheduler (the engine's loop, or a replay's
// manual clock); a device without one runs no timers.

/// Acct-Terminate-Cause values (RFC 2866 §5.10) and the Cisco `disc-cause-ext` names IOS sends.
extension SessionEndCause {
    /// The Stop's Acct-Terminate-Cause. A POD keeps the seeds' `none [0]` (the captured IOS
    /// Stop after a Disconnect-ACK says so, with `disc-cause-ext=No Reason`).
    public var acctTerminateCause: UInt32 {
        switch self {
        case .radiusDisconnect: return 0
        case .clearCommand: return 6        // Admin-Reset
        case .idleTimeout: return 4
        case .sessionTimeout: return 5
        case .userRequest: return 1
        case .peerLost: return 2            // Lost-Carrier
        case .lifetimeExpired: return 5     // Session-Timeout
        }
    }

    public var disconnectCause: String {
        switch self {
        case .radiusDisconnect, .clearCommand, .userRequest: return "No Reason"
        case .idleTimeout: return "Idle Timeout"
        case .sessionTimeout, .lifetimeExpired: return "Session Timeout"
        case .peerLost: return "Lost Carrier"
        }
    }
}

/// A lab session's simulated traffic: so many packets a second each way, of a fixed size.
public struct SimulatedTraffic: Equatable, Sendable {
    public var packetsPerSecond: UInt64
    public var bytesPerPacket: UInt64
    public init(packetsPerSecond: UInt64, bytesPerPacket: UInt64 = 100) {
        self.packetsPerSecond = packetsPerSecond
        self.bytesPerPacket = bytesPerPacket
    }
}

extension Device {
    /// Brings up the session of an authorized peer: its address (Framed-IP-Address, else the
    /// pool's next free one), the session itself with its accounting Start (which echoes the
    /// Class), and its timers. Nothing stays behind when it fails.
    public func connectFlexVPNSession(_ peer: FlexVPNPeer, authorization: SessionAuthorization, uniqueId: UInt32,
                                      auditSessionId: String? = nil, sessionId: UInt32? = nil,
                                      serverKey: UInt32? = nil,
                                      traffic: SimulatedTraffic? = nil, userName: String? = nil,
                                      ikeSA: IKESessionEndpoints? = nil) -> Result<Session, FlexVPNRejection> {
        guard admitsNewSession() else { return .failure(.saLimit(config.ikev2MaxSA ?? 0)) }
        var authorization = authorization
        var address = authorization.attributes.framedIP
        if let framed = address {
            // A Framed-IP-Address inside a pool holds that address of the pool.
            if let pool = config.flexVPN.pools.first(where: { $0.ranges.contains { $0.first <= framed && framed <= $0.last } }),
               addressPools.reserve(framed, in: pool.name, uniqueId: uniqueId) {
                authorization.addressPool = pool.name
            }
        } else if let poolName = authorization.attributes.pool {
            guard let pool = config.flexVPN.pool(named: poolName) else {
                flexVPNSessions.failedConnects += 1
                return .failure(.noPool(poolName))
            }
            guard let allocated = addressPools.allocate(from: pool, uniqueId: uniqueId) else {
                flexVPNSessions.failedConnects += 1
                return .failure(.poolExhausted(poolName))
            }
            address = allocated
            authorization.addressPool = poolName
        }
        // Before the session exists, so the accounting Start finds the Class to echo.
        flexVPNSessions.authorizations[uniqueId] = authorization
        let session: Session
        do {
            session = try connectLabSession(userName: userName ?? peer.identity.description, peer: peer.address,
                                            auditSessionId: auditSessionId, framedIP: address, sessionId: sessionId,
                                            uniqueId: uniqueId, serverKey: serverKey, ikeSA: ikeSA)
        } catch {
            flexVPNSessions.authorizations[uniqueId] = nil
            if let pool = authorization.addressPool, let address { addressPools.release(address, from: pool) }
            flexVPNSessions.failedConnects += 1
            let text: String
            switch error {
            case let .sessionIdInUse(id): text = "Session Id \(id) is in use by a live session"
            case let .uniqueIdInUse(id): text = "Unique Id \(id) is in use by a live session"
            case .zero: text = "0 is not an id"
            }
            return .failure(.idInUse(text))
        }
        flexVPNSessions.authorizedConnects += 1
        if let traffic { flexVPNSessions.traffic[uniqueId] = (traffic, now) }
        armSessionTimers(session, restartSessionTimeout: true)
        return .success(session)
    }

    /// Ends one session as its own timer (or the client) ends it: the accounting Stop with the
    /// cause, the IKEv2 delete lines, the address back to its pool.
    @discardableResult
    public func endSession(uniqueId: UInt32, cause: SessionEndCause) -> Session? {
        accrueTraffic(uniqueId: uniqueId)
        guard let session = sessions.remove(uniqueId: uniqueId) else { return nil }
        onSessionsDisconnected?([session], cause)
        return session
    }

    /// Frees what the ended sessions held (called after their Stops are built).
    func flexVPNSessionsEnded(_ ended: [Session]) {
        let state = flexVPNSessions
        guard !state.authorizations.isEmpty || !state.timers.isEmpty || !state.traffic.isEmpty else { return }
        for session in ended {
            let uid = session.uniqueId
            state.timers.removeValue(forKey: uid)?.cancelAll()
            state.traffic[uid] = nil
            if let authorization = state.authorizations.removeValue(forKey: uid), let pool = authorization.addressPool,
               let address = session.framedIP {
                addressPools.release(address, from: pool)
            }
        }
    }

    /// A lab restarting: every session's authorization, timers and pool address are forgotten
    /// and the pools start from their first address again (the sessions are already gone).
    public func resetFlexVPNForLab() {
        for timers in flexVPNSessions.timers.values { timers.cancelAll() }
        flexVPNSessions.timers.removeAll()
        flexVPNSessions.traffic.removeAll()
        flexVPNSessions.authorizations.removeAll()
        addressPools.removeAll()
    }

    // MARK: timers

    /// Arms (or re-arms, after a CoA) the session's Session-Timeout, Idle-Timeout and interim
    /// timers from its authorization and `aaa accounting update periodic`.
    func armSessionTimers(_ session: Session, restartSessionTimeout: Bool) {
        guard let scheduler = accounting.scheduler else { return }
        let uid = session.uniqueId
        let attributes = flexVPNSessions.authorizations[uid]?.attributes ?? AuthorizationAttributes()
        let interval = interimInterval(attributes)
        let existing = flexVPNSessions.timers[uid]
        // A session with no timer to run gets no timers object (most sessions of a load run).
        if existing == nil, !(restartSessionTimeout && (attributes.sessionTimeout ?? 0) > 0),
           (attributes.idleTimeout ?? 0) <= 0, (interval ?? 0) <= 0 { return }
        let timers = existing ?? SessionTimers()
        flexVPNSessions.timers[uid] = timers
        if restartSessionTimeout {
            timers.sessionTimeout?.cancel()
            timers.sessionTimeout = nil
            timers.sessionDeadline = nil
            if let seconds = attributes.sessionTimeout, seconds > 0 {
                timers.sessionDeadline = now + Double(seconds)
                timers.sessionTimeout = scheduler.schedule(after: Double(seconds)) { [weak self] in
                    self?.endSession(uniqueId: uid, cause: .sessionTimeout)
                }
            }
        }
        timers.idle?.cancel()
        timers.idle = nil
        if let idle = attributes.idleTimeout, idle > 0 {
            timers.lastTraffic = (session.bytesIn, session.bytesOut, session.packetsIn, session.packetsOut)
            timers.lastActivity = now
            scheduleIdleCheck(uid, after: Double(idle))
        }
        timers.interim?.cancel()
        timers.interim = nil
        if let interval, interval > 0 {
            scheduleInterim(uid, every: interval)
        }
    }

    /// Acct-Interim-Interval from the server wins over `aaa accounting update periodic N`.
    public func interimInterval(_ attributes: AuthorizationAttributes) -> Double? {
        if let seconds = attributes.interimInterval, seconds > 0 { return Double(seconds) }
        // The stored config, not `config`: the getter's copy of the whole config was a
        // noticeable part of a session's connect.
        if let minutes = storedConfig.accountingUpdate?.periodicMinutes { return Double(minutes) * 60 }
        return nil
    }

    private func scheduleIdleCheck(_ uid: UInt32, after seconds: Double) {
        guard let scheduler = accounting.scheduler, let timers = flexVPNSessions.timers[uid] else { return }
        timers.idle = scheduler.schedule(after: seconds) { [weak self] in
            guard let self, let timers = self.flexVPNSessions.timers[uid] else { return }
            self.accrueTraffic(uniqueId: uid)
            guard let session = self.sessions[uniqueId: uid],
                  let idle = self.flexVPNSessions.authorizations[uid]?.attributes.idleTimeout, idle > 0 else { return }
            let traffic = (session.bytesIn, session.bytesOut, session.packetsIn, session.packetsOut)
            if traffic != timers.lastTraffic {
                // Traffic since the last look: idle from now on.
                timers.lastTraffic = traffic
                timers.lastActivity = self.now
                self.scheduleIdleCheck(uid, after: Double(idle))
            } else {
                let quiet = self.now - timers.lastActivity
                if quiet + 0.0005 >= Double(idle) {
                    self.endSession(uniqueId: uid, cause: .idleTimeout)
                } else {
                    self.scheduleIdleCheck(uid, after: Double(idle) - quiet)
                }
            }
        }
    }

    private func scheduleInterim(_ uid: UInt32, every seconds: Double) {
        guard let scheduler = accounting.scheduler, let timers = flexVPNSessions.timers[uid] else { return }
        timers.interim = scheduler.schedule(after: seconds) { [weak self] in
            guard let self, self.sessions[uniqueId: uid] != nil else { return }
            self.sendInterimUpdate(uniqueId: uid)
            self.scheduleInterim(uid, every: seconds)
        }
    }

    /// Idle time for `show aaa sessions` (seconds since the last traffic, when an idle timer runs).
    public func idleSeconds(uniqueId: UInt32) -> Int {
        guard let timers = flexVPNSessions.timers[uniqueId], timers.idle != nil else { return 0 }
        return Int(max(0, now - timers.lastActivity))
    }

    // MARK: simulated traffic

    /// Adds the traffic a session's rate made since it was last counted.
    public func accrueTraffic(uniqueId: UInt32) {
        guard let (traffic, since) = flexVPNSessions.traffic[uniqueId] else { return }
        let seconds = now - since
        guard seconds > 0 else { return }
        let packets = UInt64(Double(traffic.packetsPerSecond) * seconds)
        guard packets > 0 else { return }
        // Count whole packets only; the remainder waits for the next look.
        let used = Double(packets) / Double(traffic.packetsPerSecond)
        flexVPNSessions.traffic[uniqueId] = (traffic, since + used)
        sessions.addTraffic(uniqueId: uniqueId, bytesIn: packets * traffic.bytesPerPacket,
                            bytesOut: packets * traffic.bytesPerPacket, packetsIn: packets, packetsOut: packets)
    }

    /// Brings every rate-driven session's counters up to now (before a `show`).
    public func accrueAllTraffic() {
        for uid in Array(flexVPNSessions.traffic.keys) { accrueTraffic(uniqueId: uid) }
    }

    /// Gives a live session a traffic rate (0 stops it).
    public func setTrafficRate(uniqueId: UInt32, _ traffic: SimulatedTraffic?) {
        accrueTraffic(uniqueId: uniqueId)
        if let traffic, traffic.packetsPerSecond > 0 {
            flexVPNSessions.traffic[uniqueId] = (traffic, now)
        } else {
            flexVPNSessions.traffic[uniqueId] = nil
        }
    }
}

extension Device {
    /// Authorization then the session, in one call (the lab client, the IKEv2 responder once
    /// IKE_AUTH has verified the peer). `framedIP` overrides the authorized address (a lab
    /// option). A refusal is counted and, under `debug crypto ikev2`, said.
    public func connectFlexVPN(_ peer: FlexVPNPeer, uniqueId: UInt32, framedIP: IPv4Address? = nil,
                               auditSessionId: String? = nil, sessionId: UInt32? = nil, serverKey: UInt32? = nil,
                               traffic: SimulatedTraffic? = nil,
                               completion: @escaping (Result<Session, FlexVPNRejection>) -> Void) {
        authorizeFlexVPNPeer(peer, uniqueId: uniqueId) { [weak self] result in
            guard let self else { return }
            switch result {
            case var .authorized(authorization):
                if let framedIP { authorization.attributes.framedIP = framedIP }
                let connected = self.connectFlexVPNSession(peer, authorization: authorization, uniqueId: uniqueId,
                                                           auditSessionId: auditSessionId, sessionId: sessionId,
                                                           serverKey: serverKey, traffic: traffic)
                if case let .failure(reason) = connected { self.noteConnectFailure(peer, reason, counted: true) }
                completion(connected)
            case let .rejected(reason):
                self.noteConnectFailure(peer, reason, counted: false)
                completion(.failure(reason))
            }
        }
    }

    private func noteConnectFailure(_ peer: FlexVPNPeer, _ reason: FlexVPNRejection, counted: Bool) {
        if !counted { flexVPNSessions.failedConnects += 1 }
        guard debug.cryptoIkev2 else { return }
        debugLog(lines: ["IKEv2:AAA authorization for peer \(peer.address) (\(peer.identity)) failed: \(reason)",
                         "IKEv2:Deleting SA"])
    }

    /// A lab command's late answer (a RADIUS server answered after the prompt came back),
    /// printed like a log line on the console and monitoring vty lines.
    public func labNotice(_ text: String) {
        emitNotice(text)
    }
}
