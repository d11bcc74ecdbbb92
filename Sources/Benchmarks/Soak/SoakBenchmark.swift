import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// `flexvpn-bench soak`: the product binary (`flexvpn-emu`, beside this one) with a piped console
/// and `--ssh-port`, driven at once for `--duration` seconds by
/// - Disconnect-Requests to its DAS (`SoakDASDriver`: ACK, NAK, retransmission, bad secret, malformed);
/// - session churn typed at its console (`lab session connect`, ended by the DAS), whose
///   accounting Start and Stop go to a real FreeRADIUS through `UnreliableRelay`, which drops a
///   share of the datagrams either way;
/// - `show` commands at the console, and SSH shells logging in, typing and leaving;
/// - IKEv2 clients on `--ike-port` (`SoakIKEDriver`): each SA a session, deleted by its client.
/// The router's resident memory is sampled every second (the slope after warm-up is printed).
/// At the end the console reads `show aaa servers`: every accounting record is acknowledged or
/// given up (a transaction failure), and the process must end with status 0.
struct SoakBenchmark {
    struct Options {
        var duration = 60.0
        var drop = 0.25
        var dasRate = 200.0
        var sessionRate = 5.0
        var shells = 2
        var ikeRate = 2.0
        var warmup: Double?

        static let usage = """
              soak options:
              --duration S      seconds of mixed load (default 60; the README reports 3600)
              --drop P          share of accounting datagrams the relay drops, each way (default 0.25)
              --das-rate N      Disconnect-Requests per second (default 200)
              --session-rate N  sessions connected per second at the console (default 5)
              --shells N        SSH clients logging in and typing in turn (default 2)
              --ike-rate N      IKEv2 SAs set up (and deleted a second later) per second (default 2; 0: none)
              --warmup S        seconds left out of the memory slope (default: a tenth, at least 30)
            """

        init(parsing arguments: [String]) throws {
            var it = arguments.makeIterator()
            while let flag = it.next() {
                guard let text = it.next(), let value = Double(text), value >= 0 else {
                    throw DASBenchmark.Options.BadOption(description: "\(flag) needs a number")
                }
                switch flag {
                case "--duration": duration = max(1, value)
                case "--drop": drop = min(0.95, value)
                case "--das-rate": dasRate = max(1, value)
                case "--session-rate": sessionRate = max(0.1, value)
                case "--shells": shells = Int(value)
                case "--ike-rate": ikeRate = value
                case "--warmup": warmup = value
                default: throw DASBenchmark.Options.BadOption(description: "unknown option \(flag)")
                }
            }
        }
    }

    static let dasSecret = "soakdas"
    static let radiusSecret = "soakradius"
    static let ikeKey = "soakike"
    let options: Options

    func run() {
        do {
            try soak()
        } catch {
            print("flexvpn-bench soak: \(error)")
            exitCode(1)
        }
    }

    private func soak() throws {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let emulator = here.appendingPathComponent("flexvpn-emu").path
        guard FileManager.default.isExecutableFile(atPath: emulator) else {
            throw SoakError("\(emulator) is not built (swift build -c release)")
        }
        let work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("flexvpn-soak-\(getpid())")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let radius = try SoakFreeRADIUS(repository: here, runDirectory: work.appendingPathComponent("freeradius"),
                                        secret: Self.radiusSecret)
        defer { radius.stop() }
        let relay = try UnreliableRelay(serverPort: radius.port, drop: options.drop, seed: 2014)
        relay.start()
        defer { relay.stop() }

        let dasProbe = try LoopbackUDPSocket()   // a free UDP port for the DAS
        let dasPort = dasProbe.port
        dasProbe.close()
        let ikeProbe = try LoopbackUDPSocket()   // and one for the IKEv2 responder
        let ikePort = ikeProbe.port
        ikeProbe.close()
        guard let sshPort = freeLoopbackTCPPort() else { throw SoakError("no free TCP port") }
        let startup = work.appendingPathComponent("startup-config")
        try startupConfig(relayPort: relay.port, dasPort: dasPort).write(to: startup, atomically: true, encoding: .utf8)

        let router = try SoakRouter(executable: emulator, startupConfig: startup.path, sshPort: sshPort, ikePort: ikePort)
        guard router.waitForOutput("R1>", seconds: 30) else { throw SoakError("no first prompt: \(router.tail)") }
        router.type("enable")
        for line in ["lab ikev2 pre-shared-key \(Self.ikeKey)", "lab ikev2 identity fqdn flexvpn.lab",
                     "lab ikev2 pool 10.99.0.1 10.99.0.254"] {
            router.type(line)
        }
        // The IKEv2 clients start once the responder has its key: the prompt after the last line.
        guard router.waitForOutput("lab ikev2 pool 10.99.0.1 10.99.0.254\nR1#", seconds: 30) else {
            throw SoakError("the lab ikev2 settings were not taken: \(router.tail)")
        }

        print("flexvpn-bench soak: \(emulator) (pid \(router.pid)), piped console, SSH on 127.0.0.1:\(sshPort), "
              + "DAS on \(dasPort), IKEv2 on \(ikePort)")
        print("  FreeRADIUS \(radius.version) on 127.0.0.1:\(radius.port) behind a relay dropping "
              + "\(Int(options.drop * 100))% each way; \(fixed(options.dasRate, 0)) Disconnect-Requests/s, "
              + "\(fixed(options.sessionRate, 1)) sessions/s, \(options.shells) SSH clients, "
              + "\(fixed(options.ikeRate, 1)) IKEv2 SAs/s, \(Int(options.duration)) s")

        let pool = SoakSessionPool()
        let das = try SoakDASDriver(dasPort: dasPort, secret: Self.dasSecret, perSecond: options.dasRate, sessions: pool)
        let console = SoakConsoleDriver(router: router, pool: pool, sessionsPerSecond: options.sessionRate)
        let ssh = SoakSSHDriver(port: Int(sshPort), clients: options.shells)
        let ike = options.ikeRate > 0 ? SoakIKEDriver(port: ikePort, psk: Self.ikeKey, perSecond: options.ikeRate) : nil
        das.start()
        console.start()
        ssh.start()
        ike?.start()

        // Resident memory every second.
        var samples: [(t: Double, kib: Int)] = []
        let start = Date()
        var nextReport = 60.0
        while true {
            let elapsed = -start.timeIntervalSinceNow
            if elapsed >= options.duration || !router.isRunning { break }
            if let kib = router.residentKiB { samples.append((elapsed, kib)) }
            if elapsed >= nextReport {
                nextReport += 60
                let d = das.snapshot, r = relay.snapshot, s = ssh.snapshot, i = ike?.snapshot ?? .init()
                print("  \(Int(elapsed)) s: RSS \(grouped(samples.last?.kib ?? 0)) KiB, DAS \(grouped(d.sent)) sent "
                      + "(late \(d.late), unexpected \(d.unexpected)), accounting \(grouped(r.records)) records, "
                      + "console \(grouped(console.commands)) commands, SSH \(grouped(s.commands)) commands, "
                      + "IKEv2 \(grouped(i.handshakes)) SAs (\(i.failures) failed)")
            }
            usleep(1_000_000)
        }
        let crashedEarly = !router.isRunning
        das.stop()
        console.stop()
        ssh.stop()
        ike?.stop()

        // Let the last accounting records finish: 5 s timeout, 3 retransmissions.
        if !crashedEarly { usleep(25_000_000) }
        router.type("show aaa servers")
        router.type("show aaa sessions | count")
        let status = router.finish(seconds: 60)

        report(samples: samples, das: das.snapshot, relay: relay.snapshot, ssh: ssh.snapshot, ike: ike?.snapshot,
               consoleCommands: console.commands, router: router, status: status, radius: radius)
    }

    private func startupConfig(relayPort: UInt16, dasPort: UInt16) -> String {
        """
        hostname R1
        username admin privilege 15 password 0 cisco
        aaa new-model
        aaa authorization exec default local
        aaa group server radius SOAKGRP
         server name SOAK
        aaa accounting network soak start-stop group SOAKGRP
        aaa server radius dynamic-author
         client 127.0.0.1 server-key \(Self.dasSecret)
         port \(dasPort)
        radius server SOAK
         address ipv4 127.0.0.1 auth-port 1812 acct-port \(relayPort)
         key \(Self.radiusSecret)
        line vty 0 4
         login local
         transport input ssh
        end

        """
    }

    private func report(samples: [(t: Double, kib: Int)], das: SoakDASDriver.Figures, relay: UnreliableRelay.Figures,
                        ssh: SoakSSHDriver.Figures, ike: SoakIKEDriver.Figures?, consoleCommands: Int, router: SoakRouter,
                        status: SoakRouter.Exit, radius: SoakFreeRADIUS) {
        print("results:")
        let warmup = options.warmup ?? max(30, options.duration / 10)
        let steady = samples.filter { $0.t >= warmup }
        if let first = samples.first, let last = samples.last {
            let peak = samples.map { $0.kib }.max() ?? 0
            let slope = Self.slope(steady.isEmpty ? samples : steady)
            print("  memory: \(samples.count) samples, RSS \(grouped(first.kib)) KiB at start, "
                  + "\(grouped(steady.first?.kib ?? first.kib)) KiB after \(Int(warmup)) s warm-up, "
                  + "\(grouped(last.kib)) KiB at the end, peak \(grouped(peak)) KiB; slope after warm-up "
                  + "\(fixed(slope * 60, 1)) KiB/min (\(fixed(slope * 3600 / 1024, 2)) MiB/hour)")
        }
        let wellFormed = das.forLiveSessions + das.forNobody + das.retransmissions
        print("  DAS: \(grouped(das.sent)) datagrams: \(grouped(das.forLiveSessions)) for live sessions, "
              + "\(grouped(das.forNobody)) for nobody, \(grouped(das.retransmissions)) retransmissions, "
              + "\(grouped(das.badSecret)) bad secrets, \(grouped(das.malformed)) malformed")
        print("  DAS answers: \(grouped(das.acks)) ACK + \(grouped(das.naks)) NAK = \(grouped(das.acks + das.naks)) "
              + "for \(grouped(wellFormed)) well-formed requests; missing \(das.missing), unexpected or duplicate "
              + "\(das.unexpected), wrong \(das.wrong); answered after 5 s \(das.late), slowest answer "
              + "\(fixed(das.slowest, 3)) s; the driver's own longest stall \(fixed(das.longestStall, 3)) s")
        let account = router.accountingCounters()
        print("  relay: \(grouped(relay.requests)) requests (\(grouped(relay.requestsDropped)) dropped), "
              + "\(grouped(relay.responses)) responses (\(grouped(relay.responsesDropped)) dropped); "
              + "\(grouped(relay.records)) records, \(grouped(relay.acknowledged)) acknowledged through it")
        if let a = account {
            print("  router accounting: \(grouped(a.requests)) records (start \(grouped(a.starts)), "
                  + "stop \(grouped(a.stops))), \(grouped(a.retransmissions)) retransmissions; acknowledged "
                  + "\(grouped(a.successes)), given up \(grouped(a.failures)), outstanding \(a.outstanding); "
                  + "unaccounted \(a.requests - a.successes - a.failures - a.outstanding)")
        } else {
            print("  router accounting: `show aaa servers` not read")
        }
        print("  FreeRADIUS logged \(grouped(radius.loggedRecords)) Accounting-Requests (each retransmission that reached it too)")
        print("  console: \(grouped(consoleCommands)) commands; SSH: \(grouped(ssh.logins)) logins, "
              + "\(grouped(ssh.commands)) commands, \(ssh.failures) failures")
        if let ike {
            print("  IKEv2: \(grouped(ike.handshakes)) SAs set up and \(grouped(ike.deletes)) deleted by their clients, "
                  + "\(ike.failures) failed\(ike.firstFailure.map { " (first: \($0))" } ?? ""), "
                  + "\(ike.retransmissions) requests sent again after 5 s")
        }
        print("  router: \(status.description); RADIUS_DEAD lines \(router.count(of: "%RADIUS-4-RADIUS_DEAD"))")
        let accountingWhole = account.map { $0.requests == $0.successes + $0.failures && $0.outstanding == 0 } ?? false
        let ikeWhole = ike.map { $0.failures == 0 && $0.deletes == $0.handshakes } ?? true
        let ok = status.isCleanExit && das.missing == 0 && das.unexpected == 0 && das.wrong == 0
            && das.acks + das.naks == wellFormed && accountingWhole && ikeWhole
        print("verdict: \(ok ? "nothing lost" : "FAILED"): every well-formed request answered once "
              + "\(das.acks + das.naks == wellFormed && das.missing == 0 && das.unexpected == 0 && ikeWhole ? "yes" : "NO"), "
              + "every accounting record acknowledged or given up \(accountingWhole ? "yes" : "NO"), "
              + "crashes \(status.isCleanExit ? 0 : 1)")
        if !ok { exitCode(1) }
    }

    /// Least-squares slope of resident KiB over seconds.
    static func slope(_ samples: [(t: Double, kib: Int)]) -> Double {
        guard samples.count > 1 else { return 0 }
        let n = Double(samples.count)
        let mt = samples.map { $0.t }.reduce(0, +) / n
        let mk = samples.map { Double($0.kib) }.reduce(0, +) / n
        var num = 0.0, den = 0.0
        for s in samples {
            num += (s.t - mt) * (Double(s.kib) - mk)
            den += (s.t - mt) * (s.t - mt)
        }
        return den == 0 ? 0 : num / den
    }
}

/// The router under soak: `flexvpn-emu --startup-config … --ssh-port …` with its console on
/// pipes. A reader thread drains its output (keeping the last 256 KiB and counting lines).
final class SoakRouter: @unchecked Sendable {
    enum Exit: CustomStringConvertible {
        case exited(Int32), signalled(Int32), stillRunning
        var isCleanExit: Bool { if case .exited(0) = self { return true } else { return false } }
        var description: String {
            switch self {
            case let .exited(code): return "exited with status \(code)"
            case let .signalled(signal): return "killed by signal \(signal)"
            case .stillRunning: return "did not end at end of input (killed)"
            }
        }
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NIOLock()
    private var text = ""
    private var counts: [String: Int] = [:]
    private var partial = ""
    private let readerDone = DispatchSemaphore(value: 0)
    private static let counted = ["%RADIUS-4-RADIUS_DEAD"]

    init(executable: String, startupConfig: String, sshPort: UInt16, ikePort: UInt16) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--startup-config", startupConfig, "--ssh-port", String(sshPort), "--ike-port", String(ikePort)]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        Thread.detachNewThread {
            let handle = self.output.fileHandleForReading
            defer { self.readerDone.signal() }
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                self.received(String(decoding: data, as: UTF8.self))
            }
        }
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var tail: String { lock.withLock { String(text.suffix(2000)) } }

    private func received(_ chunk: String) {
        lock.withLock {
            text += chunk
            if text.utf8.count > 262_144 { text = String(text.suffix(131_072)) }
            let lines = (partial + chunk).split(separator: "\n", omittingEmptySubsequences: false)
            partial = String(lines.last ?? "")
            for line in lines.dropLast() {
                for marker in Self.counted where line.contains(marker) { counts[marker, default: 0] += 1 }
            }
        }
    }

    func count(of marker: String) -> Int { lock.withLock { counts[marker] ?? 0 } }

    func type(_ line: String) {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    func waitForOutput(_ needle: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if lock.withLock({ text.contains(needle) }) { return true }
            usleep(50_000)
        }
        return false
    }

    /// `VmRSS` of the router process.
    var residentKiB: Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.filter(\.isNumber))
    }

    /// Ends the console's input and waits for the process (killed after `seconds`).
    func finish(seconds: Double) -> Exit {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return .stillRunning
        }
        _ = readerDone.wait(timeout: .now() + 5)
        switch process.terminationReason {
        case .exit: return .exited(process.terminationStatus)
        case .uncaughtSignal: return .signalled(process.terminationStatus)
        @unknown default: return .exited(process.terminationStatus)
        }
    }

    struct AccountingCounters {
        var requests = 0, starts = 0, stops = 0, retransmissions = 0, successes = 0, failures = 0, outstanding = 0
    }

    /// The accounting counters of the last `show aaa servers` in the output.
    func accountingCounters() -> AccountingCounters? {
        let output = lock.withLock { text }
        guard let range = output.range(of: "show aaa servers", options: .backwards) else { return nil }
        let lines = output[range.upperBound...].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let account = lines.firstIndex(where: { $0.hasPrefix("Account: request") }) else { return nil }
        func numbers(_ line: String) -> [Int] {
            line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        }
        var c = AccountingCounters()
        let first = numbers(lines[account])          // request, timeouts, failover, retransmission
        guard first.count >= 4 else { return nil }
        c.requests = first[0]
        c.retransmissions = first[3]
        if let request = lines[account...].first(where: { $0.hasPrefix("Request: start") }) {
            let n = numbers(request)
            if n.count >= 3 { c.starts = n[0]; c.stops = n[2] }
        }
        if let transaction = lines[account...].first(where: { $0.hasPrefix("Transaction: success") }) {
            let n = numbers(transaction)
            if n.count >= 2 { c.successes = n[0]; c.failures = n[1] }
        }
        if let outstanding = lines[account...].first(where: { $0.hasPrefix("Estimated Outstanding Accounting") }) {
            c.outstanding = numbers(outstanding).first ?? 0
        }
        return c
    }
}

/// Types at the router's console: a `lab session connect` every 1/rate s (the DAS ends them) and a
/// `show` command every half second, in rotation.
final class SoakConsoleDriver: @unchecked Sendable {
    private let router: SoakRouter
    private let pool: SoakSessionPool
    private let sessionsPerSecond: Double
    private let lock = NIOLock()
    private var stopped = false
    private var typed = 0
    private let finished = DispatchSemaphore(value: 0)
    static let shows = ["show aaa sessions | count", "show radius statistics", "show aaa servers | include Account",
                        "show crypto session | count", "show logging | count", "show users",
                        "show running-config | section radius", "show aaa server radius dynamic-author",
                        "show clock", "show ip interface brief"]

    init(router: SoakRouter, pool: SoakSessionPool, sessionsPerSecond: Double) {
        self.router = router
        self.pool = pool
        self.sessionsPerSecond = sessionsPerSecond
    }

    var commands: Int { lock.withLock { typed } }

    func start() { Thread.detachNewThread { self.run() } }

    func stop() {
        lock.withLock { stopped = true }
        finished.wait()
    }

    private func run() {
        defer { finished.signal() }
        let start = Date()
        var sessions = 0
        var shows = 0
        while !lock.withLock({ stopped }) {
            let elapsed = -start.timeIntervalSinceNow
            while Double(sessions) < elapsed * sessionsPerSecond {
                sessions += 1
                let name = "soak-\(sessions)"
                router.type("lab session connect \(name)")
                pool.connected(name)
                lock.withLock { typed += 1 }
            }
            while Double(shows) < elapsed * 2 {
                router.type(Self.shows[shows % Self.shows.count])
                shows += 1
                lock.withLock { typed += 1 }
            }
            usleep(20_000)
        }
    }
}

/// SSH clients (swift-nio-ssh, `BenchShell`) that log in as admin, type a few commands and leave,
/// in turn, for the whole run.
final class SoakSSHDriver: @unchecked Sendable {
    struct Figures {
        var logins = 0, commands = 0, failures = 0
    }

    private let port: Int
    private let clients: Int
    private let lock = NIOLock()
    private var figures = Figures()
    private var stopped = false
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var threads = 0
    private let finished = DispatchSemaphore(value: 0)
    static let commands = ["show users", "show aaa sessions | count", "show version | include uptime",
                           "show running-config | include hostname", "show clock"]

    init(port: Int, clients: Int) {
        self.port = port
        self.clients = clients
    }

    var snapshot: Figures { lock.withLock { figures } }

    func start() {
        threads = clients
        for index in 0..<clients { Thread.detachNewThread { self.run(index) } }
    }

    func stop() {
        lock.withLock { stopped = true }
        for _ in 0..<threads { finished.wait() }
        try? group.syncShutdownGracefully()
    }

    private func run(_ index: Int) {
        defer { finished.signal() }
        let loop = group.next()
        var round = index
        while !lock.withLock({ stopped }) {
            round += 1
            guard let shell = try? BenchShell.open(port: port, on: loop).wait() else {
                lock.withLock { figures.failures += 1 }
                usleep(1_000_000)
                continue
            }
            lock.withLock { figures.logins += 1 }
            for i in 0..<5 {
                if (try? shell.command(Self.commands[(round + i) % Self.commands.count]).wait()) != nil {
                    lock.withLock { figures.commands += 1 }
                } else {
                    lock.withLock { figures.failures += 1 }
                    break
                }
                usleep(100_000)
            }
            try? shell.close().wait()
            usleep(200_000)
        }
    }
}

/// A private FreeRADIUS 3 (Debian's `freeradius`) for the soak, from the interop tests' accounting
/// configuration (Tests/interop/freeradius), on a free loopback port.
final class SoakFreeRADIUS {
    let port: UInt16
    let version: String
    private let process = Process()
    private let runDirectory: URL

    init(repository binaryDirectory: URL, runDirectory: URL, secret: String) throws {
        // .build/release/flexvpn-bench: the repository is a few folders up.
        var root = binaryDirectory
        var configDirectory: URL?
        for _ in 0..<5 {
            let candidate = root.appendingPathComponent("Tests/interop/freeradius")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("radiusd.conf").path) {
                configDirectory = candidate
                break
            }
            root = root.deletingLastPathComponent()
        }
        guard let configDirectory else { throw SoakError("Tests/interop/freeradius not found above \(binaryDirectory.path)") }
        let probe = try LoopbackUDPSocket()
        port = probe.port
        probe.close()
        self.runDirectory = runDirectory
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment
        environment["FR_RUN_DIR"] = runDirectory.path
        environment["FR_CONF_DIR"] = configDirectory.path
        environment["FR_SECRET"] = secret
        environment["FR_ACCT_PORT"] = String(port)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["freeradius", "-f", "-d", configDirectory.path]
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var log = ""
        while Date() < deadline {
            log = (try? String(contentsOf: runDirectory.appendingPathComponent("radius.log"), encoding: .utf8)) ?? ""
            if log.contains("Ready to process requests") { break }
            guard process.isRunning else { throw SoakError("freeradius exited: \(log)") }
            usleep(50_000)
        }
        guard log.contains("Ready to process requests") else {
            process.terminate()
            throw SoakError("freeradius did not start: \(log)")
        }
        version = log.split(separator: "\n").first { $0.contains("FreeRADIUS Version") }
            .map { String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces) } ?? "3"
    }

    /// Records the linelog module wrote (one line per accepted Accounting-Request, retransmissions
    /// FreeRADIUS recognised as duplicates excluded).
    var loggedRecords: Int {
        guard let file = fopen(runDirectory.appendingPathComponent("accounting.log").path, "r") else { return 0 }
        defer { fclose(file) }
        var lines = 0
        while true {
            let c = getc(file)
            if c == EOF { break }
            if c == 10 { lines += 1 }
        }
        return lines
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
