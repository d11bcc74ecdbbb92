import Device
import RADIUS
import RADIUSTestSupport
import Shell
import XCTest

final class LifecycleFixture {
    static let config = """
        aaa new-model
        radius server R1
         address ipv4 127.0.0.1 auth-port 1812 acct-port 1813
         key testing123
        aaa group server radius RAD
         server name R1
        aaa authorization network AUTHZ group RAD
        aaa authorization network LOCAL local
        aaa accounting network ACCT start-stop group RAD
        aaa server radius dynamic-author
         client 127.0.0.1 server-key testing123
         port 3799
        crypto ikev2 name-mangler NM
         email username
        crypto ikev2 authorization policy default
         pool POOL
         dns 10.0.0.53
        ip local pool POOL 10.99.0.1 10.99.0.3
        crypto ikev2 profile FLEX
         match identity remote email domain lab
         authentication remote pre-share
         authentication local pre-share
         aaa authorization group psk list AUTHZ name-mangler NM
         aaa accounting psk ACCT
         virtual-template 1
        """

    let time = ManualTimeSource(start: CivilTime.epochSeconds(year: 2026, month: 3, day: 2, hour: 10, minute: 0, second: 0))
    let device: Device
    let shell: IOSShell
    let scheduler: ManualScheduler
    let server = TestRADIUSServer()
    let console = TestConsole()

    init(extra: String = "") {
        device = Device(time: time, random: SeededRandom(seed: 3),
                        startupStore: MemoryStartupConfigStore(text: LifecycleFixture.config + "\n" + extra))
        scheduler = ManualScheduler(time: time)
        device.accounting.scheduler = scheduler
        device.accounting.transport = server
        server.device = device
        shell = IOSShell(device: device)
        device.console = console
        _ = shell.loadStartupConfig()
        _ = shell.submit("enable")
    }

    /// Runs a line; returns its output and the console lines the server's answers caused.
    @discardableResult
    func type(_ line: String) -> String {
        let seen = console.logs.count
        let out = shell.submit(line)
        server.pump()
        return out + console.logs[seen...].map { $0 + "\n" }.joined()
    }

    func advance(_ seconds: Double) {
        // 1/16 s at a time (exact in binary, so whole-second timers fall due exactly), the server
        // answering each step's packets as they go.
        let target = scheduler.now + seconds
        while scheduler.now < target {
            scheduler.advance(to: min(scheduler.now + 0.0625, target))
            server.pump()
        }
    }

    /// A CoA-Request from the test's DAC at 127.0.0.1 through the DAS's datagram path.
    func coa(_ attributes: [RADIUSAttribute]) -> RADIUSPacket? {
        var packet = RADIUSPacket(code: .coaRequest, identifier: 7, attributes: attributes)
        let bytes = RADIUSAuth.signRequest(&packet, secret: TestRADIUSServer.secret)
        guard let reply = device.handleDASDatagram(bytes, from: (IPv4Address(127, 0, 0, 1), 40000), localPort: 3799)
        else { return nil }
        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(reply, requestAuthenticator: packet.authenticator,
                                                             secret: TestRADIUSServer.secret))
        server.pump()
        return try? RADIUSPacket.decode(reply)
    }

    var onlySession: Session? {
        var found: [Session] = []
        device.sessions.forEach { found.append($0) }
        return found.count == 1 ? found[0] : nil
    }
}

final class FlexVPNLifecycleTests: XCTestCase {
    func testIPRadiusSourceInterfaceIsTheNASIPAddressOfEveryRequestAndOfTheDAS() throws {
        let f = LifecycleFixture()
        f.server.users["alice"] = []
        for line in ["configure terminal", "interface Loopback5", "ip address 10.5.5.5 255.255.255.255",
                     "ip radius source-interface Loopback5", "end"] { _ = f.type(line) }
        XCTAssertTrue(f.type("show running-config").contains("\nip radius source-interface Loopback5\n!\n"))
        XCTAssertTrue(f.type("lab session connect alice@lab peer 192.0.2.7").contains("session up"))
        let request = try XCTUnwrap(f.server.accessRequests.first)
        XCTAssertEqual(request.first(RADIUSAttributeType.nasIPAddress)?.ipv4Value, IPv4Address(10, 5, 5, 5))
        let start = try XCTUnwrap(f.server.accountingRequests.first)
        XCTAssertEqual(start.first(RADIUSAttributeType.nasIPAddress)?.ipv4Value, IPv4Address(10, 5, 5, 5))
        // The DAS is that NAS now: the old address is another NAS's.
        let session = try XCTUnwrap(f.onlySession)
        let id: RADIUSAttribute = .ciscoAVPair("audit-session-id=" + session.auditSessionId)
        XCTAssertEqual(f.coa([id, .ipv4(RADIUSAttributeType.nasIPAddress, IPv4Address(192, 168, 202, 1))])?
            .first(RADIUSAttributeType.errorCause)?.integerValue, 403)
        XCTAssertEqual(f.coa([id, .ipv4(RADIUSAttributeType.nasIPAddress, IPv4Address(10, 5, 5, 5)),
                              .integer(RADIUSAttributeType.sessionTimeout, 600)])?.code, .coaACK)
        // Down, or removed: GigabitEthernet1's address again.
        for line in ["configure terminal", "interface Loopback5", "shutdown", "end"] { _ = f.type(line) }
        XCTAssertEqual(f.device.nasIPAddress, IPv4Address(192, 168, 202, 1))
        for line in ["configure terminal", "interface Loopback5", "no shutdown", "end"] { _ = f.type(line) }
        XCTAssertEqual(f.device.nasIPAddress, IPv4Address(10, 5, 5, 5))
        for line in ["configure terminal", "no ip radius source-interface", "end"] { _ = f.type(line) }
        XCTAssertEqual(f.device.nasIPAddress, IPv4Address(192, 168, 202, 1))
    }

    func testAccessRequestAsFlexVPNSendsItAndTheAcceptIsApplied() throws {
        let f = LifecycleFixture()
        f.server.users["alice"] = [
            .integer(RADIUSAttributeType.sessionTimeout, 3600), .integer(RADIUSAttributeType.idleTimeout, 600),
            .string(RADIUSAttributeType.class, "gold"), .ciscoAVPair("ipsec:dns-servers=10.1.1.53 10.1.1.54"),
            .ciscoAVPair("ipsec:inacl=USERS"), .ciscoAVPair("ip:interface-config=service-policy output QOS"),
        ]
        let out = f.type("lab session connect alice@lab peer 192.0.2.7")
        XCTAssertTrue(out.contains("% Lab: session up: Unique Id 1, user alice@lab, peer 192.0.2.7, profile FLEX, address 10.99.0.1"), out)

        // The Access-Request: the name mangler's user name, PAP `cisco`, the peer, the NAS address.
        let request = try XCTUnwrap(f.server.accessRequests.first)
        XCTAssertEqual(request.first(RADIUSAttributeType.userName)?.stringValue, "alice")
        XCTAssertEqual(request.first(RADIUSAttributeType.callingStationId)?.stringValue, "192.0.2.7")
        XCTAssertEqual(request.first(RADIUSAttributeType.nasIPAddress)?.ipv4Value, IPv4Address(192, 168, 202, 1))
        XCTAssertTrue(request.contains(RADIUSAttributeType.messageAuthenticator))

        // Applied: the pool address of the default policy, the server's DNS over the policy's, Class echoed.
        let session = try XCTUnwrap(f.onlySession)
        XCTAssertEqual(session.framedIP, IPv4Address(10, 99, 0, 1))
        let applied = try XCTUnwrap(f.device.authorization(uniqueId: session.uniqueId)).attributes
        XCTAssertEqual(applied.dnsServers, [IPv4Address(10, 1, 1, 53), IPv4Address(10, 1, 1, 54)])
        XCTAssertEqual(applied.inacl, "USERS")
        XCTAssertEqual(applied.sessionTimeout, 3600)
        let start = try XCTUnwrap(f.server.accountingRequests.first)
        XCTAssertEqual(start.first(RADIUSAttributeType.acctStatusType)?.integerValue, 1)
        XCTAssertEqual(start.first(RADIUSAttributeType.class)?.value, Array("gold".utf8))
        XCTAssertEqual(start.first(RADIUSAttributeType.framedIPAddress)?.ipv4Value, IPv4Address(10, 99, 0, 1))

        XCTAssertTrue(f.type("show aaa sessions").contains("   IP Address: 10.99.0.1\n"))
        let user = f.type("show aaa user 1")
        for text in ["addr(8) 4 10.99.0.1", "timeout(27) 4 3600", "idletime(28) 4 600", "class(25) 4 gold",
                     "ipsec:inacl=USERS", "ip:interface-config=service-policy output QOS"] {
            XCTAssertTrue(user.contains(text), "\(text) missing:\n\(user)")
        }
        let detail = f.type("show crypto session detail")
        XCTAssertTrue(detail.contains("Profile: FLEX\n"), detail)
        XCTAssertTrue(detail.contains("      Assigned address: 10.99.0.1\n"), detail)
        XCTAssertTrue(f.type("show ip local pool").contains(" POOL                     10.99.0.1       10.99.0.3          2       1         0"))
    }

    func testRejectAndSilenceLeaveNothingBehind() throws {
        let f = LifecycleFixture()
        f.device.debug.radiusAuthentication = true
        let out = f.type("lab session connect mallory@lab")
        XCTAssertTrue(out.contains("% Lab: session for mallory@lab refused: Access-Reject (group authorization)"), out)
        XCTAssertTrue(f.console.logs.contains { $0.contains("Access-Reject, len") }, f.console.logs.joined(separator: "\n"))
        XCTAssertEqual(f.device.sessions.count, 0)
        XCTAssertEqual(f.device.flexVPNSessions.failedConnects, 1)
        XCTAssertEqual(f.device.addressPools.inUseCount("POOL"), 0)
        XCTAssertTrue(f.server.accountingRequests.isEmpty)

        // No server answering: 3 retransmits, then refused after 4 x 5 s; nothing held.
        f.server.silent = true
        f.server.users["bob"] = []
        XCTAssertFalse(f.type("lab session connect bob@lab").contains("% Lab"), "the answer is still awaited")
        f.advance(19)
        XCTAssertEqual(f.server.accessRequests.count, 1 + 1 + 3, "mallory's, then bob's and 3 retransmits")
        XCTAssertEqual(f.device.flexVPNSessions.failedConnects, 1)
        f.advance(1)
        XCTAssertTrue(f.console.logs.contains("% Lab: session for bob@lab refused: no RADIUS server answered (group authorization)"),
                      f.console.logs.joined(separator: "\n"))
        XCTAssertEqual(f.device.flexVPNSessions.failedConnects, 2)
        XCTAssertEqual(f.device.sessions.count, 0)
        XCTAssertEqual(f.device.addressPools.inUseCount("POOL"), 0)
    }

    func testPoolExhaustionAndFramedIPAndRelease() throws {
        let f = LifecycleFixture()
        for name in ["u1", "u2", "u3", "u4"] { f.server.users[name] = [] }
        f.server.users["fixed"] = [.ipv4(RADIUSAttributeType.framedIPAddress, IPv4Address(10, 50, 0, 9))]
        for name in ["u1", "u2", "u3"] { f.type("lab session connect \(name)@lab") }
        XCTAssertTrue(f.type("lab session connect u4@lab").contains("refused: ip local pool POOL has no free address"))
        XCTAssertEqual(f.device.sessions.count, 3)
        // Framed-IP-Address wins over the pool.
        XCTAssertTrue(f.type("lab session connect fixed@lab").contains("address 10.50.0.9"))
        f.type("clear crypto session")
        XCTAssertEqual(f.device.addressPools.inUseCount("POOL"), 0)
        // clear crypto session: Admin-Reset in every Stop.
        let stops = f.server.accountingRequests.filter { $0.first(RADIUSAttributeType.acctStatusType)?.integerValue == 2 }
        XCTAssertEqual(stops.count, 4)
        XCTAssertEqual(Set(stops.compactMap { $0.first(RADIUSAttributeType.acctTerminateCause)?.integerValue }), [6])
    }

    func testSessionTimeoutEndsTheSessionWithItsCauseAndTheClass() throws {
        let f = LifecycleFixture()
        f.server.users["alice"] = [.integer(RADIUSAttributeType.sessionTimeout, 30), .string(RADIUSAttributeType.class, "C1")]
        f.type("lab session connect alice@lab")
        f.advance(29)
        XCTAssertEqual(f.device.sessions.count, 1)
        f.advance(1)
        XCTAssertEqual(f.device.sessions.count, 0)
        let stop = try XCTUnwrap(f.server.accountingRequests.last)
        XCTAssertEqual(stop.first(RADIUSAttributeType.acctStatusType)?.integerValue, 2)
        XCTAssertEqual(stop.first(RADIUSAttributeType.acctTerminateCause)?.integerValue, 5)
        XCTAssertEqual(stop.ciscoAVPair("disc-cause-ext"), "Session Timeout")
        XCTAssertEqual(stop.first(RADIUSAttributeType.acctSessionTime)?.integerValue, 30)
        XCTAssertEqual(stop.first(RADIUSAttributeType.class)?.value, Array("C1".utf8))
        XCTAssertEqual(f.device.addressPools.inUseCount("POOL"), 0)
    }

    func testClassesThatWouldPassRADIUSsLengthLimitAreLeftOutAndTheRecordIsStillSigned() throws {
        let f = LifecycleFixture()
        // Fifteen 253-byte Classes fit an Access-Accept (3,825 bytes of them) and the Start, but
        // not the Stop beside its counters: its last ones are left out so it stays ≤ 4096 bytes.
        let classes = (0..<15).map { i in [UInt8](repeating: UInt8(65 + i), count: 253) }
        f.server.users["alice"] = classes.map { RADIUSAttribute(type: RADIUSAttributeType.class, value: $0) }
        f.type("lab session connect alice@lab")
        XCTAssertEqual(f.device.sessions.count, 1)
        f.type("clear crypto session")
        let records = f.server.accountingRequests
        XCTAssertEqual(records.compactMap { $0.first(RADIUSAttributeType.acctStatusType)?.integerValue }, [1, 2])
        for record in records {
            // The server verified each one's Request Authenticator; the length is the encoded one.
            XCTAssertLessThanOrEqual(record.encode().count, RADIUSPacket.maxLength)
            let echoed = record.all(RADIUSAttributeType.class).map(\.value)
            XCTAssertEqual(echoed, Array(classes.prefix(echoed.count)))
            // As many as fit: one more would not have.
            if echoed.count < classes.count { XCTAssertGreaterThan(record.encode().count + 255, RADIUSPacket.maxLength) }
        }
        XCTAssertEqual(records.first?.all(RADIUSAttributeType.class).count, 15)
        XCTAssertEqual(records.last?.all(RADIUSAttributeType.class).count, 14)
    }

    func testIdleTimeoutWaitsForTrafficToStop() throws {
        let f = LifecycleFixture()
        f.server.users["alice"] = [.integer(RADIUSAttributeType.idleTimeout, 60)]
        f.type("lab session connect alice@lab rate 10")
        f.advance(300)
        XCTAssertEqual(f.device.sessions.count, 1, "traffic keeps it up")
        f.type("lab session traffic all rate 0")
        f.advance(59)
        XCTAssertEqual(f.device.sessions.count, 1)
        f.advance(2)
        XCTAssertEqual(f.device.sessions.count, 0)
        let stop = try XCTUnwrap(f.server.accountingRequests.last)
        XCTAssertEqual(stop.first(RADIUSAttributeType.acctTerminateCause)?.integerValue, 4)
        // 300 s at 10 packets a second each way, 100 bytes each.
        XCTAssertEqual(stop.first(RADIUSAttributeType.acctInputPackets)?.integerValue, 3000)
        XCTAssertEqual(stop.first(RADIUSAttributeType.acctOutputOctets)?.integerValue, 300_000)
    }

    func testInterimUpdatesCarryTheCounters() throws {
        let f = LifecycleFixture()
        f.server.users["alice"] = [.integer(RADIUSAttributeType.acctInterimInterval, 60), .string(RADIUSAttributeType.class, "C9")]
        f.type("lab session connect alice@lab")
        f.type("lab session traffic 1 bytes-in 1000 packets-in 10")
        f.advance(125)
        XCTAssertEqual(f.server.statusTypes(), [1, 3, 3])
        let interim = f.server.accountingRequests[1]
        XCTAssertEqual(interim.first(RADIUSAttributeType.acctInputOctets)?.integerValue, 1000)
        XCTAssertEqual(interim.first(RADIUSAttributeType.acctSessionTime)?.integerValue, 60)
        XCTAssertEqual(interim.first(RADIUSAttributeType.class)?.value, Array("C9".utf8))
        XCTAssertNil(interim.first(RADIUSAttributeType.acctTerminateCause))

        // `aaa accounting update periodic 1` alone (no Acct-Interim-Interval) sends every minute too.
        let g = LifecycleFixture(extra: "aaa accounting update periodic 1")
        g.server.users["bob"] = []
        g.type("lab session connect bob@lab")
        g.advance(61)
        XCTAssertEqual(g.server.statusTypes(), [1, 3])
    }

    func testCoAChangesTimeoutsAndNAKsWhatItCannotDo() throws {
        let f = LifecycleFixture(extra: "aaa accounting update newinfo")
        f.server.users["alice"] = [.integer(RADIUSAttributeType.sessionTimeout, 3600)]
        f.type("lab session connect alice@lab")
        let session = try XCTUnwrap(f.onlySession)
        let id: RADIUSAttribute = .ciscoAVPair("audit-session-id=" + session.auditSessionId)
        f.device.debug.aaaCoa = true

        // 401: an attribute FlexVPN's CoA does not change; nothing changes.
        let nak401 = try XCTUnwrap(f.coa([id, .integer(RADIUSAttributeType.sessionTimeout, 10),
                                          .string(RADIUSAttributeType.filterId, "x")]))
        XCTAssertEqual(nak401.code, .coaNAK)
        XCTAssertEqual(nak401.first(RADIUSAttributeType.errorCause)?.integerValue, 401)
        XCTAssertEqual(f.device.authorization(uniqueId: session.uniqueId)?.attributes.sessionTimeout, 3600)
        // 402: no identification; 403: another NAS; 404: no session; 407: a bad value.
        XCTAssertEqual(f.coa([.integer(RADIUSAttributeType.sessionTimeout, 10)])?
            .first(RADIUSAttributeType.errorCause)?.integerValue, 402)
        XCTAssertEqual(f.coa([id, .ipv4(RADIUSAttributeType.nasIPAddress, IPv4Address(10, 0, 0, 1))])?
            .first(RADIUSAttributeType.errorCause)?.integerValue, 403)
        let nak404 = f.coa([.ciscoAVPair("audit-session-id=nope"), .integer(RADIUSAttributeType.sessionTimeout, 10)])
        XCTAssertEqual(nak404?.first(RADIUSAttributeType.errorCause)?.integerValue, 404)
        XCTAssertEqual(nak404?.first(RADIUSAttributeType.replyMessage)?.stringValue, "No Matching Session")
        XCTAssertEqual(f.coa([id, .octets(RADIUSAttributeType.sessionTimeout, [1, 2])])?
            .first(RADIUSAttributeType.errorCause)?.integerValue, 407)
        XCTAssertEqual(f.coa([id, .ciscoAVPair("subscriber:command=explode")])?
            .first(RADIUSAttributeType.errorCause)?.integerValue, 407)
        XCTAssertEqual(f.server.statusTypes(), [1], "no NAK sends newinfo")

        // ACK: the new Session-Timeout runs from now; ACL and QoS applied; newinfo sends an Interim.
        f.advance(100)
        let ack = try XCTUnwrap(f.coa([id, .integer(RADIUSAttributeType.sessionTimeout, 20), .ciscoAVPair("ipsec:inacl=QUARANTINE"),
                                       .ciscoAVPair("ip:interface-config=service-policy output SLOW")]))
        XCTAssertEqual(ack.code, .coaACK)
        XCTAssertEqual(f.server.statusTypes(), [1, 3])
        XCTAssertTrue(f.console.logs.contains { $0.hasSuffix("COA: Applied Session-Timeout 20 to session 00000001") },
                      f.console.logs.joined(separator: "\n"))
        XCTAssertTrue(f.console.logs.contains { $0.hasSuffix("COA: Sending ACK from port 3799 to 127.0.0.1/40000") })
        let applied = f.device.authorization(uniqueId: session.uniqueId)?.attributes
        XCTAssertEqual(applied?.inacl, "QUARANTINE")
        XCTAssertEqual(applied?.interfaceConfig, ["service-policy output SLOW"])
        f.advance(19)
        XCTAssertEqual(f.device.sessions.count, 1)
        f.advance(1)
        XCTAssertEqual(f.device.sessions.count, 0)
        XCTAssertEqual(f.server.accountingRequests.last?.first(RADIUSAttributeType.acctTerminateCause)?.integerValue, 5)
        XCTAssertEqual(f.device.das.statistics.coaACKs, 1)
        XCTAssertEqual(f.device.das.statistics.coaNAKs, 6)
    }

    func testSessionQueryAndReauthenticate() throws {
        let f = LifecycleFixture()
        f.server.users["alice"] = [.integer(RADIUSAttributeType.idleTimeout, 900), .string(RADIUSAttributeType.class, "A")]
        f.type("lab session connect alice@lab peer 192.0.2.9")
        let session = try XCTUnwrap(f.onlySession)
        let query = try XCTUnwrap(f.coa([.string(RADIUSAttributeType.userName, "alice@lab"),
                                         .ciscoAVPair("subscriber:command=session-query")]))
        XCTAssertEqual(query.code, .coaACK)
        XCTAssertEqual(query.first(RADIUSAttributeType.framedIPAddress)?.ipv4Value, IPv4Address(10, 99, 0, 1))
        XCTAssertEqual(query.first(RADIUSAttributeType.idleTimeout)?.integerValue, 900)
        XCTAssertEqual(query.first(RADIUSAttributeType.callingStationId)?.stringValue, "192.0.2.9")
        XCTAssertEqual(query.ciscoAVPair("audit-session-id"), session.auditSessionId)

        // Reauthenticate: the server's new answer replaces the old attributes; the address stays.
        f.server.users["alice"] = [.integer(RADIUSAttributeType.idleTimeout, 120), .string(RADIUSAttributeType.class, "B")]
        let ack = f.coa([.string(RADIUSAttributeType.userName, "alice@lab"), .ciscoAVPair("subscriber:command=reauthenticate")])
        XCTAssertEqual(ack?.code, .coaACK)
        XCTAssertEqual(f.server.accessRequests.count, 2)
        let now = f.device.authorization(uniqueId: session.uniqueId)?.attributes
        XCTAssertEqual(now?.idleTimeout, 120)
        XCTAssertEqual(now?.classes, [Array("B".utf8)])
        XCTAssertEqual(f.onlySession?.framedIP, IPv4Address(10, 99, 0, 1))
    }

    func testAAAPreSharedKeysThenUserAuthorizationOverrideTheGroup() throws {
        let f = LifecycleFixture(extra: """
            crypto ikev2 profile AAAKEYS
             match identity remote fqdn domain corp
             keyring aaa AUTHZ name-mangler HOSTS
             aaa authorization group psk list AUTHZ corp-group
             aaa authorization user psk list AUTHZ
            crypto ikev2 name-mangler HOSTS
             fqdn hostname
            """)
        f.server.users["pc7"] = [.ciscoAVPair("ipsec:ikev2-password-remote=k1")]
        f.server.users["corp-group"] = [.integer(RADIUSAttributeType.sessionTimeout, 100), .ciscoAVPair("ipsec:inacl=GROUP")]
        f.server.users["pc7.corp"] = [.integer(RADIUSAttributeType.sessionTimeout, 50)]
        XCTAssertTrue(f.type("lab session connect pc7.corp").contains("profile AAAKEYS"))
        // AAA pre-shared key (mangled name), group (the profile's name), user (the identity).
        XCTAssertEqual(f.server.accessRequests.compactMap { $0.first(RADIUSAttributeType.userName)?.stringValue },
                       ["pc7", "corp-group", "pc7.corp"])
        let applied = try XCTUnwrap(f.onlySession.flatMap { f.device.authorization(uniqueId: $0.uniqueId) }).attributes
        XCTAssertEqual(applied.sessionTimeout, 50, "user over group")
        XCTAssertEqual(applied.inacl, "GROUP", "the group's where the user gives none")
        XCTAssertEqual(applied.pool, "POOL", "the default policy's where neither gives one")
        // The keyring's server refusing the identity ends it there.
        XCTAssertTrue(f.type("lab session connect pc8.corp").contains("refused: Access-Reject (AAA pre-shared key)"))
        XCTAssertEqual(f.server.accessRequests.count, 4)
    }

    func testEAPAuthenticationThroughTheProfileWithCachedUserAttributes() throws {
        let f = LifecycleFixture(extra: """
            aaa authentication login EAPLIST group RAD
            crypto ikev2 profile EAPP
             match identity remote fqdn domain eap
             authentication remote eap query-identity
             authentication local pre-share
             aaa authentication eap EAPLIST
             aaa authorization user eap cached
            """)
        f.server.eapUsers["dave"] = "davepass"
        let out = f.type("lab session connect laptop.eap eap-identity dave eap-password davepass")
        XCTAssertTrue(out.contains("% Lab: session up: Unique Id 1, user laptop.eap, peer 192.168.202.2, profile EAPP, address 10.99.0.1"), out)
        // Identity, then the MD5 answer with the server's State; the Accept's attributes are applied.
        XCTAssertEqual(f.server.accessRequests.count, 2)
        XCTAssertEqual(f.server.accessRequests[0].first(RADIUSAttributeType.eapMessage)?.value, [2, 0, 0, 9, 1] + Array("dave".utf8))
        XCTAssertEqual(f.server.accessRequests[0].first(RADIUSAttributeType.serviceType)?.integerValue, 1)
        XCTAssertEqual(f.onlySession.flatMap { f.device.authorization(uniqueId: $0.uniqueId)?.attributes.sessionTimeout }, 77)
        XCTAssertEqual(f.onlySession.flatMap { f.device.authorization(uniqueId: $0.uniqueId)?.kind }, .eap)
        let wrong = f.type("lab session connect other.eap eap-identity dave eap-password nope")
        XCTAssertTrue(wrong.contains("refused: Access-Reject (EAP)"), wrong)
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testLabCoaAndLocalAuthorizationAndBulkSessions() throws {
        let f = LifecycleFixture(extra: """
            crypto ikev2 authorization policy branch
             pool POOL
             session-lifetime 120
            crypto ikev2 profile LOCALP
             match identity remote fqdn domain branch
             aaa authorization group psk list LOCAL branch
            """)
        // A local list reads the named authorization policy: no RADIUS request.
        XCTAssertTrue(f.type("lab session connect r1.branch").contains("profile LOCALP, address 10.99.0.1"))
        XCTAssertTrue(f.server.accessRequests.isEmpty)
        XCTAssertEqual(f.onlySession.flatMap { f.device.sessionTimeRemaining(uniqueId: $0.uniqueId) }, 120)
        let out = f.type("lab coa user-name r1.branch session-timeout 600 from 127.0.0.1")
        XCTAssertTrue(out.contains(": CoA-ACK"), out)
        XCTAssertEqual(f.onlySession.flatMap { f.device.sessionTimeRemaining(uniqueId: $0.uniqueId) }, 600)
        let nak = f.type("lab coa user-name r1.branch filter-id X from 127.0.0.1")
        XCTAssertTrue(nak.contains("CoA-NAK, Error-Cause 401"), nak)

        // 50 sessions at 100 a second through RADIUS, each ended 1 s after it came up.
        let g = LifecycleFixture(extra: """
            ip local pool BIG 10.100.0.1 10.100.3.255
            crypto ikev2 authorization policy default
             pool BIG
            crypto ikev2 profile BULK
             match identity remote any
             aaa authorization group psk list AUTHZ
            """)
        for i in 1...50 { g.server.users["load\(i)"] = [] }
        g.type("lab sessions connect 50 rate 100 prefix load profile BULK hold 1")
        g.advance(1)
        XCTAssertTrue(g.console.logs.contains { $0.hasPrefix("% Lab: 50 sessions: 50 up, 0 refused, in 0.5") },
                      g.console.logs.joined(separator: "\n"))
        XCTAssertEqual(g.device.sessions.count, 50)
        XCTAssertEqual(g.server.accessRequests.count, 50)
        g.advance(1)
        XCTAssertEqual(g.device.sessions.count, 0)
        XCTAssertEqual(g.server.statusTypes().filter { $0 == 2 }.count, 50)
        XCTAssertEqual(g.server.accountingRequests.last?.first(RADIUSAttributeType.acctTerminateCause)?.integerValue, 1)
        // Unknown users are refused, counted, and nothing stays.
        let refused = g.type("lab sessions connect 5 prefix nobody profile BULK")
        XCTAssertTrue(refused.contains("% Lab: 5 sessions: 0 up, 5 refused, in 0.000 s"), refused)
        XCTAssertEqual(g.device.flexVPNSessions.failedConnects, 5)
        XCTAssertEqual(g.device.addressPools.inUseCount("BIG"), 0)
    }
}
