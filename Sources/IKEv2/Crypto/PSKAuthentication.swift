/// Shared-key AUTH (RFC 7296 §2.15, auth method 2):
/// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>), where the signed octets
/// are the sender's first message exactly as sent (IKE_SA_INIT), the peer's nonce and
/// prf(SK_p, the sender's ID payload body). With EAP the shared secret is the MSK.
public enum PSKAuthentication {
    static let keyPad = Array("Key Pad for IKEv2".utf8)

    /// The octets the sender signs: RealMessage | NonceData of the peer | prf(SK_p, RestOfIDPayload).
    public static func signedOctets(prf: PRFAlgorithm, realMessage: [UInt8], peerNonce: [UInt8], skP: [UInt8],
                                    idPayload: IdentificationPayload) -> [UInt8] {
        realMessage + peerNonce + prf.compute(key: skP, data: idPayload.body)
    }

    /// The AUTH payload's data for a sender whose first message was `realMessage`.
    public static func authData(prf: PRFAlgorithm, sharedSecret: [UInt8], realMessage: [UInt8], peerNonce: [UInt8],
                                skP: [UInt8], idPayload: IdentificationPayload) -> [UInt8] {
        let padded = prf.compute(key: sharedSecret, data: keyPad)
        return prf.compute(key: padded, data: signedOctets(prf: prf, realMessage: realMessage, peerNonce: peerNonce,
                                                           skP: skP, idPayload: idPayload))
    }

    /// Whether a received AUTH matches; compared in constant time.
    public static func verify(_ received: AuthenticationPayload, prf: PRFAlgorithm, sharedSecret: [UInt8], realMessage: [UInt8],
                              peerNonce: [UInt8], skP: [UInt8], idPayload: IdentificationPayload) -> Bool {
        guard received.method == .sharedKeyMIC else { return false }
        let expected = authData(prf: prf, sharedSecret: sharedSecret, realMessage: realMessage, peerNonce: peerNonce,
                                skP: skP, idPayload: idPayload)
        return constantTimeEqual(received.data, expected)
    }
}
