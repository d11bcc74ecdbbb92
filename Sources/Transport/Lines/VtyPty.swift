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

    /// Makes the master side a channel on `loop` with `handler` (made there) reading the line's
    /// output; `failed` runs if that cannot be done (the connection is then to close).
    func attach(on loop: any EventLoop,
                handler: @escaping @Sendable () -> any ChannelHandler,
                failed: @escaping @Sendable () -> Void) {
        let bound = NIOLoopBound(self, eventLoop: loop)
        let fd = masterFD
        NIOPipeBootstrap(group: loop)
            .channelInitializer { pty in
                pty.eventLoop.makeCompletedFuture { try pty.pipeline.syncOperations.addHandler(handler()) }
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
