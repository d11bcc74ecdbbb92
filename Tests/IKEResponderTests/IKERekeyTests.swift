import XCTest
@testable import Device
import IKEv2
import RADIUS
import Renderers

/// CREATE_CHILD_SA (IKE SA rekey, CHILD_SA rekey, an additional child), our liveness checks
/// (`dpd … periodic`) and the lifetime across a rekey, driven as `IKEResponderTests` drives the
/// responder (same fixture: a manual clock, `sent` holds our own requests, `ended` the ends).
extension IKEResponderTests {
    /// The session's AAA Unique Id (there is one session).
    func onlySession() throws -> Session {
        var found: Session?
        device.sessions.forEach { found = $0 }
        return try XCTUnwrap(found)
    }

    /// Rekeys `i`'s IKE SA; returns the initiator of the new SA.
    func rekeyIKE(_ i: inout IKEInitiator) throws -> IKEInitiator {
        let (request, pending) = try i.ikeRekeyRequest()
        let answer = try i.open(try XCTUnwrap(send(request)))
        XCTAssertEqual(answer.header.exchangeType, .createChildSA)
        return try XCTUnwrap(i.completeIKERekey(pending, answer: answer), "the answer: \(answer.payloads)")
    }

    func testIKESARekeyMovesTheSessionUnchanged() throws {
        var i = try initiator()
        try connect(&i, child: true)
        let before = try onlySession()
        let oldSPI = try XCTUnwrap(device.ike.sa(saId: before.saId)).responderSPI
        var rekeyed = try rekeyIKE(&i)
        XCTAssertNotEqual(rekeyed.initiatorSPI, i.initiatorSPI)
        XCTAssertNotEqual(rekeyed.responderSPI, oldSPI)
        // The same session: ids, address, Virtual-Access (numbered as the SA id); no Stop, no Start.
        let after = try onlySession()
        XCTAssertEqual(after.uniqueId, before.uniqueId)
        XCTAssertEqual(after.auditSessionId, before.auditSessionId)
        XCTAssertEqual(after.framedIP, before.framedIP)
        XCTAssertEqual(after.saId, before.saId)
        XCTAssertTrue(ended.isEmpty)
        let sa = try XCTUnwrap(device.ike.sa(saId: after.saId))
        XCTAssertEqual(sa.responderSPI, rekeyed.responderSPI)
        XCTAssertEqual(sa.initiatorSPI, rekeyed.initiatorSPI)
        XCTAssertEqual(sa.activeChildren.count, 1, "the child moved with the session")
        XCTAssertEqual(device.ike.statistics.ikeSARekeys, 1)
        var lines: [String] = []
        IKEv2SARenderer.render(device: device, detailed: true) { lines.append($0) }
        XCTAssertTrue(lines.contains("      Local spi: " + upperHex(rekeyed.responderSPI, digits: 16) + "       Remote spi: "
                                     + upperHex(rekeyed.initiatorSPI, digits: 16)), lines.joined(separator: "\n"))
        // The initiator deletes the old SA: answered, and the session stays.
        let deleteOld = try XCTUnwrap(send(try i.request(.informational, [.delete(.ikeSA)])))
        XCTAssertTrue(try i.open(deleteOld).payloads.isEmpty)
        XCTAssertNil(device.ike.sas[oldSPI])
        XCTAssertEqual(device.sessions.count, 1)
        XCTAssertTrue(ended.isEmpty)
        // The new SA speaks with the new keys from message id 0, and its Delete ends the session.
        XCTAssertTrue(try rekeyed.open(try XCTUnwrap(send(try rekeyed.request(.informational, [])))).payloads.isEmpty)
        XCTAssertNotNil(send(try rekeyed.request(.informational, [.delete(.ikeSA)])))
        XCTAssertEqual(ended.last?.1, .userRequest)
        XCTAssertEqual(ended.last?.0.first?.uniqueId, before.uniqueId)
        XCTAssertTrue(device.ike.sas.isEmpty)
    }

    func testIKESARekeyTwiceAndOurDeleteFollowsTheNewSA() throws {
        var i = try initiator()
        try connect(&i)
        var second = try rekeyIKE(&i)
        let third = try rekeyIKE(&second)
        XCTAssertEqual(device.ike.statistics.ikeSARekeys, 2)
        device.clearCryptoSessions()
        let delete = try third.open(try XCTUnwrap(sent.last).bytes)
        XCTAssertEqual(delete.payloads, [.delete(.ikeSA)])
        XCTAssertEqual(delete.header.messageID, 0)
        XCTAssertEqual(delete.header.responderSPI, third.responderSPI)
        XCTAssertNil(send(try third.answer(delete)))
        XCTAssertEqual(ended.last?.1, .clearCommand)
        // The SAs the rekeys replaced go after a while if the initiator never deletes them.
        scheduler.advance(by: device.ike.rekeyedSATimeout)
        XCTAssertTrue(device.ike.sas.isEmpty, "\(device.ike.sas.values.map(\.state))")
    }

    func testIKESARekeyRefusals() throws {
        var i = try initiator()
        try connect(&i)
        // A KE group the chosen proposal does not list: INVALID_KE_PAYLOAD naming ours.
        let (badKE, _) = try i.ikeRekeyRequest(group: .ecp384)
        XCTAssertEqual(try i.open(try XCTUnwrap(send(badKE))).notify(.invalidKEPayload)?.acceptedGroup, .ecp256)
        // Nothing we accept: NO_PROPOSAL_CHOSEN.
        let gcmOnly = SecurityAssociationPayload(proposals: [Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesGCM16, keyLength: 128), .prf(.hmacSHA2_256), .keyExchange(.ecp256)])])
        let (npc, _) = try i.ikeRekeyRequest(offer: gcmOnly)
        XCTAssertNotNil(try i.open(try XCTUnwrap(send(npc))).notify(.noProposalChosen))
        // No nonce: INVALID_SYNTAX.
        XCTAssertNotNil(try i.open(try XCTUnwrap(send(try i.request(.createChildSA, [.securityAssociation(i.offer)]))))
            .notify(.invalidSyntax))
        XCTAssertEqual(device.ike.statistics.createChildRefused, 3)
        XCTAssertEqual(device.sessions.count, 1)
        XCTAssertEqual(device.ike.statistics.ikeSARekeys, 0)
        // Our Delete is out (the SA is going): TEMPORARY_FAILURE (RFC 7296 §2.25).
        device.clearCryptoSessions()
        let (late, _) = try i.ikeRekeyRequest()
        XCTAssertNotNil(try i.open(try XCTUnwrap(send(late))).notify(.temporaryFailure))
    }

    func testChildSARekeyAndAdditionalChild() throws {
        var i = try initiator()
        try connect(&i, child: true)
        let sa = try XCTUnwrap(device.ike.sas.values.first)
        let first = try XCTUnwrap(sa.child)
        // REKEY_SA names the child by the SPI the initiator receives on (our outbound).
        let nonceI = secureRandomBytes(32)
        let answer = try i.open(try XCTUnwrap(send(try i.childRequest(spi: 0x0101_0101, rekeying: first.outboundSPI,
                                                                         nonce: nonceI))))
        let proposal = try XCTUnwrap(answer.securityAssociation?.proposals.first)
        XCTAssertEqual(proposal.protocolID, .esp)
        XCTAssertNil(answer.keyExchange, "no PFS asked")
        let replacement = try XCTUnwrap(sa.child)
        XCTAssertNotEqual(replacement.inboundSPI, first.inboundSPI)
        XCTAssertEqual(spiBytes(replacement.inboundSPI), proposal.spi)
        XCTAssertEqual(replacement.outboundSPI, 0x0101_0101)
        XCTAssertEqual(replacement.remoteSelector, first.remoteSelector)
        // KEYMAT = prf+(SK_d, Ni | Nr) as the initiator computes it.
        let keys = try XCTUnwrap(i.keys)
        XCTAssertEqual(replacement.keys, ChildSAKeys(prf: keys.suite.prf, skD: keys.skD, nonceI: nonceI,
                                                     nonceR: try XCTUnwrap(answer.nonce), encryption: .aesCBC(keyBits: 256),
                                                     integrity: .hmacSHA2_256_128))
        XCTAssertEqual(sa.children.count, 2)
        XCTAssertEqual(sa.activeChildren.count, 1)
        XCTAssertEqual(device.ike.statistics.childSARekeys, 1)
        // The initiator deletes the old child: our Delete names our inbound SPI of it.
        let deleted = try i.open(try XCTUnwrap(send(try i.request(.informational, [.delete(.esp([first.outboundSPI]))]))))
        XCTAssertEqual(deleted.payloads, [.delete(.esp([first.inboundSPI]))])
        XCTAssertEqual(sa.children.map(\.inboundSPI), [replacement.inboundSPI])
        // An additional child, with PFS: KE answered in the same group.
        let pfs = try i.open(try XCTUnwrap(send(try i.childRequest(spi: 0x0202_0202, pfs: .ecp256))))
        XCTAssertEqual(pfs.keyExchange?.group, .ecp256)
        XCTAssertEqual(pfs.securityAssociation?.proposals.first?.transforms(of: .keyExchange).map(\.id), [DHGroupID.ecp256.rawValue])
        XCTAssertEqual(sa.activeChildren.count, 2)
        XCTAssertEqual(device.ike.statistics.childSAsCreated, 1)
        var lines: [String] = []
        IKEv2SessionRenderer.render(device: device, detailed: false) { lines.append($0) }
        XCTAssertTrue(lines.contains("Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:2"), lines.joined(separator: "\n"))
        XCTAssertTrue(ended.isEmpty)
    }

    func testChildSARefusals() throws {
        var i = try initiator()
        try connect(&i, child: true)
        // An unknown child: CHILD_SA_NOT_FOUND.
        XCTAssertNotNil(try i.open(try XCTUnwrap(send(try i.childRequest(spi: 0x0303_0303, rekeying: 0xDEAD_BEEF))))
            .notify(.childSANotFound))
        // PFS in group 19 while the KE payload is Curve25519's: INVALID_KE_PAYLOAD naming 19.
        let ke = try DiffieHellman(group: .curve25519)
        let mismatched: [Payload] = [
            .securityAssociation(SecurityAssociationPayload(proposals: [Proposal(number: 1, protocolID: .esp, spi: [4, 4, 4, 4],
                transforms: [.encryption(.aesCBC, keyLength: 256), .integrity(.hmacSHA2_256_128), .keyExchange(.ecp256)])])),
            .nonce(secureRandomBytes(32)), .keyExchange(KeyExchangePayload(group: .curve25519, data: ke.publicValue)),
            .trafficSelectorInitiator(TrafficSelectorPayload(selectors: [.anyIPv4])),
            .trafficSelectorResponder(TrafficSelectorPayload(selectors: [.anyIPv4]))]
        XCTAssertEqual(try i.open(try XCTUnwrap(send(try i.request(.createChildSA, mismatched)))).notify(.invalidKEPayload)?
            .acceptedGroup, .ecp256)
        // 3DES only: NO_PROPOSAL_CHOSEN.
        let tripleDES: [Payload] = [
            .securityAssociation(SecurityAssociationPayload(proposals: [Proposal(number: 1, protocolID: .esp, spi: [5, 5, 5, 5],
                transforms: [Transform(type: .encryption, id: 3), .integrity(.hmacSHA2_256_128)])])),
            .nonce(secureRandomBytes(32)),
            .trafficSelectorInitiator(TrafficSelectorPayload(selectors: [.anyIPv4])),
            .trafficSelectorResponder(TrafficSelectorPayload(selectors: [.anyIPv4]))]
        XCTAssertNotNil(try i.open(try XCTUnwrap(send(try i.request(.createChildSA, tripleDES)))).notify(.noProposalChosen))
        // Past the bound: NO_ADDITIONAL_SAS.
        device.ike.maxChildrenPerSA = 2
        XCTAssertNil(try i.open(try XCTUnwrap(send(try i.childRequest(spi: 0x0606_0606)))).notifies.first)
        XCTAssertNotNil(try i.open(try XCTUnwrap(send(try i.childRequest(spi: 0x0707_0707)))).notify(.noAdditionalSAs))
        XCTAssertEqual(device.ike.statistics.createChildRefused, 4)
        XCTAssertEqual(device.sessions.count, 1)
    }

    func testPeriodicDPDChecksASilentPeerAndDeclaresItDead() throws {
        device.ike.settings.dpd = IKEv2DPD(interval: 10, retry: 2, periodic: true)
        var i = try initiator()
        try connect(&i)
        scheduler.advance(by: 9)
        XCTAssertTrue(sent.isEmpty)
        // The client's own request: it is alive, the check moves.
        XCTAssertNotNil(send(try i.request(.informational, [])))
        scheduler.advance(by: 9)
        XCTAssertTrue(sent.isEmpty)
        scheduler.advance(by: 1)
        XCTAssertEqual(sent.count, 1)
        let check = try i.open(sent[0].bytes)
        XCTAssertTrue(check.payloads.isEmpty)
        XCTAssertEqual(check.header.exchangeType, .informational)
        XCTAssertFalse(check.header.isFromInitiator)
        XCTAssertFalse(check.header.isResponse)
        XCTAssertNil(send(try i.answer(check)))
        // Answered: the next check comes INTERVAL seconds later, then RETRY-second retransmissions.
        scheduler.advance(by: 9)
        XCTAssertEqual(sent.count, 1)
        scheduler.advance(by: 1)
        XCTAssertEqual(sent.count, 2)
        XCTAssertEqual(try i.open(sent[1].bytes).header.messageID, 1)
        scheduler.advance(by: 2)
        XCTAssertEqual(sent.count, 3)
        XCTAssertEqual(sent[2].bytes, sent[1].bytes)
        scheduler.advance(by: 2 * Double(device.ike.maxRetransmissions - 1))
        XCTAssertEqual(sent.count, 2 + device.ike.maxRetransmissions)
        XCTAssertEqual(device.sessions.count, 1)
        scheduler.advance(by: 2)
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertEqual(ended.last?.1, .peerLost)
        XCTAssertEqual(SessionEndCause.peerLost.acctTerminateCause, 2)
        XCTAssertEqual(device.ike.statistics.livenessChecksSent, 2)
        XCTAssertEqual(device.ike.statistics.deadPeers, 1)
        XCTAssertTrue(device.ike.sas.isEmpty)
    }

    func testOnDemandDPDSendsNothingAndDetailedShowsTheProfile() throws {
        device.ike.settings.dpd = IKEv2DPD(interval: 10, retry: 3, periodic: false)
        var i = try initiator()
        try connect(&i)
        scheduler.advance(by: 1000)
        XCTAssertTrue(sent.isEmpty)
        XCTAssertEqual(device.sessions.count, 1)
        var lines: [String] = []
        IKEv2SARenderer.render(device: device, detailed: true) { lines.append($0) }
        XCTAssertTrue(lines.contains("      DPD configured for 10 seconds, retry 3"), lines.joined(separator: "\n"))
    }

    func testDPDRunsOnTheRekeyedSA() throws {
        device.ike.settings.dpd = IKEv2DPD(interval: 10, retry: 2, periodic: true)
        var i = try initiator()
        try connect(&i)
        scheduler.advance(by: 5)
        let rekeyed = try rekeyIKE(&i)
        scheduler.advance(by: 9)
        XCTAssertTrue(sent.isEmpty)
        scheduler.advance(by: 1)
        let check = try rekeyed.open(try XCTUnwrap(sent.last).bytes)
        XCTAssertEqual(check.header.responderSPI, rekeyed.responderSPI)
        XCTAssertEqual(check.header.messageID, 0)
        XCTAssertNil(send(try rekeyed.answer(check)))
        XCTAssertEqual(device.sessions.count, 1)
    }

    func testLifetimeSurvivesARekeyAndEndsTheNewSA() throws {
        device.ike.settings.lifetime = 120
        var i = try initiator()
        try connect(&i)
        scheduler.advance(by: 100)
        let rekeyed = try rekeyIKE(&i)
        _ = send(try i.request(.informational, [.delete(.ikeSA)]))
        scheduler.advance(by: 100)
        XCTAssertEqual(device.sessions.count, 1, "the rekey started a new lifetime")
        XCTAssertTrue(ended.isEmpty)
        scheduler.advance(by: 20)
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertEqual(ended.last?.1, .lifetimeExpired)
        XCTAssertEqual(try rekeyed.open(try XCTUnwrap(sent.last).bytes).payloads, [.delete(.ikeSA)])
    }
}

extension IKEResponderConfigModelTests {
    /// The profile's `dpd` and `lifetime` are the SA's.
    func testProfileDPDAndLifetimeApply() throws {
        let (device, _) = device(["crypto ikev2 profile FLEX", "dpd 10 2 periodic", "lifetime 600", "exit"])
        var sent: [IKEOutboundDatagram] = []
        device.ike.transmit = { sent.append($0) }
        var i = try IKEInitiator(offer: IKEv2ProposalConfig.iosDefault.offer(), group: .ecp256, identity: .fqdn("host.lab"),
                                 preSharedKey: Array("clientkey".utf8))
        XCTAssertEqual(i.handleInitResponse(try XCTUnwrap(device.handleIKEDatagram(i.initRequest(), from: client, to: router))),
                       .accepted)
        _ = try i.open(try XCTUnwrap(device.handleIKEDatagram(try i.authRequest(), from: client, to: router)))
        let sa = try XCTUnwrap(device.ike.sas.values.first)
        XCTAssertEqual(sa.dpd, IKEv2DPD(interval: 10, retry: 2, periodic: true))
        XCTAssertEqual(sa.lifetime, 600)
        var lines: [String] = []
        IKEv2SARenderer.render(device: device, detailed: true) { lines.append($0) }
        XCTAssertTrue(lines.contains { $0.hasPrefix("      Life/Active Time: 600/") }, lines.joined(separator: "\n"))
        let scheduler = try XCTUnwrap(device.accounting.scheduler as? ManualScheduler)
        scheduler.advance(by: 10)
        XCTAssertEqual(sent.count, 1)
        XCTAssertTrue(try i.open(sent[0].bytes).payloads.isEmpty, "a liveness check")
    }
}
