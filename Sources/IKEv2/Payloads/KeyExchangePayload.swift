/// The KE payload: the sender's Diffie-Hellman public value (RFC 7296 §3.4).
public struct KeyExchangePayload: Hashable, Sendable {
    public var group: DHGroupID
    public var data: [UInt8]

    public init(group: DHGroupID, data: [UInt8]) {
        self.group = group
        self.data = data
    }

    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "KE payload")
        group = DHGroupID(rawValue: try r.uint16())
        try r.skip(2)
        data = r.rest()
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        w.uint16(group.rawValue)
        w.uint16(0)
        w.append(data)
        return w.bytes
    }
}
