import Crypto
import Device
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSH
import Shell
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// The vty lines over SSH, measured with swift-nio-ssh's own client in this process (no OpenSSH
/// processes): the router is the product's engine and `SSHServer` on 127.0.0.1, the clients run
/// on a loop of their own. Three figures:
/// - logins per second: one after another, connect, key exchange, password, shell, first prompt;
/// - commands per second and latency with 1, 10 and 50 shells each typing `show aaa sessions` in a
///   loop (from the Enter to the next prompt), while a closed-loop generator sends Disconnect-
///   Requests to the DAS (every ACK re-creates the session, so the table keeps its size);
/// - memory per open line: resident set growth over N idle shells at their prompt, divided by N
///   (the client's side of each connection is in the same process, so this is an upper bound).
struct SSHBenchmark {
    struct Options {
        var concurrency = [1, 10, 50]
        var seconds = 3.0
        var logins = 30
        var idleLines = 50
        var tableSessions = 20
        var dasLoad = true
        var secret = false

        static let usage = """
              ssh options:
              --concurrency N[,N…]  shells typing at once (default 1,10,50)
              --seconds S           measured time per concurrency (default 3)
              --logins N            logins measured one after another (default 30)
              --idle N              idle shells for the memory figure (default 50)
              --sessions N          VPN sessions in the table, listed by each command (default 20)
              --das-load yes|no     Disconnect-Requests to the DAS meanwhile (default yes)
              --secret yes|no       the user's password as a type 9 (scrypt) secret, not type 0 (default no)
            """

        init(parsing arguments: [String]) throws {
            var it = arguments.makeIterator()
            while let flag = it.next() {
                guard let value = it.next() else { throw DASBenchmark.Options.BadOption(description: "\(flag) needs a value") }
                func number() throws -> Int {
                    guard let n = Int(value), n > 0 else {
                        throw DASBenchmark.Options.BadOption(description: "bad \(flag) \(value)")
                    }
                    return n
                }
                switch flag {
                case "--concurrency":
                    let values = value.split(separator: ",").compactMap { Int($0) }
                    guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
                        throw DASBenchmark.Options.BadOption(description: "bad --concurrency \(value)")
                    }
                    concurrency = values
                case "--seconds":
                    guard let s = Double(value), s > 0 else { throw DASBenchmark.Options.BadOption(description: "bad --seconds") }
                    seconds = s
                case "--logins": logins = try number()
                case "--idle": idleLines = try number()
                case "--sessions": tableSessions = try number()
                case "--das-load": dasLoad = value == "yes"
                case "--secret": secret = value == "yes"
                default: throw DASBenchmark.Options.BadOption(description: "unknown option \(flag)")
                }
            }
        }
    }

    static let prompt = Array("R1#".utf8)
    let options: Options

    func run() {
        let lines = max(options.concurrency.max() ?? 1, options.idleLines)
        let device = Device(random: SeededRandom(seed: 2014))
        let engine = Engine(device: device)
        let tableSessions = options.tableSessions
        let user = options.secret ? "username admin privilege 15 secret cisco" : "username admin privilege 15 password 0 cisco"
        engine.sync { device in
            let shell = IOSShell(device: device)
            for line in ["enable", "configure terminal", "hostname R1",
                         user,
                         "aaa new-model", "aaa authorization exec default local",
                         "aaa server radius dynamic-author", "client 127.0.0.1 server-key \(DASBenchmark.secret)",
                         "port 0", "end"] {
                _ = shell.submit(line)
            }
            // IOS XE numbers vty lines up to 1869 on many platforms; the emulator's grammar stops
            // at 15, so the benchmark opens as many lines as it needs directly in the model.
            var vty = LineConfig(login: .local)
            vty.transportInput = .ssh
            vty.execTimeout = LineConfig.ExecTimeout(minutes: 0, seconds: 0)
            device.config.vtyLines = Array(repeating: vty, count: lines)
            device.config.updateInterface(.loopback, 0) {
                $0.address = InterfaceAddress(address: DASBenchmark.local, prefixLength: 32)
            }
            for i in 0..<tableSessions {
                device.connectSession(userName: "user\(i).g1.engdt.com", peer: DASBenchmark.peer(i))
            }
            device.onSessionsDisconnected = { [unowned device] ended, _ in
                for s in ended {
                    device.connectSession(userName: s.userName, peer: s.peer, auditSessionId: s.auditSessionId,
                                          framedIP: s.framedIP)
                }
            }
        }
        let das = DASServer(engine: engine)
        das.start()
        let server = SSHServer(engine: engine, hostKey: Curve25519.Signing.PrivateKey())
        defer {
            server.stop()
            try? das.stop().wait()
            try? engine.shutdown()
        }
        guard let dasPort = try? das.settled().wait(), let port = try? server.start(host: "127.0.0.1", port: 0) else {
            print("flexvpn-bench ssh: could not listen")
            return
        }
        let clients = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? clients.syncShutdownGracefully() }
        let loop = clients.next()

        print("flexvpn-bench ssh: swift-nio-ssh clients in this process -> SSHServer on 127.0.0.1 (password login, "
              + (options.secret ? "type 9 secret," : "type 0 password,"))
        print("  pty 80x24, terminal length 0), \(tableSessions) VPN sessions listed by each `show aaa sessions`, "
              + "\(lines) vty lines")

        // Logins, one after another.
        var loginTimes: [Double] = []
        for _ in 0..<options.logins {
            let start = monotonicNanos()
            guard let shell = try? BenchShell.open(port: port, on: loop).wait() else {
                print("logins: a login failed")
                return
            }
            loginTimes.append(Double(monotonicNanos() - start) / 1e6)
            try? shell.close().wait()
        }
        let loginTotal = loginTimes.reduce(0, +) / 1000
        loginTimes.sort()
        print("logins: \(options.logins) one after another: \(fixed(Double(options.logins) / loginTotal, 1)) logins/s, "
              + "median \(fixed(loginTimes[loginTimes.count / 2], 1)) ms, "
              + "p99 \(fixed(loginTimes[min(loginTimes.count - 1, loginTimes.count * 99 / 100)], 1)) ms")
        usleep(300_000)   // let the closed lines go

        // Memory per idle line: RSS growth over N idle shells, measured before the command runs
        // (whose freed memory the allocator would keep and hand back to these lines).
        usleep(500_000)
        let before = residentBytes() ?? 0
        var idle: [BenchShell] = []
        for _ in 0..<options.idleLines {
            guard let shell = try? BenchShell.open(port: port, on: loop).wait() else { break }
            idle.append(shell)
        }
        usleep(500_000)
        let after = residentBytes() ?? 0
        let open = engine.sync { device in device.lines.filter { $0.kind == .vty }.count }
        print("memory: \(idle.count) idle shells at their prompt (\(open) vty lines in use): RSS "
              + "\(grouped(before / 1024)) -> \(grouped(after / 1024)) KiB, "
              + "\(grouped(max(0, after - before) / max(1, idle.count) / 1024)) KiB per line (server and client side;"
              + " the kernel's pty and socket buffers are not in the RSS)")
        for shell in idle { try? shell.close().wait() }
        usleep(300_000)

        // The DAS load: one socket, one request in flight, the next sent as each reply comes.
        var generator: LoadGenerator?
        if options.dasLoad {
            generator = try? LoadGenerator(port: dasPort, sockets: 1, outstanding: 1, sessionCount: tableSessions,
                                           secret: DASBenchmark.secret, offload: false,
                                           auditSessionId: DASBenchmark.auditSessionId)
            try? generator?.start()
        }
        defer { generator?.stop() }

        print("shells | commands/s | p50 ms | p99 ms | max ms | DAS req/s meanwhile | process CPU % | bytes/command")
        for count in options.concurrency {
            measureCommands(count: count, port: port, loop: loop, generator: generator)
        }

        print("notes: the load generator, the SSH clients and the router share this process and the machine's cores;")
        print("  latency is from the command's Enter to the next prompt, with the whole output read.")
    }

    private func measureCommands(count: Int, port: Int, loop: any EventLoop, generator: LoadGenerator?) {
        var shells: [BenchShell] = []
        for _ in 0..<count {
            guard let shell = try? BenchShell.open(port: port, on: loop).wait() else {
                print("\(count): only \(shells.count) shells opened")
                for shell in shells { try? shell.close().wait() }
                return
            }
            shells.append(shell)
        }
        // Warm-up: one command each.
        for shell in shells { _ = try? shell.command("show aaa sessions").wait() }
        let recorder = NIOLockedValueBox(Recorder())
        let seconds = options.seconds
        let deadline = NIODeadline.now() + .nanoseconds(Int64(seconds * 1e9))
        generator?.beginMeasurement()
        let cpu0 = processCPUSeconds()
        let t0 = monotonicNanos()
        let done = shells.map { shell in
            Self.loopCommands(shell, until: deadline, recorder: recorder)
        }
        for future in done { _ = try? future.wait() }
        let elapsed = Double(monotonicNanos() - t0) / 1e9
        let cpu = processCPUSeconds() - cpu0
        let das = generator?.endMeasurement()
        for shell in shells { try? shell.close().wait() }
        var latencies = recorder.withLockedValue { $0.latencies }
        let bytesPerCommand = recorder.withLockedValue { $0.bytes } / max(1, latencies.count)
        latencies.sort()
        guard !latencies.isEmpty else {
            print("\(count): no command completed")
            return
        }
        func percentile(_ p: Double) -> String {
            fixed(Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e6, 1)
        }
        print([String(count), fixed(Double(latencies.count) / elapsed, 0), percentile(0.5), percentile(0.99),
               fixed(Double(latencies.last!) / 1e6, 1),
               das.map { grouped(Int(Double($0.replies) / elapsed)) } ?? "-",
               fixed(cpu / elapsed * 100, 0), grouped(bytesPerCommand)].joined(separator: " | "))
        usleep(300_000)
    }

    struct Recorder {
        var latencies: [UInt64] = []
        var bytes = 0
    }

    private static func loopCommands(_ shell: BenchShell, until deadline: NIODeadline,
                                     recorder: NIOLockedValueBox<Recorder>) -> EventLoopFuture<Void> {
        let start = monotonicNanos()
        return shell.command("show aaa sessions").flatMap { bytes in
            let took = monotonicNanos() - start
            recorder.withLockedValue {
                $0.latencies.append(took)
                $0.bytes += bytes
            }
            if NIODeadline.now() >= deadline { return shell.channel.eventLoop.makeSucceededVoidFuture() }
            return loopCommands(shell, until: deadline, recorder: recorder)
        }
    }
}

/// One SSH connection with a shell channel at the router's prompt.
final class BenchShell: Sendable {
    let connection: any Channel
    let channel: any Channel
    private let reader: PromptReader

    private init(connection: any Channel, channel: any Channel, reader: PromptReader) {
        self.connection = connection
        self.channel = channel
        self.reader = reader
    }

    /// Connects, logs in as admin/cisco, opens a shell with a pty and waits for the first prompt
    /// (then turns paging off).
    static func open(port: Int, on loop: any EventLoop) -> EventLoopFuture<BenchShell> {
        ClientBootstrap(group: loop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let configuration = SSHClientConfiguration(
                        userAuthDelegate: SimplePasswordDelegate(username: "admin", password: "cisco"),
                        serverAuthDelegate: AcceptAnyHostKey())
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSHHandler(role: .client(configuration), allocator: channel.allocator,
                                      inboundChildChannelInitializer: nil))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMap { connection in
                let promise = connection.eventLoop.makePromise(of: (any Channel).self)
                let reader = PromptReader(eventLoop: connection.eventLoop)
                connection.pipeline.handler(type: NIOSSHHandler.self).whenComplete { result in
                    switch result {
                    case let .success(ssh):
                        ssh.createChannel(promise, channelType: .session) { child, _ in
                            child.eventLoop.makeCompletedFuture {
                                try child.pipeline.syncOperations.addHandler(reader)
                            }
                        }
                    case let .failure(error):
                        promise.fail(error)
                    }
                }
                return promise.futureResult.flatMap { child in
                    let pty = SSHChannelRequestEvent.PseudoTerminalRequest(
                        wantReply: false, term: "vt100", terminalCharacterWidth: 80, terminalRowHeight: 24,
                        terminalPixelWidth: 0, terminalPixelHeight: 0, terminalModes: SSHTerminalModes([:]))
                    child.triggerUserOutboundEvent(pty, promise: nil)
                    let prompt = reader.expectPrompt()
                    return child.triggerUserOutboundEvent(SSHChannelRequestEvent.ShellRequest(wantReply: false))
                        .flatMap { prompt }
                        .map { _ in BenchShell(connection: connection, channel: child, reader: reader) }
                }
                .flatMap { (shell: BenchShell) -> EventLoopFuture<BenchShell> in
                    shell.command("terminal length 0").map { @Sendable _ in shell }
                }
                .flatMapErrorThrowing { error in
                    connection.close(promise: nil)
                    throw error
                }
            }
    }

    /// Types `line` and Enter; succeeds with the number of bytes read when the next prompt comes.
    func command(_ line: String) -> EventLoopFuture<Int> {
        let reader = self.reader
        let channel = self.channel
        return channel.eventLoop.flatSubmit {
            let done = reader.expectPrompt()
            let bytes = channel.allocator.buffer(string: line + "\r")
            channel.writeAndFlush(SSHChannelData(type: .channel, data: .byteBuffer(bytes)), promise: nil)
            return done
        }
    }

    func close() -> EventLoopFuture<Void> {
        connection.close()
    }
}

/// Reads a shell's output; completes the waiting promise when it ends with a line holding
/// only the prompt (`\nR1#`, or `R1#` as the very first output).
/// `@unchecked Sendable`: its state is touched on its channel's loop only.
final class PromptReader: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = SSHChannelData

    private let eventLoop: any EventLoop
    private var waiting: EventLoopPromise<Int>?
    private var tail: [UInt8] = []
    private var count = 0

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func expectPrompt() -> EventLoopFuture<Int> {
        eventLoop.preconditionInEventLoop()
        let promise = eventLoop.makePromise(of: Int.self)
        waiting = promise
        tail = []
        count = 0
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .channel = message.type, case let .byteBuffer(buffer) = message.data else { return }
        count += buffer.readableBytes
        tail += buffer.readableBytesView
        if tail.count > 8 { tail.removeFirst(tail.count - 8) }
        let prompt = SSHBenchmark.prompt
        guard let promise = waiting, tail.count >= prompt.count, Array(tail.suffix(prompt.count)) == prompt else { return }
        let before = tail.count > prompt.count ? tail[tail.count - prompt.count - 1] : UInt8(ascii: "\n")
        guard before == UInt8(ascii: "\n") else { return }
        waiting = nil
        promise.succeed(count)
    }

    func channelInactive(context: ChannelHandlerContext) {
        waiting?.fail(ChannelError.ioOnClosedChannel)
        waiting = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        waiting?.fail(error)
        waiting = nil
        context.close(promise: nil)
    }
}

/// The benchmark trusts its own server's fresh key.
final class AcceptAnyHostKey: NIOSSHClientServerAuthenticationDelegate {
    func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
        validationCompletePromise.succeed(())
    }
}
