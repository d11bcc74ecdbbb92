import XCTest
@testable import Device
import RADIUS

/// The vty login decision: method lists, fail-over to the next method only when a server does
/// not answer, a Reject ending the login, privilege from authorization, the RADIUS packet.
final class LoginAuthenticationTests: XCTestCase {
    private func attempt(_ user: String?, _ password: String, peer: String = "10.9.8.7") -> LoginAttempt {
        LoginAttempt(user: user, password: password, vty: 0, peer: peer, localPort: 23)
    }

    /// Runs a login and the scheduler until it is decided.
    private func decide(_ f: AccountingFixture, _ a: LoginAttempt, within seconds: Double = 60) -> LoginVerdict? {
        var verdict: LoginVerdict?
        f.device.authenticateLogin(a) { verdict = $0 }
        var waited = 0.0
        while verdict == nil, waited < seconds {
            f.scheduler.advance(by: 0.5)
            waited += 0.5
        }
        return verdict
    }

    private func fixture(_ lists: [LoginMethodList], servers: [(String, String, String)] = [("RAD1", "9.45.15.144", "cisco123")])
        -> AccountingFixture {
        let f = AccountingFixture(servers: servers)
        f.device.config.accountingNetwork = []
        f.device.config.users = [LocalUser(name: "admin", privilege: 15, credential: .password(ConfigSecret(plain: "cisco"))),
                                 LocalUser(name: "bob", credential: .password(ConfigSecret(plain: "bobpass")))]
        f.device.config.authenticationLogin = lists
        f.device.config.vtyLines[0].loginAuthentication = lists.first?.name
        return f
    }

    /// Logins, FlexVPN authorization and EAP share the authentication socket's identifiers: a
    /// request never takes one another holds, and with all 256 held the next is not sent
    /// (the search used to go round for ever).
    func testAccessRequestIdentifiersAreSharedWithEAPAndRunOut() {
        let f = AccountingFixture()
        let device = f.device
        let server = AccountingServer(name: "S", address: IPv4Address(127, 0, 0, 1), authPort: 1812, acctPort: 1813,
                                      secret: Array("s".utf8))
        for id in 0..<200 {
            device.loginAuth.inFlight[UInt8(id)] = PendingAccessRequest(
                servers: [server], uniqueId: 1, component: "Exec", attributes: { _, _, _ in }, completion: { _ in })
        }
        for id in 200..<255 {
            device.ike.eapInFlight[UInt8(id)] = PendingEAPRequest(sa: nil, server: server, identifier: UInt8(id),
                                                                  authenticator: [], bytes: [])
        }
        XCTAssertEqual(device.freeAccessIdentifier(from: 3), 255)
        device.ike.eapInFlight[255] = PendingEAPRequest(sa: nil, server: server, identifier: 255, authenticator: [], bytes: [])
        XCTAssertNil(device.freeAccessIdentifier(from: 3))
        var answer: RADIUSAccessResult?
        device.sendAccessRequest(servers: [server], uniqueId: 2, component: "Exec", attributes: { _, _, _ in }) { answer = $0 }
        guard case .noResponse = answer else { return XCTFail("sent with every identifier held: \(String(describing: answer))") }
        device.ike.eapInFlight[230] = nil
        XCTAssertEqual(device.freeAccessIdentifier(from: 3), 230)
    }

    func testWithoutAAAThelinesLoginDecides() {
        let f = AccountingFixture()
        f.device.config.aaaNewModel = false
        f.device.config.users = [LocalUser(name: "admin", privilege: 15, credential: .password(ConfigSecret(plain: "cisco")))]
        XCTAssertEqual(f.device.loginDialog(vty: 0), .passwordNotSet)
        f.device.config.vtyLines[0].login = .local
        XCTAssertEqual(f.device.loginDialog(vty: 0), .usernamePassword)
        XCTAssertEqual(decide(f, attempt("admin", "cisco")), .granted(LoginGrant(user: "admin", privilege: 15)))
        XCTAssertEqual(decide(f, attempt("admin", "nope")), .denied(message: "% Login invalid"))
    }

    func testAAAWithoutADefaultListUsesLocalAndTheLinesPrivilege() {
        let f = fixture([])
        f.device.config.vtyLines[0].loginAuthentication = nil
        XCTAssertEqual(f.device.loginDialog(vty: 0), .usernamePassword)
        // No `aaa authorization exec`: the line's level, not the user's (IOS).
        XCTAssertEqual(decide(f, attempt("admin", "cisco")), .granted(LoginGrant(user: "admin", privilege: 1)))
        f.device.config.authorizationExec = [AAAMethodList(name: "default", methods: [.local])]
        XCTAssertEqual(decide(f, attempt("admin", "cisco")), .granted(LoginGrant(user: "admin", privilege: 15)))
        XCTAssertEqual(decide(f, attempt("admin", "bad")), .denied(message: "% Authentication failed"))
        // A line naming a list that does not exist lets nobody in.
        f.device.config.vtyLines[0].loginAuthentication = "MISSING"
        XCTAssertEqual(decide(f, attempt("admin", "cisco")), .denied(message: "% Authentication failed"))
    }

    func testLocalRefusalDoesNotFallThroughButAnEmptyDatabaseDoes() {
        let f = fixture([LoginMethodList(name: "L", methods: [.local, .none])])
        XCTAssertEqual(decide(f, attempt("admin", "bad")), .denied(message: "% Authentication failed"))
        f.device.config.users = []
        XCTAssertEqual(decide(f, attempt("anyone", "x")), .granted(LoginGrant(user: "anyone", privilege: 1)))
        XCTAssertEqual(f.device.loginDialog(vty: 0), .usernamePassword)
        f.device.config.authenticationLogin = [LoginMethodList(name: "L", methods: [.line])]
        XCTAssertEqual(f.device.loginDialog(vty: 0), .password)
        f.device.config.vtyLines[0].password = ConfigSecret(plain: "linepw")
        XCTAssertEqual(decide(f, attempt(nil, "linepw")), .granted(LoginGrant(user: nil, privilege: 1)))
        XCTAssertEqual(decide(f, attempt(nil, "x")), .denied(message: "% Authentication failed"))
    }

    func testRadiusAcceptGivesThePrivilegeItCarriesAndRejectEndsTheLogin() throws {
        let f = fixture([LoginMethodList(name: "VTY", methods: [.group("RADGRP"), .local])])
        f.device.config.authorizationExec = [AAAMethodList(name: "default", methods: [.group("radius")])]
        XCTAssertEqual(decide(f, attempt("admin", "cisco")), .granted(LoginGrant(user: "admin", privilege: 15)))
        // The lab peer rejects a wrong password: no fall-through to `local`.
        f.device.config.users.append(LocalUser(name: "carol", credential: .password(ConfigSecret(plain: "only-local"))))
        XCTAssertEqual(decide(f, attempt("admin", "bad")), .denied(message: "% Authentication failed"))
        XCTAssertEqual(f.device.loginAuth.rejects, 1)
        XCTAssertEqual(f.device.loginAuth.accepts, 1)
        // bob has no privilege: the line's level.
        XCTAssertEqual(decide(f, attempt("bob", "bobpass")), .granted(LoginGrant(user: "bob", privilege: 1)))
    }

    func testSilentServersFailOverThenTheNextMethodAnswers() {
        let f = fixture([LoginMethodList(name: "VTY", methods: [.group("RADGRP"), .local])],
                        servers: [("RAD1", "9.45.15.144", "k1"), ("RAD2", "9.45.15.145", "k2")])
        f.device.accounting.labPeers.behaviours[IPv4Address(9, 45, 15, 144)] = .silent
        f.device.accounting.labPeers.behaviours[IPv4Address(9, 45, 15, 145)] = .silent
        f.device.debug.radiusAuthentication = true
        _ = f.console.take()
        var verdict: LoginVerdict?
        f.device.authenticateLogin(attempt("admin", "cisco")) { verdict = $0 }
        // 4 sends of 5 s to each server: nothing decided before 40 s.
        f.scheduler.advance(by: 39.5)
        XCTAssertNil(verdict)
        f.scheduler.advance(by: 1)
        XCTAssertEqual(verdict, .granted(LoginGrant(user: "admin", privilege: 1)))
        let lines = f.console.take().joined(separator: "\n")
        XCTAssertEqual(lines.components(separatedBy: "Retransmit to (9.45.15.144:1812,1813)").count - 1, 3)
        XCTAssertTrue(lines.contains("RADIUS: Fail-over to (9.45.15.145:1812,1813) for id 1645/"), lines)
        XCTAssertEqual(lines.components(separatedBy: "Retransmit to (9.45.15.145:1812,1813)").count - 1, 3)
        XCTAssertTrue(lines.contains("RADIUS: No response from (9.45.15.145:1812,1813) for id 1645/"), lines)
        // A second server that answers after the first's silence: its Reject ends the login.
        f.device.accounting.labPeers.behaviours[IPv4Address(9, 45, 15, 145)] = .respond
        XCTAssertEqual(decide(f, attempt("admin", "bad")), .denied(message: "% Authentication failed"))
    }

    func testAccessRequestCarriesPAPPasswordAndTheLinesAttributes() throws {
        let f = fixture([LoginMethodList(name: "VTY", methods: [.group("RADGRP")])],
                        servers: [("LOOP", "127.0.0.1", "s3cret")])
        var verdict: LoginVerdict?
        f.device.authenticateLogin(attempt("alice", "a-long-password-over-16", peer: "192.0.2.10")) { verdict = $0 }
        let sent = try XCTUnwrap(f.transport.sent.last)
        XCTAssertEqual(sent.port, 1812)
        let packet = try RADIUSPacket.decode(sent.bytes)
        XCTAssertEqual(packet.code, .accessRequest)
        XCTAssertEqual(packet.first(RADIUSAttributeType.userName)?.value, Array("alice".utf8))
        let hidden = try XCTUnwrap(packet.first(RADIUSAttributeType.userPassword)?.value)
        XCTAssertEqual(hidden.count, 32)
        XCTAssertNotEqual(Array(hidden.prefix(5)), Array("a-lon".utf8))
        XCTAssertEqual(UserPassword.decrypt(hidden, secret: Array("s3cret".utf8), authenticator: packet.authenticator),
                       Array("a-long-password-over-16".utf8))
        XCTAssertEqual(packet.first(RADIUSAttributeType.nasPortType)?.integerValue, 5)
        XCTAssertEqual(packet.first(RADIUSAttributeType.serviceType)?.integerValue, 1)
        XCTAssertEqual(packet.first(RADIUSAttributeType.callingStationId)?.value, Array("192.0.2.10".utf8))
        XCTAssertEqual(packet.first(RADIUSAttributeType.nasIPAddress)?.value, [192, 168, 202, 1])
        // The server's Accept, signed with the request's authenticator, decides the login.
        var reply = RADIUSPacket(code: .accessAccept, identifier: packet.identifier)
        reply.attributes.append(.ciscoAVPair("shell:priv-lvl=7"))
        f.device.config.authorizationExec = [AAAMethodList(name: "default", methods: [.group("RADGRP")])]
        let forged = RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator, secret: Array("wrong".utf8))
        f.device.handleAccountingResponse(forged, from: IPv4Address(127, 0, 0, 1), port: 1812)
        XCTAssertNil(verdict)   // a bad Response Authenticator is ignored
        let bytes = RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator, secret: Array("s3cret".utf8))
        f.device.handleAccountingResponse(bytes, from: IPv4Address(127, 0, 0, 1), port: 1812)
        XCTAssertEqual(verdict, .granted(LoginGrant(user: "alice", privilege: 7)))
    }

    func testLoginOutcomesAreLoggedWhenConfigured() {
        let f = fixture([])
        f.device.config.vtyLines[0].loginAuthentication = nil
        f.device.config.timestampsLog = nil
        _ = f.console.take()
        _ = decide(f, attempt("admin", "bad"))
        XCTAssertEqual(f.console.take(), [])
        f.device.config.loginOnFailureLog = true
        f.device.config.loginOnSuccessLog = true
        _ = decide(f, attempt("admin", "bad"))
        _ = decide(f, attempt("admin", "cisco"))
        let stamp = f.device.changeStamp(f.device.now)
        XCTAssertEqual(f.console.take(), [
            "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: admin] [Source: 10.9.8.7] [localport: 23] [Reason: Login Authentication Failed] at \(stamp)",
            "%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 10.9.8.7] [localport: 23] at \(stamp)",
        ])
        XCTAssertTrue(stamp.hasPrefix("00:26:49 IST Tue Nov 4 2014"), stamp)
    }
}
