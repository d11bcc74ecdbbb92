import Foundation
@testable import Transport
import XCTest

/// The SSH host key: made once beside the startup-config, the same key on the next start, never
/// silently replaced when the file is damaged.
final class SSHHostKeyTests: XCTestCase {
    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "flexvpn-hostkey-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testMadeAtFirstStartKeptPrivateAndReused() throws {
        let directory = try temporaryDirectory()
        let path = SSHHostKey.path(besideStartupConfig: directory + "/sub/startup-config")
        XCTAssertEqual(path, directory + "/sub/ssh_host_ed25519_key")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        let first = try SSHHostKey.loadOrCreate(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let second = try SSHHostKey.loadOrCreate(path: path)
        XCTAssertEqual(first.rawRepresentation, second.rawRepresentation)
        XCTAssertTrue(SSHHostKey.openSSHPublicKey(second).hasPrefix("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"))
        // Another folder, another router: another key.
        let other = try SSHHostKey.loadOrCreate(path: try temporaryDirectory() + "/ssh_host_ed25519_key")
        XCTAssertNotEqual(first.rawRepresentation, other.rawRepresentation)
    }

    func testADamagedKeyFileIsAnErrorNotANewIdentity() throws {
        let path = try temporaryDirectory() + "/ssh_host_ed25519_key"
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try SSHHostKey.loadOrCreate(path: path))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "not a key\n")
    }
}
