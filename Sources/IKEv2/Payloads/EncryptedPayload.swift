/// The SK payload as it travels (RFC 7296 §3.14): IV, ciphertext and integrity checksum data.
/// `SKProtection` seals and opens it.
public struct EncryptedPayload: Hashable, Sendable {
    /// The Next Payload field of the SK payload's generic header: the first inner payload's type.
    public var firstInnerPayload: PayloadType
    /// IV | encrypted (payloads | padding | pad length) | ICV.
    public var data: [UInt8]

    public init(firstInnerPayload: PayloadType, data: [UInt8]) {
        self.firstInnerPayload = firstInnerPayload
        self.data = data
    }
}
