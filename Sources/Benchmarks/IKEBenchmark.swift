import Device
import Foundation
import IKEv2
import NIOCore
import NIOPosix
import RADIUS
import Renderers
import Shell
import Transport

/// `flexvpn-bench ike`: IKEv2 handshakes per second (IKE_SA_INIT + IKE_AUTH, PSK, AES-CBC-256 /
/// SHA-512 / ECP-256), against the emulator's responder (its UDP server on the engine's loop) and,
/// in the same run, against strongSwan's own charon as the responder. The generator is the
/// module's `IKEInitiator` on blocking sockets, one thread per client. While it runs, a probe asks
/// the engine for `show crypto ikev2 stats` every 20 ms (what a console command waits for) and
/// reports its response time. Responder CPU per handshake: the engine thread's CPU time, or
/// charon's (/proc/PID/stat). charon runs in its own mount namespace (`unshare -m`, a tmpfs on
/// /run) so its fixed pid file cannot meet another charon's.
struct IKEBenchmark {
    struct Options {
        var seconds = 5.0
        var clients = 2
        var charon = true

        static let usage = """
              --seconds S         measured time per responder (default 5)
              --clients N         generator threads, one handshake at a time each (default 2)
              --charon yes|no     also measure strongSwan's charon as the responder (default yes)
            """

        init(parsing arguments: [String]) throws {
            var it = arguments.makeIterator()
            while let flag = it.next() {
                guard let value = it.next() else { throw DASBenchmark.Options.BadOption(description: "\(flag) needs a value") }
                switch flag {
                case "--seconds":
                    guard let s = Double(value), s > 0 else { throw DASBenchmark.Options.BadOption(description: "bad --seconds") }
                    seconds = s
                case "--clients":
                    guard let n = Int(value), n > 0 else { throw DASBenchmark.Options.BadOption(description: "bad --clients") }
                    clients = n
                case "--charon": charon = value == "yes"
                default: throw DASBenchmark.Options.BadOption(description: "unknown option \(flag)")
                }
            }
        }
    }

    static let psk = "cisco123"
    let options: Options

    func run() {
        print("IKEv2 handshakes (IKE_SA_INIT + IKE_AUTH, PSK, AES-CBC-256/SHA-512/ECP-256), \(options.clients) client threads, "
              + fixed(options.seconds, 1) + " s each; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        measureEmulator()
        if options.charon { measureCharon() }
    }

    // MARK: the emulator

    private func measureEmulator() {
        let device = Device()
        device.ike.settings.preSharedKey = IKEBenchmark.psk
        device.ike.settings.localFQDN = "flexvpn.lab"
        let engine = Engine(device: device)
        engine.sync { device in device.accounting.scheduler = EventLoopDeviceScheduler(eventLoop: engine.eventLoop) }
        let server = IKEServer(engine: engine)
        guard let port = try? server.start(host: "127.0.0.1", port: 0).first else {
            print("emulator: cannot bind a UDP port")
            return
        }
        let cpuBefore = engine.sync { _ in threadCPUSeconds() }
        let probe = ConsoleProbe(engine: engine)
        probe.start()
        let result = drive(port: port, marker: true)
        let latencies = probe.stop()
        let cpuAfter = engine.sync { _ in threadCPUSeconds() }
        let sessions = engine.sync { device in device.sessions.count }
        print("emulator: " + result.summary + ", responder CPU "
              + fixed((cpuAfter - cpuBefore) * 1000 / Double(max(1, result.handshakes)), 3) + " ms/handshake, "
              + grouped(sessions) + " sessions up")
        print("emulator: console (show crypto ikev2 stats through the engine) while it runs: " + latencies)
        _ = try? server.stop().wait()
        try? engine.shutdown()
    }

    // MARK: charon

    private func measureCharon() {
        let charonPath = "/usr/lib/ipsec/charon"
        guard FileManager.default.isExecutableFile(atPath: charonPath), geteuid() == 0 else {
            print("charon: not measured (needs strongswan-charon and root for its mount namespace)")
            return
        }
        let dir = NSTemporaryDirectory() + "flexvpn-bench-charon-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if ProcessInfo.processInfo.environment["FLEXVPN_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let ports = freeUDPPorts(2)
        let port = ports[0], natPort = ports[1]
        let conf = """
            charon {
              port = \(port)
              port_nat_t = \(natPort)
              load_modular = no
              install_routes = no
              load = random nonce openssl pem pkcs1 x509 pubkey kernel-netlink socket-default vici sha1 sha2 hmac gcm aes kdf
              cookie_threshold = 100000
              block_threshold = 100000
              plugins { vici { socket = unix://\(dir)/charon.vici } }
              syslog { daemon { default = -1 } }
              filelog { f { path = \(dir)/charon.log
                default = 0 } }
            }
            """
        let swanctl = """
            connections { bench { local_addrs = 127.0.0.1
                local_port = \(port)
                remote_addrs = %any
                proposals = aes256-sha512-ecp256
                local { auth = psk
                  id = flexvpn.lab }
                remote { auth = psk } } }
            secrets { ike-1 { secret = "\(IKEBenchmark.psk)" } }
            """
        try? conf.write(toFile: dir + "/strongswan.conf", atomically: true, encoding: .utf8)
        try? swanctl.write(toFile: dir + "/swanctl.conf", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["STRONGSWAN_CONF"] = dir + "/strongswan.conf"
        let charon = Process()
        charon.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        charon.arguments = ["-m", "sh", "-c", "mount -t tmpfs tmpfs /run && exec \(charonPath)"]
        charon.environment = environment
        charon.standardOutput = FileHandle.nullDevice
        charon.standardError = FileHandle.nullDevice
        do { try charon.run() } catch {
            print("charon: cannot start: \(error)")
            return
        }
        defer {
            charon.terminate()
            charon.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: dir + "/charon.vici"), Date() < deadline { usleep(50_000) }
        // The vici socket file appears before charon answers on it: load until swanctl succeeds.
        var loaded = false
        while !loaded, Date() < deadline.addingTimeInterval(10) {
            let load = Process()
            load.executableURL = URL(fileURLWithPath: "/usr/sbin/swanctl")
            load.arguments = ["--load-all", "--file", dir + "/swanctl.conf", "--uri", "unix://\(dir)/charon.vici"]
            load.environment = environment
            load.standardOutput = FileHandle.nullDevice
            load.standardError = FileHandle.nullDevice
            guard (try? load.run()) != nil else { break }
            load.waitUntilExit()
            loaded = load.terminationStatus == 0
            if !loaded { usleep(100_000) }
        }
        guard loaded else {
            print("charon: swanctl could not load the configuration")
            return
        }
        let pid = charon.processIdentifier
        let cpuBefore = processCPU(pid: pid)
        // Neither end is on 500: charon wants the non-ESP marker on every IKE packet.
        let result = drive(port: UInt16(port), marker: true)
        let cpuAfter = processCPU(pid: pid)
        print("charon:   " + result.summary + ", responder CPU "
              + fixed((cpuAfter - cpuBefore) * 1000 / Double(max(1, result.handshakes)), 3) + " ms/handshake")
    }

    // MARK: the generator

    struct Result {
        var handshakes: Int
        var failures: Int
        var seconds: Double
        var firstFailure: String?
        var summary: String {
            grouped(handshakes) + " handshakes in " + fixed(seconds, 2) + " s = "
                + fixed(Double(handshakes) / seconds, 0) + " handshakes/s (" + grouped(failures) + " failed"
                + (failures > 0 ? ", first: " + (firstFailure ?? "?") : "") + ")"
        }
    }

    /// Runs `clients` threads of back-to-back handshakes against 127.0.0.1:`port` for the measured time.
    private func drive(port: UInt16, marker: Bool) -> Result {
        let counts = Counts()
        let stopAt = monotonicNanos() + UInt64(options.seconds * 1e9)
        let start = monotonicNanos()
        let group = DispatchGroup()
        for client in 0..<options.clients {
            group.enter()
            Thread.detachNewThread {
                let socket = IKEUDPClient(port: port, marker: marker, psk: IKEBenchmark.psk)
                var done = 0, bad = 0, n = 0
                while monotonicNanos() < stopAt {
                    n += 1
                    if socket.handshake(identity: "bench\(client)-\(n)@lab") != nil { done += 1 } else { bad += 1 }
                }
                socket.close()
                counts.add(done, bad, socket.firstFailure)
                group.leave()
            }
        }
        group.wait()
        let (total, failed) = counts.value
        return Result(handshakes: total, failures: failed, seconds: Double(monotonicNanos() - start) / 1e9,
                      firstFailure: counts.reason)
    }
}

/// The generator threads' totals.
private final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private var bad = 0
    private var why: String?
    func add(_ d: Int, _ b: Int, _ reason: String?) { lock.withLock { done += d; bad += b; why = why ?? reason } }
    var value: (Int, Int) { lock.withLock { (done, bad) } }
    var reason: String? { lock.withLock { why } }
}

/// One IKEv2 client socket (the bench's generator, the soak's clients): blocking UDP to
/// 127.0.0.1, with the non-ESP marker on a NAT-T port. A request unanswered within `timeout`
/// seconds is sent again, `tries` times in all (a responder answers a retransmission from its cache).
final class IKEUDPClient {
    let fd: Int32
    var address = sockaddr_in()
    let marker: Bool
    let psk: String
    let tries: Int
    /// Requests sent again after a timeout.
    private(set) var retransmissions = 0

    init(port: UInt16, marker: Bool, psk: String, timeout: Int = 2, tries: Int = 1) {
        self.marker = marker
        self.psk = psk
        self.tries = max(1, tries)
        fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    func close() { _ = Glibc.close(fd) }

    func exchange(_ bytes: [UInt8]) -> [UInt8]? {
        let out = marker ? [0, 0, 0, 0] + bytes : bytes
        var buffer = [UInt8](repeating: 0, count: 4096)
        // A late answer to an earlier request sent again must not pass for this one's.
        while recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) > 0 {}
        for attempt in 0..<tries {
            if attempt > 0 { retransmissions += 1 }
            let sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, out, out.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard sent == out.count else { return nil }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n > (marker ? 4 : 0) { return Array(buffer[(marker ? 4 : 0)..<n]) }
        }
        return nil
    }

    /// Why the first failed handshake failed (printed with the figures).
    var firstFailure: String?

    /// IKE_SA_INIT and IKE_AUTH (PSK, IOS's default proposal, ECP-256) as `identity`; the
    /// established initiator (its SA's keys), or nil.
    func handshake(identity: String) -> IKEInitiator? {
        guard var initiator = try? IKEInitiator(offer: IKEv2ProposalConfig.iosDefault.offer(), group: .ecp256,
                                                identity: .fqdn(identity), preSharedKey: Array(psk.utf8)) else {
            return nil
        }
        guard var initResponse = exchange(initiator.initRequest()) else {
            firstFailure = firstFailure ?? "no answer to IKE_SA_INIT"
            return nil
        }
        var outcome = initiator.handleInitResponse(initResponse)
        // A responder under load may ask for a cookie first (RFC 7296 §2.6): the request again with it.
        if case .cookie(let cookie) = outcome {
            guard let again = exchange(initiator.initRequest(cookie: cookie)) else {
                firstFailure = firstFailure ?? "no answer to IKE_SA_INIT with a cookie"
                return nil
            }
            initResponse = again
            outcome = initiator.handleInitResponse(again)
        }
        guard outcome == .accepted else {
            firstFailure = firstFailure ?? "IKE_SA_INIT answered \(outcome)"
            return nil
        }
        guard let auth = try? initiator.authRequest(requestAddress: false, child: false),
              let authResponse = exchange(auth),
              let message = try? initiator.open(authResponse) else {
            firstFailure = firstFailure ?? "no answer to IKE_AUTH, or one that does not open"
            return nil
        }
        guard initiator.verifyResponderAuth(message, initResponse: initResponse) else {
            firstFailure = firstFailure ?? "IKE_AUTH answered without the responder's AUTH"
            return nil
        }
        return initiator
    }

    /// INFORMATIONAL with a Delete of the IKE SA: true when the responder answers it.
    func delete(_ initiator: inout IKEInitiator) -> Bool {
        guard let request = try? initiator.request(.informational, [.delete(.ikeSA)]),
              let answer = exchange(request), let message = try? initiator.open(answer),
              message.header.flags.contains(.response) else {
            firstFailure = firstFailure ?? "no answer to the Delete"
            return false
        }
        return true
    }
}

/// Asks the engine for a console command's output every 20 ms and records how long each took.
private final class ConsoleProbe: @unchecked Sendable {
    let engine: Engine
    private let lock = NSLock()
    private var samples: [Double] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(engine: Engine) { self.engine = engine }

    func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let t0 = monotonicNanos()
                _ = engine.sync { device in
                    var lines = 0
                    IKEv2StatsRenderer.render(device: device) { _ in lines += 1 }
                    return lines
                }
                let ms = Double(monotonicNanos() - t0) / 1e6
                lock.withLock { samples.append(ms) }
                usleep(20_000)
            }
            done.signal()
        }
    }

    /// Stops and describes the response times: median, 99th percentile, worst.
    func stop() -> String {
        lock.withLock { running = false }
        done.wait()
        let sorted = lock.withLock { samples.sorted() }
        guard !sorted.isEmpty else { return "no samples" }
        func at(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return "\(sorted.count) commands, median " + fixed(at(0.5), 2) + " ms, p99 " + fixed(at(0.99), 2)
            + " ms, worst " + fixed(sorted[sorted.count - 1], 2) + " ms"
    }
}

/// `count` distinct free UDP ports of 127.0.0.1 (the sockets stay open until all are known, so
/// the kernel cannot hand out one twice).
private func freeUDPPorts(_ count: Int) -> [Int] {
    var sockets: [Int32] = []
    defer { for fd in sockets { _ = Glibc.close(fd) } }
    var ports: [Int] = []
    for _ in 0..<count {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        sockets.append(fd)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 ? getsockname(fd, sa, &length) : -1
            }
        }
        ports.append(Int(UInt16(bigEndian: address.sin_port)))
    }
    return ports
}

/// utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15).
private func processCPU(pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}
