import XCTest
@testable import Device
import RADIUS

/// Collects the device's console lines.
final class AccountingConsole: ConsoleSink {
    var lines: [String] = []
    func deviceLog(_ line: String) { lines.append(line) }
    func take() -> [String] {
        defer { lines.removeAll() }
        return lines
    }
}

/// Records datagrams handed to the real-UDP transport.
final class RecordingAccountingTransport: AccountingTransport {
    var sent: [(bytes: [UInt8], address: IPv4Address, port: UInt16, sourcePort: UInt16)] = []
    func send(_ bytes: [UInt8], to address: IPv4Address, port: UInt16, sourcePort: UInt16) {
        sent.append((bytes, address, port, sourcePort))
    }
}

/// The seeds' device: IST clock, `debug radius`, RADIUS server 9.45.15.144 (a lab peer) in group
/// RADGRP, accounting list `acct_prof`, and a manual scheduler on the device's clock.
final class AccountingFixture {
    static let labPeer = IPv4Address(9, 45, 15, 144)
    static let secret = "cisco123"

    let time: ManualTimeSource
    let device: Device
    let console = AccountingConsole()
    let scheduler: ManualScheduler
    let transport = RecordingAccountingTransport()

    /// `servers`: (name, address, key) in group order.
    init(servers: [(String, String, String)] = [("RAD1", "9.45.15.144", AccountingFixture.secret)],
         scheduler useScheduler: Bool = true, seed: UInt64 = 7, start: Double? = nil) {
        // Nov  4 00:26:49.908 IST is Nov  3 18:56:49.908 UTC.
        let epoch = start
            ?? CivilTime.epochSeconds(year: 2014, month: 11, day: 3, hour: 18, minute: 56, second: 49) + 0.908
        time = ManualTimeSource(start: epoch)
        device = Device(time: time, random: SeededRandom(seed: seed))
        device.setClock(to: epoch)
        device.console = console
        scheduler = ManualScheduler(time: time)
        if useScheduler { device.accounting.scheduler = scheduler }
        device.accounting.transport = transport
        var config = device.config
        config.aaaNewModel = true
        config.clockTimezone = ClockTimezone(name: "IST", hours: 5, minutes: 30)
        config.timestampsDebug = .datetime(msec: true, localtime: true, showTimezone: true, year: false)
        var group = RadiusServerGroup(name: "RADGRP")
        for (name, address, key) in servers {
            var server = RadiusServerConfig(name: name)
            server.address = address
            // The seeds' server: `address ipv4 9.45.15.144 auth-port 1812 acct-port 1813`.
            server.authPort = 1812
            server.acctPort = 1813
            server.key = ConfigSecret(plain: key)
            config.radiusServers.append(server)
            group.serverNames.append(name)
        }
        config.radiusGroups = [group]
        config.accountingNetwork = [AAAMethodList(name: "acct_prof", methods: [.group("RADGRP")])]
        device.config = config
        device.debug.radius = true
    }

    /// A session with the seeds' Start values: Acct-Session-Id 00000021, unique id 0x2C,
    /// audit-session-id …ZN3A, user pskuser1.g1.engdt.com, server key D33648D8.
    @discardableResult
    func connectSeedSession(serverKey: UInt32 = 0xD336_48D8, audit: String = "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A",
                            startTime: Double? = nil) -> Session {
        let table = device.sessions
        // 32 earlier sessions (Session Id 33 is the seed's 0x21) and 11 other AAA users of unique ids.
        while table.totalSinceReload < 32 {
            let s = table.add(userName: nil, peer: IPv4Address(10, 0, 0, 1), local: device.sessionLocalAddress,
                              framedIP: nil, auditSessionId: "x\(table.totalSinceReload)",
                              serverKey: table.totalSinceReload + 1, startTime: device.now)
            table.remove(uniqueId: s.uniqueId)
        }
        for _ in 0..<11 { _ = table.allocateUniqueId() }
        let session = table.add(userName: "pskuser1.g1.engdt.com", peer: IPv4Address(192, 168, 202, 2),
                                local: device.sessionLocalAddress, framedIP: nil, auditSessionId: audit,
                                serverKey: serverKey, startTime: startTime ?? device.now)
        device.onSessionConnected?(session)
        return session
    }
}

func acctBytes(hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var iterator = hex.filter { !$0.isWhitespace }.makeIterator()
    while let a = iterator.next(), let b = iterator.next() {
        guard let v = UInt8(String([a, b]), radix: 16) else { return [] }
        out.append(v)
    }
    return out
}

/// The seeds' text compares with single spaces: the English seed's layout collapses runs.
func collapseSpaces(_ s: String) -> String {
    s.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
}
