import Crypto
import XCTest
@testable import Device
import IKEv2
import RADIUS
import Renderers
import Shell

/// The responder driven by `IKEInitiator` through `Device.handleIKEDatagram`, as the UDP server
/// drives it, on a manual clock.
final class IKEResponderTests: XCTestCase {
    let client = IKEEndpoint(IPv4Address(127, 0, 0, 1), 40_000)
    let router = IKEEndpoint(IPv4Address(127, 0, 0, 1), 5500)
    var time: ManualTimeSource!
    var scheduler: ManualScheduler!
    var device: Device!
    var sent: [IKEOutboundDatagram] = []
    var ended: [([Session], SessionEndCause)] = []

    override func setUp() {
        time = ManualTimeSource(start: 1_400_000_000)
        device = Device(time: time, random: SeededRandom(seed: 7))
        scheduler = ManualScheduler(time: time)
        device.accounting.scheduler = scheduler
        device.ike.settings.preSharedKey = "cisco123"
        device.ike.settings.localFQDN = "flexvpn.lab"
        device.ike.settings.pool = (IPv4Address(10, 99, 0, 1), IPv4Address(10, 99, 0, 2))
        device.ike.transmit = { [unowned self] in sent.append($0) }
        let previous = device.onSessionsDisconnected
        device.onSessionsDisconnected = { [unowned self] sessions, cause in
            ended.append((sessions, cause))
            previous?(sessions, cause)
        }
    }

    func initiator(offer: SecurityAssociationPayload = IKEv2ProposalConfig.iosDefault.offer(), group: DHGroupID = .ecp256,
                   psk: String = "cisco123") throws -> IKEInitiator {
        try IKEInitiator(offer: offer, group: group, identity: .fqdn("client@lab"), preSharedKey: Array(psk.utf8))
    }

    func send(_ bytes: [UInt8], from: IKEEndpoint? = nil) -> [UInt8]? {
        device.handleIKEDatagram(bytes, from: from ?? client, to: router)
    }

    /// IKE_SA_INIT then IKE_AUTH; returns the initiator and the IKE_AUTH answer.
    @discardableResult
    func connect(_ i: inout IKEInitiator, child: Bool = false) throws -> IKEMessage {
        let initResponse = try XCTUnwrap(send(i.initRequest()))
        XCTAssertEqual(i.handleInitResponse(initResponse), .accepted)
        let authResponse = try XCTUnwrap(send(try i.authRequest(child: child)))
        let message = try i.open(authResponse)
        XCTAssertTrue(i.verifyResponderAuth(message, initResponse: initResponse), "the responder's AUTH")
        return message
    }

    func testPSKHandshakeMakesASessionWithAPoolAddress() throws {
        var i = try initiator()
        let answer = try connect(&i)
        XCTAssertEqual(answer.identificationResponder, .fqdn("flexvpn.lab"))
        XCTAssertEqual(answer.configuration?.values(of: .internalIP4Address), [[10, 99, 0, 1]])
        XCTAssertEqual(device.sessions.count, 1)
        var session: Session?
        device.sessions.forEach { session = $0 }
        XCTAssertEqual(session?.userName, "client@lab")
        XCTAssertEqual(session?.framedIP, IPv4Address(10, 99, 0, 1))
        XCTAssertEqual(session?.peerPort, 40_000)
        XCTAssertEqual(session?.localPort, 5500)
        // audit-session-id from the real addresses and ports: 127.0.0.1 twice, 0x157C and 0x9C40.
        XCTAssertEqual(session?.auditSessionId.hasPrefix("L2L47F000001ZO2L47F000001ZH157C9C40ZN"), true)
        var lines: [String] = []
        IKEv2SARenderer.render(device: device, detailed: true) { lines.append($0) }
        XCTAssertTrue(lines.contains { $0.hasPrefix("1         127.0.0.1/5500        127.0.0.1/40000       none/none            READY") },
                      lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("      Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK"))
        XCTAssertTrue(lines.contains { $0.contains("Remote spi: " + upperHex(i.initiatorSPI, digits: 16)) })
        XCTAssertTrue(lines.contains("      Remote id: client@lab"))
        XCTAssertTrue(lines.contains("      Local id: flexvpn.lab"))
        // A second client gets the next address; a third finds the pool empty (no CFG_REPLY).
        var second = try initiator()
        XCTAssertEqual(try connect(&second).configuration?.values(of: .internalIP4Address), [[10, 99, 0, 2]])
        var third = try initiator()
        XCTAssertNil(try connect(&third).configuration)
        XCTAssertEqual(device.ike.statistics.acceptedRequests, 3)
    }

    func testAESGCMAndInvalidKE() throws {
        var gcm = IKEv2ProposalDefinition(name: "gcm")
        gcm.encryptions = [.aesGCM256]
        gcm.prfs = [.sha256]
        gcm.groups = [19, 31]
        var policy = IKEv2PolicyDefinition(name: "pol")
        policy.proposals = ["gcm"]
        device.config.flexVPN.proposals = [gcm]
        device.config.flexVPN.policies = [policy]
        let offer = SecurityAssociationPayload(proposals: [Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesGCM16, keyLength: 256), .prf(.hmacSHA2_256), .keyExchange(.modp2048), .keyExchange(.curve25519)])])
        var i = try initiator(offer: offer, group: .modp2048)
        // MODP-2048 is offered but not ours: INVALID_KE_PAYLOAD names Curve25519, the common group.
        XCTAssertEqual(i.handleInitResponse(try XCTUnwrap(send(i.initRequest()))), .invalidKE(.curve25519))
        XCTAssertEqual(device.ike.statistics.invalidKE, 1)
        XCTAssertEqual(device.ike.halfOpenCount, 0, "a refusal keeps no state")
        try i.restart(group: .curve25519)
        try connect(&i)
        XCTAssertEqual(device.ike.sa(saId: 2)?.suite.encryption, .aesGCM16(keyBits: 256))
        var lines: [String] = []
        IKEv2SARenderer.render(device: device, detailed: false) { lines.append($0) }
        XCTAssertTrue(lines.contains("      Encr: AES-GCM, keysize: 256, PRF: SHA256, Hash: None, DH Grp:31, Auth sign: PSK, Auth verify: PSK"),
                      lines.joined(separator: "\n"))
    }

    func testNoProposalChosen() throws {
        let offer = SecurityAssociationPayload(proposals: [Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesCBC, keyLength: 128), .prf(.hmacSHA2_256), .integrity(.hmacSHA2_256_128), .keyExchange(.ecp256)])])
        var i = try initiator(offer: offer)
        XCTAssertEqual(i.handleInitResponse(try XCTUnwrap(send(i.initRequest()))), .refused(.noProposalChosen))
        XCTAssertEqual(device.ike.statistics.noProposalChosen, 1)
    }

    func testBadPreSharedKeyIsRefused() throws {
        var i = try initiator(psk: "wrong")
        XCTAssertEqual(i.handleInitResponse(try XCTUnwrap(send(i.initRequest()))), .accepted)
        let answer = try i.open(try XCTUnwrap(send(try i.authRequest())))
        XCTAssertEqual(answer.notifies.map(\.type), [.authenticationFailed])
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertTrue(device.ike.sas.isEmpty)
        XCTAssertEqual(device.ike.statistics.authenticationFailures, 1)
    }

    func testChildSAIsNegotiated() throws {
        var i = try initiator()
        let answer = try connect(&i, child: true)
        let proposal = try XCTUnwrap(answer.securityAssociation?.proposals.first)
        XCTAssertEqual(proposal.protocolID, .esp)
        XCTAssertEqual(proposal.spi.count, 4)
        XCTAssertEqual(answer.trafficSelectorsInitiator?.selectors, [.ipv4Host([10, 99, 0, 1])])
        var lines: [String] = []
        IKEv2SessionRenderer.render(device: device, detailed: false) { lines.append($0) }
        XCTAssertTrue(lines.contains("Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("          remote selector 10.99.0.1/0 - 10.99.0.1/65535"))
    }

    func testFloatToAnotherPortIsFollowed() throws {
        // NAT-T: IKE_SA_INIT on 500, the rest from 4500 (another source port): answers and our
        // Delete go where the client now is, and the session shows the ports it floated to.
        var i = try initiator()
        let init500 = IKEEndpoint(client.address, 500)
        XCTAssertEqual(i.handleInitResponse(try XCTUnwrap(device.handleIKEDatagram(i.initRequest(), from: init500,
                                                                                   to: IKEEndpoint(router.address, 500)))),
                       .accepted)
        let floated = IKEEndpoint(client.address, 4500)
        let routerNATT = IKEEndpoint(router.address, 4500)
        XCTAssertNotNil(device.handleIKEDatagram(try i.authRequest(), from: floated, to: routerNATT))
        var session: Session?
        device.sessions.forEach { session = $0 }
        XCTAssertEqual(session?.peerPort, 4500)
        XCTAssertEqual(session?.localPort, 4500)
        device.clearCryptoSessions()
        XCTAssertEqual(sent.last?.to, floated)
        XCTAssertEqual(sent.last?.from, routerNATT)
    }

    func testMPPEKeyDecryption() {
        // RFC 2548 §2.4.2 by hand: a 16-octet key in two blocks under secret "s", authenticator 1…16, salt 0x8001.
        let secret = Array("s".utf8), authenticator = Array(1...16).map(UInt8.init), salt: [UInt8] = [0x80, 0x01]
        let key = Array(100..<116).map(UInt8.init)
        let plain = [UInt8(16)] + key + [UInt8](repeating: 0, count: 15)
        var cipher: [UInt8] = []
        var previous = authenticator + salt
        for block in stride(from: 0, to: 32, by: 16) {
            let b = Array(Insecure.MD5.hash(data: secret + previous))
            let c = zip(plain[block..<(block + 16)], b).map { $0 ^ $1 }
            cipher += c
            previous = c
        }
        XCTAssertEqual(MPPEKey.decrypt(salt + cipher, secret: secret, requestAuthenticator: authenticator), key)
        XCTAssertNil(MPPEKey.decrypt([1, 2, 3], secret: secret, requestAuthenticator: authenticator))
    }

    func testLivenessAndDuplicateRequests() throws {
        var i = try initiator()
        try connect(&i)
        let dpd = try i.request(.informational, [])
        let first = try XCTUnwrap(send(dpd))
        XCTAssertTrue(try i.open(first).payloads.isEmpty)
        // The same request again: the cached answer, byte for byte.
        XCTAssertEqual(send(dpd), first)
        XCTAssertEqual(device.ike.statistics.retransmittedResponses, 1)
        // A message id from the past or the future: dropped.
        _ = try i.request(.informational, [])
        XCTAssertNil(send(try i.request(.informational, [])))
        XCTAssertEqual(device.ike.statistics.outOfWindow, 1)
    }

    func testClientDeleteEndsTheSessionWithUserRequest() throws {
        var i = try initiator()
        try connect(&i)
        let answer = try XCTUnwrap(send(try i.request(.informational, [.delete(.ikeSA)])))
        XCTAssertTrue(try i.open(answer).payloads.isEmpty)
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertEqual(ended.last?.1, .userRequest)
        XCTAssertEqual(SessionEndCause.userRequest.acctTerminateCause, 1)
        XCTAssertTrue(device.ike.sas.isEmpty)
    }

    func testClearSendsOurDeleteAndTheAnswerRemovesTheSA() throws {
        var i = try initiator()
        try connect(&i)
        device.clearCryptoSessions()
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(sent[0].to, client)
        let request = try i.open(sent[0].bytes)
        XCTAssertEqual(request.payloads, [.delete(.ikeSA)])
        XCTAssertFalse(request.header.isFromInitiator)
        XCTAssertEqual(request.header.messageID, 0)
        XCTAssertEqual(device.ike.sas.count, 1, "kept until answered")
        XCTAssertNil(send(try i.answer(request)))
        XCTAssertTrue(device.ike.sas.isEmpty)
        scheduler.advance(by: 100)
        XCTAssertEqual(sent.count, 1, "answered: no retransmission")
    }

    func testOurDeleteIsRetransmittedThenGivenUp() throws {
        var i = try initiator()
        try connect(&i)
        device.clearCryptoSessions()
        scheduler.advance(by: 2)
        XCTAssertEqual(sent.count, 2)
        XCTAssertEqual(sent[1].bytes, sent[0].bytes)
        scheduler.advance(by: 200)
        XCTAssertEqual(sent.count, 1 + device.ike.maxRetransmissions)
        XCTAssertTrue(device.ike.sas.isEmpty)
    }

    func testLifetimeExpiryDeletesTheSA() throws {
        device.ike.settings.lifetime = 120
        var i = try initiator()
        try connect(&i)
        scheduler.advance(by: 119)
        XCTAssertEqual(device.sessions.count, 1)
        scheduler.advance(by: 1)
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertEqual(ended.last?.1, .lifetimeExpired)
        XCTAssertEqual(try i.open(try XCTUnwrap(sent.first).bytes).payloads, [.delete(.ikeSA)])
    }

    func testCookieChallengePastTheThreshold() throws {
        device.config.flexVPN.global.cookieChallenge = 1
        var first = try initiator()
        XCTAssertEqual(first.handleInitResponse(try XCTUnwrap(send(first.initRequest()))), .accepted)
        var second = try initiator()
        guard case .cookie(let cookie) = second.handleInitResponse(try XCTUnwrap(send(second.initRequest()))) else {
            return XCTFail("no cookie asked")
        }
        XCTAssertEqual(device.ike.halfOpenCount, 1, "a challenge keeps no state")
        XCTAssertEqual(second.handleInitResponse(try XCTUnwrap(send(second.initRequest(cookie: cookie)))), .accepted)
        XCTAssertEqual(device.ike.statistics.cookieChallenged, 1)
        XCTAssertEqual(device.ike.statistics.cookieAccepted, 1)
        var third = try initiator()
        XCTAssertNil(send(third.initRequest(cookie: [1, 2, 3])), "a wrong cookie is dropped")
        XCTAssertEqual(device.ike.statistics.cookieRejected, 1)
    }

    func testHalfOpenSAsExpire() throws {
        var i = try initiator()
        XCTAssertEqual(i.handleInitResponse(try XCTUnwrap(send(i.initRequest()))), .accepted)
        XCTAssertEqual(device.ike.halfOpenCount, 1)
        scheduler.advance(by: device.ike.halfOpenTimeout + 1)
        XCTAssertEqual(device.ike.halfOpenCount, 0)
        XCTAssertTrue(device.ike.sas.isEmpty)
    }

    func testUnknownCriticalPayloadIsRefused() throws {
        var i = try initiator()
        let request = i.initRequest(extraPayloads: [.unknown(UnknownPayload(type: PayloadType(rawValue: 200), critical: true, body: [1]))])
        let answer = try IKEMessage.decode(try XCTUnwrap(send(request)))
        XCTAssertEqual(answer.notifies, [.unsupportedCriticalPayload(PayloadType(rawValue: 200))])
        XCTAssertEqual(device.ike.statistics.unsupportedCritical, 1)
    }

    func testBadInputIsCountedNeverFatal() throws {
        var i = try initiator()
        try connect(&i)
        let good = try i.request(.informational, [])
        let before = device.ike.statistics
        XCTAssertNil(send([]))
        XCTAssertNil(send([1, 2, 3]))
        XCTAssertNil(send(Array(good.prefix(40))))
        var wrongSPI = good
        wrongSPI[8] ^= 0xFF
        XCTAssertNil(send(wrongSPI))
        var tampered = good
        tampered[tampered.count - 1] ^= 1
        XCTAssertNil(send(tampered))
        let after = device.ike.statistics
        XCTAssertEqual(after.malformed - before.malformed, 3)
        XCTAssertEqual(after.unknownSPI - before.unknownSPI, 1)
        XCTAssertEqual(after.integrityFailures - before.integrityFailures, 1)
        XCTAssertEqual(after.droppedAtDispatch - before.droppedAtDispatch, 3, "unparseable headers and the unknown SPI")
        // Random mutations of real messages: answered or dropped, never a trap; the SA survives.
        let rng = SeededRandom(seed: 42)
        let samples = [i.initRequest(), good]
        for n in 0..<3000 {
            var bytes = samples[n % 2]
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes[at] = UInt8(truncatingIfNeeded: rng.next())
            }
            if rng.next() % 5 == 0 { bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count)))) }
            _ = send(bytes)
        }
        XCTAssertEqual(device.sessions.count, 1)
        XCTAssertTrue(try i.open(try XCTUnwrap(send(good))).payloads.isEmpty, "the SA still answers")
    }

    func testStatsRenderer() throws {
        var i = try initiator()
        try connect(&i)
        var lines: [String] = []
        IKEv2StatsRenderer.render(device: device) { lines.append($0) }
        XCTAssertTrue(lines.contains("Total incoming IKEv2 SA Count:    1        active:        1        negotiating: 0"),
                      lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains("Incoming IKEv2 Requests: 1        accepted:      1        rejected:    0"))
    }
}

/// The responder on the FlexVPN configuration model, configured as on IOS XE.
final class IKEResponderConfigModelTests: XCTestCase {
    let client = IKEEndpoint(IPv4Address(127, 0, 0, 1), 40_000)
    let router = IKEEndpoint(IPv4Address(127, 0, 0, 1), 5500)

    func device(_ extra: [String] = []) -> (Device, IOSShell) {
        let time = ManualTimeSource(start: 1_400_000_000)
        let device = Device(time: time, random: SeededRandom(seed: 3))
        device.accounting.scheduler = ManualScheduler(time: time)
        let shell = IOSShell(device: device)
        for line in ["enable", "configure terminal", "aaa new-model",
                     "crypto ikev2 authorization policy default", "pool POOL", "dns 10.0.0.53", "exit",
                     "crypto ikev2 keyring KR", "peer any", "address 0.0.0.0 0.0.0.0", "pre-shared-key local routerkey",
                     "pre-shared-key remote clientkey", "exit", "exit",
                     "crypto ikev2 profile FLEX", "match identity remote fqdn domain lab", "identity local fqdn flexvpn.lab",
                     "authentication remote pre-share", "authentication local pre-share", "keyring local KR", "exit",
                     "ip local pool POOL 10.77.0.1 10.77.0.9"] + extra + ["end"] {
            _ = shell.submit(line)
        }
        return (device, shell)
    }

    func testProfileKeyringAndPoolDecide() throws {
        let (device, _) = device()
        XCTAssertEqual(device.config.flexVPN.profiles.count, 1)
        // The client signs with the keyring's remote key and checks ours with the local key.
        var i = try IKEInitiator(offer: IKEv2ProposalConfig.iosDefault.offer(), group: .ecp256, identity: .fqdn("host.lab"),
                                 preSharedKey: Array("clientkey".utf8))
        let initResponse = try XCTUnwrap(device.handleIKEDatagram(i.initRequest(), from: client, to: router))
        XCTAssertEqual(i.handleInitResponse(initResponse), .accepted)
        let answer = try i.open(try XCTUnwrap(device.handleIKEDatagram(try i.authRequest(), from: client, to: router)))
        XCTAssertEqual(answer.identificationResponder, .fqdn("flexvpn.lab"))
        i.preSharedKey = Array("routerkey".utf8)
        XCTAssertTrue(i.verifyResponderAuth(answer, initResponse: initResponse), "our AUTH with the local key")
        XCTAssertEqual(answer.configuration?.values(of: .internalIP4Address), [[10, 77, 0, 1]])
        XCTAssertEqual(answer.configuration?.values(of: .internalIP4DNS), [[10, 0, 0, 53]])
        var session: Session?
        device.sessions.forEach { session = $0 }
        XCTAssertEqual(session?.userName, "host.lab")
        XCTAssertEqual(session?.framedIP, IPv4Address(10, 77, 0, 1))
        XCTAssertEqual(session?.peerPort, 40_000)
        XCTAssertEqual(device.authorization(uniqueId: session?.uniqueId ?? 0)?.profile, "FLEX")
        // The address goes back to the pool when the client deletes its SA.
        XCTAssertEqual(device.addressPools.inUseCount("POOL"), 1)
        _ = device.handleIKEDatagram(try i.request(.informational, [.delete(.ikeSA)]), from: client, to: router)
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertEqual(device.addressPools.inUseCount("POOL"), 0)
        var next = try IKEInitiator(offer: IKEv2ProposalConfig.iosDefault.offer(), group: .ecp256, identity: .fqdn("other.lab"),
                                    preSharedKey: Array("clientkey".utf8))
        XCTAssertEqual(next.handleInitResponse(try XCTUnwrap(device.handleIKEDatagram(next.initRequest(), from: client, to: router))),
                       .accepted)
        let second = try next.open(try XCTUnwrap(device.handleIKEDatagram(try next.authRequest(), from: client, to: router)))
        // The pool hands its addresses out in turn.
        XCTAssertEqual(second.configuration?.values(of: .internalIP4Address), [[10, 77, 0, 2]])
    }

    func testNoMatchingProfileAndWrongKeyAreRefused() throws {
        let (device, _) = device()
        for (identity, key) in [("host.example.com", "clientkey"), ("host.lab", "routerkey")] {
            var i = try IKEInitiator(offer: IKEv2ProposalConfig.iosDefault.offer(), group: .ecp256, identity: .fqdn(identity),
                                     preSharedKey: Array(key.utf8))
            XCTAssertEqual(i.handleInitResponse(try XCTUnwrap(device.handleIKEDatagram(i.initRequest(), from: client, to: router))),
                           .accepted)
            let answer = try i.open(try XCTUnwrap(device.handleIKEDatagram(try i.authRequest(), from: client, to: router)))
            XCTAssertEqual(answer.notifies.map(\.type), [.authenticationFailed], identity)
        }
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertTrue(device.ike.sas.isEmpty)
    }
}
