import Device
import Foundation
import NIOCore
import RADIUS
import Transport

/// `flexvpn-bench lifecycle`: the emulator as a load generator for a RADIUS server. It starts a
/// FreeRADIUS 3 of its own on loopback (a private configuration in a temporary folder: PAP users
/// accepted with `cisco`, accounting answered), then runs COUNT complete session lifecycles —
/// Access-Request (group authorization through a `crypto ikev2 profile`), accounting Start, then
/// the client leaves and the Stop goes — with at most WINDOW lifecycles under way (and at most
/// RATE started a second, when given). It prints lifecycles completed a second, RADIUS
/// round-trip p50/p99, timeouts and retransmits, and the CPU time per lifecycle of the emulator
/// (this process: its engine loop and the UDP client) and of FreeRADIUS (from /proc).
/// The anchor is FreeRADIUS's own `radclient -c`/`radperf` on the same machine.
struct LifecycleBenchmark {
    struct Options {
        var sessions = 20_000
        var window = 32
        var rate: Int?
        var warmup = 1_000
        /// Also run `LifecycleFloor` against the same server.
        var floor = true
        /// FreeRADIUS's configuration: the bench's own minimal one, or the system's stock one.
        var freeradius = BenchFreeRADIUS.Configuration.minimal

        static let usage = """
              lifecycle: --sessions N   complete lifecycles to run (default 20000)
                         --window N     lifecycles under way at once, at most 256 (default 32)
                         --rate N       at most N started a second (default: as fast as the window allows)
                         --warmup N     lifecycles first, not measured (default 1000)
                         --floor yes|no the same lifecycles from a minimal client, no router (default yes)
                         --freeradius minimal|stock
                                        FreeRADIUS's configuration: PAP and an accounting `ok` only (default),
                                        or a copy of the installed /etc/freeradius/3.0 (its default site)
            """

        struct BadOption: Error, CustomStringConvertible { var description: String }

        init(parsing arguments: [String]) throws {
            var it = arguments.makeIterator()
            while let flag = it.next() {
                if flag == "--freeradius" {
                    guard let name = it.next(), let configuration = BenchFreeRADIUS.Configuration(rawValue: name) else {
                        throw BadOption(description: "--freeradius needs minimal or stock")
                    }
                    freeradius = configuration
                    continue
                }
                if flag == "--floor" {
                    switch it.next() {
                    case "yes": floor = true
                    case "no": floor = false
                    default: throw BadOption(description: "--floor needs yes or no")
                    }
                    continue
                }
                guard let value = it.next(), let number = Int(value), number > 0 else {
                    throw BadOption(description: "\(flag) needs a positive number")
                }
                switch flag {
                case "--sessions": sessions = number
                case "--window": window = min(256, number)
                case "--rate": rate = number
                case "--warmup": warmup = number
                default: throw BadOption(description: "unknown option \(flag)")
                }
            }
        }
    }

    let options: Options

    func run() {
        let radius: BenchFreeRADIUS
        do {
            radius = try BenchFreeRADIUS(configuration: options.freeradius)
        } catch {
            print("flexvpn-bench lifecycle: \(error)")
            exitCode(2)
        }
        defer { radius.stop() }

        let device = Device()
        var config = device.config
        config.aaaNewModel = true
        var server = RadiusServerConfig(name: "FR")
        server.address = "127.0.0.1"
        server.authPort = radius.authPort
        server.acctPort = radius.acctPort
        server.key = ConfigSecret(plain: BenchFreeRADIUS.secret)
        config.radiusServers = [server]
        var group = RadiusServerGroup(name: "FRG")
        group.serverNames = ["FR"]
        config.radiusGroups = [group]
        config.authorizationNetwork = [AAAMethodList(name: "AUTHZ", methods: [.group("FRG")])]
        config.accountingNetwork = [AAAMethodList(name: "ACCT", methods: [.group("FRG")])]
        var pool = LocalAddressPool(name: "BIG")
        pool.ranges = [LocalAddressPool.Range(first: IPv4Address(10, 64, 0, 1), last: IPv4Address(10, 127, 255, 254))]
        config.flexVPN.pools = [pool]
        var policy = IKEv2AuthorizationPolicy(name: "default")
        policy.pool = "BIG"
        config.flexVPN.authorizationPolicies = [policy]
        var profile = IKEv2Profile(name: "LOAD")
        profile.matchIdentities = [.any]
        profile.groupAuthorization = [IKEv2GroupAuthorization(kind: .psk, list: "AUTHZ")]
        profile.accounting[.psk] = "ACCT"
        config.flexVPN.profiles = [profile]
        device.config = config

        let engine = Engine(device: device)
        let client = AccountingUDPClient(engine: engine)
        do {
            _ = try client.start().wait()
        } catch {
            print("flexvpn-bench lifecycle: accounting socket: \(error)")
            exitCode(2)
        }
        defer {
            try? client.stop().wait()
            try? engine.shutdown()
        }

        print("flexvpn-bench lifecycle: FreeRADIUS (\(options.freeradius.rawValue) configuration) on "
              + "127.0.0.1:\(radius.authPort)/\(radius.acctPort), window \(options.window)" + (options.rate.map { ", rate \($0)/s" } ?? ""))
        if options.warmup > 0 { _ = measure(engine, radius, count: options.warmup, firstUser: 1_000_000) }
        let result = measure(engine, radius, count: options.sessions, firstUser: 1)
        result.print(count: options.sessions)
        if options.floor { measureFloor(radius) }
    }

    /// The same lifecycles from `LifecycleFloor` (no router: socket calls and MD5 only), against
    /// the same FreeRADIUS: the least a client can spend, beside the emulator's figure.
    private func measureFloor(_ radius: BenchFreeRADIUS) {
        let floor = LifecycleFloor(authPort: radius.authPort, acctPort: radius.acctPort,
                                   secret: Array(BenchFreeRADIUS.secret.utf8), window: options.window)
        do {
            if options.warmup > 0 { _ = try floor.run(count: options.warmup, firstUser: 2_000_000) }
            let radiusCPU0 = radius.cpuTimes()
            let cpu = try floor.run(count: options.sessions, firstUser: 3_000_000)
            let radiusCPU1 = radius.cpuTimes()
            func micros(_ seconds: Double) -> Double { seconds / Double(options.sessions) * 1e6 }
            let floorMicros = micros(cpu.user + cpu.system)
            let radiusMicros = micros(radiusCPU1.user - radiusCPU0.user + radiusCPU1.system - radiusCPU0.system)
            print("floor (a minimal client: one socket, sendmmsg/recvmmsg, MD5; no router; no rate limit): "
                  + "\(grouped(Int((Double(options.sessions) / cpu.seconds).rounded()))) lifecycles/s, "
                  + "CPU per lifecycle \(fixed(floorMicros, 1)) µs (user \(fixed(micros(cpu.user), 1)), "
                  + "system \(fixed(micros(cpu.system), 1))), FreeRADIUS \(fixed(radiusMicros, 1)) µs "
                  + "(floor/FreeRADIUS \(fixed(floorMicros / max(radiusMicros, 0.001), 2)))")
        } catch {
            print("floor: \(error)")
        }
    }

    /// Runs `count` lifecycles and returns what they cost.
    private func measure(_ engine: Engine, _ radius: BenchFreeRADIUS, count: Int, firstUser: Int) -> Result {
        let driver = Driver(total: count, window: options.window, rate: options.rate, firstUser: firstUser,
                            done: engine.eventLoop.makePromise(of: Void.self))
        let (timeouts0, retransmits0) = engine.sync { Self.timeouts($0) }
        let cpu0 = processCPUTimes()
        let radiusCPU0 = radius.cpuTimes()
        let start = monotonicNanos()
        engine.execute { device in driver.begin(device) }
        try? driver.done.futureResult.wait()
        let wall = Double(monotonicNanos() - start) / 1e9
        let cpu1 = processCPUTimes()
        let radiusCPU1 = radius.cpuTimes()
        let (timeouts1, retransmits1) = engine.sync { device -> (Int, Int) in
            device.onRADIUSResponse = nil
            return Self.timeouts(device)
        }
        return Result(seconds: wall, completed: driver.completed, refused: driver.refused,
                      access: driver.accessTimes, accounting: driver.accountingTimes,
                      timeouts: timeouts1 - timeouts0, retransmits: retransmits1 - retransmits0,
                      emulatorCPU: (cpu1.user - cpu0.user, cpu1.system - cpu0.system),
                      radiusCPU: (radiusCPU1.user - radiusCPU0.user, radiusCPU1.system - radiusCPU0.system))
    }

    private static func timeouts(_ device: Device) -> (Int, Int) {
        let stats = device.accounting.statistics(server: "FR", now: device.now)
        return (stats.timeouts + device.loginAuth.timeouts, stats.retransmissions + device.loginAuth.retransmissions)
    }

    /// Starts lifecycles on the engine's loop and counts them home. Touched only on the loop.
    private final class Driver: @unchecked Sendable {
        let total: Int
        let window: Int
        let rate: Int?
        let firstUser: Int
        let done: EventLoopPromise<Void>
        var started = 0
        var underWay = 0
        var completed = 0
        var refused = 0
        var budget = 0.0
        /// When the rate limit last added to the budget (monotonic nanoseconds).
        var lastTick: UInt64 = 0
        var accessTimes: [Double] = []
        var accountingTimes: [Double] = []
        /// Stops still owed by live lifecycles: the Stop response completes one.
        var startedAt = 0.0

        init(total: Int, window: Int, rate: Int?, firstUser: Int, done: EventLoopPromise<Void>) {
            self.total = total
            self.window = window
            self.rate = rate
            self.firstUser = firstUser
            self.done = done
            accessTimes.reserveCapacity(total)
            accountingTimes.reserveCapacity(2 * total)
        }

        func begin(_ device: Device) {
            device.onRADIUSResponse = { [unowned self, unowned device] kind, seconds in
                switch kind {
                case .access: accessTimes.append(seconds)
                case let .accounting(status):
                    accountingTimes.append(seconds)
                    if status == .stop { finishOne(device, refused: false) }
                }
            }
            if let rate {
                budget = Double(min(window, rate)) / 100
                tick(device, rate: rate)
            }
            launch(device)
        }

        /// Rate limit: about every 10 ms, as many may start as the rate allows for the time that
        /// really passed (a timer fires late; a fixed hundredth of the rate per tick fell short).
        private func tick(_ device: Device, rate: Int) {
            guard started < total, let scheduler = device.accounting.scheduler else { return }
            if lastTick == 0 { lastTick = monotonicNanos() }
            scheduler.schedule(after: 0.01) { [unowned self, unowned device] in
                let now = monotonicNanos()
                budget = min(budget + Double(rate) * Double(now - lastTick) / 1e9, Double(window))
                lastTick = now
                launch(device)
                tick(device, rate: rate)
            }
        }

        private func launch(_ device: Device) {
            while started < total, underWay < window, rate == nil || budget >= 1 {
                started += 1
                underWay += 1
                if rate != nil { budget -= 1 }
                let user = firstUser + started
                let peer = FlexVPNPeer(identity: .fqdn("load\(user)"),
                                       address: IPv4Address(rawValue: 0x6440_0000 &+ UInt32(truncatingIfNeeded: user)))
                let uid = device.sessions.allocateUniqueId()
                device.connectFlexVPN(peer, uniqueId: uid) { [unowned self, unowned device] result in
                    switch result {
                    case let .success(session):
                        // The client leaves at once: the Stop follows the Start.
                        device.endSession(uniqueId: session.uniqueId, cause: .userRequest)
                    case .failure:
                        finishOne(device, refused: true)
                    }
                }
            }
        }

        private func finishOne(_ device: Device, refused wasRefused: Bool) {
            underWay -= 1
            if wasRefused { refused += 1 } else { completed += 1 }
            if completed + refused == total {
                done.succeed(())
            } else {
                launch(device)
            }
        }
    }

    private struct Result {
        var seconds: Double
        var completed: Int
        var refused: Int
        var access: [Double]
        var accounting: [Double]
        var timeouts: Int
        var retransmits: Int
        /// User and system CPU seconds over the measured lifecycles.
        var emulatorCPU: (user: Double, system: Double)
        var radiusCPU: (user: Double, system: Double)

        func print(count: Int) {
            func percentile(_ values: [Double], _ p: Double) -> String {
                guard !values.isEmpty else { return "-" }
                let sorted = values.sorted()
                let index = min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)
                return fixed(sorted[max(0, index)] * 1000, 2) + " ms"
            }
            let perSecond = Double(completed) / seconds
            func micros(_ seconds: Double) -> Double { seconds / Double(max(1, completed)) * 1e6 }
            let emulatorMicros = micros(emulatorCPU.user + emulatorCPU.system)
            let radiusMicros = micros(radiusCPU.user + radiusCPU.system)
            Swift.print("lifecycles (Access-Request, Start, Stop): \(grouped(completed)) completed, \(refused) refused, "
                        + "in \(fixed(seconds, 2)) s: \(grouped(Int(perSecond.rounded()))) lifecycles/s")
            Swift.print("RADIUS round trip: Access p50 \(percentile(access, 0.5)), p99 \(percentile(access, 0.99)); "
                        + "Accounting p50 \(percentile(accounting, 0.5)), p99 \(percentile(accounting, 0.99))")
            Swift.print("timeouts \(timeouts), retransmits \(retransmits)")
            Swift.print("CPU per lifecycle: emulator \(fixed(emulatorMicros, 1)) µs, FreeRADIUS \(fixed(radiusMicros, 1)) µs "
                        + "(emulator/FreeRADIUS \(fixed(emulatorMicros / max(radiusMicros, 0.001), 2)))")
            Swift.print("  of which user/system: emulator \(fixed(micros(emulatorCPU.user), 1))/\(fixed(micros(emulatorCPU.system), 1)) µs, "
                        + "FreeRADIUS \(fixed(micros(radiusCPU.user), 1))/\(fixed(micros(radiusCPU.system), 1)) µs")
        }
    }
}

/// A FreeRADIUS 3 for the benchmark: its own folder, free loopback ports, PAP users accepted
/// with `cisco`. `minimal`: accounting answered without writing anything — the cheapest server,
/// the hardest yardstick. `stock`: the installed configuration as the package ships it (its
/// default site: preprocess, files, pap, detail, unix, exec, attr_filter…), moved to the bench's
/// folder and ports, with the same user in front of its users file.
final class BenchFreeRADIUS {
    enum Configuration: String { case minimal, stock }
    static let secret = "testing123"
    static let stockFolder = "/etc/freeradius/3.0"
    let authPort: UInt16
    let acctPort: UInt16
    let folder: URL
    let process = Process()

    struct Failed: Error, CustomStringConvertible { var description: String }

    init(configuration: Configuration = .minimal) throws {
        authPort = try freeUDPPort()
        acctPort = try freeUDPPort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("flexvpn-bench-radius-\(getpid())")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        switch configuration {
        case .minimal: try writeMinimalConfiguration()
        case .stock: try copyStockConfiguration()
        }
        try start()
    }

    private func writeMinimalConfiguration() throws {
        let run = folder.path
        try "DEFAULT Cleartext-Password := \"cisco\"\n".write(to: folder.appendingPathComponent("users"),
                                                                atomically: true, encoding: .utf8)
        let conf = """
            prefix = /usr
            exec_prefix = /usr
            sysconfdir = /etc
            localstatedir = \(run)
            sbindir = /usr/sbin
            logdir = \(run)
            raddbdir = \(run)
            run_dir = \(run)
            libdir = /usr/lib/freeradius
            pidfile = \(run)/radiusd.pid
            name = freeradius
            max_request_time = 30
            cleanup_delay = 5
            max_requests = 262144
            hostname_lookups = no
            log {
                destination = files
                file = \(run)/radius.log
                auth = no
            }
            security {
                max_attributes = 200
                reject_delay = 0
                status_server = no
            }
            thread pool {
                start_servers = 4
                max_servers = 8
                min_spare_servers = 2
                max_spare_servers = 8
                max_requests_per_server = 0
            }
            client emulator {
                ipaddr = 127.0.0.1
                secret = \(BenchFreeRADIUS.secret)
                require_message_authenticator = no
            }
            modules {
                always ok {
                    rcode = ok
                }
                pap {
                    normalise = yes
                }
                files {
                    filename = \(run)/users
                }
            }
            server bench {
                listen {
                    type = auth
                    ipaddr = 127.0.0.1
                    port = \(authPort)
                    recv_buff = 1048576
                }
                listen {
                    type = acct
                    ipaddr = 127.0.0.1
                    port = \(acctPort)
                    recv_buff = 1048576
                }
                authorize {
                    files
                    pap
                }
                authenticate {
                    Auth-Type PAP {
                        pap
                    }
                }
                accounting {
                    ok
                }
            }
            """
        try conf.write(to: folder.appendingPathComponent("radiusd.conf"), atomically: true, encoding: .utf8)
    }

    /// The installed configuration, links followed, with its paths moved into the folder, its
    /// IPv4 listeners on the bench's ports, its IPv6 ones and the inner tunnel off (they would
    /// take fixed ports), and no switch to the `freerad` user (the folder is the caller's).
    private func copyStockConfiguration() throws {
        guard FileManager.default.fileExists(atPath: Self.stockFolder + "/radiusd.conf") else {
            throw Failed(description: "no \(Self.stockFolder) (scripts/install-deps.sh --test installs freeradius)")
        }
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = ["-rL", Self.stockFolder + "/.", folder.path]
        try copy.run()
        copy.waitUntilExit()
        guard copy.terminationStatus == 0 else { throw Failed(description: "cannot copy \(Self.stockFolder)") }
        let run = folder.path
        for sub in ["var/run/freeradius", "log/radacct"] {
            try FileManager.default.createDirectory(atPath: run + "/" + sub, withIntermediateDirectories: true)
        }
        func edit(_ path: String, _ change: (String) throws -> String) throws {
            let file = run + "/" + path
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try change(text).write(toFile: file, atomically: true, encoding: .utf8)
        }
        try edit("radiusd.conf") { text in
            var lines: [String] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("localstatedir =") { lines.append("localstatedir = \(run)/var"); continue }
                if trimmed.hasPrefix("logdir =") { lines.append("logdir = \(run)/log"); continue }
                if trimmed.hasPrefix("raddbdir =") { lines.append("raddbdir = \(run)"); continue }
                if trimmed == "user = freerad" || trimmed == "group = freerad" { continue }
                lines.append(String(line))
            }
            return lines.joined(separator: "\n")
        }
        // The default site's listeners, in order: auth and acct on IPv4, then auth and acct on IPv6.
        try edit("sites-enabled/default") { text in
            var out: [String] = []
            var listener = 0, inListener = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                var line = String(line)
                if line.hasPrefix("listen {") {
                    listener += 1
                    inListener = true
                }
                let off = inListener && listener > 2
                if inListener, !off {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.hasPrefix("ipaddr =") { line = "\tipaddr = 127.0.0.1" }
                    if trimmed.hasPrefix("port =") { line = "\tport = \(listener == 1 ? authPort : acctPort)" }
                }
                if inListener, line.hasPrefix("}") { inListener = false }
                out.append(off ? "#" + line : line)
            }
            guard listener >= 2 else { throw Failed(description: "the stock default site has no IPv4 listeners") }
            return out.joined(separator: "\n")
        }
        try? FileManager.default.removeItem(atPath: run + "/sites-enabled/inner-tunnel")
        try edit("mods-config/files/authorize") { "DEFAULT Cleartext-Password := \"cisco\"\n" + $0 }
    }

    private func start() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["freeradius", "-f", "-d", folder.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failed(description: "cannot run freeradius (scripts/install-deps.sh --test installs it): \(error)")
        }
        // The minimal configuration logs in its folder, the stock one in its log folder.
        let logFile = FileManager.default.fileExists(atPath: folder.path + "/log")
            ? folder.appendingPathComponent("log/radius.log") : folder.appendingPathComponent("radius.log")
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
            if log.contains("Ready to process requests") { return }
            if !process.isRunning { throw Failed(description: "freeradius exited: \(log)") }
            usleep(50_000)
        }
        stop()
        throw Failed(description: "freeradius did not become ready")
    }

    /// User and system CPU seconds FreeRADIUS used so far, all its threads (utime and stime of
    /// /proc/PID/stat count the whole thread group).
    func cpuTimes() -> (user: Double, system: Double) {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return (0, 0) }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return (0, 0) }
        let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (user / tick, system / tick)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A UDP port free at 127.0.0.1 now (bound, then released).
private func freeUDPPort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    guard fd >= 0 else { throw BenchFreeRADIUS.Failed(description: "socket") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw BenchFreeRADIUS.Failed(description: "bind") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return UInt16(bigEndian: address.sin_port)
}
