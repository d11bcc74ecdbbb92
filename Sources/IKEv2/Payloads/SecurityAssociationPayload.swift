/// The SA payload: one or more proposals (RFC 7296 §3.3).
public struct SecurityAssociationPayload: Hashable, Sendable {
    public var proposals: [Proposal]

    public init(proposals: [Proposal]) { self.proposals = proposals }

    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "proposal")
        var proposals: [Proposal] = []
        var last = false
        while !last {
            let marker = try r.uint8()
            guard marker == 0 || marker == 2 else { throw .malformedPayload(.securityAssociation, "proposal marker \(marker)") }
            last = marker == 0
            try r.skip(1)
            let length = try r.uint16()
            guard length >= 8, Int(length) - 4 <= r.remaining else {
                throw .malformedPayload(.securityAssociation, "proposal length \(length)")
            }
            proposals.append(try Proposal(body: try r.slice(Int(length) - 4)))
        }
        guard r.isAtEnd else { throw .malformedPayload(.securityAssociation, "bytes after the last proposal") }
        self.proposals = proposals
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        for (index, proposal) in proposals.enumerated() {
            let body = proposal.encodeBody()
            w.uint8(index + 1 < proposals.count ? 2 : 0)
            w.uint8(0)
            w.uint16(UInt16(truncatingIfNeeded: body.count + 4))
            w.append(body)
        }
        return w.bytes
    }
}

/// One proposal substructure (RFC 7296 §3.3.1).
public struct Proposal: Hashable, Sendable {
    /// Numbered from 1 by the initiator; the responder echoes the number it accepts.
    public var number: UInt8
    public var protocolID: ProtocolID
    /// Empty for an IKE SA's initial exchange, 4 octets for ESP/AH, 8 when rekeying an IKE SA.
    public var spi: [UInt8]
    public var transforms: [Transform]

    public init(number: UInt8, protocolID: ProtocolID, spi: [UInt8] = [], transforms: [Transform]) {
        self.number = number
        self.protocolID = protocolID
        self.spi = spi
        self.transforms = transforms
    }

    /// The transforms of one type, in the sender's order of preference.
    public func transforms(of type: TransformType) -> [Transform] { transforms.filter { $0.type == type } }

    /// Body after the 4-octet substructure header (marker, reserved, length).
    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "proposal")
        number = try r.uint8()
        protocolID = ProtocolID(rawValue: try r.uint8())
        let spiSize = try r.uint8()
        let count = try r.uint8()
        spi = try r.bytes(Int(spiSize))
        var transforms: [Transform] = []
        for index in 0..<Int(count) {
            let marker = try r.uint8()
            let expected: UInt8 = index + 1 < Int(count) ? 3 : 0
            guard marker == expected else { throw .malformedPayload(.securityAssociation, "transform marker \(marker)") }
            try r.skip(1)
            let length = try r.uint16()
            guard length >= 8, Int(length) - 4 <= r.remaining else {
                throw .malformedPayload(.securityAssociation, "transform length \(length)")
            }
            transforms.append(try Transform(body: try r.slice(Int(length) - 4)))
        }
        guard r.isAtEnd else { throw .malformedPayload(.securityAssociation, "proposal holds more than its \(count) transforms") }
        self.transforms = transforms
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        w.uint8(number)
        w.uint8(protocolID.rawValue)
        w.uint8(UInt8(truncatingIfNeeded: spi.count))
        w.uint8(UInt8(truncatingIfNeeded: transforms.count))
        w.append(spi)
        for (index, transform) in transforms.enumerated() {
            let body = transform.encodeBody()
            w.uint8(index + 1 < transforms.count ? 3 : 0)
            w.uint8(0)
            w.uint16(UInt16(truncatingIfNeeded: body.count + 4))
            w.append(body)
        }
        return w.bytes
    }
}

/// One transform substructure (RFC 7296 §3.3.2).
public struct Transform: Hashable, Sendable {
    public var type: TransformType
    public var id: UInt16
    public var attributes: [TransformAttribute]

    public init(type: TransformType, id: UInt16, attributes: [TransformAttribute] = []) {
        self.type = type
        self.id = id
        self.attributes = attributes
    }

    public static func encryption(_ id: EncryptionAlgorithmID, keyLength: UInt16? = nil) -> Transform {
        Transform(type: .encryption, id: id.rawValue, attributes: keyLength.map { [.keyLength($0)] } ?? [])
    }
    public static func prf(_ id: PRFAlgorithmID) -> Transform { Transform(type: .prf, id: id.rawValue) }
    public static func integrity(_ id: IntegrityAlgorithmID) -> Transform { Transform(type: .integrity, id: id.rawValue) }
    public static func keyExchange(_ id: DHGroupID) -> Transform { Transform(type: .keyExchange, id: id.rawValue) }
    public static func esn(_ id: ESNID) -> Transform { Transform(type: .extendedSequenceNumbers, id: id.rawValue) }

    /// The Key Length attribute in bits, if present.
    public var keyLength: UInt16? {
        for attribute in attributes where attribute.type == TransformAttribute.keyLengthType {
            if case .short(let bits) = attribute.value { return bits }
        }
        return nil
    }

    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "transform")
        type = TransformType(rawValue: try r.uint8())
        try r.skip(1)
        id = try r.uint16()
        var attributes: [TransformAttribute] = []
        while !r.isAtEnd {
            let typeField = try r.uint16()
            let attributeType = typeField & 0x7FFF
            if typeField & 0x8000 != 0 {
                attributes.append(TransformAttribute(type: attributeType, value: .short(try r.uint16())))
            } else {
                let length = try r.uint16()
                attributes.append(TransformAttribute(type: attributeType, value: .variable(try r.bytes(Int(length)))))
            }
        }
        self.attributes = attributes
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        w.uint8(type.rawValue)
        w.uint8(0)
        w.uint16(id)
        for attribute in attributes {
            switch attribute.value {
            case .short(let v):
                w.uint16(0x8000 | attribute.type)
                w.uint16(v)
            case .variable(let bytes):
                w.uint16(attribute.type & 0x7FFF)
                w.uint16(UInt16(truncatingIfNeeded: bytes.count))
                w.append(bytes)
            }
        }
        return w.bytes
    }
}

/// A transform attribute (RFC 7296 §3.3.5): Type/Value (AF = 1) or Type/Length/Value.
public struct TransformAttribute: Hashable, Sendable {
    public enum Value: Hashable, Sendable {
        case short(UInt16)
        case variable([UInt8])
    }

    public static let keyLengthType: UInt16 = 14

    public var type: UInt16
    public var value: Value

    public init(type: UInt16, value: Value) {
        self.type = type
        self.value = value
    }

    public static func keyLength(_ bits: UInt16) -> TransformAttribute {
        TransformAttribute(type: keyLengthType, value: .short(bits))
    }
}
