import Crypto
import Foundation

/// One key of `ip ssh pubkey-chain` / `username X`: the key's type and the MD5 hash of its blob,
/// as IOS keeps it (`key-string` is turned into `key-hash` in the running-config).
public struct SSHPublicKeyEntry: Equatable, Sendable {
    /// `ssh-rsa`, `ssh-ed25519`, `ecdsa-sha2-nistp256`…
    public var type: String
    /// 32 uppercase hex digits: MD5 of the key blob.
    public var hash: String
    /// The comment after the key in an OpenSSH public key line (`user@host`), kept as IOS does.
    public var comment: String?

    public init(type: String, hash: String, comment: String? = nil) {
        self.type = type
        self.hash = hash.uppercased()
        self.comment = comment
    }

    /// The MD5 of a key blob, in IOS's `key-hash` form.
    public static func hash(ofBlob blob: [UInt8]) -> String {
        Insecure.MD5.hash(data: blob).map { String(format: "%02X", $0) }.joined()
    }

    /// A `key-string`'s text: the base64 blob alone, or an OpenSSH public key line
    /// (`ssh-ed25519 AAAA… comment`). nil when it is not a key (bad base64, or a blob that does
    /// not start with its type name).
    public init?(keyString text: String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard !words.isEmpty else { return nil }
        var index = 0
        if words.count > 1, Data(base64Encoded: words[0]) == nil || words[0].hasPrefix("ssh-") || words[0].hasPrefix("ecdsa-") {
            index = 1
        }
        guard let data = Data(base64Encoded: words[index]), data.count > 4 else { return nil }
        let blob = [UInt8](data)
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length > 0, length <= 64, blob.count >= 4 + length,
              let type = String(bytes: blob[4..<(4 + length)], encoding: .utf8),
              type.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "@" || $0 == "." })
        else { return nil }
        let comment = words.count > index + 1 ? words[(index + 1)...].joined(separator: " ") : nil
        self.init(type: type, hash: Self.hash(ofBlob: blob), comment: comment)
    }
}

/// The SSH server's configuration: `ip ssh version`, `ip ssh time-out`,
/// `ip ssh authentication-retries`, `ip ssh pubkey-chain`, and whether `crypto key generate rsa`
/// made a key (IOS's SSH needs one; see the README for the emulator's choice).
public struct SSHConfig: Equatable, Sendable {
    public static let defaultTimeout = 120
    public static let defaultRetries = 3

    /// `ip ssh version 2`; nil: IOS's default (1.99, both versions).
    public var version: Int?
    /// `ip ssh time-out N` (1-120 s): how long a connection may take to authenticate.
    public var timeout = SSHConfig.defaultTimeout
    /// `ip ssh authentication-retries N` (0-5).
    public var authenticationRetries = SSHConfig.defaultRetries
    /// `ip ssh pubkey-chain`: each user's keys, in entry order.
    public var pubkeyChain: [(user: String, keys: [SSHPublicKeyEntry])] = []
    /// `crypto key generate rsa`: the modulus of the general-purpose key, nil before one exists.
    public var rsaModulus: Int?
    /// The key's name, `HOSTNAME.DOMAIN` when it was generated.
    public var rsaKeyName: String?

    public init() {}

    public static func == (a: SSHConfig, b: SSHConfig) -> Bool {
        a.version == b.version && a.timeout == b.timeout && a.authenticationRetries == b.authenticationRetries
            && a.rsaModulus == b.rsaModulus && a.rsaKeyName == b.rsaKeyName && a.pubkeyChain.count == b.pubkeyChain.count
            && zip(a.pubkeyChain, b.pubkeyChain).allSatisfy { $0.user == $1.user && $0.keys == $1.keys }
    }

    /// IOS's name for the protocol version served: `1.99` (both, the default), `2.0`, `1.5`.
    public var versionText: String {
        switch version {
        case 2?: return "2.0"
        case 1?: return "1.5"
        default: return "1.99"
        }
    }

    /// The keys `user` may log in with.
    public func keys(of user: String) -> [SSHPublicKeyEntry] {
        pubkeyChain.first { $0.user == user }?.keys ?? []
    }

    /// Adds `user` to the chain (kept once).
    public mutating func addUser(_ user: String) {
        if !pubkeyChain.contains(where: { $0.user == user }) { pubkeyChain.append((user, [])) }
    }

    public mutating func removeUser(_ user: String) {
        pubkeyChain.removeAll { $0.user == user }
    }

    /// Adds a key to `user` (a key already there is kept once).
    public mutating func addKey(_ key: SSHPublicKeyEntry, to user: String) {
        addUser(user)
        guard let i = pubkeyChain.firstIndex(where: { $0.user == user }) else { return }
        if !pubkeyChain[i].keys.contains(where: { $0.hash == key.hash }) { pubkeyChain[i].keys.append(key) }
    }

    public mutating func removeKey(hash: String, from user: String) {
        guard let i = pubkeyChain.firstIndex(where: { $0.user == user }) else { return }
        pubkeyChain[i].keys.removeAll { $0.hash == hash.uppercased() }
    }
}

extension Device {
    /// SSH public-key login: the `username` whose `ip ssh pubkey-chain` entry has this key
    /// (`blob`: the key as the client sent it, its SSH wire form). IOS's `login local` needs the
    /// user configured with `username` too; its privilege is the one the session starts at.
    public func authenticateSSHPublicKey(_ name: String, blob: [UInt8]) -> LocalUser? {
        let hash = SSHPublicKeyEntry.hash(ofBlob: blob)
        guard config.ssh.keys(of: name).contains(where: { $0.hash == hash }) else { return nil }
        return config.users[named: name]
    }
}
