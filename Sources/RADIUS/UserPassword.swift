import Crypto

/// PAP's User-Password (RFC 2865 §5.2): the password padded with NULs to a multiple of 16
/// octets (at most 128), each 16-octet block XORed with MD5(secret | previous block), the first
/// previous block being the Request Authenticator.
public enum UserPassword {
    public static func encrypt(_ password: [UInt8], secret: [UInt8], authenticator: [UInt8]) -> [UInt8] {
        var padded = Array(password.prefix(128))
        let blocks = max(1, (padded.count + 15) / 16)
        padded += Array(repeating: 0, count: blocks * 16 - padded.count)
        var out: [UInt8] = []
        var previous = authenticator
        for block in 0..<blocks {
            let key = Array(Insecure.MD5.hash(data: secret + previous))
            let cipher = (0..<16).map { padded[block * 16 + $0] ^ key[$0] }
            out += cipher
            previous = cipher
        }
        return out
    }

    /// The password, NUL padding removed; nil when the length is not a multiple of 16 (1-128).
    public static func decrypt(_ value: [UInt8], secret: [UInt8], authenticator: [UInt8]) -> [UInt8]? {
        guard !value.isEmpty, value.count % 16 == 0, value.count <= 128 else { return nil }
        var out: [UInt8] = []
        var previous = authenticator
        for block in stride(from: 0, to: value.count, by: 16) {
            let cipher = Array(value[block..<block + 16])
            let key = Array(Insecure.MD5.hash(data: secret + previous))
            out += (0..<16).map { cipher[$0] ^ key[$0] }
            previous = cipher
        }
        while out.last == 0 { out.removeLast() }
        return out
    }
}
