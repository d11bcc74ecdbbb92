import XCTest
@testable import Device
import RADIUS

/// `debug radius` / `debug crypto ikev2` output against the seeds, character for character.
final class AccountingDebugTests: XCTestCase {
    /// The seed's Start (English seed, its one-line layout cut at the timestamps), without the
    /// authenticator line, which depends on the lab's secret.
    static let seedStart = """
    Nov 4 00:26:49.908 IST: RADIUS/ENCODE: Best Local IP-Address 192.168.202.1 for Radius-Server 9.45.15.144
    Nov 4 00:26:49.908 IST: RADIUS(0000002C): Send Accounting-Request to 9.45.15.144:1813 id 1646/231, len 288
    Nov 4 00:26:49.908 IST: RADIUS: Acct-Session-Id [44] 10 "00000021"
    Nov 4 00:26:49.908 IST: RADIUS: Calling-Station-Id [31] 15 "192.168.202.2"
    Nov 4 00:26:49.908 IST: RADIUS: Vendor, Cisco [26] 64
    Nov 4 00:26:49.908 IST: RADIUS: Cisco AVpair [1] 58 "audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A"
    Nov 4 00:26:49.908 IST: RADIUS: Vendor, Cisco [26] 46
    Nov 4 00:26:49.908 IST: RADIUS: Cisco AVpair [1] 40 "isakmp-phase1-id=pskuser1.g1.engdt.com"
    Nov 4 00:26:49.908 IST: RADIUS: Vendor, Cisco [26] 40
    Nov 4 00:26:49.908 IST: RADIUS: Cisco AVpair [1] 34 "isakmp-initator-ip=192.168.202.2"
    Nov 4 00:26:49.908 IST: RADIUS: User-Name [1] 23 "pskuser1.g1.engdt.com"
    Nov 4 00:26:49.908 IST: RADIUS: Vendor, Cisco [26] 36
    Nov 4 00:26:49.908 IST: RADIUS: Cisco AVpair [1] 30 "connect-progress=No Progress"
    Nov 4 00:26:49.908 IST: RADIUS: Acct-Authentic [45] 6 Local [2]
    Nov 4 00:26:49.908 IST: RADIUS: Acct-Status-Type [40] 6 Start [1]
    Nov 4 00:26:49.908 IST: RADIUS: NAS-IP-Address [4] 6 192.168.202.1
    Nov 4 00:26:49.908 IST: RADIUS: home-hl-prefix [151] 10 "D33648D8"
    Nov 4 00:26:49.908 IST: RADIUS: Acct-Delay-Time [41] 6 0
    Nov 4 00:26:49.908 IST: RADIUS(0000002C): Sending a IPv4 Radius Packet
    """.split(separator: "\n").map(String.init)

    /// The seed's Stop from the IKEv2 lines on (English seed), without the authenticator line.
    static let seedStop = """
    IKEv2:(SESSION ID = 59,SA ID = 2):Check for existing active SA
    IKEv2:in_octets 0, out_octets 0
    IKEv2:in_packets 0, out_packets 0
    IKEv2:(SA ID = 2):[IKEv2 -> AAA] Accounting stop request sent successfully
    IKEv2:(SESSION ID = 59,SA ID = 2):Delete all IKE SAs
    RADIUS/ENCODE(0000002D):Orig. component type = VPN IPSEC
    RADIUS(0000002D): Config NAS IP: 0.0.0.0
    RADIUS(0000002D): Config NAS IPv6: ::
    RADIUS(0000002D): sending
    RADIUS/ENCODE: Best Local IP-Address 192.168.202.1 for Radius-Server 9.45.15.144
    RADIUS(0000002D): Send Accounting-Request to 9.45.15.144:1813 id 1646/246, len 356
    RADIUS: Acct-Session-Id [44] 10 "00000022"
    RADIUS: Calling-Station-Id [31] 15 "192.168.202.2"
    RADIUS: Vendor, Cisco [26] 64
    RADIUS: Cisco AVpair [1] 58 "audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B"
    RADIUS: Vendor, Cisco [26] 46
    RADIUS: Cisco AVpair [1] 40 "isakmp-phase1-id=pskuser1.g1.engdt.com"
    RADIUS: Vendor, Cisco [26] 40
    RADIUS: Cisco AVpair [1] 34 "isakmp-initator-ip=192.168.202.2"
    RADIUS: User-Name [1] 23 "pskuser1.g1.engdt.com"
    RADIUS: Acct-Authentic [45] 6 Local [2]
    RADIUS: Vendor, Cisco [26] 36
    RADIUS: Cisco AVpair [1] 30 "connect-progress=No Progress"
    RADIUS: Acct-Session-Time [46] 6 56
    RADIUS: Acct-Input-Octets [42] 6 0
    RADIUS: Acct-Output-Octets [43] 6 0
    RADIUS: Acct-Input-Packets [47] 6 0
    RADIUS: Acct-Output-Packets [48] 6 0
    RADIUS: Acct-Terminate-Cause[49] 6 none [0]
    RADIUS: Vendor, Cisco [26] 32
    RADIUS: Cisco AVpair [1] 26 "disc-cause-ext=No Reason"
    RADIUS: Acct-Status-Type [40] 6 Stop [2]
    RADIUS: NAS-IP-Address [4] 6 192.168.202.1
    RADIUS: home-hl-prefix [151] 10 "E2F80C34"
    RADIUS: Acct-Delay-Time [41] 6 0
    RADIUS(0000002D): Sending a IPv4 Radius Packet
    RADIUS(0000002D): Started 5 sec timeout
    """.split(separator: "\n").map(String.init)

    /// The Start exactly as the console prints it (the Japanese seed's line layout: labels in 20
    /// columns, values in 26).
    static let exactStart = [
        "Nov  4 00:26:49.908 IST: RADIUS/ENCODE: Best Local IP-Address 192.168.202.1 for Radius-Server 9.45.15.144",
        "Nov  4 00:26:49.908 IST: RADIUS(0000002C): Send Accounting-Request to 9.45.15.144:1813 id 1646/231, len 288",
        "Nov  4 00:26:49.908 IST: RADIUS:  Acct-Session-Id     [44] 10 \"00000021\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  Calling-Station-Id  [31] 15 \"192.168.202.2\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  Vendor, Cisco       [26] 64",
        "Nov  4 00:26:49.908 IST: RADIUS:  Cisco AVpair        [1] 58 \"audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  Vendor, Cisco       [26] 46",
        "Nov  4 00:26:49.908 IST: RADIUS:  Cisco AVpair        [1] 40 \"isakmp-phase1-id=pskuser1.g1.engdt.com\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  Vendor, Cisco       [26] 40",
        "Nov  4 00:26:49.908 IST: RADIUS:  Cisco AVpair        [1] 34 \"isakmp-initator-ip=192.168.202.2\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  User-Name           [1] 23 \"pskuser1.g1.engdt.com\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  Vendor, Cisco       [26] 36",
        "Nov  4 00:26:49.908 IST: RADIUS:  Cisco AVpair        [1] 30 \"connect-progress=No Progress\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  Acct-Authentic      [45] 6  Local                     [2]",
        "Nov  4 00:26:49.908 IST: RADIUS:  Acct-Status-Type    [40] 6  Start                     [1]",
        "Nov  4 00:26:49.908 IST: RADIUS:  NAS-IP-Address      [4] 6  192.168.202.1             ",
        "Nov  4 00:26:49.908 IST: RADIUS:  home-hl-prefix      [151] 10 \"D33648D8\"",
        "Nov  4 00:26:49.908 IST: RADIUS:  Acct-Delay-Time     [41] 6  0                         ",
        "Nov  4 00:26:49.908 IST: RADIUS(0000002C): Sending a IPv4 Radius Packet",
        "Nov  4 00:26:49.908 IST: RADIUS(0000002C): Started 5 sec timeout",
    ]

    private func withoutAuthenticator(_ lines: [String]) -> [String] {
        lines.filter { !$0.contains("RADIUS:  authenticator") }
    }

    func testStartDebugLinesAreTheSeeds() throws {
        let f = AccountingFixture()
        f.device.accounting.nextIdentifier = 231
        f.connectSeedSession()
        let lines = f.console.take()
        XCTAssertEqual(lines.count, 21)
        XCTAssertEqual(withoutAuthenticator(lines), Self.exactStart)
        // The English seed, whose layout collapses runs of spaces, line for line.
        XCTAssertEqual(Array(withoutAuthenticator(lines).prefix(Self.seedStart.count)).map(collapseSpaces),
                       Self.seedStart)
        // The authenticator line shows the bytes actually sent (octets 4–19 of the datagram), in the
        // seeds' layout: two-digit upper-case hex, eight, a dash, eight.
        let sent = try XCTUnwrap(f.device.accounting.labPeers.recent.last?.packet).encode()
        let hex = sent[4..<20].map { String(format: "%02X", $0) }
        let expected = "Nov  4 00:26:49.908 IST: RADIUS:  authenticator " + hex[0..<8].joined(separator: " ") + " - "
            + hex[8..<16].joined(separator: " ")
        XCTAssertEqual(lines[2], expected)
        XCTAssertEqual(lines[2].count, "Nov  4 00:26:49.908 IST: RADIUS:  authenticator 29 63 0C 79 C1 5E F2 0E - F3 CA 36 DD A3 55 C1 DE".count)
    }

    func testAuthenticatorLineFormat() {
        XCTAssertEqual(RADIUSDebugLines.authenticator(acctBytes(hex: "29630C79C15EF20EF3CA36DDA355C1DE")),
                       "RADIUS:  authenticator 29 63 0C 79 C1 5E F2 0E - F3 CA 36 DD A3 55 C1 DE")
        XCTAssertEqual(RADIUSDebugLines.authenticator(acctBytes(hex: "52885ECB8BFA1EC1CCEF73758973CA95")),
                       "RADIUS:  authenticator 52 88 5E CB 8B FA 1E C1 - CC EF 73 75 89 73 CA 95")
    }

    func testPODThenIKEv2LinesThenTheSeedsStop() throws {
        let f = AccountingFixture()
        f.device.config.dynamicAuthor = {
            var das = DynamicAuthorConfig()
            das.clients = [DynamicAuthorClient(host: "9.45.15.144", serverKey: ConfigSecret(plain: AccountingFixture.secret))]
            return das
        }()
        f.device.debug.aaaPod = true
        f.device.debug.cryptoIkev2 = true
        f.connectSeedSession()
        // The seed's second session: Acct-Session-Id 00000022, unique id 0x2D, up 56 s at the POD.
        let podTime = CivilTime.epochSeconds(year: 2014, month: 11, day: 3, hour: 19, minute: 2, second: 29) + 0.004
        let b = f.device.sessions.add(userName: "pskuser1.g1.engdt.com", peer: IPv4Address(192, 168, 202, 2),
                                      local: f.device.sessionLocalAddress, framedIP: nil,
                                      auditSessionId: "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B",
                                      serverKey: 0xE2F8_0C34, startTime: podTime - 56.5)
        f.device.onSessionConnected?(b)
        XCTAssertEqual(b.acctSessionIdText, "00000022")
        XCTAssertEqual(b.uniqueId, 0x2D)
        f.scheduler.advance(to: podTime)
        _ = f.console.take()
        f.device.accounting.nextIdentifier = 246

        var pod = RADIUSPacket(code: .disconnectRequest, identifier: 216,
                               attributes: [.ciscoAVPair("audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B")])
        let request = RADIUSAuth.signRequest(&pod, secret: AccountingFixture.secret)
        XCTAssertEqual(request.count, 84)
        let reply = f.device.handleDASDatagram(request, from: (AccountingFixture.labPeer, 50567), localPort: 1812)
        XCTAssertEqual(try RADIUSPacket.decode(try XCTUnwrap(reply)).code, .disconnectACK)

        let lines = f.console.take()
        let ack = try XCTUnwrap(lines.firstIndex { $0.hasSuffix("POD: Sending ACK from port 1812 to 9.45.15.144/50567") })
        let after = Array(lines[(ack + 1)...])
        let stamp = "Nov  4 00:32:29.004 IST: "
        XCTAssertTrue(after.allSatisfy { $0.hasPrefix(stamp) })
        let messages = after.map { String($0.dropFirst(stamp.count)) }
        // Our session's IKEv2 ids are its own: it is the 34th IKEv2 session and SA since reload
        // (the fixture made 33 before it); the seed's router had other history (59 and 2).
        let expected = Self.seedStop.map {
            $0.replacingOccurrences(of: "(SESSION ID = 59,SA ID = 2)", with: "(SESSION ID = 34,SA ID = 34)")
                .replacingOccurrences(of: "(SA ID = 2)", with: "(SA ID = 34)")
        }
        XCTAssertEqual(withoutAuthenticator(messages).map(collapseSpaces), expected)
        // Exact columns of the Stop-only attributes.
        XCTAssertTrue(messages.contains("RADIUS:  Acct-Terminate-Cause[49] 6  none                      [0]"))
        XCTAssertTrue(messages.contains("RADIUS:  Acct-Session-Time   [46] 6  56                        "))
        XCTAssertTrue(messages.contains("RADIUS:  Acct-Output-Packets [48] 6  0                         "))
        XCTAssertTrue(messages.contains("RADIUS:  Cisco AVpair        [1] 26 \"disc-cause-ext=No Reason\""))
        XCTAssertTrue(f.device.sessions[uniqueId: b.uniqueId] == nil)
        XCTAssertEqual(f.device.accounting.labPeers.stopsReceived, 1)
    }

    func testIKEv2LinesWithTheSeedsIds() {
        var session = Session(sessionId: 34, uniqueId: 45, userName: "u", peer: IPv4Address(192, 168, 202, 2),
                              local: IPv4Address(51, 1, 1, 1), auditSessionId: "A", acctSessionId: 34, serverKey: 1,
                              startTime: 0, ikev2SessionId: 59, saId: 2)
        XCTAssertEqual(IKEv2DebugLines.delete(session, accountingStop: true), Array(Self.seedStop.prefix(5)))
        session.bytesIn = 1200
        session.packetsOut = 3
        XCTAssertEqual(IKEv2DebugLines.delete(session, accountingStop: false), [
            "IKEv2:(SESSION ID = 59,SA ID = 2):Check for existing active SA",
            "IKEv2:in_octets 1200, out_octets 0",
            "IKEv2:in_packets 0, out_packets 3",
            "IKEv2:(SESSION ID = 59,SA ID = 2):Delete all IKE SAs",
        ])
    }

    func testLabPeerReplyIsPrintedMatchedAndCounted() {
        let f = AccountingFixture()
        f.device.accounting.nextIdentifier = 231
        let session = f.connectSeedSession()
        _ = f.console.take()
        XCTAssertEqual(f.device.accounting.outstandingRequests, 1)
        XCTAssertEqual(f.device.accounting.record(uniqueId: session.uniqueId)?.startSent, true)
        XCTAssertEqual(f.device.accounting.record(uniqueId: session.uniqueId)?.startAcknowledged, false)
        f.scheduler.advance(by: 0.01)
        let lines = f.console.take()
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first, "Nov  4 00:26:49.910 IST: RADIUS: Received from id 1646/231 9.45.15.144:1813, Accounting-response, len 20")
        XCTAssertTrue(lines.last?.hasPrefix("Nov  4 00:26:49.910 IST: RADIUS:  authenticator ") ?? false)
        XCTAssertEqual(f.device.accounting.outstandingRequests, 0)
        XCTAssertEqual(f.device.accounting.record(uniqueId: session.uniqueId)?.startAcknowledged, true)
        let stats = f.device.accounting.statistics(server: "RAD1", now: f.device.now)
        XCTAssertEqual(stats.requests, 1)
        XCTAssertEqual(stats.startRequests, 1)
        XCTAssertEqual(stats.startResponses, 1)
        XCTAssertEqual(stats.transactionSuccesses, 1)
        XCTAssertEqual(stats.outstanding, 0)
        XCTAssertEqual(stats.averageResponseMilliseconds, 2)
        // Nothing more happens: the timer was cancelled.
        f.scheduler.advance(by: 60)
        XCTAssertEqual(f.console.take(), [])
        XCTAssertEqual(f.scheduler.pendingCount, 0)
    }

    func testNothingIsPrintedWithoutDebugRadius() {
        let f = AccountingFixture()
        f.device.debug.radius = false
        f.connectSeedSession()
        f.scheduler.advance(by: 1)
        XCTAssertEqual(f.console.lines, [])
        XCTAssertEqual(f.device.accounting.labPeers.startsReceived, 1)
    }
}
