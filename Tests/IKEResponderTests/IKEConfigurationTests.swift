import XCTest
@testable import Device
import IKEv2
import RADIUS
import RADIUSTestSupport
import Renderers
import Shell

private final class DebugConsole: ConsoleSink {
    var lines: [String] = []
    func deviceLog(_ line: String) { lines.append(line) }
}

/// `crypto ikev2 proposal`/`policy`, `cookie-challenge`, `limit max-in-negotiation-sa` and
/// `keyring aaa`, typed at the console, deciding what the responder does.
final class IKEConfigurationTests: XCTestCase {
    let client = IKEEndpoint(IPv4Address(127, 0, 0, 1), 40_000)
    let router = IKEEndpoint(IPv4Address(127, 0, 0, 1), 5500)
    var time: ManualTimeSource!
    var scheduler: ManualScheduler!
    var device: Device!
    var shell: IOSShell!
    fileprivate var server: TestRADIUSServer!
    fileprivate var console: DebugConsole!

    override func setUp() {
        time = ManualTimeSource(start: 1_400_000_000)
        device = Device(time: time, random: SeededRandom(seed: 11))
        scheduler = ManualScheduler(time: time)
        device.accounting.scheduler = scheduler
        server = TestRADIUSServer()
        server.device = device
        device.accounting.transport = server
        console = DebugConsole()
        device.console = console
        device.ike.settings.preSharedKey = "cisco123"
        shell = IOSShell(device: device)
        _ = shell.submit("enable")
    }

    @discardableResult
    func configure(_ lines: [String]) -> String {
        var out = shell.submit("configure terminal")
        for line in lines { out += shell.submit(line) }
        out += shell.submit("end")
        return out
    }

    func initiator(_ proposal: IKEv2ProposalConfig = .iosDefault, group: DHGroupID = .ecp256,
                   identity: IdentificationPayload = .fqdn("client@lab"), psk: String = "cisco123") throws -> IKEInitiator {
        try IKEInitiator(offer: proposal.offer(), group: group, identity: identity, preSharedKey: Array(psk.utf8))
    }

    func initAnswer(_ i: inout IKEInitiator, to local: IKEEndpoint? = nil) throws -> IKEInitiator.InitOutcome {
        i.handleInitResponse(try XCTUnwrap(device.handleIKEDatagram(i.initRequest(), from: client, to: local ?? router)))
    }

    static let gcm = IKEv2ProposalConfig(name: "gcm", encryptions: [.aesGCM16(keyBits: 256)], integrities: [],
                                         prfs: [.hmacSHA2_256], groups: [.ecp256])

    // MARK: proposals and policies

    func testWithoutAPolicyTheDefaultProposalAppliesAndAPolicyReplacesIt() throws {
        // The configuration's default proposal is the IKEv2 module's (the initiators offer that one).
        XCTAssertEqual(IKEv2ProposalDefinition.iosDefault.offer, IKEv2ProposalConfig.iosDefault)
        var plain = try initiator()
        XCTAssertEqual(try initAnswer(&plain), .accepted, "IOS's default proposal")
        var gcmClient = try initiator(Self.gcm)
        XCTAssertEqual(try initAnswer(&gcmClient), .refused(.noProposalChosen), "AES-GCM is not in the default proposal")

        let out = configure(["crypto ikev2 proposal GCM", "encryption aes-gcm-256", "prf sha256", "group 19", "exit",
                             "crypto ikev2 policy POL", "proposal GCM", "exit"])
        XCTAssertTrue(out.contains("IKEv2 proposal MUST either have"), out)
        XCTAssertTrue(out.contains("IKEv2 policy MUST have at least one complete proposal attached"), out)
        var gcmAgain = try initiator(Self.gcm)
        XCTAssertEqual(try initAnswer(&gcmAgain), .accepted)
        XCTAssertEqual(device.ike.sas.values.map(\.suite.encryption).filter { $0 == .aesGCM16(keyBits: 256) }.count, 1)
        var plainAgain = try initiator()
        XCTAssertEqual(try initAnswer(&plainAgain), .refused(.noProposalChosen), "the policy replaced the default one")
        XCTAssertEqual(device.ike.statistics.noProposalChosen, 2)
    }

    func testAPolicyForAnotherLocalAddressLeavesNoneAndAnIncompleteProposalIsRefused() throws {
        var out = configure(["crypto ikev2 proposal HALF", "encryption aes-cbc-256", "exit",
                             "crypto ikev2 policy POL", "proposal HALF", "proposal NONE", "match address local 10.0.0.1",
                             "proposal default"])
        XCTAssertTrue(out.contains("Proposal HALF is not complete to be attached to policy"), out)
        XCTAssertTrue(out.contains("% No Proposal exists with the specified name NONE"), out)
        XCTAssertEqual(device.config.flexVPN.policies.first?.proposals, ["default"])
        var i = try initiator()
        XCTAssertEqual(try initAnswer(&i), .refused(.noProposalChosen), "no policy matches 127.0.0.1")
        XCTAssertEqual(try initAnswer(&i, to: IKEEndpoint(IPv4Address(10, 0, 0, 1), 500)), .accepted)
        // Completed, the proposal can be attached.
        out = configure(["crypto ikev2 proposal HALF", "integrity sha256 sha512", "group 14", "exit",
                         "crypto ikev2 policy POL", "proposal HALF"])
        XCTAssertFalse(out.contains("not complete"), out)
        XCTAssertEqual(device.config.flexVPN.policies.first?.proposals, ["default", "HALF"])
        // Without `prf`, the integrity algorithms are the PRFs.
        XCTAssertEqual(device.config.flexVPN.proposal(named: "HALF")?.offer.prfs, [.hmacSHA2_256, .hmacSHA2_512])
    }

    func testMismatchDebugListsTheirProposalsAndOurs() throws {
        configure(["crypto ikev2 proposal CBC", "encryption aes-cbc-128", "integrity sha256", "group 14", "exit",
                   "crypto ikev2 policy POL", "proposal CBC"])
        _ = shell.submit("debug crypto ikev2")
        var i = try initiator()
        XCTAssertEqual(try initAnswer(&i), .refused(.noProposalChosen))
        let text = console.lines.joined(separator: "\n")
        // The policy search without the SA's ids, as IOS prints it.
        XCTAssertTrue(console.lines.contains { $0.hasSuffix(": IKEv2:Searching Policy with fvrf 0, local address 127.0.0.1") }, text)
        XCTAssertTrue(console.lines.contains { $0.hasSuffix(": IKEv2:Found Policy 'POL'") }, text)
        // Each list on its heading's line (stamped as `service timestamps debug` says).
        let error = ": IKEv2-ERROR:(SESSION ID = 1,SA ID = 1):"
        for expected in [
            error + "Received Policies: : Failed to find a matching policyProposal 1:  ENCRYPTION: AES-CBC-256 "
                + "PRF: SHA512 SHA384 INTEGRITY: SHA512 SHA384 DH GROUP: DH_GROUP_256_ECP/Group 19 DH_GROUP_2048_MODP/Group 14 "
                + "DH_GROUP_521_ECP/Group 21 DH_GROUP_1536_MODP/Group 5",
            error + "Expected Policies: : Failed to find a matching policyProposal 1:  ENCRYPTION: AES-CBC-128 PRF: SHA256 "
                + "INTEGRITY: SHA256 DH GROUP: DH_GROUP_2048_MODP/Group 14",
            error + ": Failed to find a matching policy",
        ] {
            XCTAssertTrue(console.lines.contains { $0.hasSuffix(expected) }, expected + "\n" + text)
        }
    }

    func testCookieChallengeAndTheHalfOpenBoundComeFromTheConfiguration() throws {
        configure(["crypto ikev2 cookie-challenge 2", "crypto ikev2 limit max-in-negotiation-sa 3 incoming"])
        var clients: [IKEInitiator] = []
        for _ in 0..<2 {
            var i = try initiator()
            XCTAssertEqual(try initAnswer(&i), .accepted)
            clients.append(i)
        }
        var third = try initiator()
        guard case .cookie(let cookie) = try initAnswer(&third) else { return XCTFail("no cookie asked past 2 half-open SAs") }
        XCTAssertEqual(third.handleInitResponse(try XCTUnwrap(device.handleIKEDatagram(third.initRequest(cookie: cookie),
                                                                                         from: client, to: router))), .accepted)
        XCTAssertEqual(device.ike.halfOpenCount, 3)
        // The bound: further IKE_SA_INITs are dropped and counted, one syslog line however many.
        for _ in 0..<3 {
            var more = try initiator()
            XCTAssertNil(device.handleIKEDatagram(more.initRequest(), from: client, to: router))
        }
        XCTAssertEqual(device.ike.statistics.halfOpenLimit, 3)
        XCTAssertEqual(device.ike.halfOpenCount, 3)
        XCTAssertEqual(console.lines.filter { $0.contains("%IKEV2-5-SA_REJECTED_LIMIT_REACHED") }.count, 1)
        let stats = shell.submit("show crypto ikev2 stats")
        XCTAssertTrue(stats.contains("Max in nego(in/out): 3/400"), stats)
        XCTAssertTrue(stats.contains("SA limit:    3"), stats)
        // Unconfigured, the documented default bound stands.
        configure(["no crypto ikev2 limit max-in-negotiation-sa 3", "no crypto ikev2 cookie-challenge 2"])
        XCTAssertEqual(device.config.flexVPN.global.incomingHalfOpenLimit, IKEv2GlobalSettings.defaultMaxInNegotiation)
        XCTAssertTrue(shell.submit("show crypto ikev2 stats").contains("Max in nego(in/out): 4096/400"))
        var after = try initiator()
        XCTAssertEqual(try initAnswer(&after), .accepted)
    }

    func testTheDefaultHalfOpenBoundHoldsAFlood() throws {
        // Unconfigured: 4,096 half-open SAs are kept, the next IKE_SA_INITs are dropped.
        let bound = IKEv2GlobalSettings.defaultMaxInNegotiation
        var i = try initiator()
        let request = i.initRequest()
        // The same request from as many ports: a new half-open SA each (not a retransmission).
        for n in 0..<(bound + 10) {
            _ = device.handleIKEDatagram(request, from: IKEEndpoint(IPv4Address(127, 0, 0, 2), UInt16(20_000 + n)), to: router)
        }
        XCTAssertEqual(device.ike.halfOpenCount, bound)
        XCTAssertEqual(device.ike.statistics.halfOpenLimit, 10)
        XCTAssertEqual(console.lines.filter { $0.contains("in-negotiation SA limit (4096) was reached") }.count, 1)
        // As they expire there is room again.
        scheduler.advance(by: device.ike.halfOpenTimeout + 1)
        XCTAssertEqual(device.ike.halfOpenCount, 0)
        var next = try initiator()
        XCTAssertEqual(try initAnswer(&next), .accepted)
    }

    func testRunningConfigShowsAndTheStartupConfigRoundTrip() throws {
        configure(["crypto ikev2 proposal GCM", "encryption aes-gcm-256 aes-gcm-128", "prf sha384 sha256", "group 19 31",
                   "exit", "crypto ikev2 policy POL", "match fvrf any", "match address local 127.0.0.1", "proposal GCM",
                   "exit", "crypto ikev2 cookie-challenge 10", "crypto ikev2 limit max-in-negotiation-sa 50"])
        let running = shell.submit("show running-config")
        XCTAssertTrue(running.contains("""
            crypto ikev2 proposal GCM\u{20}
             encryption aes-gcm-256 aes-gcm-128
             prf sha384 sha256
             group 19 31
            !
            crypto ikev2 policy POL\u{20}
             match fvrf any
             match address local 127.0.0.1
             proposal GCM
            !
            """), running)
        XCTAssertTrue(running.contains("crypto ikev2 limit max-in-negotiation-sa 50\ncrypto ikev2 cookie-challenge 10\n"), running)
        XCTAssertEqual(shell.submit("show crypto ikev2 proposal GCM"), """
             IKEv2 proposal: GCM\u{20}
                 Encryption : AES-GCM-256 AES-GCM-128
                 PRF        : SHA384 SHA256
                 DH Group   : DH_GROUP_256_ECP/Group 19 DH_GROUP_CURVE_25519/Group 31

            """)
        XCTAssertTrue(shell.submit("show crypto ikev2 policy").contains("      Match address local : 127.0.0.1 \n"))
        // The same text as a startup-config gives the same model.
        let copy = Device(time: time, random: SeededRandom(seed: 1),
                          startupStore: MemoryStartupConfigStore(text: running.components(separatedBy: "\n").dropFirst(3)
                            .joined(separator: "\n")))
        _ = IOSShell(device: copy).loadStartupConfig()
        XCTAssertEqual(copy.config.flexVPN.proposals, device.config.flexVPN.proposals)
        XCTAssertEqual(copy.config.flexVPN.policies, device.config.flexVPN.policies)
        XCTAssertEqual(copy.config.flexVPN.global, device.config.flexVPN.global)
    }

    // MARK: AAA pre-shared keys

    /// A profile whose keys come from RADIUS for the name the mangler makes of an e-mail identity.
    func configureAAAKeyring() {
        configure(["aaa new-model", "radius server KEYS", "address ipv4 127.0.0.1 auth-port 1812 acct-port 1813",
                   "key \(TestRADIUSServer.secret)", "exit", "aaa group server radius RG", "server name KEYS", "exit",
                   "aaa authorization network AAAPSK group RG",
                   "crypto ikev2 name-mangler NM", "email username", "exit",
                   "crypto ikev2 authorization policy default", "pool POOL", "exit",
                   "ip local pool POOL 10.88.0.1 10.88.0.9",
                   "crypto ikev2 profile AAA", "match identity remote any", "identity local fqdn flexvpn.lab",
                   "authentication remote pre-share", "authentication local pre-share",
                   "keyring aaa AAAPSK name-mangler NM", "exit"])
    }

    static func keys(remote: String?, local: String?) -> [RADIUSAttribute] {
        [remote.map { "ipsec:ikev2-password-remote=" + $0 }, local.map { "ipsec:ikev2-password-local=" + $0 }]
            .compactMap { $0 }.map { RADIUSAttribute.ciscoAVPair($0) }
    }

    /// IKE_SA_INIT, then the IKE_AUTH request; returns the answer once the server has answered.
    func authenticate(_ i: inout IKEInitiator) throws -> (IKEMessage, [UInt8]) {
        let initResponse = try XCTUnwrap(device.handleIKEDatagram(i.initRequest(), from: client, to: router))
        XCTAssertEqual(i.handleInitResponse(initResponse), .accepted)
        var sent: [IKEOutboundDatagram] = []
        device.ike.transmit = { sent.append($0) }
        XCTAssertNil(device.handleIKEDatagram(try i.authRequest(), from: client, to: router), "the answer waits for RADIUS")
        server.pump()
        return (try i.open(try XCTUnwrap(sent.last).bytes), initResponse)
    }

    func testAAAKeysAskForTheMangledNameAndSignBothAUTHs() throws {
        configureAAAKeyring()
        server.users["branch"] = Self.keys(remote: "client-side", local: "router-side")
        _ = shell.submit("debug crypto ikev2")
        var i = try initiator(identity: .rfc822("branch@aaa.lab"), psk: "client-side")
        let (answer, initResponse) = try authenticate(&i)
        for line in [":Get peer's preshared key for branch@aaa.lab", ":Use preshared key for id branch@aaa.lab, key len 11",
                     ":Verification of peer's authenctication data PASSED"] {
            XCTAssertTrue(console.lines.contains { $0.hasSuffix(line) }, line)
        }
        XCTAssertEqual(server.accessRequests.count, 1, "authorization uses the same Accept, not a second request")
        let request = try XCTUnwrap(server.accessRequests.first)
        XCTAssertEqual(request.first(RADIUSAttributeType.userName)?.stringValue, "branch")
        XCTAssertEqual(request.first(RADIUSAttributeType.userPassword).flatMap {
            UserPassword.decrypt($0.value, secret: Array(TestRADIUSServer.secret.utf8), authenticator: request.authenticator)
        }, Array("cisco".utf8))
        XCTAssertTrue(answer.notifies.isEmpty, "\(answer.notifies)")
        i.preSharedKey = Array("router-side".utf8)
        XCTAssertTrue(i.verifyResponderAuth(answer, initResponse: initResponse), "our AUTH with ikev2-password-local")
        XCTAssertEqual(answer.configuration?.values(of: .internalIP4Address), [[10, 88, 0, 1]])
        XCTAssertEqual(device.sessions.count, 1)
    }

    func testAAAKeyFailuresRefuseAndLeaveNothing() throws {
        configureAAAKeyring()
        server.users["keyless"] = [.ciscoAVPair("ipsec:addr-pool=POOL")]
        server.users["branch"] = Self.keys(remote: "right", local: nil)
        // Rejected, an Accept without a key, and a wrong key for the server's.
        for (user, psk) in [("stranger", "x"), ("keyless", "x"), ("branch", "wrong")] {
            var i = try initiator(identity: .rfc822(user + "@aaa.lab"), psk: psk)
            let (answer, _) = try authenticate(&i)
            XCTAssertEqual(answer.notifies.map(\.type), [.authenticationFailed], user)
        }
        XCTAssertEqual(device.ike.statistics.authenticationFailures, 3)
        XCTAssertTrue(device.ike.sas.isEmpty)
        XCTAssertEqual(device.sessions.count, 0)
        XCTAssertEqual(device.addressPools.inUseCount("POOL"), 0)
        // No server answers: the AAA client's retransmissions, then AUTHENTICATION_FAILED.
        server.silent = true
        var i = try initiator(identity: .rfc822("branch@aaa.lab"), psk: "right")
        XCTAssertEqual(try initAnswer(&i), .accepted)
        var sent: [IKEOutboundDatagram] = []
        device.ike.transmit = { sent.append($0) }
        XCTAssertNil(device.handleIKEDatagram(try i.authRequest(), from: client, to: router))
        for _ in 0..<30 where sent.isEmpty {
            server.pump()
            scheduler.advance(by: 1)
        }
        XCTAssertGreaterThan(server.accessRequests.count, 4, "retransmitted")
        XCTAssertEqual(try i.open(try XCTUnwrap(sent.last).bytes).notifies.map(\.type), [.authenticationFailed])
        XCTAssertTrue(device.ike.sas.isEmpty)
        // A mangler that gives no name (an FQDN identity, an e-mail rule) sends nothing.
        let before = server.accessRequests.count
        var fqdn = try initiator(identity: .fqdn("host.aaa.lab"))
        XCTAssertEqual(try initAnswer(&fqdn), .accepted)
        let refused = try fqdn.open(try XCTUnwrap(device.handleIKEDatagram(try fqdn.authRequest(), from: client, to: router)))
        XCTAssertEqual(refused.notifies.map(\.type), [.authenticationFailed])
        XCTAssertEqual(server.accessRequests.count, before)
    }

    func testTheNameManglerRules() {
        var m = IKEv2NameMangler(name: "NM")
        m.email = .username
        m.fqdn = .hostname
        XCTAssertEqual(device.config.flexVPN.nameManglers.count, 0)
        device.config.flexVPN.nameManglers = [m]
        XCTAssertEqual(device.aaaKeyringName(.email("branch@aaa.lab"), nameMangler: "NM"), "branch")
        XCTAssertEqual(device.aaaKeyringName(.fqdn("host.aaa.lab"), nameMangler: "NM"), "host")
        XCTAssertNil(device.aaaKeyringName(.address(IPv4Address(10, 0, 0, 1)), nameMangler: "NM"))
        XCTAssertNil(device.aaaKeyringName(.email("a@b"), nameMangler: "MISSING"))
        XCTAssertEqual(device.aaaKeyringName(.fqdn("host.aaa.lab"), nameMangler: nil), "host.aaa.lab")
    }
}
