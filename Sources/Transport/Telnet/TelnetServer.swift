import Device
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The telnet server of the vty lines (`--telnet-port`). Each connection gets a pseudo-terminal:
/// its master side is a SwiftNIO channel joined to the socket through the telnet handler, its
/// slave side is the vty line's terminal, where a `VtySession` logs the user in and runs the
/// line's libedit console. The sockets run on a loop of their own, never on the device's.
/// `@unchecked Sendable`: `listener` is guarded by `lock`.
public final class TelnetServer: @unchecked Sendable {
    /// The largest window (columns or rows) a client's NAWS may set.
    public static let maximumWindow = 1000

    private let engine: Engine
    private let group: MultiThreadedEventLoopGroup
    private let lock = TerminalLock()
    private var listener: (any Channel)?

    public init(engine: Engine) {
        self.engine = engine
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Listens on `host`:`port` (0: a free port); returns the port bound.
    public func start(host: String, port: Int) throws -> Int {
        let engine = self.engine
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TelnetConnectionHandler(engine: engine))
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

/// One telnet connection: option negotiation and NAWS through `TelnetDecoder`, the typed bytes
/// to the pty's master side, the line's output back with IAC escaped, at most
/// `VtyOutputHandler.outputLimit` bytes unread by the client before the connection is dropped.
final class TelnetConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let engine: Engine
    private var decoder = TelnetDecoder()
    private var pty: VtyPty?
    private var session: VtySession?

    init(engine: Engine) {
        self.engine = engine
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(bytes: Telnet.greeting)), promise: nil)
        guard let pty = VtyPty.open(columns: 80, rows: 24) else {
            context.close(promise: nil)
            return
        }
        self.pty = pty
        let peer = channel.remoteAddress?.ipAddress ?? "unknown"
        let output = VtyOutputHandler.Connection(
            encode: { ByteBuffer(bytes: Telnet.escape($0.readableBytesView)) },
            send: { channel.writeAndFlush($0) },
            close: { channel.close(promise: nil) })
        pty.attach(on: context.eventLoop, to: output, failed: { channel.close(promise: nil) })
        let session = VtySession(engine: engine, slaveFD: pty.slaveFD, peer: peer, transport: .telnet,
                                 localPort: channel.localAddress?.port ?? 0,
                                 closeConnection: { channel.close(promise: nil) })
        self.session = session
        session.start()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let output = decoder.feed(buffer.readableBytesView)
        if !output.replies.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: output.replies)), promise: nil)
        }
        // 0 is "unknown" (RFC 1073): keep the size there is. Sizes are kept within what libedit can
        // draw without a huge screen buffer (it allocates rows x columns).
        if let size = output.windowSize, size.columns > 0, size.rows > 0, let pty, !pty.closed {
            let columns = min(max(size.columns, 10), TelnetServer.maximumWindow)
            let rows = min(max(size.rows, 2), TelnetServer.maximumWindow)
            pty.resize(columns: columns, rows: rows)
            session?.resize(columns: columns, rows: rows)
        }
        pty?.type(output.data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pty?.close()
        session = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
