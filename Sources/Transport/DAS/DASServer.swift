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
/// replies are flushed once per read burst (sendmmsg); a burst's replies to one client leave as
/// one segmentation-offload write where Linux offers it (see `DASHandler`).
///
/// A send error that makes SwiftNIO close the socket (anything but EMSGSIZE and EHOSTUNREACH, e.g. a
/// segmented write refused on an IPsec route, or a firewall's EPERM) does not end the DAS: it binds
/// the same port again at once, without segmentation offload if that was refused; clients'
/// retransmissions then get the replies lost with the socket from the retransmission cache.
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
        var applyScheduled = false
        var started = false
        var stopped = false
    }

    /// What the socket sent, for tests and benchmarks.
    public struct ReplyCounters: Equatable, Sendable {
        /// Replies handed to the kernel (each one datagram on the wire).
        public var replies = 0
        /// Writes handed to the kernel: a segmented write carries several replies.
        public var writes = 0
        /// Segmented writes the kernel refused (no segmentation offload from then on).
        public var refusedSegmentedWrites = 0
        /// Times the socket closed on a send error and was bound again.
        public var reopened = 0
        /// Read bursts that carried datagrams (each ends with one flush of its replies).
        public var readBursts = 0
    }

    private let engine: Engine
    private let state: NIOLoopBoundBox<State>
    private let counters: NIOLoopBoundBox<ReplyCounters>
    /// Extra `SOL_SOCKET` options set on every bind (tests use one to make the kernel refuse
    /// segmented writes).
    private let extraSocketOptions: [(name: CInt, value: CInt)]

    public convenience init(engine: Engine) {
        self.init(engine: engine, extraSocketOptions: [])
    }

    init(engine: Engine, extraSocketOptions: [(name: CInt, value: CInt)]) {
        self.engine = engine
        self.extraSocketOptions = extraSocketOptions
        state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: engine.eventLoop)
        counters = NIOLoopBoundBox.makeBoxSendingValue(ReplyCounters(), eventLoop: engine.eventLoop)
    }

    /// The reply counters since start (across rebinds).
    public func replyCounters() -> EventLoopFuture<ReplyCounters> {
        engine.eventLoop.submit { [counters] in counters.value }
    }

    /// Starts following the running config (and applies it now).
    public func start() {
        engine.execute { [self] device in
            guard !state.value.started else { return }
            state.value.started = true
            // Applied once the loop's current job is done: a startup-config or scenario loads
            // whole (clock and timezone included) before the port is bound, so a port in use is
            // logged with the loaded clock, and a run of changes binds once.
            device.observeConfig { [self] new in
                if new.dasPort != state.value.wantedPort { scheduleApply() }
            }
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
            if state.value.applyScheduled { return self.settled() }
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

    private func scheduleApply() {
        guard !state.value.applyScheduled else { return }
        state.value.applyScheduled = true
        let bound = NIOLoopBound(self, eventLoop: engine.eventLoop)
        engine.eventLoop.execute {
            let server = bound.value
            server.state.value.applyScheduled = false
            server.apply(port: server.engine.deviceOnLoop.config.dasPort)
        }
    }

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
        engine.deviceOnLoop.das.socket = .unknown
        guard let port else { return }
        bind(port: port, generation: s.generation)
    }

    private func bind(port: UInt16, generation: Int) {
        let engine = self.engine, counters = self.counters
        let offload = System.supportsUDPSegmentationOffload && counters.value.refusedSegmentedWrites == 0
        var bootstrap = DatagramBootstrap(group: engine.eventLoop)
            .channelOption(.datagramVectorReadMessageCount, value: DASServer.vectorReadCount)
            .channelOption(.maxMessagesPerRead, value: DASServer.readsPerEvent)
            .channelOption(.recvAllocator,
                           value: FixedSizeRecvByteBufferAllocator(capacity: DASServer.vectorReadCount * 4096))
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DASHandler(engine: engine, counters: counters, segmentationOffload: offload))
                }
            }
        for option in extraSocketOptions {
            bootstrap = bootstrap.channelOption(.socketOption(NIOBSDSocket.Option(rawValue: option.name)),
                                                value: Int(option.value))
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
                    engine.deviceOnLoop.das.socket = .listening(port: s.boundPort ?? port)
                    channel.closeFuture.whenComplete { [self] _ in closed(channel, generation: generation) }
                } else {
                    state.value = s
                    channel.close(promise: nil)
                }
            case .failure:
                state.value = s
                if current {
                    engine.deviceOnLoop.das.socket = .unavailable(port: port)
                    engine.deviceOnLoop.syslog(facility: "RADIUS", severity: 3, mnemonic: "SOURCEPORTALLOCERROR",
                                               "Warning: Unable to allocate port \(port)")
                }
            }
        }
    }
}

extension DASServer {
    /// The socket closed: by `apply`/`stop` (a newer generation, nothing to do), or by SwiftNIO after
    /// a send error, in which case the same port is bound again.
    private func closed(_ channel: any Channel, generation: Int) {
        var s = state.value
        guard s.generation == generation, !s.stopped, s.channel === channel,
              let port = s.boundPort ?? s.wantedPort else { return }
        s.generation += 1
        s.channel = nil
        s.boundPort = nil
        state.value = s
        counters.value.reopened += 1
        bind(port: port, generation: s.generation)
    }
}

/// Decides each datagram on the device, inline on the loop, and sends the replies of one read
/// burst together when it ends.
///
/// Replies of one burst to the same client and of the same length (a run of Disconnect-ACKs) leave
/// as one UDP segmentation-offload write (Linux `UDP_SEGMENT`): the kernel runs its send path once
/// and cuts the buffer into the separate datagrams the client receives, which costs far less per
/// reply than a send each. Only replies that fit any path MTU are batched. Where the platform has
/// no GSO, replies go one by one, and so they do from the first segmented write the kernel refuses
/// (the replies of that write are lost; see `DASServer` for what follows).
private final class DASHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Replies gathered for one client: `count` datagrams of `segmentSize` bytes end to end, the
    /// last possibly shorter (after which the batch takes no more, as GSO requires).
    private struct ReplyBatch {
        var ip: UInt32
        var port: UInt16
        var remoteAddress: SocketAddress
        var segmentSize: Int
        var count = 1
        var bytes: ByteBuffer
        var open = true

        func accepts(ip: UInt32, port: UInt16, size: Int) -> Bool {
            open && self.ip == ip && self.port == port && size <= segmentSize && count < DASHandler.maxSegments
        }

        mutating func append(_ reply: [UInt8]) {
            bytes.writeBytes(reply)
            count += 1
            open = reply.count == segmentSize
        }
    }

    /// Linux's UDP_MAX_SEGMENTS has been at least 64 since GSO came (4.18).
    static let maxSegments = 64
    /// Larger replies go alone: a segment must fit the path MTU (IPv6's minimum 1280, less headers).
    static let maxSegmentSize = 1200
    /// Clients a burst keeps a batch open for; replies to others are sent on their own.
    static let maxOpenBatches = 8

    private let engine: Engine
    private let counters: NIOLoopBoundBox<DASServer.ReplyCounters>
    private var localPort: UInt16 = 0
    private var batches: [ReplyBatch] = []
    private var unflushed = false
    private var readInBurst = false
    private var segmentationOffload: Bool

    init(engine: Engine, counters: NIOLoopBoundBox<DASServer.ReplyCounters>, segmentationOffload: Bool) {
        self.engine = engine
        self.counters = counters
        self.segmentationOffload = segmentationOffload
        batches.reserveCapacity(DASHandler.maxOpenBatches)
    }

    func channelActive(context: ChannelHandlerContext) {
        localPort = context.channel.localAddress?.port.map { UInt16(truncatingIfNeeded: $0) } ?? 0
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        readInBurst = true
        // The DAS speaks IPv4 only (its clients are configured as dotted quads).
        guard case .v4(let source) = envelope.remoteAddress else { return }
        let ip = UInt32(bigEndian: source.address.sin_addr.s_addr)
        let port = UInt16(bigEndian: source.address.sin_port)
        let device = engine.deviceOnLoop
        let reply = envelope.data.withUnsafeReadableBytes { raw in
            device.handleDASDatagram(raw: raw, from: (IPv4Address(rawValue: ip), port), localPort: localPort)
        }
        guard let reply else { return }
        if segmentationOffload && reply.count <= DASHandler.maxSegmentSize {
            if let i = batches.firstIndex(where: { $0.accepts(ip: ip, port: port, size: reply.count) }) {
                batches[i].append(reply)
                return
            }
            if batches.count < DASHandler.maxOpenBatches {
                var bytes = context.channel.allocator.buffer(capacity: reply.count * 8)
                bytes.writeBytes(reply)
                batches.append(ReplyBatch(ip: ip, port: port, remoteAddress: envelope.remoteAddress,
                                          segmentSize: reply.count, bytes: bytes))
                return
            }
        }
        send(context, envelope.remoteAddress, context.channel.allocator.buffer(bytes: reply), segmentSize: nil, count: 1)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if readInBurst {
            readInBurst = false
            counters.value.readBursts += 1
        }
        for batch in batches {
            send(context, batch.remoteAddress, batch.bytes, segmentSize: batch.count > 1 ? batch.segmentSize : nil,
                 count: batch.count)
        }
        batches.removeAll(keepingCapacity: true)
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed send or a truncated datagram must not close the DAS; the client will retry.
    }

    /// Queues one write of `count` replies (segmented when `segmentSize` is given) until the flush.
    private func send(_ context: ChannelHandlerContext, _ address: SocketAddress, _ bytes: ByteBuffer,
                      segmentSize: Int?, count: Int) {
        unflushed = true
        counters.value.replies += count
        counters.value.writes += 1
        guard let segmentSize else {
            context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: bytes)), promise: nil)
            return
        }
        let metadata = AddressedEnvelope<ByteBuffer>.Metadata(ecnState: .transportNotCapable, packetInfo: nil,
                                                              segmentSize: segmentSize)
        let promise = context.eventLoop.makePromise(of: Void.self)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        // Any failure counts (the socket closing for another write's error fails this one too):
        // going without offload is always safe.
        promise.futureResult.whenFailure { _ in
            handler.value.segmentationOffload = false
            handler.value.counters.value.refusedSegmentedWrites += 1
        }
        context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: bytes, metadata: metadata)),
                      promise: promise)
    }
}
