import Crypto
import Foundation
import NIOSSH

/// The SSH server's host key: Ed25519, generated at the first start and kept in a file beside the
/// startup-config (`ssh_host_ed25519_key`, the 32-byte private key in base64, mode 0600), so the
/// router keeps its identity across restarts as a real one keeps its keys in NVRAM.
/// swift-nio-ssh serves Ed25519 and ECDSA host keys only: the RSA key `crypto key generate rsa`
/// makes on IOS is not the one served (see the README).
public enum SSHHostKey {
    /// The key file's name beside the startup-config.
    public static let fileName = "ssh_host_ed25519_key"

    /// `ssh_host_ed25519_key` in the folder of `startupConfigPath`.
    public static func path(besideStartupConfig startupConfigPath: String) -> String {
        URL(fileURLWithPath: startupConfigPath).deletingLastPathComponent().appendingPathComponent(fileName).path
    }

    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The key in `path`, or a new one written there when there is none. A file that is there but
    /// unreadable or not a key is an error (never silently replaced: clients would see a new identity).
    public static func loadOrCreate(path: String) throws -> Curve25519.Signing.PrivateKey {
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LoadError(description: "cannot read \(path)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let raw = Data(base64Encoded: text), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
                throw LoadError(description: "\(path) is not an Ed25519 host key")
            }
            return key
        }
        let key = Curve25519.Signing.PrivateKey()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = key.rawRepresentation.base64EncodedString() + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LoadError(description: "cannot write \(path)")
        }
        return key
    }

    /// The public key as an OpenSSH `known_hosts` line would show it (`ssh-ed25519 AAAA…`).
    public static func openSSHPublicKey(_ key: Curve25519.Signing.PrivateKey) -> String {
        var blob = Data()
        func string(_ bytes: Data) {
            var length = UInt32(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { blob.append(contentsOf: $0) }
            blob.append(bytes)
        }
        string(Data("ssh-ed25519".utf8))
        string(key.publicKey.rawRepresentation)
        return "ssh-ed25519 " + blob.base64EncodedString()
    }
}
