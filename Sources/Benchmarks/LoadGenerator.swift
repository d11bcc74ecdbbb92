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
///
/// It spends as little CPU as it can, since it shares the machine's cores with the DAS: requests
/// are copied from templates encoded once, and where Linux offers it, the requests one socket sends
/// in a burst leave as one segmentation-offload write and the replies arrive coalesced (UDP GRO),
/// so the kernel's per-datagram work is mostly done once per burst. The DAS still receives, and
/// answers, every request as its own datagram.
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
    private let offload: Bool

    /// `auditSessionId(i)` names session i of `sessionCount`. `offload` asks for GSO/GRO (used
    /// only where the platform has both).
    init(port: UInt16, sockets: Int, outstanding: Int, sessionCount: Int, secret: String, offload: Bool,
         auditSessionId: @escaping @Sendable (Int) -> String) throws {
        loop = group.next()
        target = try SocketAddress(ipAddress: "127.0.0.1", port: Int(port))
        self.sockets = sockets
        self.outstanding = min(outstanding, 256)
        let offload = offload && System.supportsUDPSegmentationOffload && System.supportsUDPReceiveOffload
        self.offload = offload
        let loop = self.loop
        state = try loop.submit {
            let templates = RequestTemplates(sessionCount: sessionCount, auditSessionId: auditSessionId)
            return NIOLoopBoundBox(GeneratorState(templates: templates, secret: Array(secret.utf8), sockets: sockets,
                                                  offload: offload),
                                   eventLoop: loop)
        }.wait()
    }

    /// Binds the sockets and fills every window.
    func start() throws {
        let state = self.state, target = self.target, outstanding = self.outstanding, offload = self.offload
        for index in 0..<sockets {
            let channel = try DatagramBootstrap(group: loop)
                .channelOption(.datagramVectorReadMessageCount, value: 64)
                .channelOption(.maxMessagesPerRead, value: DASServer.readsPerEvent)
                // 4 KiB a message: room for a coalesced burst of 64 replies.
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 64 * 4096))
                .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                .channelOption(.datagramReceiveOffload, value: offload)
                .channelOption(.datagramReceiveSegmentSize, value: offload)
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
                state.value.flush(socket: index, channel: channel, target: target)
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

/// Every session's request attributes, encoded once before the run (by the RADIUS model) and
/// laid end to end, so that a send copies bytes instead of building a packet: the generator
/// shares the machine's two cores with the DAS, and each microsecond it spends is one the DAS
/// cannot use.
private struct RequestTemplates {
    /// Session i's attributes are `bytes[offsets[i]..<offsets[i + 1]]`.
    private(set) var bytes: [UInt8] = []
    private(set) var offsets: [Int] = [0]

    init(sessionCount: Int, auditSessionId: (Int) -> String) {
        bytes.reserveCapacity(sessionCount * 48)
        offsets.reserveCapacity(sessionCount + 1)
        for i in 0..<sessionCount {
            let packet = RADIUSPacket(code: .disconnectRequest, identifier: 0,
                                      attributes: [.ciscoAVPair("audit-session-id=" + auditSessionId(i))])
            bytes.append(contentsOf: packet.encode().dropFirst(RADIUSPacket.headerLength))
            offsets.append(bytes.count)
        }
    }

    var count: Int { offsets.count - 1 }
}

/// Everything the generator loop keeps; touched only on that loop.
private final class GeneratorState {
    struct Socket {
        var sent = 0
        var nextIdentifier = 0
        var sendTime = [UInt64](repeating: 0, count: 256)
        var inFlight = [Bool](repeating: false, count: 256)
        /// The Request Authenticator sent with each identifier, 16 bytes apiece.
        var authenticators = [UInt8](repeating: 0, count: 256 * 16)
        /// Requests written since the last flush: `batchCount` of `batchSegment` bytes end to end,
        /// the last possibly shorter (`batchOpen` false then).
        var batch: ByteBuffer?
        var batchSegment = 0
        var batchCount = 0
        var batchOpen = false
    }

    static let maxSegments = 64

    let templates: RequestTemplates
    let secret: [UInt8]
    /// Whether to coalesce sends and receives (UDP GSO and GRO).
    let offload: Bool
    var sockets: [Socket]
    var channels: [any Channel] = []
    var figures = LoadGenerator.Figures()
    var measuring = false
    var stopped = false

    init(templates: RequestTemplates, secret: [UInt8], sockets: Int, offload: Bool) {
        self.templates = templates
        self.secret = secret
        self.offload = offload
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
        let session = (k &* sockets.count &+ index) % templates.count
        let attributes = templates.offsets[session]..<templates.offsets[session + 1]
        let length = RADIUSPacket.headerLength + attributes.count
        let joins = offload && sockets[index].batchOpen
            && sockets[index].batchCount < GeneratorState.maxSegments && length <= sockets[index].batchSegment
        if !joins {
            writeBatch(socket: index, channel: channel, target: target)
            sockets[index].batch = channel.allocator.buffer(capacity: offload ? length * 16 : length)
            sockets[index].batchSegment = length
            sockets[index].batchCount = 0
        }
        sockets[index].batchCount += 1
        sockets[index].batchOpen = length == sockets[index].batchSegment
        guard var buffer = sockets[index].batch.take() else { return }
        let start = buffer.writerIndex
        buffer.writeInteger(RADIUSCode.disconnectRequest.rawValue)
        buffer.writeInteger(UInt8(id))
        buffer.writeInteger(UInt16(length))
        buffer.writeRepeatingByte(0, count: 16)
        _ = templates.bytes.withUnsafeBytes { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[attributes])) }
        let offset = start - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { all in
            let packet = UnsafeMutableRawBufferPointer(rebasing: all[offset...])
            RADIUSAuth.signRequest(inPlace: packet, secret: secret)
            for i in 0..<16 { sockets[index].authenticators[id * 16 + i] = packet[4 + i] }
        }
        sockets[index].batch = buffer
        sockets[index].inFlight[id] = true
        sockets[index].sendTime[id] = monotonicNanos()
    }

    /// Hands the socket's pending requests to the channel (one segmented write when there are several).
    private func writeBatch(socket index: Int, channel: any Channel, target: SocketAddress) {
        guard let batch = sockets[index].batch.take() else { return }
        let count = sockets[index].batchCount
        let metadata = count > 1
            ? AddressedEnvelope<ByteBuffer>.Metadata(ecnState: .transportNotCapable, packetInfo: nil,
                                                     segmentSize: sockets[index].batchSegment)
            : nil
        sockets[index].batchOpen = false
        channel.write(AddressedEnvelope(remoteAddress: target, data: batch, metadata: metadata), promise: nil)
    }

    /// Sends what the socket has pending.
    func flush(socket index: Int, channel: any Channel, target: SocketAddress) {
        writeBatch(socket: index, channel: channel, target: target)
        channel.flush()
    }

    /// A datagram from the DAS: one reply, or a coalesced run of replies of `segmentSize` bytes.
    func received(_ envelope: AddressedEnvelope<ByteBuffer>, socket index: Int, channel: any Channel,
                  target: SocketAddress) {
        guard let size = envelope.metadata?.segmentSize, size > 0 else {
            received(envelope.data, socket: index, channel: channel, target: target)
            return
        }
        var rest = envelope.data
        while let reply = rest.readSlice(length: min(size, rest.readableBytes)), reply.readableBytes > 0 {
            received(reply, socket: index, channel: channel, target: target)
        }
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
                let sent = Array(sockets[index].authenticators[slot * 16..<slot * 16 + 16])
                let valid = reply.withUnsafeReadableBytes { raw in
                    RADIUSAuth.verifyResponseAuthenticator(raw, requestAuthenticator: sent, secret: secret)
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
            if replaced { flush(socket: index, channel: channels[index], target: target) }
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
        state.value.received(unwrapInboundIn(data), socket: socket, channel: context.channel, target: target)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        state.value.flush(socket: socket, channel: context.channel, target: target)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}
