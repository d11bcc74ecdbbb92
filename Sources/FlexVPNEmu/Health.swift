import ArgumentParser
import Foundation

/// `flexvpn-emu health`: does a running router answer on its ports? The container image's
/// HEALTHCHECK runs it inside the container, with the router's own environment, so it checks the
/// ports the router was started with. The SSH port must send its identification line
/// (`SSH-2.0-…`), the telnet port its first option negotiation; the connection is then closed
/// before any login. Exit status 0 when every configured port answers, 1 otherwise.
struct Health: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that a running headless router answers on its SSH and telnet ports (the image's HEALTHCHECK).",
        discussion: "Takes the router's own options and environment variables, and connects to 127.0.0.1 (::1) when the router listens on every address.")

    @OptionGroup var console: Console

    @Option(help: "Seconds to wait for each port's first bytes.")
    var timeout: Double = 2

    func run() throws {
        let host = Self.connectAddress(forListenAddress: console.listenAddress)
        var checks: [(name: String, port: Int, answered: ([UInt8]) -> Bool)] = []
        if console.sshPort != 0 {
            checks.append(("ssh", console.sshPort, { String(decoding: $0, as: UTF8.self).hasPrefix("SSH-2.0-") }))
        }
        if console.telnetPort != 0 {
            // RFC 854: every option negotiation starts with IAC (255). A router whose vty lines
            // refuse telnet (`transport input ssh`) accepts and closes at once: that answers too.
            checks.append(("telnet", console.telnetPort, { $0.isEmpty || $0.first == 255 }))
        }
        guard !checks.isEmpty else {
            print("unhealthy: no SSH or telnet port to check (--ssh-port, --telnet-port)")
            throw ExitCode(1)
        }
        var healthy = true
        for check in checks {
            let bytes = Self.firstBytes(host: host, port: check.port, timeout: timeout, needed: 8)
            let ok = bytes.map(check.answered) ?? false
            print("\(check.name) \(host) port \(check.port): \(ok ? "answers" : "no answer")")
            healthy = healthy && ok
        }
        if !healthy { throw ExitCode(1) }
    }

    /// A router listening on every address is reached on the loopback of the same family.
    static func connectAddress(forListenAddress address: String) -> String {
        switch address {
        case "0.0.0.0": return "127.0.0.1"
        case "::", "[::]": return "::1"
        default: return address
        }
    }

    /// Connects to a numeric address and reads up to `needed` bytes, waiting at most `timeout`
    /// seconds in all: what arrived before the peer closed (possibly nothing), or nil when the
    /// connection fails or nothing arrives in time.
    static func firstBytes(host: String, port: Int, timeout: Double, needed: Int) -> [UInt8]? {
        var hints = addrinfo()
        hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let info = list else { return nil }
        defer { freeaddrinfo(list) }
        let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let seconds = Int(timeout)
        var limit = timeval(tv_sec: seconds, tv_usec: Int((timeout - Double(seconds)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        let deadline = Date().addingTimeInterval(timeout)
        while received.count < needed, Date() < deadline {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return received }
            if count < 0 { break }
            received += buffer[..<count]
        }
        return received.isEmpty ? nil : received
    }
}
