import Crypto

/// PAP's User-Password (RFC 2865 §5.2): the password padded with NULs to a multiple of 16
/// octets (at most 128), each 16-octet block XORed with MD5(secret | previous block), the first
/// previous block being the Request Authenticator.
public enum UserPassword {
    public static func encrypt(_ password: [UInt8], secret: [UInt8], authenticator: [UInt8]) -> [UInt8] {
        let length = min(password.count, 128)
        let blocks = max(1, (length + 15) / 16)
        // One array, written block by block: each block's key is MD5(secret | previous cipher block).
        return [UInt8](unsafeUninitializedCapacity: blocks * 16) { out, initialized in
            for block in 0..<blocks {
                var md5 = Insecure.MD5()
                secret.withUnsafeBytes { md5.update(bufferPointer: $0) }
                if block == 0 {
                    authenticator.withUnsafeBytes { md5.update(bufferPointer: $0) }
                } else {
                    let previous = UnsafeMutableBufferPointer(rebasing: out[(block - 1) * 16..<block * 16])
                    md5.update(bufferPointer: UnsafeRawBufferPointer(previous))
                }
                md5.finalize().withUnsafeBytes { key in
                    for i in 0..<16 {
                        let at = block * 16 + i
                        out[at] = (at < length ? password[at] : 0) ^ key[i]
                    }
                }
            }
            initialized = blocks * 16
        }
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
