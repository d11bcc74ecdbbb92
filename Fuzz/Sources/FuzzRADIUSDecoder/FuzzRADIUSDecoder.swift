// The RADIUS decoder: any datagram either decodes or throws a RADIUSDecodeError, and what decodes
// re-encodes to exactly its octets up to Length; the length check and every verifier agree with
// the decoder and never trap.
import FuzzSupport
import RADIUS

@_cdecl("FuzzRADIUSDecoder_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzRADIUSDecoder)
}

// Built once: the harness allocates only what the code under test needs per input.
private let secret = Array("cisco".utf8)
private let requestAuthenticator = [UInt8](repeating: 7, count: 16)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRADIUSDecoder(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(data, count)
    let validated = bytes.withUnsafeBytes { try? RADIUSPacket.validatedLength($0) }
    do {
        let packet = try RADIUSPacket.decode(bytes)
        guard let length = validated else { fatalError("decoded a packet whose length does not validate") }
        let encoded = packet.encode()
        guard encoded.elementsEqual(bytes[0..<length]) else { fatalError("re-encoding changed the octets") }
        _ = packet.ciscoAVPairs
        _ = packet.ciscoAVPair("audit-session-id")
        for attribute in packet.attributes { _ = attribute.stringValue }
    } catch {
        _ = error.description
    }
    _ = RADIUSAuth.verifyRequestAuthenticator(bytes, secret: secret)
    _ = RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret)
    _ = RADIUSAuth.verifyResponseAuthenticator(bytes, requestAuthenticator: requestAuthenticator, secret: secret)
    _ = RADIUSAuth.verifyReplyMessageAuthenticator(bytes, requestAuthenticator: requestAuthenticator, secret: secret)
    var copy = bytes
    let signed = copy.withUnsafeMutableBytes { RADIUSAuth.signRequest(inPlace: $0, secret: secret) }
    guard signed == (validated != nil) else { fatalError("in-place signing disagrees with the length check") }
    if signed, !RADIUSAuth.verifyRequestAuthenticator(copy, secret: secret) {
        fatalError("a request signed in place does not verify")
    }
    return 0
}
