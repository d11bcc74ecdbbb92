import Device
import NIOCore
import NIOPosix
import RADIUS

/// The IKEv2 responder's UDP sockets (`--ike-port N`), on the engine's loop: each datagram is
/// decided by `Device.handleIKEDatagram` inline and the answer leaves from the port it came to,
/// to the packet's source.
///
/// Ports as IOS and strongSwan use them (RFC 3948 §2.2, RFC 7296 §2.23): on 500 IKE travels bare;
/// on any other port every IKE packet starts with the 4-byte non-ESP marker (zeros), which is
/// taken off here and put back on the answers. A datagram there without the marker would be ESP
/// (no data plane here: dropped and counted), a single 0xFF byte is a NAT-T keepalive (ignored).
/// With `--ike-port 500` the server also listens on 4500, where strongSwan floats after
/// IKE_SA_INIT when it detects NAT or runs MOBIKE.
public final class IKEServer: Sendable {
    private struct State {
        var channels: [UInt16: any Channel] = [:]
    }

    private let engine: Engine
    private let state: NIOLoopBoundBox<State>

    public init(engine: Engine) {
        self.engine = engine
        state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: engine.eventLoop)
    }

    /// Binds `port` on `host` (and 4500 beside 500) and installs the device's transmit hook.
    /// Returns the bound ports (`port` 0: an ephemeral one, for tests).
    public func start(host: String, port: Int) throws -> [UInt16] {
        let ports = port == 500 ? [500, 4500] : [port]
        var bound: [UInt16] = []
        for p in ports {
            let channel = try bind(host: host, port: p).wait()
            let actual = UInt16(truncatingIfNeeded: channel.localAddress?.port ?? p)
            bound.append(actual)
            try engine.eventLoop.submit { [state] in state.value.channels[actual] = channel }.wait()
        }
        try engine.eventLoop.submit { [self] in
            engine.deviceOnLoop.ike.transmit = { [self] datagram in send(datagram) }
        }.wait()
        return bound
    }

    /// Closes the sockets. Call before `Engine.shutdown()`.
    public func stop() -> EventLoopFuture<Void> {
        engine.eventLoop.flatSubmit { [self] in
            engine.deviceOnLoop.ike.transmit = nil
            let channels = Array(state.value.channels.values)
            state.value.channels = [:]
            return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: engine.eventLoop)
        }
    }

    private func bind(host: String, port: Int) -> EventLoopFuture<any Channel> {
        let engine = self.engine
        return DatagramBootstrap(group: engine.eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.receivePacketInfo, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IKEHandler(engine: engine))
                }
            }
            .bind(host: host, port: port)
    }

    /// Our own requests (Delete, retransmissions), from the port of their SA.
    private func send(_ datagram: IKEOutboundDatagram) {
        guard let channel = state.value.channels[datagram.from.port] ?? state.value.channels.values.first,
              let remote = try? SocketAddress(ipAddress: datagram.to.address.description, port: Int(datagram.to.port))
        else { return }
        let payload = datagram.from.port == 500 ? datagram.bytes : IKEHandler.nonESPMarker + datagram.bytes
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: channel.allocator.buffer(bytes: payload)),
                              promise: nil)
    }
}

/// Hands each datagram to the device inline on the loop and writes the answer back.
private final class IKEHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    static let nonESPMarker: [UInt8] = [0, 0, 0, 0]

    private let engine: Engine
    private var local = IKEEndpoint(IPv4Address(0, 0, 0, 0), 0)

    init(engine: Engine) { self.engine = engine }

    func channelActive(context: ChannelHandlerContext) {
        if case .v4(let address) = context.channel.localAddress {
            local = IKEEndpoint(IPv4Address(rawValue: UInt32(bigEndian: address.address.sin_addr.s_addr)),
                                UInt16(bigEndian: address.address.sin_port))
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard case .v4(let source) = envelope.remoteAddress else { return }
        let peer = IKEEndpoint(IPv4Address(rawValue: UInt32(bigEndian: source.address.sin_addr.s_addr)),
                               UInt16(bigEndian: source.address.sin_port))
        var to = local
        // Bound to every address: the one this packet was sent to (AUTH and NAT-D need it).
        if to.address.rawValue == 0, let info = envelope.metadata?.packetInfo,
           case .v4(let destination) = info.destinationAddress {
            to.address = IPv4Address(rawValue: UInt32(bigEndian: destination.address.sin_addr.s_addr))
        }
        var bytes = Array(envelope.data.readableBytesView)
        let device = engine.deviceOnLoop
        let marker = local.port != 500
        if marker {
            if bytes == [0xFF] { return }
            guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0, bytes[3] == 0 else {
                device.ike.countMissingNonESPMarker()
                return
            }
            bytes.removeFirst(4)
        }
        guard let reply = device.handleIKEDatagram(bytes, from: peer, to: to) else { return }
        let payload = marker ? IKEHandler.nonESPMarker + reply : reply
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress,
                                                                data: context.channel.allocator.buffer(bytes: payload))),
                              promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP error or a truncated datagram must not close the socket.
    }
}
