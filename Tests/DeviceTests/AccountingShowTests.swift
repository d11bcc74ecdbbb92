import Foundation
import XCTest
@testable import Device
import RADIUS
@testable import Renderers

/// `show aaa user`, `show crypto session`, `show crypto ikev2 sa`, `show aaa servers` and
/// `show aaa server radius dynamic-author`, filled from live sessions and accounting.
final class AccountingShowTests: XCTestCase {
    /// The seed's `show aaa user 41` (the Japanese document's line layout; its scanning garbles
    /// corrected: `DOT1X`, `isakmp-initator-ip` as IOS spells it, dashed lines of eight).
    /// `@@@@@@@@@@@@` stands for a generated address.
    static let seedUser41 = """
    Unique id 41 is currently in use.
    No data for type 0
    No data for type EXEC
    No data for type CONN
    NET: Username=(n/a)
      Session Id=0000001E Unique Id=00000029
      Start Sent=0 Stop Only=N
      stop_has_been_sent=N
      Method List=0
      Attribute list:
        @@@@@@@@@@@@ 0 00000001 session-id(408) 4 30(1E)
        @@@@@@@@@@@@ 0 00000001 start_time(418) 4 Nov 04 2014 00:20:23
    --------
    No data for type CMD
    No data for type SYSTEM
    No data for type VRRS
    No data for type RM CALL
    No data for type RM VPDN
    No data for type AUTH PROXY
    No data for type DOT1X
    No data for type CALL
    No data for type VPDN-TUNNEL
    No data for type VPDN-TUNNEL-LINK
    IPSEC-TUNNEL: Username=pskuser2.g1.engdt.com
      Session Id=0000001E Unique Id=00000029
      Start Sent=1 Stop Only=N
      stop_has_been_sent=N
      Method List=@@@@@@@@@@@@ : Name = acct_prof
      Attribute list:
        @@@@@@@@@@@@ 0 00000001 session-id(408) 4 30(1E)
        @@@@@@@@@@@@ 0 00000001 start_time(418) 4 Nov 04 2014 00:20:23
        @@@@@@@@@@@@ 0 00000082 formatted-clid(37) 13 192.168.202.2
        @@@@@@@@@@@@ 0 0000008A audit-session-id(819) 37 L2L433010101ZO2L4C0A8CA02ZH119404ZP37
        @@@@@@@@@@@@ 0 00000081 isakmp-phase1-id(737) 21 pskuser2.g1.engdt.com
        @@@@@@@@@@@@ 0 00000002 isakmp-initator-ip(738) 4 192.168.202.2
    --------
    No data for type MCAST
    No data for type RESOURCE
    No data for type SSG
    No data for type IDENTITY
    No data for type ConnectedApps
    Accounting:
      log=0x400018041
      Events recorded :
        CALL START
        ATTR REPLACE
        INTERIM START
        INTERIM STOP
        IPSEC TNL UP
      update method(s) :
        NONE
      update interval = 0
      Outstanding Stop Records : 0
      Dynamic attribute list:
        @@@@@@@@@@@@ 0 00000001 connect-progress(75) 4 No Progress
        @@@@@@@@@@@@ 0 00000001 pre-session-time(334) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 elapsed_time(414) 4 341(155)
        @@@@@@@@@@@@ 0 00000001 bytes_in(146) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 bytes_out(311) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 pre-bytes-in(330) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 pre-bytes-out(331) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 paks_in(147) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 paks_out(312) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 pre-paks-in(332) 4 0(0)
        @@@@@@@@@@@@ 0 00000001 pre-paks-out(333) 4 0(0)
      Debg: No data available
      Radi: No data available
    Interface:
      TTY Num = -1
      Stop Received = 0
      Byte/Packet Counts till Call Start:
        Start Bytes In = 0          Start Bytes Out = 0
        Start Paks In = 0          Start Paks Out = 0
      Byte/Packet Counts till Service Up:
        Pre Bytes In = 0          Pre Bytes Out = 0
        Pre Paks In = 0          Pre Paks Out = 0
      Cumulative Byte/Packet Counts :
        Bytes In = 0          Bytes Out = 0
        Paks In = 0          Paks Out = 0
      StartTime = 00:20:23 IST Nov 4 2014
      AuthenTime = 00:20:23 IST Nov 4 2014
      Component = VPN IPSEC
      Authen: service=NONE type=NONE method=NONE
      Kerb: No data available
    Meth: No data available
    Preauth: No Preauth data.
    General:
      Unique Id = 00000029
      Session Id = 0000001E
      Session Server Key = 1771D693
      Attribute List:
    PerU: No data available
    Service Profile: No Service Profile data.
    Unkn: No data available
    Unkn: No data available
    """

    /// The seed's device at Nov 4 2014 00:20:23 IST with session 30 / unique id 41 up, its Start
    /// acknowledged by the lab peer, and the clock 341 s later.
    private func seedDevice(seed: UInt64 = 7) -> AccountingFixture {
        let start = CivilTime.epochSeconds(year: 2014, month: 11, day: 3, hour: 18, minute: 50, second: 23)
        let f = AccountingFixture(seed: seed, start: start)
        f.device.debug.radius = false
        let table = f.device.sessions
        for _ in 0..<11 { _ = table.allocateUniqueId() }
        while table.totalSinceReload < 29 {
            let s = table.add(userName: nil, peer: IPv4Address(10, 0, 0, 1), local: f.device.sessionLocalAddress,
                              framedIP: nil, auditSessionId: "old\(table.totalSinceReload)",
                              serverKey: table.totalSinceReload + 1, startTime: start)
            table.remove(uniqueId: s.uniqueId)
        }
        let session = table.add(userName: "pskuser2.g1.engdt.com", peer: IPv4Address(192, 168, 202, 2),
                                local: f.device.sessionLocalAddress, framedIP: nil,
                                auditSessionId: "L2L433010101ZO2L4C0A8CA02ZH119404ZP37", serverKey: 0x1771_D693,
                                startTime: start)
        f.device.onSessionConnected?(session)
        XCTAssertEqual([session.sessionId, session.uniqueId], [30, 41])
        f.scheduler.advance(by: 341)
        return f
    }

    private func lines(_ body: ((String) -> Void) -> Void) -> [String] {
        var out: [String] = []
        body { out.append($0) }
        return out
    }

    private static let addressPattern = try! NSRegularExpression(pattern: "\\b[0-9A-F]{12}\\b")

    private func addresses(in line: String) -> [String] {
        Self.addressPattern.matches(in: line, range: NSRange(line.startIndex..., in: line)).compactMap {
            Range($0.range, in: line).map { String(line[$0]) }
        }
    }

    private func masked(_ line: String) -> String {
        Self.addressPattern.stringByReplacingMatches(in: line, range: NSRange(line.startIndex..., in: line),
                                                     withTemplate: "@@@@@@@@@@@@")
    }

    func testShowAAAUser41IsTheSeeds() {
        let f = seedDevice()
        let out = lines { AAAUserRenderer.render(device: f.device, uniqueId: 41, emit: $0) }
        XCTAssertEqual(out.map(masked), Self.seedUser41.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        // The addresses have the seed's form and structure: shared entries of the NET and
        // IPSEC-TUNNEL lists, the dynamic list reusing the attribute chunks.
        let found = out.map(addresses(in:))
        let net = found[10...11].flatMap { $0 }
        let ipsec = found[29...34].flatMap { $0 }
        let dynamic = found[54...64].flatMap { $0 }
        XCTAssertEqual(net, Array(ipsec.prefix(2)))
        XCTAssertEqual(dynamic[0], ipsec[5])
        XCTAssertEqual(Array(dynamic[5...9]), Array(ipsec[0...4]))
        XCTAssertTrue((net + ipsec + dynamic).allSatisfy { $0.hasPrefix("7F") })
        XCTAssertEqual(Set(ipsec + dynamic).count, 11)
        let methodList = found[27]
        XCTAssertEqual(methodList.count, 1)
        XCTAssertEqual(methodList.first?.prefix(4), ipsec[0].prefix(4))
        // Stable for the same session; another device (another random draw) prints other values.
        XCTAssertEqual(lines { AAAUserRenderer.render(device: f.device, uniqueId: 41, emit: $0) }, out)
        let other = lines { AAAUserRenderer.render(device: seedDevice(seed: 99).device, uniqueId: 41, emit: $0) }
        XCTAssertNotEqual(other, out)
        XCTAssertEqual(other.map(masked), out.map(masked))
    }

    func testShowAAAUserFollowsCountersAndClock() {
        let f = seedDevice()
        let s41 = f.device.sessions[uniqueId: 41]
        XCTAssertNotNil(s41)
        f.scheduler.advance(by: 10)
        let out = lines { AAAUserRenderer.render(device: f.device, uniqueId: 41, emit: $0) }
        XCTAssertTrue(out.contains { $0.hasSuffix(" elapsed_time(414) 4 351(15F)") })
        XCTAssertEqual(lines { AAAUserRenderer.render(device: f.device, uniqueId: 7, emit: $0) },
                       ["Unique id 7 is not in use."])
        XCTAssertFalse(AAAUserRenderer.render(device: f.device, uniqueId: 7) { _ in })
    }

    func testShowAAAUserAllRepeatsTheBlockPerSession() {
        let f = seedDevice()
        let second = f.device.connectSession(userName: "pskuser4.g2.engdt.com", peer: IPv4Address(192, 168, 202, 4))
        let out = lines { AAAUserRenderer.renderAll(device: f.device, emit: $0) }
        let starts = out.enumerated().filter { $0.element.hasPrefix("Unique id ") }
        XCTAssertEqual(starts.map(\.element), ["Unique id 41 is currently in use.",
                                               "Unique id \(second.uniqueId) is currently in use."])
        XCTAssertEqual(out.filter { $0 == "--------------------------------------------------" }.count, 2)
        XCTAssertTrue(out.contains("  IPSEC-TUNNEL: Username=pskuser4.g2.engdt.com"))
        XCTAssertTrue(out.contains("  No data for type DOT1X"))
    }

    func testShowCryptoSessionDetailParsesWithTheNTCTemplatesRules() throws {
        let f = seedDevice()
        let framed = f.device.connectSession(userName: "pskuser4.g2.engdt.com", peer: IPv4Address(192, 168, 202, 4),
                                             framedIP: IPv4Address(10, 0, 0, 2))
        let out = lines { CryptoSessionRenderer.render(device: f.device, detail: true, emit: $0) }
        if let dir = ProcessInfo.processInfo.environment["FLEXVPN_DUMP_DIR"] {
            try (out.joined(separator: "\n") + "\n").write(toFile: dir + "/show_crypto_session_detail.txt",
                                                           atomically: true, encoding: .utf8)
        }
        // Every line is one the template knows: a header, a field of a session, or blank.
        let known = [
            "^Crypto\\s+.*", "^Code:", "^[KXRS]\\s+-", "^Interface:\\s+\\S+$", "^Profile:\\s+\\S+$", "^Uptime:\\s+\\S+$",
            "^Session\\s+status:\\s+\\S+$", "^Peer:\\s+\\S+\\s+port\\s+\\d+\\s+fvrf:\\s+\\S+\\s+ivrf:\\s+\\S+$",
            "^\\s+Desc:\\s+\\S+$", "^\\s+Phase1_id:\\s+\\S+$", "^\\s+Session\\s+ID:\\s+\\d+$",
            "^\\s+IKEv2\\s+SA:\\s+local\\s+\\S+/\\d+\\s+remote\\s+\\S+/\\S+\\s+\\S+$",
            "^\\s+Capabilities:\\S+\\s+connid:\\d+\\s+lifetime:\\S+$",
            "^\\s+IPSEC\\s+FLOW:\\s+permit\\s+\\S+\\s+\\S+/\\S+\\s+\\S+/\\S+$",
            "^\\s+Active\\s+SAs:\\s+\\d+,\\s+origin:\\s+.+$", "^\\s+Inbound:\\s+#.*", "^\\s+Outbound:\\s+#.*", "^\\s*$",
        ].map { try! NSRegularExpression(pattern: $0) }
        for line in out {
            let range = NSRange(line.startIndex..., in: line)
            XCTAssertTrue(known.contains { $0.firstMatch(in: line, range: range) != nil }, "unknown line: \(line)")
        }
        XCTAssertEqual(out.filter { $0.hasPrefix("Interface: Virtual-Access") }.count, 2)
        XCTAssertEqual(out.filter { $0 == "Profile: FLEX_PROF" }.count, 2)
        XCTAssertTrue(out.contains("      Phase1_id: pskuser2.g1.engdt.com"))
        XCTAssertTrue(out.contains("Uptime: 00:05:41"))
        XCTAssertTrue(out.contains("  IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 10.0.0.2/255.255.255.255"))
        XCTAssertTrue(out.contains("  Session ID: \(framed.ikev2SessionId)"))
        XCTAssertTrue(out.contains("          Capabilities:(none) connid:\(framed.saId) lifetime:24:00:00"))
        XCTAssertTrue(out.contains("          Capabilities:(none) connid:30 lifetime:23:54:19"))
        XCTAssertTrue(out.contains("        Inbound:  #pkts dec'ed 0 drop 0 life (KB/Sec) 4608000/3259"))
    }

    func testShowCryptoSessionBrief() {
        let f = seedDevice()
        let out = lines { CryptoSessionRenderer.render(device: f.device, detail: false, emit: $0) }
        XCTAssertEqual(out, [
            "Crypto session current status",
            "",
            "Interface: Virtual-Access30",
            "Profile: FLEX_PROF",
            "Session status: UP-ACTIVE",
            "Peer: 192.168.202.2 port 4500",
            "  Session ID: 30",
            "  IKEv2 SA: local 51.1.1.1/4500 remote 192.168.202.2/4500 Active",
            "  IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0",
            "        Active SAs: 2, origin: crypto map",
            "",
        ])
    }

    func testShowCryptoIKEv2SA() {
        let f = seedDevice()
        let brief = lines { IKEv2SARenderer.render(device: f.device, detailed: false, emit: $0) }
        XCTAssertEqual(brief, [
            " IPv4 Crypto IKEv2  SA",
            "",
            "Tunnel-id Local                 Remote                fvrf/ivrf            Status",
            "30        51.1.1.1/4500         192.168.202.2/4500    none/none            READY",
            "      Encr: AES-CBC, keysize: 256, PRF: SHA512, Hash: SHA512, DH Grp:19, Auth sign: PSK, Auth verify: PSK",
            "      Life/Active Time: 86400/341 sec",
            "",
            " IPv6 Crypto IKEv2  SA",
            "",
        ])
        let detailed = lines { IKEv2SARenderer.render(device: f.device, detailed: true, emit: $0) }
        XCTAssertEqual(detailed.count, brief.count + 16)
        XCTAssertTrue(detailed.contains("      CE id: 0, Session-id: 30"))
        XCTAssertTrue(detailed.contains("      Remote id: pskuser2.g1.engdt.com"))
        let spi = detailed.first { $0.hasPrefix("      Local spi: ") } ?? ""
        XCTAssertNotNil(spi.range(of: "^      Local spi: [0-9A-F]{16}       Remote spi: [0-9A-F]{16}$",
                                  options: .regularExpression))
    }

    func testShowAAAServersCountsAccounting() {
        let f = seedDevice()
        f.device.clearCryptoSessions()
        f.scheduler.advance(by: 1)
        let out = lines { AAAServersRenderer.render(device: f.device, emit: $0) }
        XCTAssertEqual(out.first, "RADIUS: id 1, priority 1, host 9.45.15.144, auth-port 1812, acct-port 1813, hostname RAD1")
        XCTAssertTrue(out.contains("     Account: request 2, timeouts 0, failover 0, retransmission 0"))
        XCTAssertTrue(out.contains("             Request: start 1, interim 0, stop 1"))
        XCTAssertTrue(out.contains("             Response: start 1, interim 0, stop 1"))
        XCTAssertTrue(out.contains("             Response: unexpected 0, server error 0, incorrect 0, time 2ms"))
        XCTAssertTrue(out.contains("             Transaction: success 2, failure 0"))
        XCTAssertTrue(out.contains("     Estimated Outstanding Accounting Transactions: 0"))
        XCTAssertTrue(out.contains("     Elapsed time since counters last cleared: 5m"))
        XCTAssertTrue(out.contains { $0.hasPrefix("             high - 0 hours, ") && $0.hasSuffix(" minutes ago: 1") })
        XCTAssertTrue(out.contains("             average: 0"))
        XCTAssertEqual(out.last, "")
        XCTAssertEqual(AAAServersRenderer.elapsedText(3 * 604_800 + 4 * 86_400 + 3600 + 39 * 60), "3w4d1h39m")
        XCTAssertEqual(AAAServersRenderer.elapsedText(3600), "1h0m")
    }

    func testShowAAAServerRadiusDynamicAuthor() {
        let f = seedDevice()
        XCTAssertEqual(lines { DynamicAuthorRenderer.render(device: f.device, emit: $0) },
                       ["% Dynamic authorization is not configured"])
        var das = DynamicAuthorConfig()
        das.clients = [DynamicAuthorClient(host: "9.45.15.144", serverKey: ConfigSecret(plain: "cisco"))]
        das.port = 1812
        f.device.config.dynamicAuthor = das
        var pod = RADIUSPacket(code: .disconnectRequest, identifier: 1, attributes: [.ciscoAVPair("audit-session-id=none")])
        _ = f.device.handleDASDatagram(RADIUSAuth.signRequest(&pod, secret: "cisco"), from: (AccountingFixture.labPeer, 5000),
                                       localPort: 1812)
        let out = lines { DynamicAuthorRenderer.render(device: f.device, emit: $0) }
        XCTAssertEqual(out.first, "RADIUS dynamic-author server: port 1812, auth-type all, server-key not configured")
        XCTAssertTrue(out.contains("     Client: 9.45.15.144, server-key configured"))
        XCTAssertTrue(out.contains("     Disconnect: ack 0, nak 1"))
        // A port the socket could not allocate is not claimed as listened on.
        f.device.das.socket = .unavailable(port: 1812)
        XCTAssertEqual(lines { DynamicAuthorRenderer.render(device: f.device, emit: $0) }.first,
                       "RADIUS dynamic-author server: port 1812 (not listening: unable to allocate port), auth-type all, server-key not configured")
        f.device.das.socket = .listening(port: 1812)
        XCTAssertEqual(lines { DynamicAuthorRenderer.render(device: f.device, emit: $0) }.first,
                       "RADIUS dynamic-author server: port 1812, auth-type all, server-key not configured")
    }

    /// The minutes of `Requests per minute past 24 hours` against real captures: a router whose
    /// counters were cleared under a minute ago, one request since, printed `Elapsed time since
    /// counters last cleared: 0m`, `high - 0 hours, 1 minutes ago: 1`, `low  - 0 hours, 1 minutes
    /// ago: 1`, `average: 1` (a CSR1000v's `show aaa servers` in a public lab write-up); the
    /// seeds' device, 341 s after its three Starts, then says 6 minutes ago with 5m elapsed.
    func testRequestsPerMinuteCountTheCurrentMinuteAsOne() {
        var fresh = RADIUSServerStatistics(clearedAt: 1000)
        fresh.noteRequest(status: .start, at: 1020)
        let recent = fresh.requestRate(now: 1030)
        XCTAssertEqual(recent.high.ago, 1)
        XCTAssertEqual(recent.high.count, 1)
        XCTAssertEqual(recent.low.ago, 1)
        XCTAssertEqual(recent.low.count, 1)
        XCTAssertEqual(recent.average, 1)
        XCTAssertEqual(AAAServersRenderer.elapsedText(30), "0m")

        var seed = RADIUSServerStatistics(clearedAt: 0)
        for _ in 0..<3 { seed.noteRequest(status: .start, at: 0) }
        let later = seed.requestRate(now: 341)
        XCTAssertEqual(later.high.ago, 6)
        XCTAssertEqual(later.high.count, 3)
        XCTAssertEqual(later.low.ago, 5)
        XCTAssertEqual(later.low.count, 0)
        XCTAssertEqual(later.average, 0)
        XCTAssertEqual(AAAServersRenderer.elapsedText(341), "5m")
        // A request leaves the window after 24 hours.
        XCTAssertEqual(seed.requestRate(now: 86_400 + 60).high.count, 0)
    }
}
