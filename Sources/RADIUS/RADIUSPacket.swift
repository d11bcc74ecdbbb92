/// Why a datagram is not a RADIUS packet. The DAS discards all of these silently.
public enum RADIUSDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer than 20 bytes: no complete header.
    case tooShort
    /// The Length field is below 20 or above 4096.
    case lengthOutOfRange(Int)
    /// The datagram is shorter than its Length field.
    case truncated(declared: Int, actual: Int)
    /// The attribute at this byte offset (from the start of the packet) has a length < 2 or
    /// runs past Length.
    case badAttributeLength(offset: Int)
    /// A Code this emulator does not know.
    case unknownCode(UInt8)
    /// A Message-Authenticator (80) whose length is not 18.
    case badMessageAuthenticatorLength

    public var description: String {
        switch self {
        case .tooShort: "datagram shorter than the 20-byte header"
        case .lengthOutOfRange(let n): "length " + String(n) + " outside 20..4096"
        case .truncated(let declared, let actual):
            "datagram of " + String(actual) + " bytes shorter than its length " + String(declared)
        case .badAttributeLength(let offset): "bad attribute length at offset " + String(offset)
        case .unknownCode(let c): "unknown code " + String(c)
        case .badMessageAuthenticatorLength: "Message-Authenticator length is not 18"
        }
    }
}

/// A RADIUS packet as values: header fields and attributes in wire order.
///
/// `encode()` writes the packet exactly as it is (the Length field is computed, the
/// authenticator is written as given). Use `RADIUSAuth.signRequest` / `signReply` to fill
/// in authenticators and a Message-Authenticator.
public struct RADIUSPacket: Equatable, Sendable {
    public var code: RADIUSCode
    public var identifier: UInt8
    /// 16 bytes. `encode()` pads a shorter value with zeros and ignores bytes past 16.
    public var authenticator: [UInt8]
    public var attributes: [RADIUSAttribute]

    public static let headerLength = 20
    public static let minLength = 20
    public static let maxLength = 4096
    public static let zeroAuthenticator = [UInt8](repeating: 0, count: 16)

    public init(code: RADIUSCode, identifier: UInt8, authenticator: [UInt8] = RADIUSPacket.zeroAuthenticator,
                attributes: [RADIUSAttribute] = []) {
        self.code = code
        self.identifier = identifier
        self.authenticator = authenticator
        self.attributes = attributes
    }

    // MARK: lookup

    /// The first attribute of this type.
    public func first(_ type: UInt8) -> RADIUSAttribute? {
        for a in attributes where a.type == type { return a }
        return nil
    }

    /// Every attribute of this type, in order.
    public func all(_ type: UInt8) -> [RADIUSAttribute] {
        attributes.filter { $0.type == type }
    }

    /// Whether any attribute has this type.
    public func contains(_ type: UInt8) -> Bool {
        attributes.contains { $0.type == type }
    }

    /// The texts of all Cisco-AVPairs of all Vendor-Specific attributes, in order.
    public var ciscoAVPairs: [String] {
        var out: [String] = []
        for a in attributes where a.type == RADIUSAttributeType.vendorSpecific {
            out.append(contentsOf: a.ciscoAVPairs)
        }
        return out
    }

    /// The value of the first Cisco-AVPair `key=value` (or `key*value`) whose key matches
    /// `key` exactly, e.g. `ciscoAVPair("audit-session-id")`.
    public func ciscoAVPair(_ key: String) -> String? {
        for pair in ciscoAVPairs {
            guard let sep = pair.utf8.firstIndex(where: { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "*") })
            else { continue }
            if pair[..<sep] == key { return String(pair[pair.index(after: sep)...]) }
        }
        return nil
    }

    // MARK: encode

    /// Header plus attributes: the value of the Length field.
    public var encodedLength: Int {
        var n = RADIUSPacket.headerLength
        for a in attributes { n += a.encodedLength }
        return n
    }

    /// The wire bytes: header (Length computed, authenticator as given) and attributes as they are.
    public func encode() -> [UInt8] {
        let total = encodedLength
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            out[0] = code.rawValue
            out[1] = identifier
            let len = UInt16(clamping: total)
            out[2] = UInt8(truncatingIfNeeded: len >> 8)
            out[3] = UInt8(truncatingIfNeeded: len)
            for i in 0..<16 { out[4 + i] = i < authenticator.count ? authenticator[i] : 0 }
            var o = RADIUSPacket.headerLength
            for a in attributes {
                let n = a.encodedLength - 2
                out[o] = a.type
                out[o + 1] = UInt8(truncatingIfNeeded: n + 2)
                if n > 0, let dst = out.baseAddress {
                    a.value.withUnsafeBytes { src in
                        if let base = src.baseAddress { UnsafeMutableRawPointer(dst + o + 2).copyMemory(from: base, byteCount: n) }
                    }
                }
                o += n + 2
            }
            initialized = total
        }
    }

    // MARK: decode

    /// Decodes one datagram. Bytes past the Length field are padding and are ignored.
    /// Checks, in order: header present, Length in 20...4096, datagram not shorter than Length,
    /// Code known, every attribute length >= 2 and within Length, Message-Authenticator length 18.
    /// Never traps.
    public static func decode(_ bytes: [UInt8]) throws(RADIUSDecodeError) -> RADIUSPacket {
        let result: Result<RADIUSPacket, RADIUSDecodeError> = bytes.withUnsafeBytes { raw in
            do throws(RADIUSDecodeError) { return .success(try decode(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes from any byte collection (contiguous storage is read in place, anything else is
    /// copied once).
    public static func decode(_ bytes: some Collection<UInt8>) throws(RADIUSDecodeError) -> RADIUSPacket {
        let inPlace: Result<RADIUSPacket, RADIUSDecodeError>? = bytes.withContiguousStorageIfAvailable { buf in
            do throws(RADIUSDecodeError) { return .success(try decode(UnsafeRawBufferPointer(buf))) } catch {
                return .failure(error)
            }
        }
        if let inPlace { return try inPlace.get() }
        return try decode(Array(bytes))
    }

    /// Decodes from raw memory, e.g. `byteBuffer.withUnsafeReadableBytes { try? RADIUSPacket.decode($0) }`.
    public static func decode(_ raw: UnsafeRawBufferPointer) throws(RADIUSDecodeError) -> RADIUSPacket {
        let length = try validatedLength(raw)
        guard let code = RADIUSCode(rawValue: raw[0]) else { throw .unknownCode(raw[0]) }
        // Pass 1 validates and counts, so pass 2 allocates the attribute array once.
        var offset = headerLength
        var count = 0
        while offset < length {
            guard offset + 1 < length else { throw .badAttributeLength(offset: offset) }
            let l = Int(raw[offset + 1])
            guard l >= 2, offset + l <= length else { throw .badAttributeLength(offset: offset) }
            if raw[offset] == RADIUSAttributeType.messageAuthenticator && l != 18 {
                throw .badMessageAuthenticatorLength
            }
            count += 1
            offset += l
        }
        var attributes: [RADIUSAttribute] = []
        attributes.reserveCapacity(count)
        offset = headerLength
        while offset < length {
            let l = Int(raw[offset + 1])
            attributes.append(RADIUSAttribute(type: raw[offset], value: copyBytes(raw, offset + 2, l - 2)))
            offset += l
        }
        return RADIUSPacket(code: code, identifier: raw[1], authenticator: copyBytes(raw, 4, 16), attributes: attributes)
    }

    /// The Length field of a datagram after the header checks of `decode` (tooShort,
    /// lengthOutOfRange, truncated).
    public static func validatedLength(_ raw: UnsafeRawBufferPointer) throws(RADIUSDecodeError) -> Int {
        guard raw.count >= headerLength else { throw .tooShort }
        let length = Int(raw[2]) << 8 | Int(raw[3])
        guard length >= minLength, length <= maxLength else { throw .lengthOutOfRange(length) }
        guard raw.count >= length else { throw .truncated(declared: length, actual: raw.count) }
        return length
    }
}

@inline(__always)
func copyBytes(_ raw: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
        if count > 0, let dst = out.baseAddress, let src = raw.baseAddress {
            UnsafeMutableRawPointer(dst).copyMemory(from: src + start, byteCount: count)
        }
        initialized = count
    }
}
