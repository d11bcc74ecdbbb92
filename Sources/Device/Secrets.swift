import Crypto
import Foundation
import _CryptoExtras

/// Cisco's reversible "type 7" password obfuscation, as `service password-encryption` shows keys.
public enum CiscoType7 {
    private static let xlat = Array("dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87".utf8)

    public static func encode(_ plain: String, salt: Int) -> String {
        let s = ((salt % 16) + 16) % 16
        var out = pad(s, 2)
        for (i, byte) in plain.utf8.enumerated() {
            let x = byte ^ xlat[(s + i) % xlat.count]
            out += hex2(x)
        }
        return out
    }

    /// nil when `text` is not a well-formed type 7 string: two decimal digits of salt (0-52, an
    /// offset into the translation table), then at least one byte as pairs of hex digits. Any
    /// other text (a sign, odd length, non-hex, non-ASCII) is refused, never trapped on.
    public static func decode(_ text: String) -> String? {
        let chars = Array(text.utf8)
        guard chars.count >= 4, chars.count % 2 == 0,
              let tens = decimalDigit(chars[0]), let ones = decimalDigit(chars[1]) else { return nil }
        let salt = tens * 10 + ones
        guard salt < xlat.count else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2 - 1)
        var i = 2
        while i + 1 < chars.count {
            guard let high = hexDigit(chars[i]), let low = hexDigit(chars[i + 1]) else { return nil }
            bytes.append((high << 4 | low) ^ xlat[(salt + bytes.count) % xlat.count])
            i += 2
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func decimalDigit(_ c: UInt8) -> Int? {
        (0x30...0x39).contains(c) ? Int(c - 0x30) : nil
    }

    private static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }
}

/// The MD5-crypt (`$1$salt$hash`) of IOS "type 5" secrets.
public enum MD5Crypt {
    private static let itoa64 = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    private static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }

    public static func hash(_ password: String, salt: String) -> String {
        let pw = Array(password.utf8)
        let saltBytes = Array(salt.utf8.prefix(8))
        let magic = Array("$1$".utf8)
        var ctx = pw + magic + saltBytes
        let alt = md5(pw + saltBytes + pw)
        var remaining = pw.count
        while remaining > 0 {
            ctx += alt.prefix(min(16, remaining))
            remaining -= 16
        }
        var bits = pw.count
        while bits > 0 {
            ctx.append((bits & 1) != 0 ? 0 : (pw.first ?? 0))
            bits >>= 1
        }
        var final = md5(ctx)
        for i in 0..<1000 {
            var c: [UInt8] = (i & 1) != 0 ? pw : final
            if i % 3 != 0 { c += saltBytes }
            if i % 7 != 0 { c += pw }
            c += (i & 1) != 0 ? final : pw
            final = md5(c)
        }
        var out = "$1$" + String(decoding: saltBytes, as: UTF8.self) + "$"
        func to64(_ value: UInt32, _ count: Int) {
            var v = value
            for _ in 0..<count {
                out.append(itoa64[Int(v & 0x3f)])
                v >>= 6
            }
        }
        for (a, b, c) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
            to64(UInt32(final[a]) << 16 | UInt32(final[b]) << 8 | UInt32(final[c]), 4)
        }
        to64(UInt32(final[11]), 2)
        return out
    }

    /// Checks `password` against a stored `$1$salt$hash`.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard isWellFormed(stored) else { return false }
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        return hash(password, salt: String(parts[2])) == stored
    }

    /// Whether `text` has the form IOS accepts after `secret 5`: `$1$`, a salt of 1 to 8
    /// characters, `$`, and 22 hash characters, all from the crypt alphabet (`./0-9A-Za-z`).
    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "1", (1...8).contains(parts[2].count),
              parts[3].count == 22 else { return false }
        return (parts[2] + parts[3]).allSatisfy { itoa64.contains($0) }
    }

    /// A four-character salt as IOS makes them.
    public static func salt(from random: RandomSource) -> String {
        String((0..<4).map { _ in itoa64[random.int(in: 0...63)] })
    }
}

/// IOS "type 9" secrets: `$9$salt$hash`, scrypt (N 16384, r 1, p 1) of the password with the
/// 14-character salt as it is written, 32 bytes out, in base64 with Cisco's alphabet
/// (`./0-9A-Za-z` for the standard `A-Za-z0-9+/`, no padding). IOS XE's `enable secret` and
/// `username … secret` store this by default.
public enum CiscoScrypt {
    private static let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// scrypt's N: IOS's 16384. Only the fuzz targets lower it, once before their first input,
    /// so an input that sets a secret spends its time in the shell rather than in the KDF (the
    /// path is the same; the hash is not IOS's).
    nonisolated(unsafe) public static var rounds = 16384

    /// nil only if scrypt itself fails (it does not for these parameters).
    public static func hash(_ password: String, salt: String) -> String? {
        guard let key = try? KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: Array(salt.utf8),
                                                  outputByteCount: 32, rounds: rounds, blockSize: 1, parallelism: 1)
        else { return nil }
        return "$9$" + salt + "$" + key.withUnsafeBytes { encode(Array($0)) }
    }

    /// Checks `password` against a stored `$9$salt$hash`.
    public static func verify(_ password: String, against stored: String) -> Bool {
        guard isWellFormed(stored) else { return false }
        let salt = stored.split(separator: "$")[1]
        return hash(password, salt: String(salt)) == stored
    }

    /// Whether `text` has the form IOS accepts after `secret 9`: `$9$`, 14 salt characters, `$`,
    /// 43 hash characters, all from the alphabet.
    public static func isWellFormed(_ text: String) -> Bool {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "9", parts[2].count == 14, parts[3].count == 43
        else { return false }
        return (parts[2] + parts[3]).allSatisfy { alphabet.contains($0) }
    }

    /// A 14-character salt.
    public static func salt(from random: RandomSource) -> String {
        String((0..<14).map { _ in alphabet[random.int(in: 0...63)] })
    }

    /// Base64 with Cisco's alphabet in place of the standard one, without padding.
    private static func encode(_ bytes: [UInt8]) -> String {
        String(Data(bytes).base64EncodedString().compactMap { standardToCisco[$0] })
    }

    private static let standardToCisco: [Character: Character] = Dictionary(
        uniqueKeysWithValues: zip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", alphabet))
}

/// "Type 6" keys: reversible AES encryption under the master key of
/// `key config-key password-encrypt`, as `password encryption aes` stores keys.
///
/// This is the emulator's own encoding, not byte-compatible with IOS (whose algorithm is not
/// public): AES-128-GCM under the first 16 bytes of SHA-256("flexvpn-emu type 6" + master key),
/// a 12-byte nonce from the device's random source, and nonce + ciphertext + tag written five
/// bits to a character in the 32 characters `A`…`` ` `` (IOS's type 6 strings use that range).
/// A string that is not of that form, or that another master key made, does not decode.
public enum CiscoType6 {
    private static let firstCharacter: UInt8 = 0x41  // "A"; the alphabet runs to "`" (0x60)

    private static func key(_ masterKey: String) -> SymmetricKey {
        let digest = SHA256.hash(data: Array(("flexvpn-emu type 6" + masterKey).utf8))
        return SymmetricKey(data: Array(digest).prefix(16))
    }

    public static func encode(_ plain: String, masterKey: String, random: RandomSource) -> String? {
        guard let nonce = try? AES.GCM.Nonce(data: random.bytes(12)),
              let sealed = try? AES.GCM.seal(Array(plain.utf8), using: key(masterKey), nonce: nonce),
              let combined = sealed.combined else { return nil }
        return toText(Array(combined))
    }

    /// nil when `text` is not a type 6 string this master key made.
    public static func decode(_ text: String, masterKey: String) -> String? {
        guard let bytes = fromText(text), bytes.count >= 12 + 16,
              let box = try? AES.GCM.SealedBox(combined: bytes),
              let plain = try? AES.GCM.open(box, using: key(masterKey)) else { return nil }
        return String(bytes: plain, encoding: .utf8)
    }

    private static func toText(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(firstCharacter + UInt8(buffer >> bits & 31))
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { out.append(firstCharacter + UInt8(buffer << (5 - bits) & 31)) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func fromText(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0, bits = 0
        for c in text.utf8 {
            guard c >= firstCharacter, c < firstCharacter + 32 else { return nil }
            buffer = buffer << 5 | Int(c - firstCharacter)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(buffer >> bits & 0xFF))
            }
            buffer &= (1 << bits) - 1
        }
        // Leftover bits are padding: fewer than 5, all zero.
        guard bits < 5, buffer == 0 else { return nil }
        return out
    }
}
