import Foundation
import XCTest

/// The router as a user without privileges (nobody, through util-linux's `setpriv`), as the
/// container image runs it: its SSH server must greet a client. (Setting a socket option that
/// needs CAP_NET_ADMIN on accepted connections once closed every one of them at once.)
final class UnprivilegedRouterTests: XCTestCase {
    func testSSHGreetsAClientWhenTheRouterRunsAsNobody() throws {
        let folder = NSTemporaryDirectory() + "flexvpn-nobody-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let port = try freeTCPPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                             ProductBinaryTests.builtBinary.path, "--headless", "--ssh-port", String(port),
                             "--startup-config", folder + "/startup-config"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate(); process.waitUntilExit() } }
        var greeting: [UInt8]?
        for _ in 0..<300 where greeting == nil {
            usleep(20_000)
            greeting = firstBytes(port: port)
        }
        XCTAssertEqual(greeting.map { String(decoding: $0.prefix(8), as: UTF8.self) }, "SSH-2.0-")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    /// What a client reads first from 127.0.0.1:port: nil when the connection is refused or
    /// closed without a byte.
    func firstBytes(port: Int) -> [UInt8]? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return nil }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(fd, &buffer, buffer.count)
        return count > 0 ? Array(buffer[..<count]) : nil
    }
}
