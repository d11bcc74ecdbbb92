import RADIUS

// CoA-Request (RFC 5176 §3.2), the FlexVPN "IKEv2 CoA for QoS and ACL" feature: through the same
// client, authenticator, duplicate and identification rules as a Disconnect-Request (the DAS
// datagram path), then:
// - Changes: Session-Timeout and Idle-Timeout (the timers re-armed from now), `ipsec:inacl`,
//   `ip:inacl#N`, `ip:interface-config` (QoS `service-policy`), Class (replaces the echoed one).
// - Commands: `subscriber:command=reauthenticate` (authorization runs again; its attributes
//   replace the old) and `subscriber:command=session-query` (the CoA-ACK carries the session's
//   attributes; one session only, else NAK 508).
// - NAKs, nothing changed: 401 an attribute the feature does not change (Framed-IP-Address,
//   Acct-Interim-Interval, `ipsec:addr-pool`, another vendor…), 407 a malformed value or an unknown
//   command, 403 another NAS, 402 no identification, 404 + `No Matching Session` when nothing
//   matches (as the seeds' POD NAK; RFC 5176 would say 503).
// - After a change, `aaa accounting update newinfo` sends an Interim-Update.
extension Device {
    func changeOfAuthorization(_ request: UnsafeRawBufferPointer, _ scan: DASAttributeScan,
                               _ settings: DynamicAuthorConfig, source: (ip: IPv4Address, port: UInt16),
                               localPort: UInt16) -> RADIUSPacket {
        let identifier = request[1]
        let coaDebug = debug.aaaCoa
        logDASRequest(tag: "COA", request, scan, source: source, attributeList: coaDebug)

        func nak(_ cause: DASErrorCause, replyMessage: String? = nil) -> RADIUSPacket {
            das.statistics.coaNAKs += 1
            return dasNAK(.coaNAK, tag: "COA", cause, replyMessage: replyMessage, identifier: identifier,
                          source: source, localPort: localPort, debugging: coaDebug)
        }

        if scan.unsupported { return nak(.unsupportedAttribute) }
        if scan.invalidValue { return nak(.invalidAttributeValue) }
        // What the request changes, and its command.
        var command: String?
        for attribute in scan.coaAttributes where attribute.type == RADIUSAttributeType.vendorSpecific {
            for pair in AuthorizationAttributes.ciscoPairs(attribute.value) ?? [] {
                guard let pair, pair.lowercased().hasPrefix("subscriber:command=") else { continue }
                command = String(pair.dropFirst("subscriber:command=".count)).lowercased()
            }
        }
        if let command, command != "reauthenticate", command != "session-query" { return nak(.invalidAttributeValue) }
        let changes: AuthorizationAttributes
        switch AuthorizationAttributes.read(scan.coaAttributes, strict: true) {
        case let .success(read): changes = read
        case .failure(.unsupported): return nak(.unsupportedAttribute)
        case .failure(.invalidValue): return nak(.invalidAttributeValue)
        }
        let matched: [Int32]
        switch identifiedSlots(scan, settings) {
        case let .success(slots): matched = slots
        case let .failure(cause): return nak(cause)
        }
        if matched.isEmpty {
            if coaDebug { debugLog("COA: \(source.ip) no matching session: DROPPED") }
            return nak(.invalidRequest, replyMessage: "No Matching Session")
        }
        let targets = matched.map { sessions.session(at: $0) }.sorted { $0.sessionId < $1.sessionId }

        if command == "session-query" {
            guard targets.count == 1, let session = targets.first else { return nak(.multipleSessionSelectionUnsupported) }
            das.statistics.coaACKs += 1
            if coaDebug {
                debugLog(lines: ["COA: session-query for session \(hex8(session.uniqueId))",
                                 "COA: Sending ACK from port \(localPort) to \(source.ip)/\(source.port)"])
            }
            return RADIUSPacket(code: .coaACK, identifier: identifier, attributes: sessionQueryAttributes(session))
        }

        var lines: [String] = []
        for session in targets {
            let uid = session.uniqueId
            var authorization = flexVPNSessions.authorizations[uid]
                ?? SessionAuthorization(profile: ikev2ProfileName, kind: .psk)
            authorization.attributes = authorization.attributes.overlaid(with: changes)
            flexVPNSessions.authorizations[uid] = authorization
            for change in changeDescriptions(changes) {
                lines.append("COA: Applied \(change) to session \(hex8(uid))")
            }
            armSessionTimers(session, restartSessionTimeout: changes.sessionTimeout != nil)
            if command == "reauthenticate" {
                lines.append("COA: Reauthenticating session \(hex8(uid))")
                reauthorize(session)
            }
        }
        das.statistics.coaACKs += 1
        lines.append("COA: Sending ACK from port \(localPort) to \(source.ip)/\(source.port)")
        if coaDebug { debugLog(lines: lines) }
        if changes != AuthorizationAttributes(), config.accountingUpdate?.newinfo == true {
            for session in targets { sendInterimUpdate(uniqueId: session.uniqueId) }
        }
        return RADIUSPacket(code: .coaACK, identifier: identifier)
    }

    /// `Session-Timeout 120`, `ipsec:inacl=BLOCK`: what a CoA changed, for the debug lines.
    private func changeDescriptions(_ c: AuthorizationAttributes) -> [String] {
        var out: [String] = []
        if let v = c.sessionTimeout { out.append("Session-Timeout \(v)") }
        if let v = c.idleTimeout { out.append("Idle-Timeout \(v)") }
        if let v = c.classes { out.append("Class (\(v.count) value\(v.count == 1 ? "" : "s"))") }
        out.append(contentsOf: c.avPairs)
        return out
    }

    /// The CoA-ACK of `subscriber:command=session-query`: the session's identification and its
    /// applied attributes.
    func sessionQueryAttributes(_ session: Session) -> [RADIUSAttribute] {
        var out: [RADIUSAttribute] = []
        if let name = session.userName { out.append(.string(RADIUSAttributeType.userName, name)) }
        out.append(.string(RADIUSAttributeType.acctSessionId, session.acctSessionIdText))
        out.append(.string(RADIUSAttributeType.callingStationId, session.callingStationId))
        if let framed = session.framedIP { out.append(.ipv4(RADIUSAttributeType.framedIPAddress, framed)) }
        out.append(.ciscoAVPair("audit-session-id=" + session.auditSessionId))
        let attributes = flexVPNSessions.authorizations[session.uniqueId]?.attributes ?? AuthorizationAttributes()
        if let v = attributes.sessionTimeout { out.append(.integer(RADIUSAttributeType.sessionTimeout, v)) }
        if let v = attributes.idleTimeout { out.append(.integer(RADIUSAttributeType.idleTimeout, v)) }
        for value in attributes.classes ?? [] { out.append(RADIUSAttribute(type: RADIUSAttributeType.class, value: value)) }
        for pair in attributes.avPairs { out.append(.ciscoAVPair(pair)) }
        out.append(.integer(RADIUSAttributeType.acctSessionTime,
                            UInt32(clamping: Int64(max(0, (now - session.startTime).rounded(.down))))))
        return out
    }

    /// `subscriber:command=reauthenticate`: authorization runs again for the session's peer on its
    /// profile; its attributes replace the old (the address stays). A refusal leaves the old
    /// attributes in place.
    private func reauthorize(_ session: Session) {
        let uid = session.uniqueId
        guard let old = flexVPNSessions.authorizations[uid], config.flexVPN.profile(named: old.profile) != nil else { return }
        let peer = FlexVPNPeer(identity: IKEv2Identity(text: session.userName ?? session.peer.description),
                               address: session.peer, eapIdentity: old.kind == .eap ? old.aaaUserName : nil,
                               profileName: old.profile)
        authorizeFlexVPNPeer(peer, uniqueId: uid) { [weak self] result in
            guard let self, case let .authorized(fresh) = result, let live = self.sessions[uniqueId: uid],
                  var current = self.flexVPNSessions.authorizations[uid] else { return }
            var attributes = fresh.attributes
            attributes.framedIP = current.attributes.framedIP
            attributes.pool = current.attributes.pool
            current.attributes = attributes
            current.aaaUserName = fresh.aaaUserName ?? current.aaaUserName
            self.flexVPNSessions.authorizations[uid] = current
            self.armSessionTimers(live, restartSessionTimeout: true)
            if self.config.accountingUpdate?.newinfo == true { self.sendInterimUpdate(uniqueId: uid) }
        }
    }
}
