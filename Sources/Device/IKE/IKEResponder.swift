import Crypto
import IKEv2
import RADIUS

// The IKEv2 responder (RFC 7296) of the FlexVPN server, on the device's serial owner: IKE_SA_INIT
// (proposal choice, INVALID_KE_PAYLOAD, NAT detection, cookies past `crypto ikev2 cookie-challenge`),
// IKE_AUTH with a pre-shared key (configuration payload from the pool, one ESP CHILD_SA without a
// data plane), INFORMATIONAL (liveness, Delete both ways, our requests retransmitted, the cached
// response replayed to a duplicate request). An IKE SA whose IKE_AUTH succeeds becomes a session
// like `lab session connect`'s: every `show`, accounting and the DAS see it the same way.
// Bad input is counted in `ike.statistics` and answered as the RFC says, or not at all.
extension Device {
    /// One datagram from `peer` to `local`, the non-ESP marker already taken off. Returns the
    /// reply to send back to `peer` from `local`, if any.
    public func handleIKEDatagram(_ bytes: [UInt8], from peer: IKEEndpoint, to local: IKEEndpoint) -> [UInt8]? {
        guard let header = try? IKEHeader.decode(bytes), bytes.count >= IKEHeader.size, header.majorVersion == 2 else {
            ike.statistics.malformed += 1
            ike.statistics.droppedAtDispatch += 1
            return nil
        }
        if header.exchangeType == .ikeSAInit && !header.isResponse && header.responderSPI == 0 {
            return handleIKESAInit(bytes, header: header, peer: peer, local: local)
        }
        guard let sa = ike.sas[header.responderSPI], sa.initiatorSPI == header.initiatorSPI else {
            ike.statistics.unknownSPI += 1
            ike.statistics.droppedAtDispatch += 1
            return nil
        }
        if header.isResponse {
            handleIKEResponse(sa, bytes, header: header)
            return nil
        }
        guard header.isFromInitiator else {
            ike.statistics.malformed += 1
            return nil
        }
        return handleIKERequest(sa, bytes, header: header, peer: peer, local: local)
    }

    // MARK: IKE_SA_INIT

    private func handleIKESAInit(_ bytes: [UInt8], header: IKEHeader, peer: IKEEndpoint, local: IKEEndpoint) -> [UInt8]? {
        let key = IKEState.InitiatorKey(spi: header.initiatorSPI, peer: peer)
        if let spi = ike.halfOpenByInitiator[key], let sa = ike.sas[spi] {
            // The initiator did not hear our answer: the same answer again (RFC 7296 §2.1).
            guard sa.initRequest == bytes else {
                ike.statistics.outOfWindow += 1
                return nil
            }
            ike.statistics.retransmittedResponses += 1
            if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Retransmitting packet") }
            return sa.initResponse
        }
        let message: IKEMessage
        do { message = try IKEMessage.decode(bytes) } catch {
            ike.statistics.malformed += 1
            ike.statistics.droppedAtDispatch += 1
            return nil
        }
        guard admitsHalfOpenSA() else { return nil }
        let ids = sessions.allocateIKEv2Ids()
        let debugIds = "(SESSION ID = " + String(ids.sessionId) + ",SA ID = " + String(ids.saId) + ")"
        if debug.cryptoIkev2 {
            debugLog(lines: IKEDebugLines.packet(ids: debugIds, received: true, peer: peer, local: local,
                                                 header: header, payloads: message.payloads))
        }
        ike.statistics.incomingRequests += 1
        func refuse(_ notify: NotifyPayload) -> [UInt8] {
            ike.statistics.rejectedRequests += 1
            let reply = IKEMessage(header: IKEHeader(initiatorSPI: header.initiatorSPI, responderSPI: 0,
                                                     exchangeType: .ikeSAInit, flags: [.response],
                                                     messageID: header.messageID),
                                   payloads: [.notify(notify)])
            if debug.cryptoIkev2 {
                debugLog(lines: IKEDebugLines.packet(ids: debugIds, received: false, peer: peer, local: local,
                                                     header: reply.header, payloads: reply.payloads))
            }
            return reply.encode()
        }
        if let critical = message.unsupportedCriticalPayloads.first {
            ike.statistics.unsupportedCritical += 1
            return refuse(.unsupportedCriticalPayload(critical))
        }
        guard let offered = message.securityAssociation, let ke = message.keyExchange, let nonceI = message.nonce else {
            ike.statistics.malformed += 1
            return refuse(NotifyPayload(type: .invalidSyntax))
        }
        if let threshold = config.flexVPN.global.cookieChallenge, ike.halfOpenCount >= threshold {
            let expected = ikeCookie(nonceI: nonceI, peer: peer, initiatorSPI: header.initiatorSPI)
            if let cookie = message.notify(.cookie) {
                guard cookie.data == expected else {
                    ike.statistics.cookieRejected += 1
                    ike.statistics.droppedAtDispatch += 1
                    return nil
                }
                ike.statistics.cookieAccepted += 1
            } else {
                // RFC 7296 §2.6: the answer is the cookie alone; nothing is kept.
                ike.statistics.cookieChallenged += 1
                ike.statistics.cookieRejectedNoCookie += 1
                ike.statistics.incomingRequests -= 1
                let reply = IKEMessage(header: IKEHeader(initiatorSPI: header.initiatorSPI, responderSPI: 0,
                                                         exchangeType: .ikeSAInit, flags: [.response],
                                                         messageID: header.messageID),
                                       payloads: [.notify(NotifyPayload(type: .cookie, data: expected))])
                return reply.encode()
            }
        }
        let selection = selectIKEProposal(offered, keGroup: ke.group, local: local, debugIds: debugIds)
        guard case .selected(_, let suite) = selection, let responseSA = selection.responseSA else {
            if case .invalidKE = selection { ike.statistics.invalidKE += 1 } else { ike.statistics.noProposalChosen += 1 }
            return refuse(selection.refusal ?? NotifyPayload(type: .noProposalChosen))
        }
        let shared: [UInt8]
        let dh: DiffieHellman
        do {
            dh = try DiffieHellman(group: suite.group)
            shared = try dh.sharedSecret(peerPublicValue: ke.data)
        } catch {
            ike.statistics.malformed += 1
            return refuse(NotifyPayload(type: .invalidSyntax))
        }
        var responderSPI = random.next()
        while responderSPI == 0 || ike.sas[responderSPI] != nil { responderSPI = random.next() }
        let nonceR = secureRandomBytes(32)
        let keys = IKESAKeys(suite: suite, sharedSecret: shared, nonceI: nonceI, nonceR: nonceR,
                             initiatorSPI: header.initiatorSPI, responderSPI: responderSPI)
        // NAT detection: the peer's hashes against the addresses this packet really used.
        var natDetected = false
        for notify in message.notifies {
            if notify.type == .natDetectionDestinationIP,
               !NATDetection.matches(notify, initiatorSPI: header.initiatorSPI, responderSPI: 0,
                                     address: local.address.bytes, port: local.port) { natDetected = true }
        }
        let sourceNotifies = message.notifies.filter { $0.type == .natDetectionSourceIP }
        if !sourceNotifies.isEmpty, !sourceNotifies.contains(where: {
            NATDetection.matches($0, initiatorSPI: header.initiatorSPI, responderSPI: 0,
                                 address: peer.address.bytes, port: peer.port)
        }) { natDetected = true }
        let response = IKEMessage(
            header: IKEHeader(initiatorSPI: header.initiatorSPI, responderSPI: responderSPI, exchangeType: .ikeSAInit,
                              flags: [.response], messageID: 0),
            payloads: [.securityAssociation(responseSA),
                       .keyExchange(KeyExchangePayload(group: suite.group, data: dh.publicValue)),
                       .nonce(nonceR),
                       .notify(NATDetection.sourceNotify(initiatorSPI: header.initiatorSPI, responderSPI: responderSPI,
                                                         address: local.address.bytes, port: local.port)),
                       .notify(NATDetection.destinationNotify(initiatorSPI: header.initiatorSPI, responderSPI: responderSPI,
                                                              address: peer.address.bytes, port: peer.port)),
                       .notify(NotifyPayload(type: .childlessIKEv2Supported))])
        let responseBytes = response.encode()
        let sa = IKESA(initiatorSPI: header.initiatorSPI, responderSPI: responderSPI, peer: peer, local: local, suite: suite,
                       keys: keys, nonceI: nonceI, nonceR: nonceR, initRequest: bytes, initResponse: responseBytes,
                       ikev2SessionId: ids.sessionId, saId: ids.saId, createdAt: now)
        sa.natDetected = natDetected
        ike.sas[responderSPI] = sa
        ike.halfOpenByInitiator[key] = responderSPI
        if let scheduler = accounting.scheduler {
            sa.halfOpenTimer = scheduler.schedule(after: ike.halfOpenTimeout) { [weak self, weak sa] in
                guard let self, let sa, sa.state == .halfOpen, self.ike.sas[sa.responderSPI] === sa else { return }
                if self.debug.cryptoIkev2 { self.debugLog("IKEv2:" + sa.debugIds + ":Negotiation aborted due to timeout") }
                self.removeIKESA(sa)
            }
        }
        if debug.cryptoIkev2 {
            debugLog(lines: IKEDebugLines.packet(ids: debugIds, received: false, peer: peer, local: local,
                                                 header: response.header, payloads: response.payloads))
        }
        return responseBytes
    }

    /// RFC 7296 §2.6: Cookie = SHA-256(Ni | IPi | SPIi | secret), stateless.
    private func ikeCookie(nonceI: [UInt8], peer: IKEEndpoint, initiatorSPI: UInt64) -> [UInt8] {
        let secret: [UInt8]
        if let s = ike.cookieSecret { secret = s } else {
            secret = secureRandomBytes(32)
            ike.cookieSecret = secret
        }
        var input = nonceI + peer.address.bytes
        for shift in stride(from: 56, through: 0, by: -8) { input.append(UInt8(truncatingIfNeeded: initiatorSPI >> UInt64(shift))) }
        return Array(SHA256.hash(data: input + secret))
    }

    // MARK: requests on an SA

    private func handleIKERequest(_ sa: IKESA, _ bytes: [UInt8], header: IKEHeader, peer: IKEEndpoint,
                                  local: IKEEndpoint) -> [UInt8]? {
        if let last = sa.lastResponse, last.messageID == header.messageID, header.messageID &+ 1 == sa.nextPeerMessageID {
            ike.statistics.retransmittedResponses += 1
            if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Retransmitting packet") }
            return last.bytes
        }
        guard header.messageID == sa.nextPeerMessageID else {
            ike.statistics.outOfWindow += 1
            return nil
        }
        // Its EAP message or authorization is with the RADIUS server: the answer comes when the server's does.
        if let pending = sa.deferredMessageID, pending == header.messageID { return nil }
        let message: IKEMessage
        do {
            message = try sa.keys.protection(sentBy: .initiator).open(bytes)
        } catch {
            if case .integrityCheckFailed = error { ike.statistics.integrityFailures += 1 } else { ike.statistics.malformed += 1 }
            return nil
        }
        // NAT-T's float: answer where the packet came from.
        sa.peer = peer
        sa.local = local
        sa.lastHeardAt = now
        if debug.cryptoIkev2 {
            debugLog(lines: IKEDebugLines.packet(ids: sa.debugIds, received: true, peer: peer, local: local,
                                                 header: header, payloads: message.payloads))
        }
        var after: (() -> Void)?
        let payloads: [Payload]
        if let critical = message.unsupportedCriticalPayloads.first {
            ike.statistics.unsupportedCritical += 1
            payloads = [.notify(.unsupportedCriticalPayload(critical))]
            if sa.state == .halfOpen { after = { [unowned self] in self.removeIKESA(sa) } }
        } else {
            switch header.exchangeType {
            case .ikeAuth where sa.state == .halfOpen:
                guard let answer = ikeAuth(sa, message, messageID: header.messageID) else { return nil }
                (payloads, after) = answer
            case .informational:
                (payloads, after) = informational(sa, message)
            case .createChildSA where sa.state != .halfOpen:
                (payloads, after) = createChildSA(sa, message)
            default:
                ike.statistics.malformed += 1
                payloads = [.notify(NotifyPayload(type: .invalidSyntax))]
            }
        }
        let replyHeader = IKEHeader(initiatorSPI: sa.initiatorSPI, responderSPI: sa.responderSPI,
                                    exchangeType: header.exchangeType, flags: [.response], messageID: header.messageID)
        guard let reply = try? sa.keys.protection(sentBy: .responder).seal(header: replyHeader, payloads: payloads) else {
            return nil
        }
        sa.nextPeerMessageID = header.messageID &+ 1
        sa.lastResponse = (header.messageID, reply)
        if debug.cryptoIkev2 {
            debugLog(lines: IKEDebugLines.packet(ids: sa.debugIds, received: false, peer: peer, local: local,
                                                 header: replyHeader, payloads: payloads))
        }
        after?()
        return reply
    }

    /// The answer to an IKE_AUTH request, or nil while a RADIUS server has the request (an EAP
    /// message, or authorization): `answerDeferred` sends it then.
    func ikeAuth(_ sa: IKESA, _ message: IKEMessage, messageID: UInt32) -> ([Payload], (() -> Void)?)? {
        let settings = ike.settings
        func refuse() -> ([Payload], (() -> Void)?) {
            ike.statistics.authenticationFailures += 1
            ike.statistics.rejectedRequests += 1
            if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Verification of peer's authenctication data FAILED") }
            return ([.notify(NotifyPayload(type: .authenticationFailed))], { [unowned self] in self.removeIKESA(sa) })
        }
        let first = sa.eap?.firstRequest ?? message
        guard let idi = first.identificationInitiator else { return refuse() }
        // The configuration model, once a profile exists; else the `lab ikev2` settings.
        let choice = ikeUsesConfigModel ? ikeProfileChoice(idi: idi, sa: sa) : nil
        if ikeUsesConfigModel && choice == nil {
            if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Failed to locate an item in the database") }
            return refuse()
        }
        // `keyring aaa`: the keys come from the RADIUS server first; this runs again with them.
        if let choice, case .aaa? = choice.profile.keyring, sa.aaaKeys == nil, sa.eap == nil {
            return fetchAAAPresharedKeys(sa, message, choice: choice, messageID: messageID)
        }
        let localID = choice?.localID ?? settings.localIdentity(address: sa.local.address)
        let signKey = choice?.signKey ?? settings.preSharedKey.map { Array($0.utf8) }
        let verifyKey = choice?.verifyKey ?? settings.preSharedKey.map { Array($0.utf8) }
        let usesEAP = choice.map { $0.profile.usesEAP } ?? settings.remoteEAP
        var eapIdentity: String?
        let ourSecret: [UInt8]
        if let eap = sa.eap {
            guard let msk = eap.msk else {
                guard let eapMessage = message.payloads.lazy.compactMap({ payload -> [UInt8]? in
                    if case .eap(let bytes) = payload { return bytes } else { return nil }
                }).first, forwardEAP(sa, eapMessage, messageID: messageID) else { return refuse() }
                return nil
            }
            // After EAP-Success: the client's AUTH keyed with the MSK, over its first IKE_AUTH's IDi.
            guard let auth = message.authentication,
                  PSKAuthentication.verify(auth, prf: sa.suite.prf, sharedSecret: msk, realMessage: sa.initRequest,
                                           peerNonce: sa.nonceR, skP: sa.keys.skPi, idPayload: idi) else { return refuse() }
            eapIdentity = eap.identity
            sa.eapIdentity = eap.identity
            ourSecret = msk
        } else if message.authentication == nil, usesEAP {
            guard let signKey else { return refuse() }
            let servers = choice?.profile.eapAuthenticationList.flatMap { authorizationServers(list: $0, login: true) }
            return (startEAP(sa, message, localID: localID, signKey: signKey, servers: servers), nil)
        } else {
            guard let auth = message.authentication, let verifyKey, let signKey,
                  PSKAuthentication.verify(auth, prf: sa.suite.prf, sharedSecret: verifyKey, realMessage: sa.initRequest,
                                           peerNonce: sa.nonceR, skP: sa.keys.skPi, idPayload: idi) else { return refuse() }
            ourSecret = signKey
        }
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Verification of peer's authenctication data PASSED") }
        let ourAuth = PSKAuthentication.authData(prf: sa.suite.prf, sharedSecret: ourSecret, realMessage: sa.initResponse,
                                                 peerNonce: sa.nonceI, skP: sa.keys.skPr, idPayload: localID)
        let authPayloads: [Payload] = [.identificationResponder(localID),
                                       .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: ourAuth))]
        sa.remoteID = idi
        sa.localID = localID
        guard let choice else {
            // `lab ikev2`: the pool's first free address, the session once the answer is out.
            let assigned = first.configuration.flatMap { $0.contains(.internalIP4Address) ? freePoolAddress() : nil }
            sa.assignedAddress = assigned
            let payloads = authPayloads + configurationReply(first, address: assigned, dns: settings.dns)
                + negotiateChild(sa, first, assigned: assigned)
            return (payloads, { [unowned self] in self.establishLabSession(sa) })
        }
        // The model: authorization may ask RADIUS; the answer goes when it is known.
        var inline: ([Payload], (() -> Void)?)?
        var waiting = false
        sa.deferredMessageID = messageID
        authorizeIKEClient(sa, first, choice: choice, eapIdentity: eapIdentity, ourAuth: authPayloads) { [unowned self] payloads, after in
            if waiting {
                self.answerDeferred(sa, payloads: payloads, after: after)
            } else {
                inline = (payloads, after)
            }
        }
        waiting = true
        guard let inline else { return nil }
        sa.deferredMessageID = nil
        return inline
    }

    /// The CFG_REPLY for a CFG_REQUEST: the address (if one was given) and the DNS servers.
    func configurationReply(_ message: IKEMessage, address: IPv4Address?, dns: [IPv4Address]) -> [Payload] {
        guard let cp = message.configuration, cp.configType == .request else { return [] }
        var attributes: [ConfigAttribute] = []
        if cp.contains(.internalIP4Address), let address {
            attributes.append(ConfigAttribute(type: .internalIP4Address, value: address.bytes))
        }
        for server in dns { attributes.append(ConfigAttribute(type: .internalIP4DNS, value: server.bytes)) }
        return attributes.isEmpty ? [] : [.configuration(ConfigurationPayload(configType: .reply, attributes: attributes))]
    }

    /// The CHILD_SA the request proposed (SA, TSi narrowed to the client's address, TSr), or
    /// NO_PROPOSAL_CHOSEN, after which the IKE SA stays up (RFC 7296 §1.2); nothing without a proposal.
    func negotiateChild(_ sa: IKESA, _ message: IKEMessage, assigned: IPv4Address?) -> [Payload] {
        guard let offered = message.securityAssociation, let tsi = message.trafficSelectorsInitiator?.selectors.first,
              let tsr = message.trafficSelectorsResponder?.selectors.first else { return [] }
        var inbound = UInt32(truncatingIfNeeded: random.next())
        while inbound < 256 { inbound = UInt32(truncatingIfNeeded: random.next()) }
        guard case .selected(let choice) = ESPSelection.select(offered, inboundSPI: inbound, keGroup: nil, pfsAllowed: false) else {
            return [.notify(NotifyPayload(type: .noProposalChosen))]
        }
        // The client's side narrows to the address it was given (its request is usually 0.0.0.0/0).
        let remote = assigned.map { TrafficSelector.ipv4Host($0.bytes) } ?? tsi
        let keys = ChildSAKeys(prf: sa.suite.prf, skD: sa.keys.skD, nonceI: sa.nonceI, nonceR: sa.nonceR,
                               encryption: choice.encryption, integrity: choice.integrity)
        sa.children = [IKEChildSA(inboundSPI: inbound, outboundSPI: choice.peerSPI, encryption: choice.encryption,
                                  integrity: choice.integrity, localSelector: tsr, remoteSelector: remote, keys: keys)]
        return [.securityAssociation(SecurityAssociationPayload(proposals: [choice.proposal])),
                .trafficSelectorInitiator(TrafficSelectorPayload(selectors: [remote])),
                .trafficSelectorResponder(TrafficSelectorPayload(selectors: [tsr]))]
    }

    /// Sends the IKE answer a request waited for (RADIUS had it) and caches it for retransmissions.
    func answerDeferred(_ sa: IKESA, payloads: [Payload], after: (() -> Void)?) {
        guard let messageID = sa.deferredMessageID, ike.sas[sa.responderSPI] === sa else { return }
        sa.deferredMessageID = nil
        let header = IKEHeader(initiatorSPI: sa.initiatorSPI, responderSPI: sa.responderSPI, exchangeType: .ikeAuth,
                               flags: [.response], messageID: messageID)
        guard let reply = try? sa.keys.protection(sentBy: .responder).seal(header: header, payloads: payloads) else { return }
        sa.nextPeerMessageID = messageID &+ 1
        sa.lastResponse = (messageID, reply)
        if debug.cryptoIkev2 {
            debugLog(lines: IKEDebugLines.packet(ids: sa.debugIds, received: false, peer: sa.peer, local: sa.local,
                                                 header: header, payloads: payloads))
        }
        ike.transmit?(IKEOutboundDatagram(bytes: reply, to: sa.peer, from: sa.local))
        after?()
    }

    /// `lab ikev2`: IKE_AUTH answered, the SA is up and a session (accounting Start included).
    private func establishLabSession(_ sa: IKESA) {
        let remote = sa.eapIdentity ?? sa.remoteID?.displayString ?? sa.peer.address.description
        let audit = Session.auditSessionId(local: sa.local.address, peer: sa.peer.address, localPort: sa.local.port,
                                           peerPort: sa.peer.port, counter: sessions.allocateAuditCounter())
        guard let session = try? sessions.add(userName: remote, peer: sa.peer.address, local: sa.local.address,
                                              framedIP: sa.assignedAddress, auditSessionId: audit,
                                              serverKey: freshServerKey(), startTime: now, sessionId: nil, uniqueId: nil,
                                              ikev2Ids: (sa.ikev2SessionId, sa.saId),
                                              ports: (sa.local.port, sa.peer.port)) else { return }
        establish(sa, session: session, lifetime: ike.settings.lifetime, dpd: ike.settings.dpd)
        onSessionConnected?(session)
    }

    /// The SA is up on `session`: indexed for the DAS and `show`, its lifetime running.
    func establish(_ sa: IKESA, session: Session, lifetime: Int, dpd: IKEv2DPD?) {
        sa.state = .established
        sa.lifetime = lifetime
        sa.dpd = dpd
        sa.establishedAt = now
        sa.assignedAddress = session.framedIP
        sa.halfOpenTimer?.cancel()
        sa.halfOpenTimer = nil
        ike.halfOpenByInitiator = ike.halfOpenByInitiator.filter { $0.value != sa.responderSPI }
        ike.statistics.acceptedRequests += 1
        if debug.cryptoIkev2 {
            let remote = sa.eapIdentity ?? sa.remoteID?.displayString ?? sa.peer.address.description
            let local = sa.localID?.displayString ?? sa.local.address.description
            debugLog("IKEv2:" + sa.debugIds + ":Session with IKE ID PAIR (" + remote + ", " + local + ") is UP")
        }
        sa.sessionUniqueId = session.uniqueId
        ike.bySAId[sa.saId] = sa.responderSPI
        startSATimers(sa)
    }

    /// The SA's lifetime and liveness timers, from the moment it (or its rekeyed successor) is up.
    func startSATimers(_ sa: IKESA) {
        if let scheduler = accounting.scheduler {
            // We never rekey: at the end of its lifetime the SA is deleted, as IOS does when the
            // client has not rekeyed it first (a rekey starts a new SA with a full lifetime).
            sa.lifetimeTimer = scheduler.schedule(after: Double(sa.lifetime)) { [weak self, weak sa] in
                guard let self, let sa, sa.state == .established, self.ike.sas[sa.responderSPI] === sa,
                      let uid = sa.sessionUniqueId, let session = self.sessions.remove(uniqueId: uid) else { return }
                self.onSessionsDisconnected?([session], .lifetimeExpired)
            }
        }
        scheduleLivenessCheck(sa)
    }

    /// The first free address of the `lab ikev2` pool (one no live session holds).
    private func freePoolAddress() -> IPv4Address? {
        guard let pool = ike.settings.pool, pool.first <= pool.last else { return nil }
        var value = pool.first.rawValue
        while value <= pool.last.rawValue {
            let candidate = IPv4Address(rawValue: value)
            if sessions.sessions(framedIP: candidate).isEmpty { return candidate }
            if value == .max { break }
            value += 1
        }
        return nil
    }

    private func informational(_ sa: IKESA, _ message: IKEMessage) -> ([Payload], (() -> Void)?) {
        guard sa.state != .halfOpen else {
            ike.statistics.malformed += 1
            return ([.notify(NotifyPayload(type: .invalidSyntax))], nil)
        }
        var out: [Payload] = []
        for case .delete(let delete) in message.payloads {
            if delete.protocolID == .ike {
                // RFC 7296 §1.4.1: the answer to the IKE SA's Delete is empty; the SA goes once answered.
                if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Received DELETE INFO message for IKEv2 SA") }
                return ([], { [unowned self] in self.peerDeleted(sa) })
            }
            if delete.protocolID == .esp {
                // Each child named (by the initiator's inbound SPI, our outbound) goes; ours are answered.
                let named = sa.children.filter { child in delete.spis.contains { $0 == spiBytes(child.outboundSPI) } }
                guard !named.isEmpty else { continue }
                sa.children.removeAll { child in named.contains { $0.inboundSPI == child.inboundSPI } }
                out.append(.delete(.esp(named.map(\.inboundSPI))))
            }
        }
        // An empty request is a liveness check: the empty answer says we are here.
        return (out, nil)
    }

    private func peerDeleted(_ sa: IKESA) {
        let rekeyed = sa.state == .rekeyed
        removeIKESA(sa)
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Deleting SA") }
        // The SA a rekey replaced: its session lives on in the new SA.
        guard !rekeyed else { return }
        guard let uid = sa.sessionUniqueId, let session = sessions.remove(uniqueId: uid) else { return }
        onSessionsDisconnected?([session], .userRequest)
    }

    // MARK: our requests

    private func handleIKEResponse(_ sa: IKESA, _ bytes: [UInt8], header: IKEHeader) {
        // The client is the original initiator: its answers carry the Initiator flag too.
        guard header.isFromInitiator, let outstanding = sa.outstanding, outstanding.messageID == header.messageID else {
            ike.statistics.outOfWindow += 1
            return
        }
        guard (try? sa.keys.protection(sentBy: .initiator).open(bytes)) != nil else {
            ike.statistics.integrityFailures += 1
            return
        }
        outstanding.timer?.cancel()
        sa.outstanding = nil
        sa.lastHeardAt = now
        switch outstanding.purpose {
        case .deleteIKESA:
            if debug.cryptoIkev2 {
                debugLog(lines: ["IKEv2:" + sa.debugIds + ":Processing ACK to informational exchange",
                                 "IKEv2:" + sa.debugIds + ":Deleting SA"])
            }
            removeIKESA(sa)
        case .liveness:
            if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Processing ACK to informational exchange") }
            scheduleLivenessCheck(sa)
        }
    }

    /// Sessions ended by the DAS or `clear crypto session`: their clients are told with a Delete.
    func ikeSessionsEnded(_ ended: [Session], cause: SessionEndCause) {
        switch cause {
        case .radiusDisconnect, .clearCommand, .lifetimeExpired, .sessionTimeout, .idleTimeout: break
        case .userRequest, .peerLost: return
        }
        for session in ended {
            guard let sa = ike.sa(saId: session.saId), sa.sessionUniqueId == session.uniqueId else { continue }
            ike.bySAId[sa.saId] = nil
            sendIKEDelete(sa)
        }
    }

    /// `clear crypto ikev2 sa`: every session ends (with its Delete) and half-open SAs go.
    public func clearIKEv2SAs() {
        clearCryptoSessions()
        for sa in ike.sas.values where sa.state == .halfOpen || sa.state == .rekeyed { removeIKESA(sa) }
    }

    private func sendIKEDelete(_ sa: IKESA) {
        sa.state = .deleting
        if debug.cryptoIkev2 {
            debugLog("IKEv2:" + sa.debugIds + ":Sending DELETE INFO message for IKEv2 SA [ISPI: 0x"
                     + upperHex(sa.initiatorSPI, digits: 16) + " RSPI: 0x" + upperHex(sa.responderSPI, digits: 16) + "]")
        }
        sendIKERequest(sa, purpose: .deleteIKESA, payloads: [.delete(.ikeSA)])
    }

    func sendIKERequest(_ sa: IKESA, purpose: OutstandingRequest.Purpose, payloads: [Payload]) {
        let header = IKEHeader(initiatorSPI: sa.initiatorSPI, responderSPI: sa.responderSPI, exchangeType: .informational,
                               flags: [], messageID: sa.nextOwnMessageID)
        guard let bytes = try? sa.keys.protection(sentBy: .responder).seal(header: header, payloads: payloads) else { return }
        if debug.cryptoIkev2 {
            debugLog(lines: IKEDebugLines.packet(ids: sa.debugIds, received: false, peer: sa.peer, local: sa.local,
                                                 header: header, payloads: payloads))
        }
        sa.outstanding = OutstandingRequest(purpose: purpose, messageID: sa.nextOwnMessageID, bytes: bytes)
        sa.nextOwnMessageID &+= 1
        ike.transmit?(IKEOutboundDatagram(bytes: bytes, to: sa.peer, from: sa.local))
        scheduleIKERetransmission(sa)
    }

    /// RFC 7296 §2.1: our request again after 2, 4, 8… seconds; after the last, the peer is gone.
    private func scheduleIKERetransmission(_ sa: IKESA) {
        guard let scheduler = accounting.scheduler, let outstanding = sa.outstanding else { return }
        var delay = ike.retransmitInterval * Double(1 << min(outstanding.transmissions - 1, 16))
        if outstanding.purpose == .liveness, let dpd = sa.dpd { delay = Double(dpd.retry) }
        sa.outstanding?.timer = scheduler.schedule(after: delay) { [weak self, weak sa] in
            guard let self, let sa, self.ike.sas[sa.responderSPI] === sa, var request = sa.outstanding else { return }
            guard request.transmissions <= self.ike.maxRetransmissions else {
                if self.debug.cryptoIkev2 {
                    self.debugLog(lines: ["IKEv2:" + sa.debugIds + ":Maximum number of retransmissions reached",
                                          "IKEv2:" + sa.debugIds + ":Deleting SA"])
                }
                sa.outstanding = nil
                self.removeIKESA(sa)
                if request.purpose == .liveness { self.ike.statistics.deadPeers += 1 }
                if request.purpose == .liveness, let uid = sa.sessionUniqueId, let session = self.sessions.remove(uniqueId: uid) {
                    self.onSessionsDisconnected?([session], .peerLost)
                }
                return
            }
            request.transmissions += 1
            sa.outstanding = request
            self.ike.statistics.retransmittedRequests += 1
            if self.debug.cryptoIkev2 { self.debugLog("IKEv2:" + sa.debugIds + ":Retransmitting packet") }
            self.ike.transmit?(IKEOutboundDatagram(bytes: request.bytes, to: sa.peer, from: sa.local))
            self.scheduleIKERetransmission(sa)
        }
    }

    /// Forgets an IKE SA and its timers (its session, if any, is the caller's).
    func removeIKESA(_ sa: IKESA) {
        if let pending = sa.eap?.pending {
            pending.timer?.cancel()
            if ike.eapInFlight[pending.identifier] === pending { ike.eapInFlight[pending.identifier] = nil }
        }
        sa.halfOpenTimer?.cancel()
        sa.outstanding?.timer?.cancel()
        sa.lifetimeTimer?.cancel()
        sa.livenessTimer?.cancel()
        ike.sas[sa.responderSPI] = nil
        let key = IKEState.InitiatorKey(spi: sa.initiatorSPI, peer: sa.peer)
        if ike.halfOpenByInitiator[key] == sa.responderSPI { ike.halfOpenByInitiator[key] = nil }
        if sa.state == .halfOpen { ike.halfOpenByInitiator = ike.halfOpenByInitiator.filter { $0.value != sa.responderSPI } }
        if ike.bySAId[sa.saId] == sa.responderSPI { ike.bySAId[sa.saId] = nil }
    }
}

/// The CHILD_SA's ESP proposal: ours in order of preference against the client's proposals.
enum ESPSelection {
    static let preference: [EncryptionAlgorithm] = [.aesGCM16(keyBits: 256), .aesGCM16(keyBits: 128),
                                                    .aesCBC(keyBits: 256), .aesCBC(keyBits: 128)]
    static let integrityPreference: [IntegrityAlgorithm] = [.hmacSHA2_256_128, .hmacSHA2_384_192, .hmacSHA2_512_256]

    struct Choice {
        var proposal: Proposal
        var encryption: EncryptionAlgorithm
        var integrity: IntegrityAlgorithm?
        var peerSPI: UInt32
        /// The PFS group (CREATE_CHILD_SA with a KE payload), nil without PFS.
        var group: DHGroupID?
    }

    enum Outcome {
        case selected(Choice)
        /// A proposal needs PFS in a group other than the KE payload's (or there is no KE payload).
        case invalidKE(DHGroupID)
        case noProposalChosen
    }

    /// `keGroup`: the KE payload's group; `pfsAllowed`: false in IKE_AUTH (no KE there: a proposal
    /// asking for a group must also allow none), true in CREATE_CHILD_SA (RFC 7296 §1.3.1).
    static func select(_ offered: SecurityAssociationPayload, inboundSPI: UInt32, keGroup: DHGroupID?,
                       pfsAllowed: Bool) -> Outcome {
        let known: Set<TransformType> = [.encryption, .integrity, .extendedSequenceNumbers, .keyExchange]
        var wantedGroup: DHGroupID?
        for theirs in offered.proposals where theirs.protocolID == .esp && theirs.spi.count == 4 {
            guard theirs.transforms.allSatisfy({ known.contains($0.type) }) else { continue }
            let encryptions = Set(theirs.transforms(of: .encryption).compactMap(EncryptionAlgorithm.init(transform:)))
            let integrityTransforms = theirs.transforms(of: .integrity)
            let integrities = Set(integrityTransforms.compactMap(IntegrityAlgorithm.init(transform:)))
            let esns = theirs.transforms(of: .extendedSequenceNumbers)
            guard esns.isEmpty || esns.contains(where: { $0.id == ESNID.noESN.rawValue }) else { continue }
            let groups = theirs.transforms(of: .keyExchange).map { DHGroupID(rawValue: $0.id) }
            let allowsNone = groups.isEmpty || groups.contains(.none)
            var group: DHGroupID?
            if pfsAllowed, let keGroup, groups.contains(keGroup), keGroup != .none, DiffieHellman.isSupported(keGroup) {
                group = keGroup
            } else if !allowsNone {
                // PFS required in a group we can compute, but not the KE payload's: INVALID_KE_PAYLOAD.
                if pfsAllowed, wantedGroup == nil { wantedGroup = groups.first { $0 != .none && DiffieHellman.isSupported($0) } }
                continue
            }
            for encryption in preference where encryptions.contains(encryption) {
                var integrity: IntegrityAlgorithm?
                if encryption.isAEAD {
                    guard integrityTransforms.isEmpty || integrityTransforms.contains(where: { $0.id == 0 }) else { continue }
                } else {
                    guard let chosen = integrityPreference.first(where: integrities.contains) else { continue }
                    integrity = chosen
                }
                var transforms = [encryption.transform]
                if let integrity { transforms.append(integrity.transform) }
                if let group { transforms.append(.keyExchange(group)) }
                if !esns.isEmpty { transforms.append(.esn(.noESN)) }
                let peerSPI = theirs.spi.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                return .selected(Choice(proposal: Proposal(number: theirs.number, protocolID: .esp, spi: spiBytes(inboundSPI),
                                                           transforms: transforms),
                                        encryption: encryption, integrity: integrity, peerSPI: peerSPI, group: group))
            }
        }
        return wantedGroup.map { .invalidKE($0) } ?? .noProposalChosen
    }
}

/// A 4-octet ESP SPI in network order.
func spiBytes(_ spi: UInt32) -> [UInt8] {
    [UInt8(truncatingIfNeeded: spi >> 24), UInt8(truncatingIfNeeded: spi >> 16),
     UInt8(truncatingIfNeeded: spi >> 8), UInt8(truncatingIfNeeded: spi)]
}

/// Nonces and cookie secrets: the system's generator, never the device's (possibly seeded) one.
func secureRandomBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
}
