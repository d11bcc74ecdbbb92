import IKEv2

// CREATE_CHILD_SA on the responder (RFC 7296 §1.3): the rekey of the IKE SA (its session moves to
// the new SA unchanged: the same AAA ids, accounting, address and Virtual-Access, no Stop/Start),
// the rekey of a CHILD_SA (REKEY_SA) and an additional CHILD_SA. We never start a rekey ourselves,
// so of simultaneous rekeying (§2.8.1) a responder only meets a request on an SA already being
// rekeyed or deleted: TEMPORARY_FAILURE (§2.25), and the initiator tries again later.
extension Device {
    func createChildSA(_ sa: IKESA, _ message: IKEMessage) -> ([Payload], (() -> Void)?) {
        func refuse(_ notify: NotifyPayload, _ line: String) -> ([Payload], (() -> Void)?) {
            ike.statistics.createChildRefused += 1
            if debug.cryptoIkev2, !line.isEmpty { debugLog("IKEv2:" + sa.debugIds + ":" + line) }
            return ([.notify(notify)], nil)
        }
        guard sa.state == .established else {
            return refuse(NotifyPayload(type: .temporaryFailure), "SA is being deleted or rekeyed, sending TEMPORARY_FAILURE")
        }
        if debug.cryptoIkev2 {
            debugLog(lines: ["IKEv2:" + sa.debugIds + ":Processing any notify-messages in child SA exchange",
                             "IKEv2:" + sa.debugIds + ":Validating create child message"])
        }
        guard let offered = message.securityAssociation, let nonceI = message.nonce, (16...256).contains(nonceI.count) else {
            ike.statistics.malformed += 1
            return refuse(NotifyPayload(type: .invalidSyntax), "Create child message is not valid")
        }
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Check for IKE SA rekey") }
        if offered.proposals.contains(where: { $0.protocolID == .ike }) {
            return rekeyIKESA(sa, message, offered: offered, nonceI: nonceI, refuse: refuse)
        }
        return createChild(sa, message, offered: offered, nonceI: nonceI, refuse: refuse)
    }

    // MARK: the IKE SA's rekey (RFC 7296 §1.3.2, §2.18)

    private func rekeyIKESA(_ sa: IKESA, _ message: IKEMessage, offered: SecurityAssociationPayload, nonceI: [UInt8],
                            refuse: (NotifyPayload, String) -> ([Payload], (() -> Void)?)) -> ([Payload], (() -> Void)?) {
        let ke = message.keyExchange
        // The same policy and proposals as IKE_SA_INIT, with the same debug lines.
        let selection = selectIKEProposal(offered, keGroup: ke?.group, local: sa.local, debugIds: sa.debugIds)
        guard case .selected(let number, let suite) = selection, let ke else {
            if case .invalidKE = selection {
                ike.statistics.invalidKE += 1
                return refuse(selection.refusal ?? NotifyPayload(type: .invalidKEPayload), "")
            }
            ike.statistics.noProposalChosen += 1
            return refuse(NotifyPayload(type: .noProposalChosen), ke == nil ? "Failed to find a matching policy" : "")
        }
        // The new SA's initiator SPI is the chosen proposal's (8 octets, never zero).
        guard let theirs = offered.proposals.first(where: { $0.number == number && $0.protocolID == .ike }),
              theirs.spi.count == 8, theirs.spi.contains(where: { $0 != 0 }) else {
            ike.statistics.malformed += 1
            return refuse(NotifyPayload(type: .invalidSyntax), "Create child message is not valid")
        }
        let newInitiatorSPI = theirs.spi.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let dh: DiffieHellman
        let shared: [UInt8]
        do {
            dh = try DiffieHellman(group: suite.group)
            shared = try dh.sharedSecret(peerPublicValue: ke.data)
        } catch {
            ike.statistics.malformed += 1
            return refuse(NotifyPayload(type: .invalidSyntax), "Create child message is not valid")
        }
        var newResponderSPI = random.next()
        while newResponderSPI == 0 || ike.sas[newResponderSPI] != nil { newResponderSPI = random.next() }
        let nonceR = secureRandomBytes(32)
        let keys = IKESAKeys(rekeying: sa.keys, suite: suite, sharedSecret: shared, nonceI: nonceI, nonceR: nonceR,
                             initiatorSPI: newInitiatorSPI, responderSPI: newResponderSPI)
        let successor = IKESA(initiatorSPI: newInitiatorSPI, responderSPI: newResponderSPI, peer: sa.peer, local: sa.local,
                              suite: suite, keys: keys, nonceI: nonceI, nonceR: nonceR, initRequest: sa.initRequest,
                              initResponse: sa.initResponse, ikev2SessionId: sa.ikev2SessionId, saId: sa.saId,
                              createdAt: now)
        var proposal = suite.proposal(number: number)
        proposal.spi = (0..<8).map { UInt8(truncatingIfNeeded: newResponderSPI >> (56 - 8 * UInt64($0))) }
        if debug.cryptoIkev2 {
            debugLog("IKEv2:" + sa.debugIds + ":IKE SA rekey: new SPIs [ISPI: 0x" + upperHex(newInitiatorSPI, digits: 16)
                     + " RSPI: 0x" + upperHex(newResponderSPI, digits: 16) + "]")
        }
        let payloads: [Payload] = [.securityAssociation(SecurityAssociationPayload(proposals: [proposal])), .nonce(nonceR),
                                   .keyExchange(KeyExchangePayload(group: suite.group, data: dh.publicValue))]
        return (payloads, { [unowned self] in self.moveToRekeyedSA(from: sa, to: successor) })
    }

    /// The answer is out: the session, its children and its timers now belong to the new SA; the
    /// old one waits for the initiator's Delete (or `rekeyedSATimeout`).
    private func moveToRekeyedSA(from old: IKESA, to new: IKESA) {
        // The answer is sent as soon as it is made (nothing runs between): the SPI is still free.
        guard old.state == .established, ike.sas[old.responderSPI] === old, ike.sas[new.responderSPI] == nil else { return }
        ike.sas[new.responderSPI] = new
        new.state = .established
        new.establishedAt = now
        new.remoteID = old.remoteID
        new.localID = old.localID
        new.eapIdentity = old.eapIdentity
        new.assignedAddress = old.assignedAddress
        new.natDetected = old.natDetected
        new.children = old.children
        new.sessionUniqueId = old.sessionUniqueId
        new.lifetime = old.lifetime
        new.dpd = old.dpd
        new.nextPeerMessageID = 0
        new.nextOwnMessageID = 0
        old.state = .rekeyed
        old.children = []
        old.lifetimeTimer?.cancel()
        old.livenessTimer?.cancel()
        // Our liveness check on the old SA is moot: the new SA's starts afresh.
        if old.outstanding?.purpose == .liveness {
            old.outstanding?.timer?.cancel()
            old.outstanding = nil
        }
        if ike.bySAId[old.saId] == old.responderSPI { ike.bySAId[old.saId] = new.responderSPI }
        ike.statistics.ikeSARekeys += 1
        if let scheduler = accounting.scheduler {
            old.halfOpenTimer = scheduler.schedule(after: ike.rekeyedSATimeout) { [weak self, weak old] in
                guard let self, let old, old.state == .rekeyed, self.ike.sas[old.responderSPI] === old else { return }
                self.removeIKESA(old)
            }
        }
        startSATimers(new)
        if debug.cryptoIkev2 {
            debugLog("IKEv2:" + new.debugIds + ":IKE SA rekeyed, session moved to the new SA")
        }
    }

    // MARK: CHILD_SAs (RFC 7296 §1.3.1, §1.3.3)

    private func createChild(_ sa: IKESA, _ message: IKEMessage, offered: SecurityAssociationPayload, nonceI: [UInt8],
                             refuse: (NotifyPayload, String) -> ([Payload], (() -> Void)?)) -> ([Payload], (() -> Void)?) {
        var replacing: Int?
        if let rekey = message.notify(.rekeySA) {
            guard rekey.protocolID == .esp, rekey.spi.count == 4,
                  let index = sa.children.firstIndex(where: { spiBytes($0.outboundSPI) == rekey.spi }) else {
                return refuse(NotifyPayload(type: .childSANotFound, protocolID: rekey.protocolID, spi: rekey.spi),
                              "Child SA to rekey not found")
            }
            guard !sa.children[index].rekeyed else {
                return refuse(NotifyPayload(type: .temporaryFailure), "Child SA already rekeyed, sending TEMPORARY_FAILURE")
            }
            replacing = index
        } else if sa.children.count >= ike.maxChildrenPerSA {
            return refuse(NotifyPayload(type: .noAdditionalSAs), "Maximum number of child SAs reached")
        }
        guard let tsi = message.trafficSelectorsInitiator?.selectors.first,
              let tsr = message.trafficSelectorsResponder?.selectors.first else {
            ike.statistics.malformed += 1
            return refuse(NotifyPayload(type: .invalidSyntax), "Create child message is not valid")
        }
        var inbound = UInt32(truncatingIfNeeded: random.next())
        while inbound < 256 || sa.children.contains(where: { $0.inboundSPI == inbound }) {
            inbound = UInt32(truncatingIfNeeded: random.next())
        }
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Checking for PFS configuration") }
        let ke = message.keyExchange
        let choice: ESPSelection.Choice
        switch ESPSelection.select(offered, inboundSPI: inbound, keGroup: ke?.group, pfsAllowed: true) {
        case .selected(let chosen): choice = chosen
        case .invalidKE(let group):
            ike.statistics.invalidKE += 1
            return refuse(.invalidKEPayload(accepted: group), "Sending invalid ke notification")
        case .noProposalChosen:
            ike.statistics.noProposalChosen += 1
            return refuse(NotifyPayload(type: .noProposalChosen), "Failed to find a matching policy")
        }
        var pfsPayloads: [Payload] = []
        var pfsSecret: [UInt8]?
        if let group = choice.group, let ke {
            do {
                let dh = try DiffieHellman(group: group)
                pfsSecret = try dh.sharedSecret(peerPublicValue: ke.data)
                pfsPayloads = [.keyExchange(KeyExchangePayload(group: group, data: dh.publicValue))]
            } catch {
                ike.statistics.malformed += 1
                return refuse(NotifyPayload(type: .invalidSyntax), "Create child message is not valid")
            }
        }
        let nonceR = secureRandomBytes(32)
        let keys = ChildSAKeys(prf: sa.suite.prf, skD: sa.keys.skD, nonceI: nonceI, nonceR: nonceR,
                               pfsSharedSecret: pfsSecret, encryption: choice.encryption, integrity: choice.integrity)
        // A rekeyed child keeps its selectors; a new one narrows the client's side to its address.
        let local: TrafficSelector
        let remote: TrafficSelector
        if let replacing {
            local = sa.children[replacing].localSelector
            remote = sa.children[replacing].remoteSelector
            sa.children[replacing].rekeyed = true
            ike.statistics.childSARekeys += 1
            if debug.cryptoIkev2 {
                debugLog("IKEv2:" + sa.debugIds + ":Rekeying child SA: old ESP spi in/out 0x"
                         + upperHex(UInt64(sa.children[replacing].inboundSPI), digits: 8) + "/0x"
                         + upperHex(UInt64(sa.children[replacing].outboundSPI), digits: 8))
            }
        } else {
            local = tsr
            remote = sa.assignedAddress.map { TrafficSelector.ipv4Host($0.bytes) } ?? tsi
            ike.statistics.childSAsCreated += 1
        }
        sa.children.append(IKEChildSA(inboundSPI: inbound, outboundSPI: choice.peerSPI, encryption: choice.encryption,
                                      integrity: choice.integrity, localSelector: local, remoteSelector: remote, keys: keys))
        if debug.cryptoIkev2 {
            debugLog("IKEv2:" + sa.debugIds + ":Child SA ESP spi in/out 0x" + upperHex(UInt64(inbound), digits: 8) + "/0x"
                     + upperHex(UInt64(choice.peerSPI), digits: 8) + (choice.group == nil ? "" : ", PFS"))
        }
        return ([.securityAssociation(SecurityAssociationPayload(proposals: [choice.proposal])), .nonce(nonceR)] + pfsPayloads
                + [.trafficSelectorInitiator(TrafficSelectorPayload(selectors: [remote])),
                   .trafficSelectorResponder(TrafficSelectorPayload(selectors: [local]))], nil)
    }
}
