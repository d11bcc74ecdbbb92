import Crypto

/// EAP-MD5 (RFC 3748 §5.4): the response to an MD5-Challenge is MD5(identifier | password |
/// challenge). The lab's EAP client answers a RADIUS server's challenges with it.
public enum EAPMD5 {
    public static func response(identifier: UInt8, password: [UInt8], challenge: [UInt8]) -> [UInt8] {
        Array(Insecure.MD5.hash(data: [identifier] + password + challenge))
    }
}
