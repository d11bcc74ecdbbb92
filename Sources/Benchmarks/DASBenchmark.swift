import Device
import NIOCore
import RADIUS
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// End-to-end DAS throughput: Disconnect-Requests over loopback UDP into the engine's DAS, which
/// decides each on the device (authenticator check, lookup, removal, signed ACK). To keep the
/// table at its size, every disconnected session is connected again at once (same user, peer and
/// audit-session-id) from `onSessionsDisconnected`, so each request also pays a session creation.
struct DASBenchmark {
    struct Options {
        var sessions = [10_000, 1_000_000]
        var seconds = 3.0
        var warmup = 1.0
        var sockets = 4
        var outstanding = 64

        static let usage = """
              --sessions N[,N…]   table sizes to measure (default 10000,1000000)
              --seconds S         measured time per size (default 3)
              --warmup S          unmeasured time first (default 1)
              --sockets N         generator sockets (default 4)
              --outstanding N     requests in flight per socket, at most 256 (default 64)
            """

        struct BadOption: Error, CustomStringConvertible {
            var description: String
        }

        init(parsing arguments: [String]) throws {
            var it = arguments.makeIterator()
            while let flag = it.next() {
                guard let value = it.next() else { throw BadOption(description: "\(flag) needs a value") }
                switch flag {
                case "--sessions":
                    let sizes = value.split(separator: ",").compactMap { Int($0) }
                    guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else {
                        throw BadOption(description: "bad --sessions \(value)")
                    }
                    sessions = sizes
                case "--seconds": seconds = try positive(flag, value)
                case "--warmup": warmup = try positive(flag, value, allowZero: true)
                case "--sockets": sockets = Int(try positive(flag, value))
                case "--outstanding": outstanding = min(256, Int(try positive(flag, value)))
                default: throw BadOption(description: "unknown option \(flag)")
                }
            }
        }

        private func positive(_ flag: String, _ value: String, allowZero: Bool = false) throws -> Double {
            guard let v = Double(value), v > 0 || (allowZero && v == 0) else {
                throw BadOption(description: "bad \(flag) \(value)")
            }
            return v
        }
    }

    static let secret = "benchsecret"
    static let local = IPv4Address(51, 1, 1, 1)

    let options: Options

    /// Session i's peer: 10.x.y.z from i, so Calling-Station-Ids spread too.
    static func peer(_ i: Int) -> IPv4Address {
        IPv4Address(rawValue: 0x0A00_0000 | UInt32(truncatingIfNeeded: i & 0x00FF_FFFF))
    }

    /// Session i's audit-session-id as the device generated it (counter i + 1).
    static func auditSessionId(_ i: Int) -> String {
        Session.auditSessionId(local: local, peer: peer(i), counter: UInt32(truncatingIfNeeded: i + 1))
    }

    func run() {
        print("flexvpn-bench das: Disconnect-Request -> Disconnect-ACK over 127.0.0.1, closed loop,")
        print("  \(options.sockets) sockets x \(options.outstanding) outstanding, \(fixed(options.warmup, 1)) s warm-up, "
              + "\(fixed(options.seconds, 1)) s measured per table size")
        let header = ["sessions", "load s", "B/session", "req/s", "p50 us", "p99 us", "p99.9 us", "srv CPU us/req",
                      "all CPU us/req", "ACK", "NAK", "lost", "bad auth"]
        print(header.joined(separator: " | "))
        for size in options.sessions { measure(size) }
    }

    private func measure(_ size: Int) {
        let device = Device(random: SeededRandom(seed: 2014))
        device.config.aaaNewModel = true
        var das = DynamicAuthorConfig()
        das.clients = [DynamicAuthorClient(host: "127.0.0.1")]
        das.serverKey = ConfigSecret(plain: DASBenchmark.secret)
        das.port = 0
        device.config.dynamicAuthor = das
        device.sessionLocalAddress = DASBenchmark.local
        let engine = Engine(device: device)

        let rssBefore = residentBytes() ?? 0
        let loadStart = monotonicNanos()
        engine.sync { device in
            for i in 0..<size {
                device.connectSession(userName: "user\(i).g1.engdt.com", peer: DASBenchmark.peer(i))
            }
            device.onSessionsDisconnected = { [unowned device] ended, _ in
                for s in ended {
                    device.connectSession(userName: s.userName, peer: s.peer, auditSessionId: s.auditSessionId,
                                          framedIP: s.framedIP)
                }
            }
        }
        let loadSeconds = Double(monotonicNanos() - loadStart) / 1e9
        let rssAfter = residentBytes() ?? 0
        let bytesPerSession = (rssAfter - rssBefore) / size

        let server = DASServer(engine: engine)
        server.start()
        guard let port = try? server.settled().wait() else {
            print("\(grouped(size)): the DAS did not bind")
            return
        }
        let generator: LoadGenerator
        do {
            generator = try LoadGenerator(port: port, sockets: options.sockets, outstanding: options.outstanding,
                                          sessionCount: size, secret: DASBenchmark.secret,
                                          auditSessionId: DASBenchmark.auditSessionId)
            try generator.start()
        } catch {
            print("\(grouped(size)): generator failed: \(error)")
            return
        }
        sleepSeconds(options.warmup)

        generator.beginMeasurement()
        let serverCPU0 = engine.sync { _ in threadCPUSeconds() }
        let processCPU0 = processCPUSeconds()
        let t0 = monotonicNanos()
        sleepSeconds(options.seconds)
        var figures = generator.endMeasurement()
        let elapsed = Double(monotonicNanos() - t0) / 1e9
        let processCPU = processCPUSeconds() - processCPU0
        let serverCPU = engine.sync { _ in threadCPUSeconds() } - serverCPU0
        let tableSize = engine.sync { $0.sessions.count }

        generator.stop()
        try? server.stop().wait()
        try? engine.shutdown()

        figures.latencies.sort()
        func percentile(_ p: Double) -> String {
            guard !figures.latencies.isEmpty else { return "-" }
            let index = min(figures.latencies.count - 1, Int(Double(figures.latencies.count) * p))
            return fixed(Double(figures.latencies[index]) / 1000, 0)
        }
        let replies = max(figures.replies, 1)
        let row = [
            grouped(size), fixed(loadSeconds, 2), grouped(bytesPerSession),
            grouped(Int(Double(figures.replies) / elapsed)),
            percentile(0.5), percentile(0.99), percentile(0.999),
            fixed(serverCPU / Double(replies) * 1e6, 2), fixed(processCPU / Double(replies) * 1e6, 2),
            grouped(figures.acks), grouped(figures.naks), grouped(figures.lost), grouped(figures.badAuthenticators),
        ]
        print(row.joined(separator: " | "))
        if tableSize != size { print("  note: table held \(grouped(tableSize)) sessions at the end, not \(grouped(size))") }
        print("  RSS \(grouped(rssBefore / 1024)) KiB before the sessions, \(grouped(rssAfter / 1024)) KiB after")
    }

    private func sleepSeconds(_ s: Double) {
        var ts = timespec(tv_sec: Int(s), tv_nsec: Int((s - Double(Int(s))) * 1e9))
        nanosleep(&ts, nil)
    }
}
