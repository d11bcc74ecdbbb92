import XCTest
import Device
import RADIUS

/// Every rule of the DAS (issue 3: Admission, Duplicates, Disconnect-Request, CoA-Request).
final class DASTests: XCTestCase {
    // MARK: reference vectors

    func testReferenceVectorsAreAcceptedAndTheACKIsByteExact() {
        let f = DASFixture { $0.clients = [DynamicAuthorClient(host: "127.0.0.1")] }
        f.device.connectSession(userName: "alice")
        let localhost = IPv4Address(127, 0, 0, 1)
        let aliceRequest = bytes(hex: "2842001bb8796fe8f4f31d69b3b816dc965ae89e0107616c696365")
        XCTAssertEqual(f.send(aliceRequest, from: localhost), bytes(hex: "2942001480b13ce04dfb768ca0bd2ba0e7f82b7b"))
        XCTAssertTrue(f.device.sessions.isEmpty)
        // The other vector names no session: the seeds' NAK (not the RFC's 503).
        let nosuch = bytes(hex: "284d001cc36edeef28570bd656a3d545a7bb5cf701086e6f73756368")
        let nak = f.exchange(nosuch, from: localhost)
        XCTAssertEqual(nak?.code, .disconnectNAK)
        XCTAssertEqual(nak?.identifier, 77)
        XCTAssertEqual(nak?.attributes, [.string(18, "No Matching Session"), .integer(101, 404)])
    }

    func testTestMD5MatchesRFC1321() {
        XCTAssertEqual(md5([]), bytes(hex: "d41d8cd98f00b204e9800998ecf8427e"))
        XCTAssertEqual(md5(Array("The quick brown fox jumps over the lazy dog".utf8)),
                       bytes(hex: "9e107d9d372bb6826bd81d3542a419d6"))
    }

    // MARK: admission

    func testDisconnectByAuditSessionIdACKsAndRemovesTheSession() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "pskuser1.g1.engdt.com")
        let keep = f.device.connectSession(userName: "other")
        let reply = f.exchange(f.request([audit(s.auditSessionId)]))
        XCTAssertEqual(reply?.code, .disconnectACK)
        XCTAssertEqual(reply?.attributes, [])
        XCTAssertEqual(f.device.sessions.all, [keep])
        XCTAssertEqual(f.ended.count, 1)
        XCTAssertEqual(f.ended.first?.0, [s])
        XCTAssertEqual(f.ended.first?.1, .radiusDisconnect(client: DASFixture.server))
        XCTAssertEqual(f.device.das.statistics.disconnectACKs, 1)
    }

    func testSecondDisconnectIsNAKedWithReplyMessageAndErrorCause404() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        XCTAssertEqual(f.exchange(f.request(id: 1, [audit(s.auditSessionId)]))?.code, .disconnectACK)
        let nak = f.exchange(f.request(id: 2, [audit(s.auditSessionId)]))
        XCTAssertEqual(nak?.code, .disconnectNAK)
        XCTAssertEqual(nak?.attributes, [.string(18, "No Matching Session"), .integer(101, 404)])
        XCTAssertEqual(f.ended.count, 1)
    }

    func testUnknownClientIsDiscarded() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        XCTAssertNil(f.send(f.request([audit(s.auditSessionId)]), from: IPv4Address(9, 45, 15, 145)))
        XCTAssertEqual(f.device.das.statistics.unknownClient, 1)
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testHostnameClientsNeverMatchBecauseNothingResolves() {
        let f = DASFixture { $0.clients = [DynamicAuthorClient(host: "radius.example.com")] }
        let s = f.device.connectSession(userName: "u")
        XCTAssertNil(f.send(f.request([audit(s.auditSessionId)])))
        XCTAssertEqual(f.device.das.statistics.unknownClient, 1)
    }

    /// The emulator has one routing table, the global one: a client entry in a VRF never matches,
    /// and the global entry for the same address supplies the key.
    func testOnlyTheGlobalTableEntryOfAnAddressMatches() {
        let f = DASFixture {
            $0.clients = [DynamicAuthorClient(host: "9.45.15.144", vrf: "RED", serverKey: ConfigSecret(plain: "red-key"))]
        }
        let s = f.device.connectSession(userName: "u")
        XCTAssertNil(f.send(f.request(id: 1, [audit(s.auditSessionId)], secret: "red-key")))
        XCTAssertEqual(f.device.das.statistics.unknownClient, 1)
        f.device.config.dynamicAuthor?.clients.append(DynamicAuthorClient(host: "9.45.15.144",
                                                                          serverKey: ConfigSecret(plain: "global-key")))
        f.device.config.dynamicAuthor?.clients.append(DynamicAuthorClient(host: "9.45.15.144", vrf: "BLUE",
                                                                          serverKey: ConfigSecret(plain: "blue-key")))
        XCTAssertNil(f.send(f.request(id: 2, [audit(s.auditSessionId)], secret: "red-key")))
        XCTAssertEqual(f.exchange(f.request(id: 3, [audit(s.auditSessionId)], secret: "global-key"),
                                  secret: "global-key")?.code, .disconnectACK)
    }

    func testClientListFollowsConfigChanges() {
        let f = DASFixture { $0.clients = [] }
        let s = f.device.connectSession(userName: "u")
        XCTAssertNil(f.send(f.request(id: 1, [audit(s.auditSessionId)])))
        f.device.config.dynamicAuthor?.clients.append(DynamicAuthorClient(host: "9.45.15.144"))
        XCTAssertEqual(f.exchange(f.request(id: 2, [audit(s.auditSessionId)]))?.code, .disconnectACK)
    }

    func testDiscardedWhenDASNotConfigured() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        f.device.config.aaaNewModel = false
        XCTAssertNil(f.send(f.request(id: 1, [audit(s.auditSessionId)])))
        f.device.config.aaaNewModel = true
        f.device.config.dynamicAuthor = nil
        XCTAssertNil(f.send(f.request(id: 2, [audit(s.auditSessionId)])))
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testClientKeyOverridesGlobalKey() {
        let f = DASFixture {
            $0.clients = [DynamicAuthorClient(host: "9.45.15.144", serverKey: ConfigSecret(plain: "clientkey"))]
            $0.serverKey = ConfigSecret(plain: "globalkey")
        }
        let s = f.device.connectSession(userName: "u")
        XCTAssertNil(f.send(f.request(id: 1, [audit(s.auditSessionId)], secret: "globalkey")))
        XCTAssertEqual(f.device.das.statistics.badAuthenticator, 1)
        let reply = f.exchange(f.request(id: 2, [audit(s.auditSessionId)], secret: "clientkey"), secret: "clientkey")
        XCTAssertEqual(reply?.code, .disconnectACK)
    }

    func testGlobalKeyWhenClientHasNone() {
        let f = DASFixture { $0.serverKey = ConfigSecret(plain: "globalkey") }
        let s = f.device.connectSession(userName: "u")
        XCTAssertEqual(f.exchange(f.request([audit(s.auditSessionId)], secret: "globalkey"), secret: "globalkey")?.code,
                       .disconnectACK)
    }

    func testNoKeyAtAllDiscards() {
        let f = DASFixture { $0.serverKey = nil }
        let s = f.device.connectSession(userName: "u")
        XCTAssertNil(f.send(f.request([audit(s.auditSessionId)])))
        XCTAssertEqual(f.device.das.statistics.noSecret, 1)
        f.device.config.dynamicAuthor?.ignoreServerKey = true
        XCTAssertNil(f.send(f.request(id: 9, [audit(s.auditSessionId)])))
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testWrongSecretIsDiscarded() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        XCTAssertNil(f.send(f.request([audit(s.auditSessionId)], secret: "wrong")))
        XCTAssertEqual(f.device.das.statistics.badAuthenticator, 1)
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testTamperedRequestIsDiscarded() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        var request = f.request([audit(s.auditSessionId)])
        request[request.count - 1] ^= 1
        XCTAssertNil(f.send(request))
        XCTAssertEqual(f.device.das.statistics.badAuthenticator, 1)
    }

    func testIgnoreServerKeySkipsTheAuthenticatorCheckButSignsTheReply() {
        let f = DASFixture { $0.ignoreServerKey = true }
        let s = f.device.connectSession(userName: "u")
        let request = f.request([audit(s.auditSessionId)], secret: "whatever", messageAuthenticator: true)
        let reply = f.exchange(request, secret: DASFixture.secret)
        XCTAssertEqual(reply?.code, .disconnectACK)
        XCTAssertTrue(f.device.sessions.isEmpty)
    }

    func testMessageAuthenticatorVerifiedAndReturned() throws {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let request = f.request([audit(s.auditSessionId)], messageAuthenticator: true)
        let raw = try XCTUnwrap(f.send(request))
        XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(raw, requestAuthenticator: Array(request[4..<20]),
                                                                  secret: DASFixture.secret), .valid)
        XCTAssertTrue(RADIUSAuth.verifyResponseAuthenticator(raw, requestAuthenticator: Array(request[4..<20]),
                                                             secret: DASFixture.secret))
        XCTAssertEqual(try RADIUSPacket.decode(raw).code, .disconnectACK)
        // Without one in the request, none in the reply.
        let nak = try XCTUnwrap(f.send(f.request(id: 3, [audit("nope")])))
        XCTAssertEqual(RADIUSAuth.verifyReplyMessageAuthenticator(nak, requestAuthenticator: [UInt8](repeating: 0, count: 16),
                                                                  secret: DASFixture.secret), .absent)
    }

    func testBadMessageAuthenticatorIsDiscarded() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        // A valid Request Authenticator over a wrong MA: only the MA check can reject it.
        var packet = RADIUSPacket(code: .disconnectRequest, identifier: 5,
                                  attributes: [audit(s.auditSessionId),
                                               RADIUSAttribute(type: 80, value: [UInt8](repeating: 7, count: 16))])
        var bytes = packet.encode()
        let auth = md5(bytes + Array(DASFixture.secret.utf8))  // the authenticator field is still zero
        bytes.replaceSubrange(4..<20, with: auth)
        packet.authenticator = auth
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: DASFixture.secret))
        XCTAssertNil(f.send(bytes))
        XCTAssertEqual(f.device.das.statistics.badMessageAuthenticator, 1)
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testEventTimestampWindow() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let now = UInt32(f.device.now)
        XCTAssertNil(f.send(f.request(id: 1, [audit(s.auditSessionId), .date(55, now - 301)])))
        XCTAssertNil(f.send(f.request(id: 2, [audit(s.auditSessionId), .date(55, now + 301)])))
        XCTAssertEqual(f.device.das.statistics.staleEventTimestamp, 2)
        XCTAssertEqual(f.device.sessions.count, 1)
        XCTAssertEqual(f.exchange(f.request(id: 3, [audit(s.auditSessionId), .date(55, now - 299)]))?.code,
                       .disconnectACK)
    }

    func testEventTimestampFollowsTheDeviceClock() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let stamp = UInt32(f.device.now) + 3600
        XCTAssertNil(f.send(f.request(id: 1, [audit(s.auditSessionId), .date(55, stamp)])))
        f.device.setClock(to: Double(stamp))
        XCTAssertEqual(f.exchange(f.request(id: 2, [audit(s.auditSessionId), .date(55, stamp)]))?.code,
                       .disconnectACK)
    }

    // MARK: duplicates

    func testRetransmissionGetsTheCachedReplyAndActsOnce() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let request = f.request([audit(s.auditSessionId)])
        let first = f.send(request, port: 40000)
        let second = f.send(request, port: 40000)
        XCTAssertNotNil(first)
        XCTAssertEqual(first, second)
        XCTAssertEqual(try first.map { try RADIUSPacket.decode($0).code }, .disconnectACK)
        XCTAssertEqual(f.ended.count, 1)
        XCTAssertEqual(f.device.das.statistics.duplicatesAnswered, 1)
        // Another source port is another request: processed again (and now NAKed).
        XCTAssertEqual(try f.send(request, port: 40001).map { try RADIUSPacket.decode($0).code }, .disconnectNAK)
        // So is another identifier from the same port.
        XCTAssertEqual(f.exchange(f.request(id: 217, [audit(s.auditSessionId)]), port: 40000)?.code, .disconnectNAK)
    }

    func testIgnoreRetransmissionDropsDuplicates() {
        let f = DASFixture { $0.ignoreRetransmission = true }
        let s = f.device.connectSession(userName: "u")
        let request = f.request([audit(s.auditSessionId)])
        XCTAssertNotNil(f.send(request, port: 40000))
        XCTAssertNil(f.send(request, port: 40000))
        XCTAssertEqual(f.device.das.statistics.duplicatesDropped, 1)
        XCTAssertEqual(f.ended.count, 1)
    }

    func testRetransmissionCacheIsBoundedInTimeAndSize() throws {
        let f = DASFixture()
        let request = f.request([audit("none")])
        XCTAssertNotNil(f.send(request, port: 1))
        f.time.advance(by: 31)
        XCTAssertNotNil(f.send(request, port: 1))
        XCTAssertEqual(f.device.das.statistics.duplicatesAnswered, 0, "expired after 30 s")
        XCTAssertEqual(f.device.das.statistics.disconnectNAKs, 2)

        f.device.das.retransmissionCapacity = 2
        for id: UInt8 in 1...3 { _ = f.send(f.request(id: id, [audit("none")]), port: 2) }
        XCTAssertEqual(f.device.das.cachedReplies, 2)
        _ = f.send(f.request(id: 3, [audit("none")]), port: 2)
        XCTAssertEqual(f.device.das.statistics.duplicatesAnswered, 1, "newest still cached")
        _ = f.send(f.request(id: 1, [audit("none")]), port: 2)
        XCTAssertEqual(f.device.das.statistics.duplicatesAnswered, 1, "oldest evicted")
    }

    // MARK: identification

    func testEachIdentificationAttributeAloneFindsTheSession() {
        let framed = IPv4Address(10, 9, 8, 7)
        let peer = IPv4Address(192, 168, 202, 77)
        let attributes: [(String, (Session) -> RADIUSAttribute)] = [
            ("audit-session-id", { audit($0.auditSessionId) }),
            ("User-Name", { .string(1, $0.userName ?? "") }),
            ("Acct-Session-Id", { .string(44, $0.acctSessionIdText) }),
            ("Framed-IP-Address", { _ in .ipv4(8, framed) }),
            ("Calling-Station-Id", { .string(31, $0.callingStationId) }),
            ("session key 151", { .string(151, $0.serverKeyText) }),
        ]
        for (name, make) in attributes {
            let f = DASFixture()
            let decoy = f.device.connectSession(userName: "decoy", peer: IPv4Address(192, 168, 202, 3),
                                                framedIP: IPv4Address(10, 0, 0, 1))
            let s = f.device.connectSession(userName: "target", peer: peer, framedIP: framed)
            XCTAssertEqual(f.exchange(f.request([make(s)]))?.code, .disconnectACK, name)
            XCTAssertEqual(f.device.sessions.all, [decoy], name)
        }
    }

    func testAuthTypeAllNeedsEveryAttributeToMatch() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "alice")
        let t = f.device.connectSession(userName: "bob")
        let mixed = f.exchange(f.request(id: 1, [.string(1, "alice"), audit(t.auditSessionId)]))
        XCTAssertEqual(mixed?.code, .disconnectNAK)
        XCTAssertEqual(mixed?.errorCause, 404)
        XCTAssertEqual(f.device.sessions.count, 2)
        XCTAssertEqual(f.exchange(f.request(id: 2, [.string(1, "alice"), audit(s.auditSessionId)]))?.code,
                       .disconnectACK)
        XCTAssertEqual(f.device.sessions.all, [t])
    }

    func testAuthTypeAnyNeedsOneAttribute() {
        let f = DASFixture { $0.authType = .any }
        let s = f.device.connectSession(userName: "alice")
        let t = f.device.connectSession(userName: "bob")
        let u = f.device.connectSession(userName: "carol")
        XCTAssertEqual(f.exchange(f.request(id: 1, [.string(1, "alice"), audit(t.auditSessionId)]))?.code,
                       .disconnectACK)
        XCTAssertEqual(f.device.sessions.all, [u])
        XCTAssertEqual(f.ended.first?.0, [s, t])
    }

    func testEverySessionMatchedIsRemoved() {
        let f = DASFixture()
        let a = f.device.connectSession(userName: "shared")
        let b = f.device.connectSession(userName: "shared")
        let c = f.device.connectSession(userName: "alone")
        XCTAssertEqual(f.exchange(f.request([.string(1, "shared")]))?.code, .disconnectACK)
        XCTAssertEqual(f.device.sessions.all, [c])
        XCTAssertEqual(f.ended.first?.0, [a, b])
    }

    func testAuthTypeSessionKeyMatchesOnAttribute151Only() {
        let f = DASFixture { $0.authType = .sessionKey }
        let s = f.device.connectSession(userName: "alice")
        let withoutKey = f.exchange(f.request(id: 1, [audit(s.auditSessionId)]))
        XCTAssertEqual(withoutKey?.code, .disconnectNAK)
        XCTAssertEqual(withoutKey?.errorCause, 402)
        // A wrong User-Name does not matter: only the key does.
        XCTAssertEqual(f.exchange(f.request(id: 2, [.string(1, "mallory"), .string(151, s.serverKeyText)]))?.code,
                       .disconnectACK)
        XCTAssertTrue(f.device.sessions.isEmpty)
    }

    func testIgnoreSessionKey() {
        let f = DASFixture { $0.ignoreSessionKey = true }
        let s = f.device.connectSession(userName: "alice")
        // A wrong key is not even looked at.
        XCTAssertEqual(f.exchange(f.request(id: 1, [audit(s.auditSessionId), .string(151, "00000000")]))?.code,
                       .disconnectACK)
        let t = f.device.connectSession(userName: "bob")
        let keyOnly = f.exchange(f.request(id: 2, [.string(151, t.serverKeyText)]))
        XCTAssertEqual(keyOnly?.errorCause, 402)
        XCTAssertEqual(f.device.sessions.all, [t])
    }

    func testWithoutIgnoreSessionKeyAWrongKeyFailsAll() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "alice")
        XCTAssertEqual(f.exchange(f.request([audit(s.auditSessionId), .string(151, "00000000")]))?.code,
                       .disconnectNAK)
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testDomainStripping() {
        let f = DASFixture { $0.domainStrippingRightToLeft = false }
        f.device.connectSession(userName: "alice")
        XCTAssertEqual(f.exchange(f.request(id: 1, [.string(1, "alice@example.com")]))?.code, .disconnectACK)
        let g = DASFixture()
        g.device.connectSession(userName: "alice")
        XCTAssertEqual(g.exchange(g.request(id: 1, [.string(1, "alice@example.com")]))?.code, .disconnectNAK)
    }

    func testNoIdentificationIsMissingAttribute() {
        let f = DASFixture()
        f.device.connectSession(userName: "alice")
        let nak = f.exchange(f.request([.ipv4(4, f.device.nasIPAddress)]))
        XCTAssertEqual(nak?.code, .disconnectNAK)
        XCTAssertEqual(nak?.errorCause, 402)
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    // MARK: NAKs that change nothing

    func testUnsupportedAttributeIsNAK401() {
        let cases: [(String, RADIUSAttribute)] = [
            ("Service-Type", .integer(6, 8)),
            ("non-Cisco VSA", .vendorSpecific(vendorId: 311, vendorType: 1, value: [1, 2])),
            ("Cisco pair other than audit-session-id", .ciscoAVPair("subscriber:command=account-logoff")),
        ]
        for (name, extra) in cases {
            let f = DASFixture()
            let s = f.device.connectSession(userName: "u")
            let nak = f.exchange(f.request([audit(s.auditSessionId), extra]))
            XCTAssertEqual(nak?.code, .disconnectNAK, name)
            XCTAssertEqual(nak?.attributes, [.integer(101, 401)], name)
            XCTAssertEqual(f.device.sessions.count, 1, name)
        }
    }

    func testNASIdentification() {
        let f = DASFixture()
        f.device.config.hostname = "hub1"
        let a = f.device.connectSession(userName: "a")
        let b = f.device.connectSession(userName: "b")
        let wrongIP = f.exchange(f.request(id: 1, [audit(a.auditSessionId), .ipv4(4, IPv4Address(10, 0, 0, 1))]))
        XCTAssertEqual(wrongIP?.attributes, [.integer(101, 403)])
        let wrongName = f.exchange(f.request(id: 2, [audit(a.auditSessionId), .string(32, "hub2")]))
        XCTAssertEqual(wrongName?.attributes, [.integer(101, 403)])
        let ipv6 = f.exchange(f.request(id: 3, [audit(a.auditSessionId), RADIUSAttribute(type: 95, value: [UInt8](repeating: 0, count: 16))]))
        XCTAssertEqual(ipv6?.attributes, [.integer(101, 403)])
        XCTAssertEqual(f.device.sessions.count, 2)
        XCTAssertEqual(f.exchange(f.request(id: 4, [audit(a.auditSessionId), .ipv4(4, IPv4Address(192, 168, 202, 1))]))?.code,
                       .disconnectACK)
        XCTAssertEqual(f.exchange(f.request(id: 5, [audit(b.auditSessionId), .string(32, "hub1")]))?.code,
                       .disconnectACK)
        XCTAssertTrue(f.device.sessions.isEmpty)
    }

    func testMalformedAddressIsInvalidAttributeValue() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let nak = f.exchange(f.request([audit(s.auditSessionId), RADIUSAttribute(type: 8, value: [10, 0, 0])]))
        XCTAssertEqual(nak?.attributes, [.integer(101, 407)])
        XCTAssertEqual(f.device.sessions.count, 1)
    }

    func testProxyStateCopiedInOrderIntoACKAndNAK() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let states: [RADIUSAttribute] = [.octets(33, [1, 2, 3]), .octets(33, Array("second".utf8))]
        let ack = f.exchange(f.request(id: 1, [states[0], audit(s.auditSessionId), states[1]],
                                       messageAuthenticator: true))
        XCTAssertEqual(ack?.code, .disconnectACK)
        XCTAssertEqual(ack?.attributes.filter { $0.type == 33 }, states)
        XCTAssertEqual(ack?.attributes.last?.type, 80)
        let nak = f.exchange(f.request(id: 2, [states[1], audit(s.auditSessionId), states[0]]))
        XCTAssertEqual(nak?.attributes, [.string(18, "No Matching Session"), .integer(101, 404), states[1], states[0]])
    }

    func testCoARequestWithNothingToChangeIsACKedWithItsProxyState() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let reply = f.exchange(f.request(.coaRequest, [audit(s.auditSessionId), .octets(33, [9])],
                                         messageAuthenticator: true))
        XCTAssertEqual(reply?.code, .coaACK)
        XCTAssertEqual(reply?.attributes.dropLast(), [.octets(33, [9])])
        XCTAssertEqual(reply?.attributes.last?.type, 80)
        XCTAssertEqual(f.device.sessions.count, 1)
        // A CoA-Request signed with the wrong secret is still discarded.
        XCTAssertNil(f.send(f.request(.coaRequest, id: 9, [audit(s.auditSessionId)], secret: "bad")))
    }

    // MARK: malformed input

    func testMalformedDatagramsAreDiscardedWithoutTrapping() {
        let f = DASFixture()
        let s = f.device.connectSession(userName: "u")
        let good = f.request([audit(s.auditSessionId)])
        XCTAssertNil(f.send(Array(good.dropLast())), "shorter than Length")
        XCTAssertNil(f.send([]), "empty")
        XCTAssertNil(f.send(Array(good.prefix(19))), "no header")
        var lengthTooSmall = good
        lengthTooSmall[3] = 19
        lengthTooSmall[2] = 0
        XCTAssertNil(f.send(lengthTooSmall))
        var badAttributeLength = f.request([.string(1, "u")])
        badAttributeLength[21] = 1
        XCTAssertNil(f.send(badAttributeLength))
        XCTAssertNil(f.send(f.request(.accountingRequest, [.string(1, "u")])), "not a DAS code")
        var unknown = f.request([.string(1, "u")])
        unknown[0] = 99
        XCTAssertNil(f.send(unknown), "unknown code")
        XCTAssertNil(f.send(f.request([RADIUSAttribute(type: 55, value: [1, 2])])), "short Event-Timestamp")
        XCTAssertEqual(f.device.sessions.count, 1)
        // Bytes past Length are padding.
        XCTAssertEqual(try f.send(good + [0xFF, 0xFF, 0x00]).map { try RADIUSPacket.decode($0).code }, .disconnectACK)
    }

    func testRandomGarbageNeverTraps() {
        let f = DASFixture()
        f.device.connectSession(userName: "u")
        let random = SeededRandom(seed: 42)
        let valid = f.request([audit("x"), .string(1, "u"), .octets(33, [1])])
        for round in 0..<20_000 {
            var datagram: [UInt8]
            if round % 2 == 0 {
                datagram = random.bytes(random.int(in: 0...120))
                if datagram.count >= 4 {
                    datagram[0] = [40, 43, 41, 4][round / 2 % 4]
                    datagram[2] = 0
                    datagram[3] = UInt8(min(datagram.count, 255))
                }
            } else {
                datagram = valid
                for _ in 0..<random.int(in: 1...4) {
                    datagram[random.int(in: 0...(datagram.count - 1))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            _ = f.send(datagram)
        }
        f.device.config.dynamicAuthor?.ignoreServerKey = true
        for _ in 0..<20_000 {
            var datagram = valid
            for _ in 0..<random.int(in: 1...6) {
                datagram[random.int(in: 20...(datagram.count - 1))] = UInt8(truncatingIfNeeded: random.next())
            }
            if let reply = f.send(datagram) { XCTAssertNoThrow(try RADIUSPacket.decode(reply)) }
        }
    }

    // MARK: debug output

    func testDebugLinesForACKMatchTheSeed() throws {
        let f = DASFixture()
        f.device.debug.radius = true
        f.device.debug.aaaPod = true
        let s = f.device.connectSession(userName: "pskuser1.g1.engdt.com",
                                        auditSessionId: "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B")
        let request = f.request(id: 216, [audit(s.auditSessionId)])
        XCTAssertEqual(request.count, 84)
        _ = f.send(request, port: 50567)
        let lines = f.console.lines
        XCTAssertEqual(lines.count, 6)
        XCTAssertEqual(lines[0], "RADIUS: POD received from id 216 9.45.15.144:50567, POD Request, len 84")
        XCTAssertEqual(lines[1], "POD: 9.45.15.144 request queued")
        XCTAssertEqual(lines[2], " ++++++ POD Attribute List ++++++")
        let attribute = try XCTUnwrap(lines[3].split(separator: " ", maxSplits: 1).last)
        XCTAssertEqual(attribute, "0 00000089 audit-session-id(819) 39 L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B")
        XCTAssertTrue(lines[3].prefix(12).allSatisfy { "0123456789ABCDEF".contains($0) } && lines[3].hasPrefix("7F"),
                      lines[3])
        XCTAssertEqual(lines[4], "")
        XCTAssertEqual(lines[5], "POD: Sending ACK from port 1812 to 9.45.15.144/50567")
    }

    func testDebugLinesForNAKMatchTheSeed() throws {
        let f = DASFixture()
        f.device.debug.radius = true
        f.device.debug.aaaPod = true
        let request = f.request(id: 131, [audit("L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A")])
        _ = f.device.handleDASDatagram(request, from: (DASFixture.server, 52986), localPort: 1812)
        let lines = f.console.lines
        XCTAssertEqual(lines.count, 12)
        XCTAssertEqual(lines[0], "RADIUS: POD received from id 131 9.45.15.144:52986, POD Request, len 84")
        XCTAssertEqual(lines[1], "POD: 9.45.15.144 request queued")
        XCTAssertEqual(lines[2], " ++++++ POD Attribute List ++++++")
        XCTAssertTrue(lines[3].hasSuffix(" 0 00000089 audit-session-id(819) 39 L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A"))
        XCTAssertEqual(Array(lines[4...]), [
            "",
            "POD: 9.45.15.144 Unsupported attribute type 26 for component",
            "POD: 9.45.15.144 user 0.0.0.0i sessid 0x0 key 0x0 DROPPED",
            "POD: Added Reply Message: No Matching Session",
            "POD: Added NACK Error Cause: Invalid Request",
            "POD: Sending NAK from port 1812 to 9.45.15.144/52986",
            "RADIUS: 18 21 4E6F204D61746368696E672053657373696F6E",
            "RADIUS: 101 6 00000194",
        ])
    }

    func testDebugLinesComeFromThePacketAndFlags() {
        let f = DASFixture()
        f.device.debug.radius = true
        let request = f.request(id: 7, [.string(1, "someone"), .octets(33, [0xAB])])
        _ = f.device.handleDASDatagram(request, from: (DASFixture.server, 1234), localPort: 3799)
        // debug radius alone: only the RADIUS lines, with this packet's id, port and length.
        XCTAssertEqual(f.console.lines, [
            "RADIUS: POD received from id 7 9.45.15.144:1234, POD Request, len \(request.count)",
            "RADIUS: 18 21 4E6F204D61746368696E672053657373696F6E",
            "RADIUS: 101 6 00000194",
            "RADIUS: 33 3 AB",
        ])
        f.console.lines.removeAll()
        f.device.debug = DebugFlags()
        _ = f.device.handleDASDatagram(f.request(id: 8, [.string(1, "x")]), from: (DASFixture.server, 1), localPort: 1)
        XCTAssertEqual(f.console.lines, [])
    }

    func testDebugAddressesAreNotAConstant() {
        func firstAddress(seed: UInt64) -> Substring {
            let f = DASFixture(seed: seed)
            f.device.debug.aaaPod = true
            _ = f.send(f.request([audit("a"), audit("b")]))
            let list = f.console.lines.filter { $0.contains("audit-session-id(819)") }
            XCTAssertEqual(list.count, 2)
            XCTAssertNotEqual(list.first?.prefix(12), list.last?.prefix(12))
            return list.first?.prefix(12) ?? ""
        }
        XCTAssertNotEqual(firstAddress(seed: 1), firstAddress(seed: 2))
        XCTAssertEqual(firstAddress(seed: 3), firstAddress(seed: 3))
    }
}
