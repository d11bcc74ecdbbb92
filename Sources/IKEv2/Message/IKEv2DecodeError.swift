/// Why a datagram is not a well-formed IKEv2 message. The decoder throws these and never traps,
/// whatever the input (RFC 7296 §2.21: a malformed message is dropped or answered with a notify).
public enum IKEv2DecodeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the structure named needs.
    case truncated(String)
    /// The header's Length is smaller than a header or larger than the datagram.
    case badMessageLength(declared: UInt32, received: Int)
    /// A major version other than 2 (the answer is INVALID_MAJOR_VERSION).
    case unsupportedMajorVersion(UInt8)
    /// A payload's Payload Length is below its generic header or runs past the message.
    case badPayloadLength(PayloadType, UInt16)
    /// A payload whose body does not parse: the type and what was wrong.
    case malformedPayload(PayloadType, String)
    /// Bytes after the last payload of the chain.
    case trailingBytes(Int)
    /// The SK payload was not the last payload of the chain (RFC 7296 §3.14).
    case encryptedPayloadNotLast

    public var description: String {
        switch self {
        case .truncated(let what): return "truncated \(what)"
        case .badMessageLength(let declared, let received): return "message length \(declared) but \(received) bytes received"
        case .unsupportedMajorVersion(let v): return "unsupported major version \(v)"
        case .badPayloadLength(let type, let length): return "bad length \(length) in \(type) payload"
        case .malformedPayload(let type, let why): return "malformed \(type) payload: \(why)"
        case .trailingBytes(let n): return "\(n) bytes after the last payload"
        case .encryptedPayloadNotLast: return "SK payload is not the last payload"
        }
    }
}
