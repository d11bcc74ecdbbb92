import Device
import RADIUS

/// `ping A.B.C.D [repeat N] [size N] [timeout N] [source …]`. The emulator has no data plane: the
/// hosts it models answer (its own addresses, a session's client at its assigned or its outside
/// address), everything else stays silent; the answer is printed at once (a real router waits
/// the timeout for each lost echo). Echoes through a session's tunnel count in its traffic.
extension IOSCommands {
    /// The most echoes one `ping` sends (IOS takes up to 2147483647, one per timeout when lost).
    static let maximumEchoes = 100_000

    static var pingCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec],
                               "ping WORD$target [repeat <1-2147483647>$repeat | size <36-18024>$size | timeout <0-3600>$timeout | source {\\Loopback <0-2147483647>$slo | \\GigabitEthernet <1-1>$sgi | A.B.C.D$saddr}]*",
                               ["Send echo messages", "Ping destination address or hostname",
                                "specify repeat count", "Repeat count", "specify datagram size", "Datagram size",
                                "specify timeout interval", "Timeout in seconds", "specify source address or name",
                                "Loopback interface", "Loopback interface number", "GigabitEthernet IEEE 802.3z",
                                "GigabitEthernet interface number", "Source address"],
                               privilege: 1) { ctx in
                ping(ctx)
            },
        ]
    }

    private static func ping(_ ctx: CommandContext) {
        let device = ctx.device
        guard let target = ctx.string("target") else { return }
        guard let destination = ArgumentValidation.parseIPv4(Substring(target)).map(IPv4Address.init(rawValue:)) else {
            // The emulator resolves no names.
            if device.config.ipDomainLookup { ctx.output += "Translating \"\(target)\"...domain server (255.255.255.255)\n" }
            ctx.print("% Unrecognized host or address, or protocol not running.")
            ctx.print("")
            return
        }
        var source: IPv4Address?
        let sourceInterface = ctx.int("slo").map { (InterfaceConfig.Kind.loopback, $0) }
            ?? ctx.int("sgi").map { (InterfaceConfig.Kind.gigabitEthernet, $0) }
        if let (kind, number) = sourceInterface {
            guard let i = device.config.interface(kind, number), !i.shutdown, let address = i.address?.address else {
                ctx.print("% Invalid source interface - IP not enabled or interface is down")
                return
            }
            source = address
        } else if let address = ctx.ipv4("saddr") {
            guard device.config.interfaces.contains(where: { !$0.shutdown && $0.address?.address == address }) else {
                ctx.print("% Invalid source address- IP address not on any of our up interfaces")
                return
            }
            source = address
        }
        let count = ctx.int("repeat") ?? 5
        let size = ctx.int("size") ?? 100
        // The answer is printed at once, on the device's owner: a count IOS would take days over
        // would hold every line and the DAS that long.
        guard count <= maximumEchoes else {
            ctx.print("% Lab: the emulator answers at once; it sends at most \(maximumEchoes) echoes")
            return
        }
        ctx.print("Type escape sequence to abort.")
        ctx.print("Sending \(count), \(size)-byte ICMP Echos to \(destination), timeout is \(ctx.int("timeout") ?? 2) seconds:")
        if let source { ctx.print("Packet sent with a source address of \(source) ") }
        let answer = device.pingAnswer(destination)
        let replied = answer == .silence ? 0 : count
        // IOS wraps the echo marks at 70 a line.
        let mark: Character = replied > 0 ? "!" : "."
        var left = count
        while left > 0 {
            ctx.print(String(repeating: mark, count: min(70, left)))
            left -= 70
        }
        if case let .sessionClient(uniqueId, true) = answer {
            let bytes = UInt64(count) * UInt64(size)
            _ = device.sessions.addTraffic(uniqueId: uniqueId, bytesIn: bytes, bytesOut: bytes,
                                           packetsIn: UInt64(count), packetsOut: UInt64(count))
        }
        let percent = replied * 100 / count
        ctx.print("Success rate is \(percent) percent (\(replied)/\(count))"
                  + (replied > 0 ? ", round-trip min/avg/max = 1/1/1 ms" : ""))
    }
}
