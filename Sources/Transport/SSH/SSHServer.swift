import Crypto
import Device
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSH
import Shell

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The SSH server of the vty lines (`--ssh-port`), on swift-nio-ssh. Authentication is IOS's
/// `login local`: a `username`'s password or secret, or a key of its `ip ssh pubkey-chain` entry;
/// `ip ssh authentication-retries` and `ip ssh time-out` bound the attempts and the time. A
/// `shell` channel runs a vty line (`VtySession`) over a pseudo-terminal sized by `pty-req` and
/// `window-change`; an `exec` channel runs one command on a fresh line and exits with status 0.
/// The sockets run on a loop of their own, never on the device's.
/// `@unchecked Sendable`: `listener` is guarded by `lock`.
public final class SSHServer: @unchecked Sendable {
    private let engine: Engine
    private let hostKey: NIOSSHPrivateKey
    private let group: MultiThreadedEventLoopGroup
    private let lock = TerminalLock()
    private var listener: (any Channel)?

    public init(engine: Engine, hostKey: Curve25519.Signing.PrivateKey) {
        self.engine = engine
        self.hostKey = NIOSSHPrivateKey(ed25519Key: hostKey)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// What a new connection needs from the device: read on its owner when the client connects.
    struct Settings: Sendable {
        var timeout: Int
        var retries: Int
        var banner: String?
        /// A vty is free and lets SSH in.
        var admitted: Bool
    }

    /// Listens on `host`:`port` (0: a free port); returns the port bound.
    public func start(host: String, port: Int) throws -> Int {
        let engine = self.engine
        let hostKey = self.hostKey
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            // A TCP-level option: `socketOption(.tcp_nodelay)` would be SOL_SOCKET level, i.e. SO_DEBUG,
            // which needs CAP_NET_ADMIN and made every connection of a non-root router close at once.
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                engine.submit { device in
                    let c = device.config
                    let used = device.lines.filter { $0.kind == .vty }.count
                    let admitted = used < device.vtyCount
                        && (0..<device.vtyCount).contains { device.vtyConfig($0).allowsTransport(.ssh) }
                    return Settings(timeout: c.ssh.timeout, retries: c.ssh.authenticationRetries,
                                    banner: device.sshLoginBanner, admitted: admitted)
                }
                .hop(to: channel.eventLoop)
                .flatMapThrowing { settings in
                    // Every vty in use, or none lets SSH in: IOS drops the connection at once.
                    guard settings.admitted else { throw ChannelError.inputClosed }
                    let connection = SSHConnection(engine: engine, channel: channel, settings: settings)
                    var configuration = SSHServerConfiguration(
                        hostKeys: [hostKey], userAuthDelegate: SSHAuthDelegate(connection: connection),
                        banner: settings.banner.map { .init(message: $0, languageTag: "") })
                    configuration.maxAuthAttempts = 64
                    let handler = NIOSSHHandler(
                        role: .server(configuration), allocator: channel.allocator,
                        inboundChildChannelInitializer: { child, type in
                            guard case .session = type else {
                                return child.eventLoop.makeFailedFuture(SSHServerError.unsupportedChannel)
                            }
                            // The client's EOF (`ssh host 'cmd' < /dev/null`) must not end an exec
                            // before its output is written.
                            return child.setOption(ChannelOptions.allowRemoteHalfClosure, value: true).flatMapThrowing {
                                try child.pipeline.syncOperations.addHandler(SSHSessionHandler(connection: connection))
                            }
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(SSHConnectionGuard(connection: connection))
                }
                .flatMapErrorThrowing { error in
                    channel.close(promise: nil)
                    throw error
                }
            }
        let server = try bootstrap.bind(host: host, port: port).wait()
        lock.withLock { listener = server }
        return server.localAddress?.port ?? port
    }

    /// Stops listening and closes every connection's loop.
    public func stop() {
        let server = lock.withLock { () -> (any Channel)? in
            defer { listener = nil }
            return listener
        }
        try? server?.close().wait()
        try? group.syncShutdownGracefully()
    }
}

enum SSHServerError: Error {
    case unsupportedChannel
}

/// One SSH connection's state, on its channel's loop: who authenticated, failures so far.
/// `@unchecked Sendable`: its mutable state is touched on the connection's loop only.
final class SSHConnection: @unchecked Sendable {
    let engine: Engine
    let channel: any Channel
    let settings: SSHServer.Settings
    let peer: String
    var user: String?
    /// The privilege a login method granted (AAA: `aaa authorization exec`, RADIUS's
    /// `shell:priv-lvl`); nil: the local `username`'s, else the line's.
    var privilege: Int?
    var failures = 0
    /// Connections not yet freed, for the test that a closed one is not kept (a soak found each
    /// closed connection held by its login timer for `ip ssh time-out`).
    static let alive = NIOLockedValueBox(0)

    init(engine: Engine, channel: any Channel, settings: SSHServer.Settings) {
        self.engine = engine
        self.channel = channel
        self.settings = settings
        peer = channel.remoteAddress?.ipAddress ?? "unknown"
        Self.alive.withLockedValue { $0 += 1 }
    }

    deinit {
        Self.alive.withLockedValue { $0 -= 1 }
    }

    /// A failed password: true when it was the last one `ip ssh authentication-retries` allows
    /// (at least one), and the connection is to close instead of asking again.
    func failed() -> Bool {
        failures += 1
        return failures >= max(settings.retries, 1)
    }
}

/// Authentication as `login local`: the password (or secret) of a `username`, or one of the
/// user's `ip ssh pubkey-chain` keys. Rejected keys do not count as retries (clients offer each
/// key they hold before asking for a password).
final class SSHAuthDelegate: NIOSSHServerUserAuthenticationDelegate {
    private let connection: SSHConnection

    init(connection: SSHConnection) {
        self.connection = connection
    }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { [.publicKey, .password] }

    func requestReceived(request: NIOSSHUserAuthenticationRequest,
                         responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        let name = request.username
        let connection = self.connection
        let check: EventLoopFuture<Bool>
        let isPassword: Bool
        switch request.request {
        case let .password(password):
            isPassword = true
            check = Self.checkPassword(name, password.password, connection: connection)
        case let .publicKey(key):
            isPassword = false
            let blob = SSHKeyBlob.of(key.publicKey)
            check = connection.engine.submit { device in device.authenticateSSHPublicKey(name, blob: blob) != nil }
        default:
            responsePromise.succeed(.failure)
            return
        }
        check.hop(to: responsePromise.futureResult.eventLoop).whenComplete { result in
            if case .success(true) = result {
                connection.user = name
                responsePromise.succeed(.success)
            } else {
                // The last try allowed: the connection closes (the client asks no more).
                if isPassword, connection.failed() { connection.channel.close(promise: nil) }
                responsePromise.succeed(.failure)
            }
        }
    }
}

extension SSHAuthDelegate {
    /// Without AAA: the `username`'s password or secret (`login local`). With `aaa new-model`:
    /// the login method list of the vty line the client would take (`aaa authentication login`,
    /// RADIUS included), the same decision a telnet login gets, `%SEC_LOGIN` lines included.
    static func checkPassword(_ name: String, _ typed: String, connection: SSHConnection) -> EventLoopFuture<Bool> {
        let engine = connection.engine
        let peer = connection.peer
        let port = connection.channel.localAddress?.port ?? 22
        // (accepted, the privilege a method granted).
        let verdict = engine.eventLoop.flatSubmit { () -> EventLoopFuture<(Bool, Int?)> in
            let device = engine.deviceOnLoop
            guard device.config.aaaNewModel else {
                // The session takes the `username`'s privilege (or the line's) itself.
                return engine.eventLoop.makeSucceededFuture((device.authenticateLocalUser(name, password: typed) != nil, nil))
            }
            let vty = device.vtyLineAdmitting(peer: peer).number ?? 0
            let promise = engine.eventLoop.makePromise(of: (Bool, Int?).self)
            device.authenticateLogin(LoginAttempt(user: name, password: typed, vty: vty, peer: peer, localPort: port)) {
                if case let .granted(grant) = $0 {
                    promise.succeed((true, grant.privilege))
                } else {
                    promise.succeed((false, nil))
                }
            }
            return promise.futureResult
        }
        return verdict.hop(to: connection.channel.eventLoop).map { accepted, privilege in
            if accepted { connection.privilege = privilege }
            return accepted
        }
    }
}

enum SSHKeyBlob {
    /// A public key's SSH wire form (what `key-hash` hashes).
    static func of(_ key: NIOSSHPublicKey) -> [UInt8] {
        let text = String(openSSHPublicKey: key)
        let words = text.split(separator: " ")
        guard words.count >= 2, let data = base64Decode(String(words[1])) else { return [] }
        return data
    }

    private static func base64Decode(_ text: String) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = i }
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for c in text.utf8 where c != UInt8(ascii: "=") {
            let v = table[Int(c)]
            guard v >= 0 else { return nil }
            buffer = (buffer << 6) | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> bits) & 0xFF))
            }
        }
        return out
    }
}

/// Closes a connection that has not authenticated within `ip ssh time-out` seconds, and ends
/// the connection on a protocol error (a bad client never hurts the router).
final class SSHConnectionGuard: ChannelInboundHandler {
    typealias InboundIn = Any

    private let connection: SSHConnection
    private var timer: Scheduled<Void>?

    init(connection: SSHConnection) {
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Weak: a connection that closed sooner must not be kept alive until the timer's end
        // (`ip ssh time-out`, 120 s) by the timer itself.
        timer = context.eventLoop.scheduleTask(in: .seconds(Int64(connection.settings.timeout))) {
            [weak connection, weak channel = context.channel] in
            if let connection, connection.user == nil { channel?.close(promise: nil) }
        }
    }

    // The timer goes with the handler: `handlerRemoved` runs whenever the pipeline is torn down,
    // even when a handler before this one does not pass `channelInactive` on.
    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// One `session` channel: `pty-req`, `window-change`, `env` and then `shell` (a vty line over a
/// pseudo-terminal) or `exec` (one command). Other requests are refused; the connection stays.
final class SSHSessionHandler: ChannelDuplexHandler {
    typealias InboundIn = SSHChannelData
    typealias OutboundIn = SSHChannelData
    typealias OutboundOut = SSHChannelData

    private let connection: SSHConnection
    private var size: (columns: Int, rows: Int)?
    private var pty: VtyPty?
    private var session: VtySession?
    private var running = false
    private var closed = false

    init(connection: SSHConnection) {
        self.connection = connection
    }

    private static func clamp(_ columns: Int, _ rows: Int) -> (columns: Int, rows: Int) {
        (min(max(columns, 10), TelnetServer.maximumWindow), min(max(rows, 2), TelnetServer.maximumWindow))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let pty as SSHChannelRequestEvent.PseudoTerminalRequest:
            if pty.terminalCharacterWidth > 0, pty.terminalRowHeight > 0 {
                size = Self.clamp(pty.terminalCharacterWidth, pty.terminalRowHeight)
            }
            reply(context, pty.wantReply, ok: !running)
        case let request as SSHChannelRequestEvent.ShellRequest:
            guard !running else { return reply(context, request.wantReply, ok: false) }
            running = true
            reply(context, request.wantReply, ok: true)
            startShell(context: context)
        case let request as SSHChannelRequestEvent.ExecRequest:
            guard !running else { return reply(context, request.wantReply, ok: false) }
            running = true
            reply(context, request.wantReply, ok: true)
            runExec(context: context, command: request.command)
        case let change as SSHChannelRequestEvent.WindowChangeRequest:
            guard change.terminalCharacterWidth > 0, change.terminalRowHeight > 0 else { return }
            let (columns, rows) = Self.clamp(change.terminalCharacterWidth, change.terminalRowHeight)
            size = (columns, rows)
            if let pty, !closed {
                pty.resize(columns: columns, rows: rows)
                session?.resize(columns: columns, rows: rows)
            }
        case let env as SSHChannelRequestEvent.EnvironmentRequest:
            // Accepted and ignored (LANG, TERM…): IOS has no environment.
            reply(context, env.wantReply, ok: true)
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            // No sftp/netconf subsystem on the vty: refused, the connection stays.
            reply(context, request.wantReply, ok: false)
        case is SSHChannelRequestEvent.SignalRequest, is SSHChannelRequestEvent.LocalFlowControlRequest:
            return
        case ChannelEvent.inputClosed:
            // The client's EOF: an exec has what it needs; a shell line stays until `exit`,
            // the client's close or `exec-timeout`, as on IOS.
            return
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func reply(_ context: ChannelHandlerContext, _ wantReply: Bool, ok: Bool) {
        guard wantReply else { return }
        if ok {
            context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
        } else {
            context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .channel = message.type, case let .byteBuffer(buffer) = message.data else { return }
        var bytes = Array(buffer.readableBytesView)
        // A NUL (NAPALM's liveness probe) is no key.
        bytes.removeAll { $0 == 0 }
        guard !closed else { return }
        pty?.type(bytes)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        pty?.close()
        session = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: shell

    private func startShell(context: ChannelHandlerContext) {
        let channel = context.channel
        guard let user = connection.user else {
            context.close(promise: nil)
            return
        }
        let (columns, rows) = size ?? (80, 24)
        guard let pty = VtyPty.open(columns: columns, rows: rows) else {
            context.close(promise: nil)
            return
        }
        self.pty = pty
        let output = VtyOutputHandler.Connection(
            send: { channel.writeAndFlush(SSHChannelData(type: .channel, data: .byteBuffer($0))) },
            close: { (channel.parent ?? channel).close(promise: nil) },
            lineEnded: {
                channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0)).whenComplete { _ in
                    channel.close(promise: nil)
                }
            })
        pty.attach(on: context.eventLoop, to: output, failed: { channel.close(promise: nil) })
        // `exit`, `clear line` or a refused line end the whole connection, as on IOS.
        let parent = channel.parent ?? channel
        let session = VtySession(engine: connection.engine, slaveFD: pty.slaveFD, peer: connection.peer, transport: .ssh,
                                 authenticatedUser: user, authenticatedPrivilege: connection.privilege,
                                 closeConnection: { parent.close(promise: nil) })
        self.session = session
        if let size { session.resize(columns: size.columns, rows: size.rows) }
        session.start()
    }

    // MARK: exec

    /// `ssh router 'show version'`: the command runs on a line of its own at the user's
    /// privilege level, with no paging; its output, then exit status 0 and the channel closes.
    private func runExec(context: ChannelHandlerContext, command: String) {
        let channel = context.channel
        guard let user = connection.user else {
            context.close(promise: nil)
            return
        }
        let peer = connection.peer
        let granted = connection.privilege
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        connection.engine.submit { device -> String? in
            guard let line = device.allocateVty(peer: peer) else { return nil }
            defer { device.removeLine(line) }
            let config = device.vtyConfig(line.number)
            guard config.allowsTransport(.ssh) else { return nil }
            // A login method's grant (AAA), else the local `username`'s privilege, else the line's.
            let local = device.config.users[named: user]
            guard granted != nil || local != nil else { return nil }
            line.transportName = "SSH"
            let shell = IOSShell(device: device)
            shell.line = line
            shell.beginVtySession(user: user, privilege: granted ?? local?.privilege ?? config.privilegeLevel ?? 1,
                                  config: config)
            shell.terminalLength = 0
            return shell.submit(command)
        }
        .hop(to: context.eventLoop)
        .whenComplete { result in
            let handler = bound.value
            guard !handler.closed, case let .success(output?) = result else {
                channel.close(promise: nil)
                return
            }
            var text: [UInt8] = []
            text.reserveCapacity(output.utf8.count + 64)
            for byte in output.utf8 {
                if byte == UInt8(ascii: "\n") { text.append(UInt8(ascii: "\r")) }
                text.append(byte)
            }
            let data = SSHChannelData(type: .channel, data: .byteBuffer(channel.allocator.buffer(bytes: text)))
            channel.writeAndFlush(data).whenComplete { _ in
                channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: 0)).whenComplete { _ in
                    channel.close(promise: nil)
                }
            }
        }
    }
}

