import Device
import NIOCore
import NIOPosix
import RADIUS
import Transport

/// A closed-loop Disconnect-Request load generator on its own event loop (its own thread): a few
/// UDP sockets, each keeping `outstanding` requests in flight, sending the next as soon as a
/// reply comes back. Each request names one session of the benchmark's table by its
/// audit-session-id, cycling so that no (socket, identifier, session) repeats within the DAS's
/// retransmission window: every request is new work, never a cached reply.
final class LoadGenerator: Sendable {
    struct Figures {
        var replies = 0
        var acks = 0
        var naks = 0
        var otherReplies = 0
        var lost = 0
        var badAuthenticators = 0
        var latencies: [UInt32] = []
    }

    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let loop: any EventLoop
    private let state: NIOLoopBoundBox<GeneratorState>
    private let target: SocketAddress
    private let sockets: Int
    private let outstanding: Int

    /// `auditSessionId(i)` names session i of `sessionCount`.
    init(port: UInt16, sockets: Int, outstanding: Int, sessionCount: Int, secret: String,
         auditSessionId: @escaping @Sendable (Int) -> String) throws {
        loop = group.next()
        target = try SocketAddress(ipAddress: "127.0.0.1", port: Int(port))
        self.sockets = sockets
        self.outstanding = min(outstanding, 256)
        let loop = self.loop
        state = try loop.submit {
            NIOLoopBoundBox(GeneratorState(sessionCount: sessionCount, secret: Array(secret.utf8),
                                           auditSessionId: auditSessionId, sockets: sockets), eventLoop: loop)
        }.wait()
    }

    /// Binds the sockets and fills every window.
    func start() throws {
        let state = self.state, target = self.target, outstanding = self.outstanding
        for index in 0..<sockets {
            let channel = try DatagramBootstrap(group: loop)
                .channelOption(.datagramVectorReadMessageCount, value: 64)
                .channelOption(.maxMessagesPerRead, value: DASServer.readsPerEvent)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 64 * 2048))
                .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            GeneratorHandler(state: state, socket: index, target: target))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).wait()
            try loop.submit {
                state.value.channels.append(channel)
                for _ in 0..<outstanding { state.value.sendNext(socket: index, channel: channel, target: target) }
                channel.flush()
            }.wait()
        }
        // Requests lost on the way (a full socket buffer) are given up after a second and replaced.
        let sockets = self.sockets
        loop.scheduleRepeatedTask(initialDelay: .milliseconds(200), delay: .milliseconds(200)) { _ in
            state.value.replaceLost(sockets: sockets, target: target)
        }
    }

    func beginMeasurement() {
        let state = self.state
        try? loop.submit {
            state.value.figures = Figures()
            state.value.figures.latencies.reserveCapacity(4_000_000)
            state.value.measuring = true
        }.wait()
    }

    func endMeasurement() -> Figures {
        let state = self.state
        return (try? loop.submit { () -> FiguresBox in
            state.value.measuring = false
            return FiguresBox(state.value.figures)
        }.wait().figures) ?? Figures()
    }

    func stop() {
        let state = self.state
        try? loop.submit {
            state.value.stopped = true
            for channel in state.value.channels { channel.close(promise: nil) }
        }.wait()
        try? group.syncShutdownGracefully()
    }
}

/// Moves the figures off the generator loop (they are plain values).
private struct FiguresBox: Sendable {
    var replies, acks, naks, otherReplies, lost, badAuthenticators: Int
    var latencies: [UInt32]
    init(_ f: LoadGenerator.Figures) {
        replies = f.replies
        acks = f.acks
        naks = f.naks
        otherReplies = f.otherReplies
        lost = f.lost
        badAuthenticators = f.badAuthenticators
        latencies = f.latencies
    }
    var figures: LoadGenerator.Figures {
        LoadGenerator.Figures(replies: replies, acks: acks, naks: naks, otherReplies: otherReplies, lost: lost,
                              badAuthenticators: badAuthenticators, latencies: latencies)
    }
}

/// Everything the generator loop keeps; touched only on that loop.
private final class GeneratorState {
    struct Socket {
        var sent = 0
        var nextIdentifier = 0
        var sendTime = [UInt64](repeating: 0, count: 256)
        var inFlight = [Bool](repeating: false, count: 256)
        var authenticators = [[UInt8]](repeating: [], count: 256)
    }

    let sessionCount: Int
    let secret: [UInt8]
    let auditSessionId: (Int) -> String
    var sockets: [Socket]
    var channels: [any Channel] = []
    var figures = LoadGenerator.Figures()
    var measuring = false
    var stopped = false

    init(sessionCount: Int, secret: [UInt8], auditSessionId: @escaping (Int) -> String, sockets: Int) {
        self.sessionCount = sessionCount
        self.secret = secret
        self.auditSessionId = auditSessionId
        self.sockets = Array(repeating: Socket(), count: sockets)
    }

    /// Writes one new request on `socket` (not flushed).
    func sendNext(socket index: Int, channel: any Channel, target: SocketAddress) {
        guard !stopped else { return }
        var id = sockets[index].nextIdentifier
        var tries = 0
        while sockets[index].inFlight[id] && tries < 256 {
            id = (id + 1) & 0xFF
            tries += 1
        }
        guard tries < 256 else { return }
        sockets[index].nextIdentifier = (id + 1) & 0xFF
        let k = sockets[index].sent
        sockets[index].sent += 1
        // Request k of socket s names session (k * sockets + s) mod N: consecutive requests spread
        // over the table, and a (socket, identifier) pair meets the same session again only after
        // far more requests than the retransmission cache holds.
        let session = (k &* sockets.count &+ index) % sessionCount
        var packet = RADIUSPacket(code: .disconnectRequest, identifier: UInt8(id),
                                  attributes: [.ciscoAVPair("audit-session-id=" + auditSessionId(session))])
        let bytes = RADIUSAuth.signRequest(&packet, secret: secret)
        sockets[index].authenticators[id] = packet.authenticator
        sockets[index].inFlight[id] = true
        sockets[index].sendTime[id] = monotonicNanos()
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.write(AddressedEnvelope(remoteAddress: target, data: buffer), promise: nil)
    }

    func received(_ reply: ByteBuffer, socket index: Int, channel: any Channel, target: SocketAddress) {
        guard reply.readableBytes >= 20, let code = reply.getInteger(at: reply.readerIndex, as: UInt8.self),
              let id = reply.getInteger(at: reply.readerIndex + 1, as: UInt8.self) else { return }
        let slot = Int(id)
        guard sockets[index].inFlight[slot] else { return }
        let latency = monotonicNanos() &- sockets[index].sendTime[slot]
        sockets[index].inFlight[slot] = false
        if measuring {
            figures.replies += 1
            switch code {
            case RADIUSCode.disconnectACK.rawValue: figures.acks += 1
            case RADIUSCode.disconnectNAK.rawValue: figures.naks += 1
            default: figures.otherReplies += 1
            }
            figures.latencies.append(UInt32(clamping: latency))
            // Spot-check the Response Authenticator of one reply in 64.
            if figures.replies & 63 == 0 {
                let valid = reply.withUnsafeReadableBytes { raw in
                    RADIUSAuth.verifyResponseAuthenticator(raw, requestAuthenticator: sockets[index].authenticators[slot],
                                                           secret: secret)
                }
                if !valid { figures.badAuthenticators += 1 }
            }
        }
        sendNext(socket: index, channel: channel, target: target)
    }

    func replaceLost(sockets count: Int, target: SocketAddress) {
        let now = monotonicNanos()
        for index in 0..<min(count, channels.count) {
            var replaced = false
            for id in 0..<256 where sockets[index].inFlight[id] && now &- sockets[index].sendTime[id] > 1_000_000_000 {
                sockets[index].inFlight[id] = false
                if measuring { figures.lost += 1 }
                sendNext(socket: index, channel: channels[index], target: target)
                replaced = true
            }
            if replaced { channels[index].flush() }
        }
    }
}

private final class GeneratorHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let state: NIOLoopBoundBox<GeneratorState>
    private let socket: Int
    private let target: SocketAddress

    init(state: NIOLoopBoundBox<GeneratorState>, socket: Int, target: SocketAddress) {
        self.state = state
        self.socket = socket
        self.target = target
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        state.value.received(unwrapInboundIn(data).data, socket: socket, channel: context.channel, target: target)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
