import Crypto

/// Authenticators (RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3, RFC 3579 §3.2).
///
/// Signing takes a `RADIUSPacket`, fills in its authenticator (and Message-Authenticator) in
/// place and returns the wire bytes. Verification reads raw received bytes: only the bytes up
/// to the Length field count; a datagram that fails the header checks of `RADIUSPacket.decode`
/// never verifies. Nothing here traps on any input.
public enum RADIUSAuth {
    /// Result of looking for and checking a Message-Authenticator (attribute 80).
    public enum MessageAuthenticatorStatus: Equatable, Sendable {
        /// The packet carries no Message-Authenticator.
        case absent
        case valid
        /// Wrong HMAC, wrong length, or a malformed packet.
        case invalid
    }

    // MARK: signing

    /// Signs a request. For Accounting-, Disconnect- and CoA-Request the Request Authenticator
    /// becomes `MD5(Code|Id|Length|16 zero bytes|attributes|secret)`; an Access-Request keeps
    /// the (random) 16 bytes it was given.
    ///
    /// Message-Authenticator: with `addMessageAuthenticator` one is appended unless the packet
    /// already has one; any attribute 80 present (e.g. placed first by the caller, any value) is
    /// filled in with HMAC-MD5(secret, packet with authenticator and MA zeroed) before the
    /// Request Authenticator is computed.
    /// - Returns: the wire bytes; `packet` is updated to match them.
    @discardableResult
    public static func signRequest(_ packet: inout RADIUSPacket, secret: [UInt8],
                                   addMessageAuthenticator: Bool = false) -> [UInt8] {
        let maIndex = prepareMessageAuthenticator(&packet, add: addMessageAuthenticator)
        if packet.code != .accessRequest { packet.authenticator = RADIUSPacket.zeroAuthenticator }
        var bytes = packet.encode()
        if let maIndex { fillMessageAuthenticator(&bytes, &packet, maIndex, secret) }
        if packet.code != .accessRequest {
            let digest = bytes.withUnsafeBytes { raw in
                md5Digest(raw, header: RADIUSPacket.zeroAuthenticator, length: raw.count, secret: secret)
            }
            setAuthenticator(digest, &bytes, &packet)
        }
        return bytes
    }

    /// Signs a reply (any response code) to a request whose Request Authenticator is
    /// `requestAuthenticator`: the Response Authenticator becomes
    /// `MD5(Code|Id|Length|RequestAuth|attributes|secret)`.
    ///
    /// Message-Authenticator as in `signRequest`, but computed with the request's authenticator
    /// in the header.
    /// - Returns: the wire bytes; `packet` is updated to match them.
    @discardableResult
    public static func signReply(_ packet: inout RADIUSPacket, requestAuthenticator: [UInt8], secret: [UInt8],
                                 addMessageAuthenticator: Bool = false) -> [UInt8] {
        let maIndex = prepareMessageAuthenticator(&packet, add: addMessageAuthenticator)
        let requestAuth = normalized(requestAuthenticator)
        packet.authenticator = requestAuth
        var bytes = packet.encode()
        if let maIndex { fillMessageAuthenticator(&bytes, &packet, maIndex, secret) }
        let digest = bytes.withUnsafeBytes { raw in md5Digest(raw, header: requestAuth, length: raw.count, secret: secret) }
        setAuthenticator(digest, &bytes, &packet)
        return bytes
    }

    /// Signs an encoded Accounting-, Disconnect- or CoA-Request where it lies (a load generator's
    /// send buffer): bytes 4..<20 become `MD5(Code|Id|Length|16 zero bytes|attributes|secret)`.
    /// No Message-Authenticator is filled in. Returns false, changing nothing, when `raw` is not a
    /// well-formed packet (see `RADIUSPacket.validatedLength`).
    @discardableResult
    public static func signRequest(inPlace raw: UnsafeMutableRawBufferPointer, secret: [UInt8]) -> Bool {
        let packet = UnsafeRawBufferPointer(raw)
        guard let length = try? RADIUSPacket.validatedLength(packet) else { return false }
        let digest = md5Digest(packet, header: RADIUSPacket.zeroAuthenticator, length: length, secret: secret)
        digest.withUnsafeBytes { d in
            for i in 0..<16 { raw[4 + i] = d[i] }
        }
        return true
    }

    /// Fills in the Message-Authenticator of an encoded packet where it lies (an Access-Request
    /// whose authenticator is already in place): every attribute 80 is zeroed, then the first
    /// becomes HMAC-MD5(secret, packet). Returns false, changing nothing, when `raw` is not
    /// well-formed or has no 18-byte attribute 80.
    @discardableResult
    public static func fillMessageAuthenticator(inPlace raw: UnsafeMutableRawBufferPointer, secret: [UInt8]) -> Bool {
        fillMessageAuthenticator(inPlace: raw, key: HMAC<Insecure.MD5>(key: SymmetricKey(data: secret)))
    }

    /// The same with an HMAC already keyed with the secret (a NAS keeps one per server).
    @discardableResult
    public static func fillMessageAuthenticator(inPlace raw: UnsafeMutableRawBufferPointer,
                                                key: HMAC<Insecure.MD5>) -> Bool {
        guard let length = try? RADIUSPacket.validatedLength(UnsafeRawBufferPointer(raw)) else { return false }
        var first: Int?
        var offset = RADIUSPacket.headerLength
        // Every attribute must tile the packet (a stray last byte too is malformed): the second
        // walk below then stays inside it.
        while offset < length {
            guard offset + 1 < length else { return false }
            let l = Int(raw[offset + 1])
            guard l >= 2, offset + l <= length else { return false }
            if raw[offset] == RADIUSAttributeType.messageAuthenticator {
                guard l == 18 else { return false }
                if first == nil { first = offset }
            }
            offset += l
        }
        guard let first else { return false }
        offset = first
        while offset < length {
            if raw[offset] == RADIUSAttributeType.messageAuthenticator {
                for i in 0..<16 { raw[offset + 2 + i] = 0 }
            }
            offset += Int(raw[offset + 1])
        }
        var hmac = key
        hmac.update(data: UnsafeRawBufferPointer(rebasing: raw[0..<length]))
        let mac = hmac.finalize()
        mac.withUnsafeBytes { mac in
            for i in 0..<16 { raw[first + 2 + i] = mac[i] }
        }
        return true
    }

    @discardableResult
    public static func signRequest(_ packet: inout RADIUSPacket, secret: String,
                                   addMessageAuthenticator: Bool = false) -> [UInt8] {
        signRequest(&packet, secret: Array(secret.utf8), addMessageAuthenticator: addMessageAuthenticator)
    }

    @discardableResult
    public static func signReply(_ packet: inout RADIUSPacket, requestAuthenticator: [UInt8], secret: String,
                                 addMessageAuthenticator: Bool = false) -> [UInt8] {
        signReply(&packet, requestAuthenticator: requestAuthenticator, secret: Array(secret.utf8),
                  addMessageAuthenticator: addMessageAuthenticator)
    }

    // MARK: verification on raw memory (e.g. a ByteBuffer's readable bytes)

    /// Whether the Request Authenticator of a received Accounting/Disconnect/CoA-Request is
    /// `MD5(Code|Id|Length|16 zero bytes|attributes|secret)`.
    public static func verifyRequestAuthenticator(_ raw: UnsafeRawBufferPointer, secret: [UInt8]) -> Bool {
        guard let length = try? RADIUSPacket.validatedLength(raw) else { return false }
        let expected = md5Digest(raw, header: RADIUSPacket.zeroAuthenticator, length: length, secret: secret)
        return expected.withUnsafeBytes { equalsHeaderAuthenticator(raw, $0) }
    }

    /// Whether the Response Authenticator of a received reply is
    /// `MD5(Code|Id|Length|RequestAuth|attributes|secret)`.
    public static func verifyResponseAuthenticator(_ raw: UnsafeRawBufferPointer, requestAuthenticator: [UInt8],
                                                   secret: [UInt8]) -> Bool {
        guard requestAuthenticator.count == 16,
              let length = try? RADIUSPacket.validatedLength(raw) else { return false }
        let expected = md5Digest(raw, header: requestAuthenticator, length: length, secret: secret)
        return expected.withUnsafeBytes { equalsHeaderAuthenticator(raw, $0) }
    }

    /// The same, given the request as it was sent (its bytes 4..<20 are the Request Authenticator).
    public static func verifyResponseAuthenticator(_ raw: UnsafeRawBufferPointer, request: UnsafeRawBufferPointer,
                                                   secret: [UInt8]) -> Bool {
        guard request.count >= RADIUSPacket.headerLength,
              let length = try? RADIUSPacket.validatedLength(raw) else { return false }
        let expected = md5Digest(raw, header: UnsafeRawBufferPointer(rebasing: request[4..<20]), length: length,
                                 secret: secret)
        return expected.withUnsafeBytes { equalsHeaderAuthenticator(raw, $0) }
    }

    /// Checks the Message-Authenticator of a received request: HMAC-MD5 over the packet with
    /// the MA value zeroed and (except for Access-Request) the authenticator zeroed.
    public static func verifyRequestMessageAuthenticator(_ raw: UnsafeRawBufferPointer,
                                                         secret: [UInt8]) -> MessageAuthenticatorStatus {
        guard raw.count >= RADIUSPacket.headerLength else { return .invalid }
        // Access-Request: the MA covers the random authenticator as sent.
        let header: [UInt8]? = raw[0] == RADIUSCode.accessRequest.rawValue ? nil : RADIUSPacket.zeroAuthenticator
        return checkMessageAuthenticator(raw, header: header, secret: secret)
    }

    /// Checks the Message-Authenticator of a received reply: HMAC-MD5 over the packet with the
    /// MA value zeroed and the request's authenticator in the header.
    public static func verifyReplyMessageAuthenticator(_ raw: UnsafeRawBufferPointer, requestAuthenticator: [UInt8],
                                                       secret: [UInt8]) -> MessageAuthenticatorStatus {
        guard requestAuthenticator.count == 16 else { return .invalid }
        return checkMessageAuthenticator(raw, header: requestAuthenticator, secret: secret)
    }

    // MARK: verification on arrays

    public static func verifyRequestAuthenticator(_ bytes: [UInt8], secret: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { verifyRequestAuthenticator($0, secret: secret) }
    }

    public static func verifyRequestAuthenticator(_ bytes: [UInt8], secret: String) -> Bool {
        verifyRequestAuthenticator(bytes, secret: Array(secret.utf8))
    }

    public static func verifyResponseAuthenticator(_ bytes: [UInt8], requestAuthenticator: [UInt8],
                                                   secret: [UInt8]) -> Bool {
        bytes.withUnsafeBytes {
            verifyResponseAuthenticator($0, requestAuthenticator: requestAuthenticator, secret: secret)
        }
    }

    public static func verifyResponseAuthenticator(_ bytes: [UInt8], requestAuthenticator: [UInt8],
                                                   secret: String) -> Bool {
        verifyResponseAuthenticator(bytes, requestAuthenticator: requestAuthenticator, secret: Array(secret.utf8))
    }

    public static func verifyRequestMessageAuthenticator(_ bytes: [UInt8],
                                                         secret: [UInt8]) -> MessageAuthenticatorStatus {
        bytes.withUnsafeBytes { verifyRequestMessageAuthenticator($0, secret: secret) }
    }

    public static func verifyRequestMessageAuthenticator(_ bytes: [UInt8],
                                                         secret: String) -> MessageAuthenticatorStatus {
        verifyRequestMessageAuthenticator(bytes, secret: Array(secret.utf8))
    }

    public static func verifyReplyMessageAuthenticator(_ bytes: [UInt8], requestAuthenticator: [UInt8],
                                                       secret: [UInt8]) -> MessageAuthenticatorStatus {
        bytes.withUnsafeBytes {
            verifyReplyMessageAuthenticator($0, requestAuthenticator: requestAuthenticator, secret: secret)
        }
    }

    public static func verifyReplyMessageAuthenticator(_ bytes: [UInt8], requestAuthenticator: [UInt8],
                                                       secret: String) -> MessageAuthenticatorStatus {
        verifyReplyMessageAuthenticator(bytes, requestAuthenticator: requestAuthenticator,
                                        secret: Array(secret.utf8))
    }

    // MARK: raw computations

    /// `MD5(bytes[0..<4] | header | bytes[20..<length] | secret)`: the Request Authenticator
    /// when `header` is 16 zeros, the Response Authenticator when it is the request's. Kept as
    /// the digest, not copied into an array (the DAS checks one per request, a NAS several per
    /// session). Internal: callers guarantee `raw` holds `length` >= 20 bytes, `header` 16.
    @inline(__always)
    static func md5Digest(_ raw: UnsafeRawBufferPointer, header: [UInt8], length: Int,
                          secret: [UInt8]) -> Insecure.MD5Digest {
        header.withUnsafeBytes { md5Digest(raw, header: $0, length: length, secret: secret) }
    }

    @inline(__always)
    static func md5Digest(_ raw: UnsafeRawBufferPointer, header: UnsafeRawBufferPointer, length: Int,
                          secret: [UInt8]) -> Insecure.MD5Digest {
        var h = Insecure.MD5()
        h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<4]))
        h.update(bufferPointer: header)
        h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[RADIUSPacket.headerLength..<length]))
        secret.withUnsafeBytes { h.update(bufferPointer: $0) }
        return h.finalize()
    }

    /// The wire bytes of a reply without attributes (a plain Disconnect-ACK): exactly what
    /// `signReply` returns for `RADIUSPacket(code: code, identifier: identifier)` without a
    /// Message-Authenticator, built in one allocation. `requestAuthenticator` must hold 16 bytes
    /// (a shorter one is padded with zeros, as `signReply` does).
    public static func signedReplyWithoutAttributes(code: RADIUSCode, identifier: UInt8,
                                                    requestAuthenticator: UnsafeRawBufferPointer,
                                                    secret: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: RADIUSPacket.headerLength) { out, initialized in
            out[0] = code.rawValue
            out[1] = identifier
            out[2] = 0
            out[3] = UInt8(RADIUSPacket.headerLength)
            for i in 0..<16 { out[4 + i] = i < requestAuthenticator.count ? requestAuthenticator[i] : 0 }
            var h = Insecure.MD5()
            h.update(bufferPointer: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: out[0..<RADIUSPacket.headerLength])))
            secret.withUnsafeBytes { h.update(bufferPointer: $0) }
            let digest = h.finalize()
            digest.withUnsafeBytes { d in
                for i in 0..<16 { out[4 + i] = d[i] }
            }
            initialized = RADIUSPacket.headerLength
        }
    }

    // MARK: internals

    /// Zeroes every Message-Authenticator (appending one if asked) and returns the index of the first.
    private static func prepareMessageAuthenticator(_ packet: inout RADIUSPacket, add: Bool) -> Int? {
        var first: Int?
        for i in packet.attributes.indices where packet.attributes[i].type == RADIUSAttributeType.messageAuthenticator {
            packet.attributes[i].value = RADIUSPacket.zeroAuthenticator
            if first == nil { first = i }
        }
        if first == nil && add {
            packet.attributes.append(RADIUSAttribute(type: RADIUSAttributeType.messageAuthenticator,
                                                     value: RADIUSPacket.zeroAuthenticator))
            first = packet.attributes.count - 1
        }
        return first
    }

    /// HMAC over `bytes` as they are (header and MA value already set for the computation),
    /// written into the bytes and the packet.
    private static func fillMessageAuthenticator(_ bytes: inout [UInt8], _ packet: inout RADIUSPacket,
                                                 _ index: Int, _ secret: [UInt8]) {
        var offset = RADIUSPacket.headerLength
        for a in packet.attributes[..<index] { offset += a.encodedLength }
        var hmac = HMAC<Insecure.MD5>(key: SymmetricKey(data: secret))
        hmac.update(data: bytes)
        let mac = hmac.finalize()
        mac.withUnsafeBytes { mac in
            for i in 0..<16 { bytes[offset + 2 + i] = mac[i] }
        }
        packet.attributes[index].value = Array(bytes[(offset + 2)..<(offset + 18)])
    }

    /// Writes the digest into the header and the packet (one array: the packet's copy).
    private static func setAuthenticator(_ digest: Insecure.MD5Digest, _ bytes: inout [UInt8],
                                         _ packet: inout RADIUSPacket) {
        digest.withUnsafeBytes { d in
            for i in 0..<16 { bytes[4 + i] = d[i] }
        }
        packet.authenticator = Array(bytes[4..<20])
    }

    /// `header` nil: use the packet's own authenticator bytes.
    private static func checkMessageAuthenticator(_ raw: UnsafeRawBufferPointer, header: [UInt8]?,
                                                  secret: [UInt8]) -> MessageAuthenticatorStatus {
        guard let length = try? RADIUSPacket.validatedLength(raw) else { return .invalid }
        var offset = RADIUSPacket.headerLength
        var ma: Int?
        while offset < length {
            guard offset + 1 < length else { return .invalid }
            let l = Int(raw[offset + 1])
            guard l >= 2, offset + l <= length else { return .invalid }
            if raw[offset] == RADIUSAttributeType.messageAuthenticator {
                guard l == 18 else { return .invalid }
                if ma == nil { ma = offset }
            }
            offset += l
        }
        guard let ma else { return .absent }
        var hmac = HMAC<Insecure.MD5>(key: SymmetricKey(data: secret))
        hmac.update(data: UnsafeRawBufferPointer(rebasing: raw[0..<4]))
        if let header {
            hmac.update(data: header)
        } else {
            hmac.update(data: UnsafeRawBufferPointer(rebasing: raw[4..<20]))
        }
        hmac.update(data: UnsafeRawBufferPointer(rebasing: raw[20..<(ma + 2)]))
        hmac.update(data: RADIUSPacket.zeroAuthenticator)
        hmac.update(data: UnsafeRawBufferPointer(rebasing: raw[(ma + 18)..<length]))
        let mac = hmac.finalize()
        var diff: UInt8 = 0
        var i = ma + 2
        for b in mac {
            diff |= b ^ raw[i]
            i += 1
        }
        return diff == 0 ? .valid : .invalid
    }

    private static func equalsHeaderAuthenticator(_ raw: UnsafeRawBufferPointer, _ expected: [UInt8]) -> Bool {
        expected.withUnsafeBytes { equalsHeaderAuthenticator(raw, $0) }
    }

    private static func equalsHeaderAuthenticator(_ raw: UnsafeRawBufferPointer,
                                                  _ expected: UnsafeRawBufferPointer) -> Bool {
        guard expected.count >= 16 else { return false }
        var diff: UInt8 = 0
        for i in 0..<16 { diff |= raw[4 + i] ^ expected[i] }
        return diff == 0
    }

    private static func normalized(_ auth: [UInt8]) -> [UInt8] {
        if auth.count == 16 { return auth }
        var a = Array(auth.prefix(16))
        while a.count < 16 { a.append(0) }
        return a
    }
}
