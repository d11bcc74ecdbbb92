import Device
import NIOCore
import NIOPosix
import RADIUS

/// The device's RADIUS accounting socket: real UDP, on the engine's loop, for servers at loopback
/// addresses only (any other server is a lab peer simulated inside the device, and the transport
/// refuses non-loopback destinations as a second guard). `start()` installs the transport and an
/// event-loop scheduler on the device, so accounting gets IOS timing (timeouts, retransmission,
/// fail-over) from the loop's timers.
///
/// The socket binds 127.0.0.1 at the accounting source port (`AccountingState.sourcePort`, IOS's
/// 1646) and, if that port is taken, at an ephemeral port; `debug radius` keeps showing the
/// configured source port either way. Replies are handed to `Device.handleAccountingResponse`
/// inline on the loop.
public final class AccountingUDPClient: Sendable {
    /// A class: the box's `value` then hands out a reference, where a struct's copy retained and
    /// released every field on each datagram sent.
    private final class State {
        var channel: (any Channel)?
        var pending: [(bytes: [UInt8], address: IPv4Address, port: UInt16)] = []
        var boundPort: UInt16?
        var started = false
        var stopped = false
        /// Datagrams written since the last flush: one flush per loop turn sends them together
        /// (sendmmsg), so a burst of replies answered in one turn costs one system call.
        var flushScheduled = false
        /// Server addresses, built once (a session's records all go to the same few).
        var addresses: [UInt64: SocketAddress] = [:]
    }

    private let engine: Engine
    private let state: NIOLoopBoundBox<State>
    static let vectorReadCount = 32

    public init(engine: Engine) {
        self.engine = engine
        state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: engine.eventLoop)
    }

    /// Installs the transport and scheduler on the device and binds the socket. Completes with
    /// the bound local port.
    public func start() -> EventLoopFuture<UInt16> {
        engine.eventLoop.flatSubmit { [self] in
            if let port = state.value.boundPort { return engine.eventLoop.makeSucceededFuture(port) }
            let device = engine.deviceOnLoop
            if !state.value.started {
                state.value.started = true
                device.accounting.transport = LoopbackAccountingTransport(client: self)
                device.accounting.scheduler = EventLoopDeviceScheduler(eventLoop: engine.eventLoop)
            }
            let preferred = device.accounting.sourcePort
            return bind(port: preferred).flatMapError { _ in self.bind(port: 0) }.map { channel in
                let port = UInt16(truncatingIfNeeded: channel.localAddress?.port ?? 0)
                if self.state.value.stopped {
                    channel.close(promise: nil)
                    return port
                }
                self.state.value.channel = channel
                self.state.value.boundPort = port
                let queued = self.state.value.pending
                self.state.value.pending = []
                for datagram in queued { self.write(datagram.bytes, to: datagram.address, port: datagram.port) }
                return port
            }
        }
    }

    /// Closes the socket; requests in flight then time out. Call before `Engine.shutdown()`.
    public func stop() -> EventLoopFuture<Void> {
        engine.eventLoop.flatSubmit { [self] in
            state.value.stopped = true
            state.value.pending = []
            state.value.boundPort = nil
            let channel = state.value.channel
            state.value.channel = nil
            return channel?.close() ?? engine.eventLoop.makeSucceededVoidFuture()
        }
    }

    /// The local port the socket is bound to, or nil.
    public var boundPort: UInt16? {
        if engine.eventLoop.inEventLoop { return state.value.boundPort }
        return (try? engine.eventLoop.submit { [self] in state.value.boundPort }.wait()) ?? nil
    }

    // MARK: on the loop

    private func bind(port: UInt16) -> EventLoopFuture<any Channel> {
        let engine = self.engine
        return DatagramBootstrap(group: engine.eventLoop)
            // recvmmsg: a burst of replies is read in one system call, each datagram in its own
            // 4 KiB slice of the buffer (a RADIUS packet's most).
            .channelOption(.datagramVectorReadMessageCount, value: AccountingUDPClient.vectorReadCount)
            .channelOption(.recvAllocator,
                           value: FixedSizeRecvByteBufferAllocator(capacity: AccountingUDPClient.vectorReadCount * 4096))
            // Room for a burst of replies (a load run keeps hundreds in flight); the kernel caps
            // it at net.core.rmem_max.
            .channelOption(.socketOption(.so_rcvbuf), value: 1 << 20)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AccountingReplyHandler(engine: engine))
                }
            }
            .bind(host: "127.0.0.1", port: Int(port))
    }

    fileprivate func send(_ bytes: [UInt8], to address: IPv4Address, port: UInt16) {
        let state = self.state.value
        guard address.isLoopback, !state.stopped else { return }
        if state.channel == nil {
            state.pending.append((bytes, address, port))
        } else {
            write(bytes, to: address, port: port)
        }
    }

    private func write(_ bytes: [UInt8], to address: IPv4Address, port: UInt16) {
        let state = self.state.value
        guard let channel = state.channel, let remote = socketAddress(address, port, state) else { return }
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.write(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
        guard !state.flushScheduled else { return }
        state.flushScheduled = true
        engine.eventLoop.execute { [self] in
            let state = self.state.value
            state.flushScheduled = false
            state.channel?.flush()
        }
    }

    private func socketAddress(_ address: IPv4Address, _ port: UInt16, _ state: State) -> SocketAddress? {
        let key = UInt64(address.rawValue) << 16 | UInt64(port)
        if let known = state.addresses[key] { return known }
        guard let made = try? SocketAddress(ipAddress: address.description, port: Int(port)) else { return nil }
        if state.addresses.count < 64 { state.addresses[key] = made }
        return made
    }
}

/// The device's view of the socket (lives on the loop, inside the device).
private final class LoopbackAccountingTransport: AccountingTransport {
    let client: AccountingUDPClient
    init(client: AccountingUDPClient) { self.client = client }
    func send(_ bytes: [UInt8], to address: IPv4Address, port: UInt16, sourcePort: UInt16) {
        client.send(bytes, to: address, port: port)
    }
}

/// Hands each reply to the device, inline on the loop.
private final class AccountingReplyHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let engine: Engine
    init(engine: Engine) { self.engine = engine }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard case .v4(let source) = envelope.remoteAddress else { return }
        let ip = IPv4Address(rawValue: UInt32(bigEndian: source.address.sin_addr.s_addr))
        let port = UInt16(bigEndian: source.address.sin_port)
        let device = engine.deviceOnLoop
        envelope.data.withUnsafeReadableBytes { raw in
            device.handleAccountingResponse(raw: raw, from: ip, port: port)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP port unreachable or a truncated datagram must not close the socket: the request
        // simply times out and is retransmitted.
    }
}

/// Device timers on the engine's event loop: a queue of its own, with one NIO task armed for the
/// earliest. Session timers, lab-peer latencies and the RADIUS requests' shared timeout timer are
/// often cancelled; a cancel here only clears the entry (it leaves the queue when due), where
/// NIO's own scheduled tasks cost a promise, a heap insertion and a heap removal each.
public final class EventLoopDeviceScheduler: DeviceScheduler {
    private let eventLoop: any EventLoop
    private var timers = TimerQueue<NIODeadline>()
    private var armed: (deadline: NIODeadline, task: Scheduled<Void>)?

    public init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    public var now: Double { Double(NIODeadline.now().uptimeNanoseconds) / 1_000_000_000 }

    @discardableResult
    public func schedule(after seconds: Double, _ body: @escaping () -> Void) -> ScheduledTimer {
        // The device (whose code schedules) lives on the loop: the heap is touched only there.
        eventLoop.preconditionInEventLoop()
        let delay = seconds.isFinite ? max(0, seconds) : 0
        let entry = timers.add(due: .now() + .nanoseconds(Int64(delay * 1_000_000_000)), body)
        if armed == nil || entry.due < armed!.deadline { arm(entry.due) }
        return entry
    }

    private func arm(_ deadline: NIODeadline) {
        armed?.task.cancel()
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        armed = (deadline, eventLoop.scheduleTask(deadline: deadline) { bound.value.fire() })
    }

    /// Runs every due timer (in due order; a body may schedule more), then arms for the next.
    private func fire() {
        armed = nil
        let now = NIODeadline.now()
        while let (_, body) = timers.takeDue(by: now) { body() }
        if let next = timers.nextDue(), armed == nil || next < armed!.deadline { arm(next) }
    }
}
