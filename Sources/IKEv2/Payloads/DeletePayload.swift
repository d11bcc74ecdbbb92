/// The Delete payload (RFC 7296 §3.11): the IKE SA itself (no SPI) or Child SAs by their SPIs.
public struct DeletePayload: Hashable, Sendable {
    public var protocolID: ProtocolID
    public var spiSize: UInt8
    public var spis: [[UInt8]]

    public init(protocolID: ProtocolID, spiSize: UInt8 = 0, spis: [[UInt8]] = []) {
        self.protocolID = protocolID
        self.spiSize = spiSize
        self.spis = spis
    }

    /// Deletes the IKE SA the message travels on.
    public static let ikeSA = DeletePayload(protocolID: .ike)

    /// Deletes ESP Child SAs by their 4-octet SPIs.
    public static func esp(_ spis: [UInt32]) -> DeletePayload {
        DeletePayload(protocolID: .esp, spiSize: 4, spis: spis.map { spi in
            (0..<4).map { UInt8(truncatingIfNeeded: spi >> UInt32(24 - 8 * $0)) }
        })
    }

    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "Delete payload")
        protocolID = ProtocolID(rawValue: try r.uint8())
        spiSize = try r.uint8()
        let count = try r.uint16()
        var spis: [[UInt8]] = []
        for _ in 0..<count { spis.append(try r.bytes(Int(spiSize))) }
        guard r.isAtEnd else { throw .malformedPayload(.delete, "bytes after \(count) SPIs") }
        self.spis = spis
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        w.uint8(protocolID.rawValue)
        w.uint8(spiSize)
        w.uint16(UInt16(truncatingIfNeeded: spis.count))
        for spi in spis { w.append(spi) }
        return w.bytes
    }
}
