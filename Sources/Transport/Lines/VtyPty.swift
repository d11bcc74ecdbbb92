import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A vty line's pseudo-terminal as its connection (telnet or SSH) sees it: the line's libedit
/// runs on the slave side (`slaveFD`, handed to `VtySession`); the connection writes the keys it
/// receives to the master side and a handler of its own on the master channel carries the line's
/// output back. Keys that arrive before the master channel is ready wait (at most 4 KiB).
/// Used on its connection's event loop only.
final class VtyPty {
    let slaveFD: Int32
    private let masterFD: Int32
    private var master: (any Channel)?
    private var early: [UInt8] = []
    private(set) var closed = false

    private init(masterFD: Int32, slaveFD: Int32) {
        self.masterFD = masterFD
        self.slaveFD = slaveFD
    }

    /// A new pty pair of `columns` x `rows`; nil when the system has none to give.
    static func open(columns: Int, rows: Int) -> VtyPty? {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { return nil }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        QuietInput.quietFromTheStart(slave)
        return VtyPty(masterFD: master, slaveFD: slave)
    }

    /// Makes the master side a channel on `loop`, carrying the line's output to `connection`;
    /// `failed` runs if that cannot be done (the connection is then to close).
    func attach(on loop: any EventLoop, to connection: VtyOutputHandler.Connection,
                failed: @escaping @Sendable () -> Void) {
        let bound = NIOLoopBound(self, eventLoop: loop)
        let fd = masterFD
        NIOPipeBootstrap(group: loop)
            .channelInitializer { pty in
                pty.eventLoop.makeCompletedFuture {
                    try pty.pipeline.syncOperations.addHandler(VtyOutputHandler(connection, on: pty.eventLoop))
                }
            }
            .takingOwnershipOfDescriptor(inputOutput: fd)
            .whenComplete { result in
                let pty = bound.value
                switch result {
                case let .success(channel):
                    if pty.closed {
                        channel.close(promise: nil)
                        return
                    }
                    pty.master = channel
                    if !pty.early.isEmpty {
                        channel.writeAndFlush(channel.allocator.buffer(bytes: pty.early), promise: nil)
                        pty.early = []
                    }
                case .failure:
                    closeDescriptor(fd)
                    failed()
                }
            }
    }

    /// Keys from the client, typed on the line.
    func type(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !closed else { return }
        if let master {
            master.writeAndFlush(master.allocator.buffer(bytes: bytes), promise: nil)
        } else if early.count < 4096 {
            early += bytes
        }
    }

    /// The client's window size; the line's editor is told by `VtySession.resize`.
    func resize(columns: Int, rows: Int) {
        guard !closed else { return }
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(masterFD, UInt(TIOCSWINSZ), &size)
    }

    /// The connection is gone: closing the master side ends the line (its reads fail).
    func close() {
        closed = true
        master?.close(promise: nil)
        master = nil
    }
}

/// `close(2)`, out of reach of `VtyPty.close()`.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

/// The pty's master side of a vty: what the line writes goes to its connection, at most
/// `outputLimit` bytes unread by the client before the connection is dropped (the client reads
/// nothing: drop it, keep the router). When the line ends (its slave side closes, the read
/// fails) the connection is told.
final class VtyOutputHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Output a client has not read yet beyond which its connection is dropped.
    static let outputLimit = 1 << 20

    /// How a connection (telnet, SSH) takes the line's output. All run on its event loop.
    struct Connection: Sendable {
        /// The line's output as the client is sent it (telnet escapes IAC).
        var encode: @Sendable (ByteBuffer) -> ByteBuffer = { $0 }
        /// Sends it; the future completes once written.
        var send: @Sendable (ByteBuffer) -> EventLoopFuture<Void>
        /// Closes the connection: the client reads nothing, or the line has ended.
        var close: @Sendable () -> Void
        /// The line has ended; `close` by default.
        var lineEnded: (@Sendable () -> Void)? = nil
    }

    private let connection: Connection
    private let outstanding: NIOLoopBoundBox<Int>

    init(_ connection: Connection, on loop: any EventLoop) {
        self.connection = connection
        outstanding = NIOLoopBoundBox(0, eventLoop: loop)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let output = connection.encode(unwrapInboundIn(data))
        let count = output.readableBytes
        outstanding.value += count
        if outstanding.value > Self.outputLimit {
            connection.close()
            context.close(promise: nil)
            return
        }
        let outstanding = self.outstanding
        connection.send(output).whenComplete { _ in
            outstanding.value -= count
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        (connection.lineEnded ?? connection.close)()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // EIO once the slave side is closed: the line is over.
        context.close(promise: nil)
    }
}
