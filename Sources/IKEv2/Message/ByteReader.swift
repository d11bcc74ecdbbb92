/// Reads big-endian fields from a byte slice without ever trapping: every read checks the
/// remaining length first and throws `IKEv2DecodeError.truncated` instead.
struct ByteReader {
    private let storage: ArraySlice<UInt8>
    private(set) var offset: Int
    /// What `truncated` errors name as the structure being read.
    let context: String

    init(_ bytes: ArraySlice<UInt8>, context: String) {
        self.storage = bytes
        self.offset = storage.startIndex
        self.context = context
    }

    init(_ bytes: [UInt8], context: String) {
        self.init(bytes[...], context: context)
    }

    var remaining: Int { storage.endIndex - offset }
    var isAtEnd: Bool { offset >= storage.endIndex }

    mutating func uint8() throws(IKEv2DecodeError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(context) }
        defer { offset += 1 }
        return storage[offset]
    }

    mutating func uint16() throws(IKEv2DecodeError) -> UInt16 {
        guard remaining >= 2 else { throw .truncated(context) }
        defer { offset += 2 }
        return UInt16(storage[offset]) << 8 | UInt16(storage[offset + 1])
    }

    mutating func uint32() throws(IKEv2DecodeError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(context) }
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(storage[offset + i]) }
        offset += 4
        return v
    }

    mutating func uint64() throws(IKEv2DecodeError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(context) }
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(storage[offset + i]) }
        offset += 8
        return v
    }

    mutating func bytes(_ count: Int) throws(IKEv2DecodeError) -> [UInt8] {
        try Array(slice(count))
    }

    mutating func slice(_ count: Int) throws(IKEv2DecodeError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated(context) }
        defer { offset += count }
        return storage[offset..<(offset + count)]
    }

    mutating func skip(_ count: Int) throws(IKEv2DecodeError) {
        _ = try slice(count)
    }

    mutating func rest() -> [UInt8] {
        defer { offset = storage.endIndex }
        return Array(storage[offset...])
    }
}

/// Appends big-endian fields.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init() {}

    mutating func uint8(_ v: UInt8) { bytes.append(v) }

    mutating func uint16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    mutating func uint32(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    mutating func uint64(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    mutating func append(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// Writes a 16-bit length field at `position` (a placeholder written earlier).
    mutating func patchUInt16(_ v: UInt16, at position: Int) {
        bytes[position] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[position + 1] = UInt8(truncatingIfNeeded: v)
    }

    var count: Int { bytes.count }
}

extension UInt64 {
    /// The eight network-order bytes of an SPI.
    var bigEndianBytes: [UInt8] {
        var w = ByteWriter()
        w.uint64(self)
        return w.bytes
    }
}
