import Device
@testable import Shell
import XCTest

/// SSH's `login local` checks: passwords of every type a `username` can have, and public keys of
/// `ip ssh pubkey-chain` given as `key-string` (an OpenSSH line or the base64 in pieces) or
/// `key-hash`, as the configuration commands leave them.
final class SSHAuthTests: XCTestCase {
    /// An Ed25519 public key blob: the type name and 32 key bytes, in SSH's wire form.
    private func ed25519Blob(_ seed: UInt8) -> [UInt8] {
        let name = Array("ssh-ed25519".utf8)
        return [0, 0, 0, UInt8(name.count)] + name + [0, 0, 0, 32] + (0..<32).map { seed &+ UInt8($0) }
    }

    private func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i]), b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0, b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(table[b0 >> 2])
            out.append(table[((b0 & 3) << 4) | (b1 >> 4)])
            out.append(i + 1 < bytes.count ? table[((b1 & 15) << 2) | (b2 >> 6)] : "=")
            out.append(i + 2 < bytes.count ? table[b2 & 63] : "=")
            i += 3
        }
        return out
    }

    func testPasswordsOfEveryType() {
        let h = Harness()
        h.type("enable", "configure terminal",
               "username plain password 0 cisco",
               "username hidden password 7 0822455D0A16",
               "username md5 secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
               "username fresh privilege 15 secret cisco",
               "end")
        for name in ["plain", "hidden", "md5", "fresh"] {
            XCTAssertNotNil(h.device.authenticateLocalUser(name, password: "cisco"), name)
            XCTAssertNil(h.device.authenticateLocalUser(name, password: "Cisco"), name)
        }
        XCTAssertEqual(h.device.authenticateLocalUser("fresh", password: "cisco")?.privilege, 15)
        XCTAssertNil(h.device.authenticateLocalUser("nobody", password: "cisco"))
    }

    func testKeyStringLineBecomesKeyHashAndAuthenticates() {
        let h = Harness()
        let blob = ed25519Blob(7)
        let line = "ssh-ed25519 \(base64(blob)) tester@lab"
        let out = h.type("enable", "configure terminal", "username admin privilege 15 secret cisco",
                         "ip ssh pubkey-chain", "username admin", "key-string", line, "exit", "exit", "exit", "end")
        XCTAssertTrue(out.contains("R1(conf-ssh-pubkey)#") || out.contains("Device(conf-ssh-pubkey)#username admin"), out)
        XCTAssertTrue(out.contains("Device(conf-ssh-pubkey-user)#key-string\nDevice(conf-ssh-pubkey-data)#"), out)
        XCTAssertNotNil(h.device.authenticateSSHPublicKey("admin", blob: blob))
        XCTAssertNil(h.device.authenticateSSHPublicKey("admin", blob: ed25519Blob(8)))
        XCTAssertNil(h.device.authenticateSSHPublicKey("other", blob: blob))
        let hash = SSHPublicKeyEntry.hash(ofBlob: blob)
        XCTAssertEqual(hash.count, 32)
        let config = h.type("show running-config")
        XCTAssertTrue(config.contains("ip ssh pubkey-chain\n  username admin\n   key-hash ssh-ed25519 \(hash) tester@lab\n"), config)

        // The running-config's key-hash loads back and still lets the key in.
        let reloaded = Harness(startup: "username admin privilege 15 secret cisco\nip ssh pubkey-chain\n  username admin\n   key-hash ssh-ed25519 \(hash) tester@lab\n")
        XCTAssertNotNil(reloaded.device.authenticateSSHPublicKey("admin", blob: blob))
    }

    func testKeyStringInPiecesAndAKeyWithoutItsUser() {
        let h = Harness()
        let blob = ed25519Blob(42)
        let text = base64(blob)
        let middle = text.index(text.startIndex, offsetBy: 30)
        h.type("enable", "configure terminal", "ip ssh pubkey-chain", "username ghost", "key-string",
               String(text[..<middle]), String(text[middle...]), "quit", "end")
        XCTAssertEqual(h.device.config.ssh.keys(of: "ghost").first?.hash, SSHPublicKeyEntry.hash(ofBlob: blob))
        // `login local` needs the `username` too.
        XCTAssertNil(h.device.authenticateSSHPublicKey("ghost", blob: blob))
    }

    func testABadKeyIsRefused() {
        let h = Harness()
        let out = h.type("enable", "configure terminal", "ip ssh pubkey-chain", "username admin", "key-string",
                         "not-base64!!", "exit")
        XCTAssertTrue(out.contains("%SSH: Failed to decode the key value"), out)
        XCTAssertTrue(h.device.config.ssh.keys(of: "admin").isEmpty)
    }

    func testBannerTypedOverSeveralLinesKeepsItsTextAndRoundTrips() {
        let h = Harness()
        let out = h.type("enable", "configure terminal", "banner motd #", "Lab router", "", "end", "! not a comment#", "end")
        XCTAssertTrue(out.contains("Device(config)#banner motd #\nEnter TEXT message.  End with the character '#'.\n"), out)
        // The lines are text, without a prompt, `end` and `!` included, up to the delimiter.
        XCTAssertEqual(h.device.config.banners.motd?.text, "\nLab router\n\nend\n! not a comment")
        XCTAssertEqual(h.shell.mode, .privilegedExec)
        let config = h.type("show running-config")
        XCTAssertTrue(config.contains("banner motd #\nLab router\n\nend\n! not a comment#\n"), config)
        let reloaded = Harness(startup: "banner motd #\nLab router\n\nend\n! not a comment#\nhostname R9\n")
        XCTAssertEqual(reloaded.device.config.banners.motd?.text, "\nLab router\n\nend\n! not a comment")
        XCTAssertEqual(reloaded.device.config.hostname, "R9")
    }
}
