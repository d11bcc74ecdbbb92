import Device
import NIOCore
import NIOPosix
import RADIUS

/// The RADIUS Dynamic Authorization Server's UDP socket. It follows the running config as soon as
/// it changes: listening while `aaa new-model` and `aaa server radius dynamic-author` are both
/// configured (`RunningConfig.dasPort`), rebinding when `port` changes, closing when the block goes.
///
/// The channel lives on the engine's loop, so each datagram is decided by
/// `Device.handleDASDatagram` inline, and the reply leaves from the DAS port to the request's
/// source address and port. Reads take up to `vectorReadCount` datagrams per system call and
/// replies are flushed once per read burst (sendmmsg).
///
/// A port that cannot be bound (already in use, privileged) logs
/// `%RADIUS-3-SOURCEPORTALLOCERROR: Warning: Unable to allocate port N` — IOS's message when it
/// cannot get a RADIUS port — and the DAS stays closed until the next port change. `port 0` binds
/// an ephemeral port (see `boundPort`), which tests use to find a free one.
public final class DASServer: Sendable {
    /// Datagrams read per system call.
    public static let vectorReadCount = 64
    /// Vector reads per readable event. One: a read that drains the socket is not followed by a
    /// second system call that only reports EAGAIN; epoll is level-triggered, so a full batch
    /// brings the loop straight back.
    public static let readsPerEvent: UInt = 1

    private struct State {
        var channel: (any Channel)?
        var boundPort: UInt16?
        /// The port the config asks for; nil while the DAS is off.
        var wantedPort: UInt16?
        /// Bumped on every change, so a bind that completes after a newer change closes itself.
        var generation = 0
        var pendingBind: EventLoopFuture<Void>?
        var started = false
        var stopped = false
    }

    private let engine: Engine
    private let state: NIOLoopBoundBox<State>

    public init(engine: Engine) {
        self.engine = engine
        state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: engine.eventLoop)
    }

    /// Starts following the running config (and applies it now).
    public func start() {
        engine.execute { [self] device in
            guard !state.value.started else { return }
            state.value.started = true
            device.observeConfig { [self] _, new in apply(port: new.dasPort) }
            apply(port: device.config.dasPort)
        }
    }

    /// Closes the socket and stops following the config. Call before `Engine.shutdown()`.
    public func stop() -> EventLoopFuture<Void> {
        engine.eventLoop.flatSubmit { [self] in
            state.value.stopped = true
            state.value.generation += 1
            state.value.wantedPort = nil
            state.value.boundPort = nil
            let channel = state.value.channel
            state.value.channel = nil
            return channel?.close() ?? engine.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// Completes, with the bound port (nil when closed), once no bind is in flight.
    public func settled() -> EventLoopFuture<UInt16?> {
        engine.eventLoop.flatSubmit { [self] in
            if let pending = state.value.pendingBind {
                return pending.flatMap { self.settled() }
            }
            return engine.eventLoop.makeSucceededFuture(state.value.boundPort)
        }
    }

    /// The port the DAS listens on now, or nil. From another thread, `settled().wait()` first.
    public var boundPort: UInt16? {
        if engine.eventLoop.inEventLoop { return state.value.boundPort }
        return (try? engine.eventLoop.submit { [self] in state.value.boundPort }.wait()) ?? nil
    }

    // MARK: on the loop

    private func apply(port: UInt16?) {
        var s = state.value
        guard !s.stopped, s.started else { return }
        // Other config changes leave the socket alone; a failed bind is retried on the next port change.
        if port == s.wantedPort { return }
        s.generation += 1
        s.wantedPort = port
        let old = s.channel
        s.channel = nil
        s.boundPort = nil
        s.pendingBind = nil
        state.value = s
        old?.close(promise: nil)
        guard let port else { return }
        bind(port: port, generation: s.generation)
    }

    private func bind(port: UInt16, generation: Int) {
        let engine = self.engine
        let bootstrap = DatagramBootstrap(group: engine.eventLoop)
            .channelOption(.datagramVectorReadMessageCount, value: DASServer.vectorReadCount)
            .channelOption(.maxMessagesPerRead, value: DASServer.readsPerEvent)
            .channelOption(.recvAllocator,
                           value: FixedSizeRecvByteBufferAllocator(capacity: DASServer.vectorReadCount * 4096))
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(DASHandler(engine: engine))
                }
            }
        let future = bootstrap.bind(host: engine.options.dasBindHost, port: Int(port))
        let done = future.map { _ in () }.recover { _ in () }
        state.value.pendingBind = done
        future.whenComplete { [self] result in
            var s = state.value
            let current = s.generation == generation && !s.stopped
            if current { s.pendingBind = nil }
            switch result {
            case .success(let channel):
                if current {
                    s.channel = channel
                    s.boundPort = channel.localAddress?.port.map { UInt16(truncatingIfNeeded: $0) }
                    state.value = s
                } else {
                    state.value = s
                    channel.close(promise: nil)
                }
            case .failure:
                state.value = s
                if current {
                    engine.deviceOnLoop.syslog(facility: "RADIUS", severity: 3, mnemonic: "SOURCEPORTALLOCERROR",
                                               "Warning: Unable to allocate port \(port)")
                }
            }
        }
    }
}

/// Decides each datagram on the device, inline on the loop, and queues the reply to its source.
private final class DASHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let engine: Engine
    private var localPort: UInt16 = 0
    private var needsFlush = false

    init(engine: Engine) {
        self.engine = engine
    }

    func channelActive(context: ChannelHandlerContext) {
        localPort = context.channel.localAddress?.port.map { UInt16(truncatingIfNeeded: $0) } ?? 0
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // The DAS speaks IPv4 only (its clients are configured as dotted quads).
        guard case .v4(let source) = envelope.remoteAddress else { return }
        let ip = IPv4Address(rawValue: UInt32(bigEndian: source.address.sin_addr.s_addr))
        let port = UInt16(bigEndian: source.address.sin_port)
        let device = engine.deviceOnLoop
        let reply = envelope.data.withUnsafeReadableBytes { raw in
            device.handleDASDatagram(raw: raw, from: (ip, port), localPort: localPort)
        }
        guard let reply else { return }
        let buffer = context.channel.allocator.buffer(bytes: reply)
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
                      promise: nil)
        needsFlush = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed send or a truncated datagram must not close the DAS; the client will retry.
    }
}
