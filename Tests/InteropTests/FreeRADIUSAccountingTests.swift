import Foundation
import XCTest
import Device
import RADIUS
import Transport

/// The emulator's accounting Start and Stop, over real loopback UDP, logged by a real FreeRADIUS.
final class FreeRADIUSAccountingTests: XCTestCase {
    /// Console lines from the engine's loop.
    private final class Console: ConsoleSink, @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        func deviceLog(_ line: String) {
            lock.lock()
            stored.append(line)
            lock.unlock()
        }
        var lines: [String] {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
    }

    private struct Rig {
        let engine: Engine
        let client: AccountingUDPClient
        let console: Console

        func shutdown() {
            try? client.stop().wait()
            try? engine.shutdown()
        }
    }

    /// A device whose accounting list `acct_prof` uses group RADGRP with `servers` (name, port),
    /// all at 127.0.0.1 with the FreeRADIUS secret.
    private func makeRig(servers: [(String, UInt16)], timeout: Double = 5, retransmits: Int = 3) throws -> Rig {
        // The device's clock moves only when told (session times do not depend on how fast this
        // machine is); the accounting timers still run on the engine's loop.
        let device = Device(time: ManualTimeSource(start: 1_415_040_623))
        var config = device.config
        config.aaaNewModel = true
        var group = RadiusServerGroup(name: "RADGRP")
        for (name, port) in servers {
            var server = RadiusServerConfig(name: name)
            server.address = "127.0.0.1"
            server.acctPort = port
            server.key = ConfigSecret(plain: FreeRADIUSServer.secret)
            config.radiusServers.append(server)
            group.serverNames.append(name)
        }
        config.radiusGroups = [group]
        config.accountingNetwork = [AAAMethodList(name: "acct_prof", methods: [.group("RADGRP")])]
        device.config = config
        device.debug.radius = true
        device.accounting.timeout = timeout
        device.accounting.retransmits = retransmits
        let console = Console()
        device.console = console
        let engine = Engine(device: device)
        let client = AccountingUDPClient(engine: engine)
        _ = try client.start().wait()
        return Rig(engine: engine, client: client, console: console)
    }

    private func statistics(_ rig: Rig, _ name: String) -> RADIUSServerStatistics {
        rig.engine.sync { $0.accounting.statistics(server: name, now: $0.now) }
    }

    func testFreeRADIUSLogsTheEmulatorsStartAndStop() throws {
        let radius = try FreeRADIUSServer()
        defer { radius.stop() }
        let rig = try makeRig(servers: [("LOCAL", radius.port)])
        defer { rig.shutdown() }

        let session = rig.engine.sync { $0.connectSession(userName: "pskuser1.g1.engdt.com") }
        XCTAssertTrue(radius.wait { self.statistics(rig, "LOCAL").startResponses == 1 },
                      "no Accounting-Response to the Start: \(radius.log)")
        XCTAssertTrue(rig.engine.sync { $0.accounting.record(uniqueId: session.uniqueId)?.startAcknowledged ?? false })

        // 56 seconds and some traffic later (the seeds' POD came 56 s after the Start).
        rig.engine.sync { device in
            (device.time as? ManualTimeSource)?.advance(by: 56)
            device.sessions.addTraffic(uniqueId: session.uniqueId, bytesIn: 123_456, bytesOut: 654_321,
                                       packetsIn: 1000, packetsOut: 2000)
            _ = device.clearCryptoSessions()
        }
        XCTAssertTrue(radius.wait { self.statistics(rig, "LOCAL").stopResponses == 1 },
                      "no Accounting-Response to the Stop: \(radius.log)")

        let lines = radius.accountingLines
        XCTAssertEqual(lines.count, 2, "\(lines)")
        let avpairs = "avpairs=audit-session-id=\(session.auditSessionId),isakmp-phase1-id=pskuser1.g1.engdt.com,"
            + "isakmp-initator-ip=192.168.202.2"
        XCTAssertEqual(lines.first, "Start session=\(session.acctSessionIdText) user=pskuser1.g1.engdt.com "
                       + "calling=192.168.202.2 nas=192.168.202.1 \(avpairs),connect-progress=No Progress "
                       + "delay=0 authentic=Local")
        XCTAssertEqual(lines.last, "Stop session=\(session.acctSessionIdText) user=pskuser1.g1.engdt.com time=56 "
                       + "in=123456 out=654321 cause=Admin-Reset \(avpairs),connect-progress=No Progress,disc-cause-ext=No Reason")
        // FreeRADIUS decoded every attribute the seed lists (the detail file holds them all).
        let detail = radius.detail
        for expected in ["Acct-Status-Type = Start", "Acct-Status-Type = Stop", "Acct-Session-Time = 56",
                         "Acct-Input-Octets = 123456", "Acct-Output-Octets = 654321",
                         "Acct-Input-Packets = 1000", "Acct-Output-Packets = 2000", "NAS-IP-Address = 192.168.202.1",
                         "Calling-Station-Id = \"192.168.202.2\"", "Acct-Delay-Time = 0"] {
            XCTAssertTrue(detail.contains(expected), "detail lacks \(expected)")
        }
        // The debug lines show what went to the server and what came back.
        let console = rig.console.lines
        // With the seeds' value lengths the Start is 288 bytes and the Stop 356.
        let sends = console.filter { $0.contains("Send Accounting-Request to 127.0.0.1:\(radius.port) id 1646/") }
        XCTAssertEqual(sends.count, 2)
        XCTAssertTrue(sends.first?.hasSuffix(", len 288") ?? false, "\(sends)")
        XCTAssertTrue(sends.last?.hasSuffix(", len 356") ?? false, "\(sends)")
        XCTAssertEqual(console.filter { $0.contains("Accounting-response, len 20") }.count, 2)
        XCTAssertEqual(statistics(rig, "LOCAL").badAuthenticators, 0)
    }

    func testFailOverFromASilentLoopbackPortToFreeRADIUS() throws {
        let radius = try FreeRADIUSServer()
        defer { radius.stop() }
        let deadPort = try freeLoopbackUDPPort()
        let rig = try makeRig(servers: [("DEAD", deadPort), ("LOCAL", radius.port)], timeout: 0.3, retransmits: 1)
        defer { rig.shutdown() }

        rig.engine.sync { _ = $0.connectSession(userName: "failover-user") }
        XCTAssertTrue(radius.wait { self.statistics(rig, "LOCAL").startResponses == 1 },
                      "the Start never reached FreeRADIUS after fail-over: \(rig.console.lines)")
        let dead = statistics(rig, "DEAD")
        XCTAssertEqual([dead.requests, dead.retransmissions, dead.timeouts, dead.failovers], [1, 1, 2, 1])
        let console = rig.console.lines
        // No auth-port configured: IOS's default 1645 names the server.
        XCTAssertTrue(console.contains { $0.contains("RADIUS: Retransmit to (127.0.0.1:1645,\(deadPort)) for id 1646/") })
        XCTAssertTrue(console.contains { $0.contains("RADIUS: Fail-over to (127.0.0.1:1645,\(radius.port)) for id 1646/") })
        XCTAssertEqual(radius.accountingLines.count, 1)
        XCTAssertTrue(radius.accountingLines.first?.hasPrefix("Start ") ?? false)
    }
}
