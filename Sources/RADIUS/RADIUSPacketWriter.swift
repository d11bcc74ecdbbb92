/// Writes a RADIUS packet straight into its wire bytes: a 20-byte header left for `finish`, then
/// attributes appended one by one. It builds what `RADIUSPacket(…).encode()` builds for the same
/// attributes, without a `RADIUSAttribute` (and its value array) per attribute: a NAS sending
/// thousands of records a second allocates one array per packet instead of twenty.
/// Values are truncated as the `RADIUSAttribute` constructors truncate them.
public struct RADIUSPacketWriter {
    public private(set) var bytes: [UInt8]

    /// `capacity`: the packet's expected size (the array grows past it if needed).
    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(contentsOf: repeatElement(0, count: RADIUSPacket.headerLength))
    }

    /// The attributes written so far, as `RADIUSAttribute` values (tests and debug output).
    public var attributes: [RADIUSAttribute] {
        var copy = self
        return (try? RADIUSPacket.decode(copy.finished(code: .accountingRequest, identifier: 0)).attributes) ?? []
    }

    /// Text from UTF-8 (at most 253 bytes).
    public mutating func string(_ type: UInt8, _ text: String) {
        var text = text
        text.withUTF8 { octets(type, UnsafeRawBufferPointer($0)) }
    }

    /// Raw octets (at most 253).
    public mutating func octets(_ type: UInt8, _ value: UnsafeRawBufferPointer) {
        let n = Swift.min(value.count, RADIUSAttribute.maxValueLength)
        bytes.append(type)
        bytes.append(UInt8(truncatingIfNeeded: n + 2))
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: value[0..<n]))
    }

    /// Raw octets (at most 253).
    public mutating func octets(_ type: UInt8, _ value: [UInt8]) {
        value.withUnsafeBytes { octets(type, $0) }
    }

    /// A 32-bit big-endian integer.
    public mutating func integer(_ type: UInt8, _ value: UInt32) {
        bytes.append(type)
        bytes.append(6)
        appendBigEndian(value)
    }

    public mutating func ipv4(_ type: UInt8, _ address: IPv4Address) {
        integer(type, address.rawValue)
    }

    /// Cisco-AVPair `key=value` (Vendor-Specific, vendor 9, type 1): the text's first 247 bytes.
    public mutating func ciscoAVPair(_ key: StaticString, _ value: String) {
        var value = value
        value.withUTF8 { valueBytes in
            let keyBytes = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
            let text = Swift.min(keyBytes.count + 1 + valueBytes.count, RADIUSAttribute.maxValueLength - 6)
            bytes.append(RADIUSAttributeType.vendorSpecific)
            bytes.append(UInt8(truncatingIfNeeded: text + 8))
            appendBigEndian(RADIUSVendor.cisco)
            bytes.append(RADIUSVendor.ciscoAVPair)
            bytes.append(UInt8(truncatingIfNeeded: text + 2))
            bytes.append(contentsOf: keyBytes.prefix(text))
            guard text > keyBytes.count else { return }
            bytes.append(UInt8(ascii: "="))
            bytes.append(contentsOf: UnsafeRawBufferPointer(valueBytes).prefix(text - keyBytes.count - 1))
        }
    }

    /// Any attribute as it is (its value truncated to 253 bytes).
    public mutating func attribute(_ attribute: RADIUSAttribute) {
        octets(attribute.type, attribute.value)
    }

    /// The packet: code, identifier and Length written into the header, the authenticator left
    /// zero for `RADIUSAuth.signRequest(inPlace:secret:)`. The writer hands its buffer over and is
    /// left empty, so the packet is the buffer's only owner: signing it in place copies nothing.
    public mutating func finished(code: RADIUSCode, identifier: UInt8) -> [UInt8] {
        bytes[0] = code.rawValue
        bytes[1] = identifier
        let length = UInt16(clamping: bytes.count)
        bytes[2] = UInt8(truncatingIfNeeded: length >> 8)
        bytes[3] = UInt8(truncatingIfNeeded: length)
        var packet: [UInt8] = []
        swap(&packet, &bytes)
        return packet
    }

    private mutating func appendBigEndian(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }
}
