/// Authentication methods (RFC 7296 §3.8, RFC 7427).
public struct AuthMethod: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let rsaSignature = AuthMethod(rawValue: 1)
    public static let sharedKeyMIC = AuthMethod(rawValue: 2)
    public static let dssSignature = AuthMethod(rawValue: 3)
    public static let digitalSignature = AuthMethod(rawValue: 14)
}

/// The AUTH payload (RFC 7296 §3.8).
public struct AuthenticationPayload: Hashable, Sendable {
    public var method: AuthMethod
    public var data: [UInt8]

    public init(method: AuthMethod, data: [UInt8]) {
        self.method = method
        self.data = data
    }

    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "AUTH payload")
        method = AuthMethod(rawValue: try r.uint8())
        try r.skip(3)
        data = r.rest()
    }

    func encodeBody() -> [UInt8] { [method.rawValue, 0, 0, 0] + data }
}
