import RADIUS

// The RADIUS accounting client, IOS style:
// - A session coming up while `aaa accounting network LIST start-stop group GROUP` is configured
//   (with `aaa new-model`) sends an Accounting-Request Start; its going down (POD ACK,
//   `clear crypto session`) sends a Stop. The list named `default` is used when present,
//   otherwise the first one configured.
// - Servers: the list's groups in order (`group radius` is every configured server); a server
//   needs an IPv4 address and a key.
// - Each request waits `timeout` seconds, is retransmitted `retransmits` times to the same
//   server, then fails over to the next server with the same identifier (re-signed with that
//   server's key); after the last: `No response from server`.
// - Identifiers run on from a random start; at most 256 requests are in flight, later ones
//   wait in order for a free identifier.
// - Replies are matched by identifier, source address and port, and verified with the Response
//   Authenticator; a bad one is counted and ignored (the request keeps waiting).
extension Device {
    /// The accounting method list sessions use now: `default` if configured, else the first.
    public var accountingMethodList: AAAMethodList? {
        guard config.aaaNewModel else { return nil }
        let lists = config.accountingNetwork
        return lists.first { $0.name == "default" } ?? lists.first
    }

    /// The servers a method list's records go to, in fail-over order.
    public func accountingServers(for list: AAAMethodList) -> [AccountingServer] {
        if let known = accounting.serverLists[list.methods] { return known }
        var out: [AccountingServer] = []
        var seen = Set<String>()
        for method in list.methods {
            guard case .group(let groupName) = method else { continue }
            let names = groupName == "radius"
                ? config.radiusServers.map(\.name)
                : config.radiusGroup(named: groupName)?.serverNames ?? []
            for name in names where !seen.contains(name) {
                guard let server = config.radiusServer(named: name), let text = server.address,
                      let address = IPv4Address(text), let key = server.key else { continue }
                seen.insert(name)
                out.append(AccountingServer(name: name, address: address, authPort: server.authPort,
                                            acctPort: server.acctPort, secret: Array(key.plain.utf8)))
            }
        }
        // A handful of lists exist; the bound only keeps a pathological config from growing it.
        if accounting.serverLists.count >= 64 { accounting.serverLists.removeAll() }
        accounting.serverLists[list.methods] = out
        return out
    }

    // MARK: session events

    /// Records the session for accounting and sends its Start (called through `onSessionConnected`).
    public func accountingSessionConnected(_ session: Session) {
        guard let list = accountingMethodList(for: session) else { return }
        accounting.records[session.uniqueId] = AccountingSessionRecord(methodList: list.name)
        let servers = accountingServers(for: list)
        guard !servers.isEmpty else { return }
        let packet = AccountingPackets.record(capacity: 384, extras: accountingExtras(session)) {
            AccountingPackets.writeStart(session, nasIP: nasIPAddress, extras: $0, into: &$1)
        }
        enqueueAccounting(PendingAccountingRequest(session: session, status: .start, packet: packet, servers: servers))
    }

    /// IKEv2's delete lines and the Stop of each ended session (called through
    /// `onSessionsDisconnected`), oldest first.
    public func accountingSessionsEnded(_ ended: [Session], cause: SessionEndCause) {
        for var session in ended {
            addPendingTraffic(&session)
            let record = accounting.records.removeValue(forKey: session.uniqueId)
            let servers = record.flatMap { record in
                config.accountingNetwork.first { $0.name == record.methodList } ?? accountingMethodList
            }.map(accountingServers(for:)) ?? []
            let sendsStop = record != nil && !servers.isEmpty
            if debug.cryptoIkev2 { debugLog(lines: IKEv2DebugLines.delete(session, accountingStop: sendsStop)) }
            guard sendsStop else { continue }
            let sessionTime = UInt32(clamping: Int64(max(0, (now - session.startTime).rounded(.down))))
                let packet = AccountingPackets.record(capacity: 512, extras: accountingExtras(session)) {
                AccountingPackets.writeStop(session, nasIP: nasIPAddress, sessionTime: sessionTime,
                                            terminateCause: cause.acctTerminateCause,
                                            disconnectCause: cause.disconnectCause, extras: $0, into: &$1)
            }
            enqueueAccounting(PendingAccountingRequest(session: session, status: .stop, packet: packet,
                                                       servers: servers, terminateCause: cause.acctTerminateCause))
        }
    }

    /// The list a session's records go by: its FlexVPN profile's `aaa accounting psk|eap LIST`
    /// when it names a configured list, else the device's (`default`, else the first).
    func accountingMethodList(for session: Session) -> AAAMethodList? {
        guard config.aaaNewModel else { return nil }
        if let authorization = flexVPNSessions.authorizations[session.uniqueId],
           let name = config.flexVPN.profile(named: authorization.profile)?.accounting[authorization.kind],
           let list = config.accountingNetwork.first(where: { $0.name == name }) {
            return list
        }
        return accountingMethodList
    }

    /// What an authorized session's records carry after User-Name: its assigned address and the
    /// Class values of its authorization.
    func accountingExtras(_ session: Session) -> AccountingPackets.Extras {
        guard let authorization = flexVPNSessions.authorizations[session.uniqueId] else { return .init() }
        return .init(framedIP: session.framedIP, classes: authorization.attributes.classes ?? [])
    }

    /// A session copy with the traffic its rate made since last counted (it already left the table).
    private func addPendingTraffic(_ session: inout Session) {
        guard let (traffic, since) = flexVPNSessions.traffic[session.uniqueId] else { return }
        let packets = UInt64(max(0, Double(traffic.packetsPerSecond) * (now - since)))
        session.packetsIn &+= packets
        session.packetsOut &+= packets
        session.bytesIn &+= packets * traffic.bytesPerPacket
        session.bytesOut &+= packets * traffic.bytesPerPacket
        flexVPNSessions.traffic[session.uniqueId] = nil
    }

    /// An Interim-Update for a live session (its periodic timer, or `newinfo` after a change).
    public func sendInterimUpdate(uniqueId: UInt32) {
        accrueTraffic(uniqueId: uniqueId)
        guard let session = sessions[uniqueId: uniqueId], let record = accounting.records[uniqueId],
              let list = config.accountingNetwork.first(where: { $0.name == record.methodList }) ?? accountingMethodList
        else { return }
        let servers = accountingServers(for: list)
        guard !servers.isEmpty else { return }
        let sessionTime = UInt32(clamping: Int64(max(0, (now - session.startTime).rounded(.down))))
        let packet = AccountingPackets.record(capacity: 512, extras: accountingExtras(session)) {
            AccountingPackets.writeInterim(session, nasIP: nasIPAddress, sessionTime: sessionTime, extras: $0, into: &$1)
        }
        enqueueAccounting(PendingAccountingRequest(session: session, status: .interimUpdate, packet: packet,
                                                   servers: servers))
    }

    // MARK: replies

    /// A datagram that arrived on the accounting source port from `ip:port`.
    public func handleAccountingResponse(_ bytes: [UInt8], from ip: IPv4Address, port: UInt16) {
        bytes.withUnsafeBytes { handleAccountingResponse(raw: $0, from: ip, port: port) }
    }

    /// The same on raw memory (a received ByteBuffer's readable bytes).
    public func handleAccountingResponse(raw: UnsafeRawBufferPointer, from ip: IPv4Address, port: UInt16) {
        // Access-Accept, -Reject and -Challenge answer an IKEv2 EAP conversation or another
        // Access-Request (same socket).
        if let code = raw.first, code == RADIUSCode.accessAccept.rawValue || code == RADIUSCode.accessReject.rawValue
            || code == RADIUSCode.accessChallenge.rawValue {
            let bytes = Array(raw)
            if handleEAPRADIUSResponse(bytes, from: ip, port: port) { return }
            handleLoginResponse(bytes, from: ip, port: port)
            return
        }
        processAccountingResponse(raw, from: ip, port: port)
        pumpAccounting()
    }

    private func processAccountingResponse(_ raw: UnsafeRawBufferPointer, from ip: IPv4Address, port: UInt16) {
        // Which configured server sent a datagram no request explains (looked up only then).
        func senderName() -> String? { config.radiusServers.first { $0.address.flatMap(IPv4Address.init) == ip }?.name }
        guard let length = try? RADIUSPacket.validatedLength(raw) else {
            if let serverName = senderName() { accounting.updateStatistics(serverName, now: now) { $0.malformedResponses += 1 } }
            return
        }
        let identifier = raw[1]
        guard let request = accounting.inFlight[Int(identifier)], request.server.address == ip,
              request.server.acctPort == port else {
            if let serverName = senderName() { accounting.updateStatistics(serverName, now: now) { $0.unexpectedResponses += 1 } }
            return
        }
        let server = request.server
        // The debug lines are built only when someone will read them (a load run sends thousands).
        var lines: [String] = []
        if debug.radiusAccounting {
            let codeName = raw[0] == RADIUSCode.accountingResponse.rawValue
                ? "Accounting-response" : RADIUSCode(rawValue: raw[0])?.name ?? "Unknown(\(raw[0]))"
            lines = ["RADIUS: Received from id " + String(accounting.sourcePort) + "/" + String(identifier) + " "
                     + ip.description + ":" + String(port) + ", " + codeName + ", len " + String(length),
                     RADIUSDebugLines.authenticator(UnsafeRawBufferPointer(rebasing: raw[4..<20]))]
        }
        guard raw[0] == RADIUSCode.accountingResponse.rawValue else {
            if debug.radiusAccounting { debugLog(lines: lines) }
            accounting.updateStatistics(server.name, now: now) { $0.incorrectResponses += 1 }
            return
        }
        let packet = UnsafeRawBufferPointer(rebasing: raw[0..<length])
        let verified = request.bytes.withUnsafeBytes {
            RADIUSAuth.verifyResponseAuthenticator(packet, request: $0, secret: server.secret)
        }
        guard verified else {
            lines.append("RADIUS: response-authenticator decrypt fail, pak len " + String(length))
            lines.append("RADIUS: Response (" + String(identifier) + ") failed decrypt")
            if debug.radiusAccounting { debugLog(lines: lines) }
            accounting.updateStatistics(server.name, now: now) { $0.badAuthenticators += 1 }
            return
        }
        if debug.radiusAccounting { debugLog(lines: lines) }
        let elapsed = now - request.sentAt
        onRADIUSResponse?(.accounting(request.status), elapsed)
        accounting.updateStatistics(server.name, now: now) {
            $0.noteResponse(status: request.status, after: elapsed)
            $0.outstanding -= 1
        }
        if request.status == .start, let index = accounting.records.index(forKey: request.session.uniqueId) {
            // Through the index: an optional-chained write into the dictionary allocates.
            accounting.records.values[index].startAcknowledged = true
        }
        finishAccounting(request)
    }

    // MARK: sending

    private func enqueueAccounting(_ request: PendingAccountingRequest) {
        // A record that would wait behind a full queue is dropped: the queue's memory is bounded.
        if accounting.inFlightCount >= 256, accounting.queuedRequests >= accounting.queueCapacity {
            accounting.droppedRecords += 1
            let kind = request.status == .start ? "Start" : request.status == .stop ? "Stop" : "Interim"
            syslog(facility: "AAA", severity: 3, mnemonic: "DROPACCTQUEUEEXCEEDED",
                   "accounting record dropped, output record queue full: " + hex8(request.session.uniqueId) + "-"
                   + kind + " " + (request.session.userName ?? "") + " " + request.server.address.description)
            return
        }
        accounting.waiting.append(request)
        pumpAccounting()
    }

    /// Sends queued requests while identifiers are free and delivers lab-peer replies that had no
    /// scheduler to wait on; iterative, so 100,000 requests never nest calls.
    private func pumpAccounting() {
        let state = accounting
        guard !state.pumping else { return }
        state.pumping = true
        defer { state.pumping = false }
        while true {
            if state.inlineHead < state.inlineReplies.count {
                let reply = state.inlineReplies[state.inlineHead]
                state.inlineHead += 1
                reply.bytes.withUnsafeBytes { processAccountingResponse($0, from: reply.from, port: reply.port) }
                continue
            }
            if state.inlineHead > 0 {
                state.inlineReplies.removeAll(keepingCapacity: true)
                state.inlineHead = 0
            }
            guard state.waitingHead < state.waiting.count, let identifier = allocateAccountingIdentifier() else {
                break
            }
            let request = state.waiting[state.waitingHead]
            state.waitingHead += 1
            if state.waitingHead == state.waiting.count {
                state.waiting.removeAll(keepingCapacity: true)
                state.waitingHead = 0
            } else if state.waitingHead > 4096, state.waitingHead * 2 > state.waiting.count {
                state.waiting.removeFirst(state.waitingHead)
                state.waitingHead = 0
            }
            request.identifier = identifier
            state.inFlight[Int(identifier)] = request
            state.inFlightCount += 1
            sendFirst(request)
        }
    }

    private func allocateAccountingIdentifier() -> UInt8? {
        let state = accounting
        guard state.inFlightCount < 256 else { return nil }
        var id = state.nextIdentifier ?? UInt8(truncatingIfNeeded: random.next())
        while state.inFlight[Int(id)] != nil { id &+= 1 }
        state.nextIdentifier = id &+ 1
        return id
    }

    /// Identifier and Request Authenticator for the current server's key, in the packet's bytes.
    private func sign(_ request: PendingAccountingRequest) {
        let secret = request.server.secret
        request.bytes[1] = request.identifier
        request.bytes.withUnsafeMutableBytes { raw in
            for i in 4..<20 { raw[i] = 0 }
            RADIUSAuth.signRequest(inPlace: raw, secret: secret)
        }
    }

    private func sendFirst(_ request: PendingAccountingRequest) {
        sign(request)
        request.attempts = 1
        request.sentAt = now
        let server = request.server
        accounting.updateStatistics(server.name, now: now) {
            $0.noteRequest(status: request.status, at: now)
            $0.outstanding += 1
        }
        switch request.status {
        case .start:
            if let index = accounting.records.index(forKey: request.session.uniqueId) {
                accounting.records.values[index].startSent = true
            }
        case .stop:
            recordLabEvent(.accountingStop(session: LabEventLog.SessionSummary(request.session),
                                           terminateCause: request.terminateCause))
        case .interimUpdate: break
        }
        if debug.radiusAccounting {
            let tag = request.tag
            var lines: [String] = []
            if request.status == .stop {
                lines.append("RADIUS/ENCODE(" + hex8(request.session.uniqueId) + "):Orig. component type = VPN IPSEC")
                lines.append(tag + ": Config NAS IP: 0.0.0.0")
                lines.append(tag + ": Config NAS IPv6: ::")
                lines.append(tag + ": sending")
            }
            lines.append("RADIUS/ENCODE: Best Local IP-Address " + nasIPAddress.description + " for Radius-Server "
                         + server.address.description)
            lines.append(tag + ": Send Accounting-Request to " + server.address.description + ":"
                         + String(server.acctPort) + " id " + idText(request) + ", len " + String(request.bytes.count))
            lines.append(RADIUSDebugLines.authenticator(request.requestAuthenticator))
            lines.append(contentsOf: RADIUSDebugLines.attributes(request.bytes))
            lines.append(tag + ": Sending a IPv4 Radius Packet")
            lines.append(startedLine(request))
            debugLog(lines: lines)
        }
        transmit(request)
    }

    private func idText(_ request: PendingAccountingRequest) -> String {
        String(accounting.sourcePort) + "/" + String(request.identifier)
    }

    private func startedLine(_ request: PendingAccountingRequest) -> String {
        request.tag + ": Started " + String(Int(accounting.timeout.rounded())) + " sec timeout"
    }

    /// Puts the request's bytes on the wire (or hands them to the lab peer) and arms its timer.
    private func transmit(_ request: PendingAccountingRequest) {
        let server = request.server
        if server.address.isLoopback {
            accounting.transport?.send(request.bytes, to: server.address, port: server.acctPort,
                                       sourcePort: accounting.sourcePort)
        } else if let reply = accounting.labPeers.answer(request.bytes, peer: server.address, secret: server.secret) {
            let latency = accounting.labPeers.latency
            if let scheduler = accounting.scheduler, latency > 0 {
                scheduler.schedule(after: latency) { [weak self] in
                    self?.handleAccountingResponse(reply, from: server.address, port: server.acctPort)
                }
            } else {
                accounting.inlineReplies.append((reply, server.address, server.acctPort))
            }
        }
        request.transmissions &+= 1
        if let scheduler = accounting.scheduler {
            accountingTimeouts.add(request, after: accounting.timeout, on: scheduler)
        }
    }

    func accountingTimedOut(_ request: PendingAccountingRequest) {
        guard accounting.inFlight[Int(request.identifier)] === request else { return }
        let old = request.server
        accounting.updateStatistics(old.name, now: now) { $0.timeouts += 1 }
        var lines = [request.tag + ": Request timed out!"]
        if request.attempts <= accounting.retransmits {
            request.attempts += 1
            accounting.updateStatistics(old.name, now: now) { $0.retransmissions += 1 }
            lines.append("RADIUS: Retransmit to " + old.debugName + " for id " + idText(request))
            lines.append(startedLine(request))
            if debug.radiusAccounting { debugLog(lines: lines) }
            transmit(request)
        } else if request.serverIndex + 1 < request.servers.count {
            accounting.updateStatistics(old.name, now: now) {
                $0.failovers += 1
                $0.outstanding -= 1
                $0.transactionFailures += 1
            }
            request.serverIndex += 1
            request.attempts = 1
            request.sentAt = now
            sign(request)
            let server = request.server
            accounting.updateStatistics(server.name, now: now) {
                $0.noteRequest(status: request.status, at: now)
                $0.outstanding += 1
            }
            lines.append("RADIUS: Fail-over to " + server.debugName + " for id " + idText(request))
            lines.append(startedLine(request))
            if debug.radiusAccounting { debugLog(lines: lines) }
            markDeadAndAlive(old)
            transmit(request)
        } else {
            accounting.updateStatistics(old.name, now: now) {
                $0.outstanding -= 1
                $0.transactionFailures += 1
            }
            lines.append("RADIUS: No response from " + old.debugName + " for id " + idText(request))
            lines.append("RADIUS: No response from server")
            if debug.radiusAccounting { debugLog(lines: lines) }
            markDeadAndAlive(old)
            finishAccounting(request)
        }
        pumpAccounting()
    }

    /// A server that let a request go unanswered through every retransmission is marked dead;
    /// with no `radius-server deadtime` (the emulator has none: IOS's default of 0) IOS marks it
    /// alive again at once, and logs both.
    func markDeadAndAlive(_ server: AccountingServer) {
        accounting.updateStatistics(server.name, now: now) {
            $0.deadCount += 1
            $0.aliveSince = now
        }
        let name = server.address.description + ":" + String(server.authPort) + "," + String(server.acctPort)
        syslog(facility: "RADIUS", severity: 4, mnemonic: "RADIUS_DEAD", "RADIUS server \(name) is not responding.")
        syslog(facility: "RADIUS", severity: 4, mnemonic: "RADIUS_ALIVE", "RADIUS server \(name) is being marked alive.")
    }

    /// Frees the request's identifier; its timeout, if still waiting, goes stale.
    private func finishAccounting(_ request: PendingAccountingRequest) {
        request.transmissions &+= 1   // its timeout, if still waiting, is stale
        if accounting.inFlight[Int(request.identifier)] === request {
            accounting.inFlight[Int(request.identifier)] = nil
            accounting.inFlightCount -= 1
        }
    }
}
