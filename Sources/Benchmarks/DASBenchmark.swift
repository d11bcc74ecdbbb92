import Device
import NIOCore
import NIOPosix
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
        var outstanding = 8
        var baseline = true
        var offload = true

        static let usage = """
              --sessions N[,N…]   table sizes to measure (default 10000,1000000)
              --seconds S         measured time per size (default 3)
              --warmup S          unmeasured time first (default 1)
              --sockets N         generator sockets (default 4)
              --outstanding N     requests in flight per socket, at most 256 (default 8)
              --baseline yes|no   first measure a bare UDP responder (default yes)
              --offload yes|no    let the generator coalesce its datagrams with UDP GSO/GRO (default yes)
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
                case "--baseline": baseline = value == "yes"
                case "--offload": offload = value == "yes"
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
              + "\(fixed(options.seconds, 1)) s measured per table size, generator offload "
              + (options.offload ? "on" : "off"))
        let header = ["sessions", "load s", "B/session", "req/s", "p50 us", "p99 us", "p99.9 us", "srv CPU us/req",
                      "all CPU us/req", "ACK", "NAK", "lost", "bad auth"]
        print(header.joined(separator: " | "))
        if options.baseline { measureEchoBaseline() }
        for size in options.sessions { measure(size) }
        print("notes: no DAS (echo) is a bare SwiftNIO responder on the same kind of loop, one send per reply;")
        print("  every ACK also re-creates the session it ended (same identifiers) to keep the table full;")
        print("  srv CPU: the engine loop thread; all CPU: the whole process, load generator included;")
        print("  the generator coalesces its sends and receives (UDP GSO/GRO) where Linux offers them, the DAS")
        print("  its replies to one client (GSO): every request and reply is still its own datagram.")
    }

    /// The same load against a bare SwiftNIO UDP responder that answers every datagram with a
    /// 20-byte ACK and does nothing else: what the loopback transport alone costs on this machine.
    private func measureEchoBaseline() {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let loop = group.next()
        guard let channel = try? DatagramBootstrap(group: loop)
            .channelOption(.datagramVectorReadMessageCount, value: DASServer.vectorReadCount)
            .channelOption(.maxMessagesPerRead, value: DASServer.readsPerEvent)
            .channelOption(.recvAllocator,
                           value: FixedSizeRecvByteBufferAllocator(capacity: DASServer.vectorReadCount * 4096))
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelInitializer({ channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoACK()) }
            })
            .bind(host: "127.0.0.1", port: 0).wait(),
            let port = channel.localAddress?.port
        else {
            print("echo baseline: could not bind")
            return
        }
        defer { try? channel.close().wait() }
        drive(port: UInt16(port), sessionCount: 1000, label: "no DAS (echo)", loadSeconds: 0, bytesPerSession: 0) {
            (try? loop.submit { threadCPUSeconds() }.wait()) ?? 0
        }
    }

    private func measure(_ size: Int) {
        let device = Device(random: SeededRandom(seed: 2014))
        device.config.aaaNewModel = true
        var das = DynamicAuthorConfig()
        das.clients = [DynamicAuthorClient(host: "127.0.0.1")]
        das.serverKey = ConfigSecret(plain: DASBenchmark.secret)
        das.port = 0
        device.config.dynamicAuthor = das
        device.config.updateInterface(.loopback, 0) {
            $0.address = InterfaceAddress(address: DASBenchmark.local, prefixLength: 32)
        }
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

        let server = DASServer(engine: engine)
        server.start()
        defer {
            try? server.stop().wait()
            try? engine.shutdown()
        }
        guard let port = try? server.settled().wait() else {
            print("\(grouped(size)): the DAS did not bind")
            return
        }
        drive(port: port, sessionCount: size, label: grouped(size), loadSeconds: loadSeconds,
              bytesPerSession: (rssAfter - rssBefore) / size) {
            engine.sync { _ in threadCPUSeconds() }
        }
        let tableSize = engine.sync { $0.sessions.count }
        if tableSize != size { print("  note: table held \(grouped(tableSize)) sessions at the end, not \(grouped(size))") }
        print("  RSS \(grouped(rssBefore / 1024)) KiB before the sessions, \(grouped(rssAfter / 1024)) KiB after")
        if let sent = try? server.replyCounters().wait(), sent.writes > 0 {
            print("  DAS sent \(grouped(sent.replies)) replies in \(grouped(sent.writes)) kernel writes "
                  + "(\(fixed(Double(sent.replies) / Double(sent.writes), 1)) a write)")
        }
    }

    /// Runs the generator against `port` and prints one row.
    private func drive(port: UInt16, sessionCount: Int, label: String, loadSeconds: Double, bytesPerSession: Int,
                       serverThreadCPU: () -> Double) {
        let generator: LoadGenerator
        do {
            generator = try LoadGenerator(port: port, sockets: options.sockets, outstanding: options.outstanding,
                                          sessionCount: sessionCount, secret: DASBenchmark.secret,
                                          offload: options.offload, auditSessionId: DASBenchmark.auditSessionId)
            try generator.start()
        } catch {
            print("\(label): generator failed: \(error)")
            return
        }
        defer { generator.stop() }
        sleepSeconds(options.warmup)

        generator.beginMeasurement()
        let serverCPU0 = serverThreadCPU()
        let processCPU0 = processCPUSeconds()
        let t0 = monotonicNanos()
        sleepSeconds(options.seconds)
        var figures = generator.endMeasurement()
        let elapsed = Double(monotonicNanos() - t0) / 1e9
        let processCPU = processCPUSeconds() - processCPU0
        let serverCPU = serverThreadCPU() - serverCPU0

        figures.latencies.sort()
        func percentile(_ p: Double) -> String {
            guard !figures.latencies.isEmpty else { return "-" }
            let index = min(figures.latencies.count - 1, Int(Double(figures.latencies.count) * p))
            return fixed(Double(figures.latencies[index]) / 1000, 0)
        }
        let replies = max(figures.replies, 1)
        let row = [
            label, fixed(loadSeconds, 2), bytesPerSession > 0 ? grouped(bytesPerSession) : "-",
            grouped(Int(Double(figures.replies) / elapsed)),
            percentile(0.5), percentile(0.99), percentile(0.999),
            fixed(serverCPU / Double(replies) * 1e6, 2), fixed(processCPU / Double(replies) * 1e6, 2),
            grouped(figures.acks), grouped(figures.naks), grouped(figures.lost), grouped(figures.badAuthenticators),
        ]
        print(row.joined(separator: " | "))
    }

    private func sleepSeconds(_ s: Double) {
        var ts = timespec(tv_sec: Int(s), tv_nsec: Int((s - Double(Int(s))) * 1e9))
        nanosleep(&ts, nil)
    }
}

/// Answers every datagram with a 20-byte Disconnect-ACK carrying its identifier and a zero
/// authenticator: the generator's spot checks count these under `bad auth`, as they should.
private final class EchoACK: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let id = envelope.data.getInteger(at: envelope.data.readerIndex + 1, as: UInt8.self) else { return }
        var reply = context.channel.allocator.buffer(capacity: 20)
        reply.writeBytes([RADIUSCode.disconnectACK.rawValue, id, 0, 20])
        reply.writeRepeatingByte(0, count: 16)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: reply)),
                      promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}
