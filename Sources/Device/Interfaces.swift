import RADIUS

/// One interface of the emulated router, as `show interfaces` and `show ip interface brief`
/// report it. The device has the interfaces a FlexVPN server has: GigabitEthernet1 (the NAS
/// address its RADIUS traffic uses), Loopback0 (the IKEv2 local address the Virtual-Access
/// interfaces borrow) and one Virtual-Access per session, as the Virtual-Template clones them.
public struct DeviceInterface: Sendable {
    public enum Kind: Equatable, Sendable {
        case gigabitEthernet, loopback, virtualAccess
    }

    public var name: String
    public var kind: Kind
    /// The interface's own address; nil for an unnumbered one.
    public var address: IPv4Address?
    public var prefixLength: Int
    /// The interface whose address an unnumbered one uses (`Loopback0`), and that address.
    public var unnumbered: (name: String, address: IPv4Address)?
    /// The Ethernet address (`5254.00a8.ca01`); nil for interfaces without one.
    public var macAddress: String?
    /// A Virtual-Access interface's tunnel ends.
    public var tunnel: (source: IPv4Address, destination: IPv4Address)?
    /// When the interface came up (device time).
    public var createdAt: Double
    public var packetsIn: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var packetsOut: UInt64 = 0
    public var bytesOut: UInt64 = 0

    public init(name: String, kind: Kind, address: IPv4Address?, prefixLength: Int, createdAt: Double) {
        self.name = name
        self.kind = kind
        self.address = address
        self.prefixLength = prefixLength
        self.createdAt = createdAt
    }
}

extension Device {
    /// The prefix length of GigabitEthernet1's address: the seeds' clients (192.168.202.2 and .4)
    /// share its /24.
    public static let nasPrefixLength = 24

    /// The device's interfaces in IOS's order: GigabitEthernet1, Loopback0, then the
    /// Virtual-Access interfaces by number. The physical and loopback interfaces carry no
    /// emulated traffic (the DAS and accounting use the host's own sockets), so their counters
    /// stay 0; a Virtual-Access interface counts its session's bytes and packets.
    public var interfaces: [DeviceInterface] {
        var out: [DeviceInterface] = []
        forEachInterface { out.append($0) }
        return out
    }

    /// The interfaces one at a time (a million sessions are a million Virtual-Access interfaces).
    public func forEachInterface(_ body: (DeviceInterface) -> Void) {
        var gi = DeviceInterface(name: "GigabitEthernet1", kind: .gigabitEthernet, address: nasIPAddress,
                                 prefixLength: Device.nasPrefixLength, createdAt: bootTime)
        let a = nasIPAddress.rawValue
        gi.macAddress = "5254." + hex4((a >> 16) & 0xFF) + "." + hex4(a & 0xFFFF)
        body(gi)
        let loopback = DeviceInterface(name: "Loopback0", kind: .loopback, address: sessionLocalAddress,
                                       prefixLength: 32, createdAt: bootTime)
        body(loopback)
        // Session Id order: the order sessions came up in, and so of their Virtual-Access numbers.
        sessions.forEach { session in
            var va = DeviceInterface(name: "Virtual-Access" + String(session.saId), kind: .virtualAccess, address: nil,
                                     prefixLength: 0, createdAt: session.startTime)
            va.unnumbered = ("Loopback0", sessionLocalAddress)
            va.tunnel = (session.local, session.peer)
            va.packetsIn = session.packetsIn
            va.bytesIn = session.bytesIn
            va.packetsOut = session.packetsOut
            va.bytesOut = session.bytesOut
            body(va)
        }
    }

    /// The interface a name (IOS's full name, any case) designates, if the device has it.
    public func interface(named name: String) -> DeviceInterface? {
        var found: DeviceInterface?
        forEachInterface { if found == nil, $0.name.lowercased() == name.lowercased() { found = $0 } }
        return found
    }

}

private func hex4(_ value: UInt32) -> String {
    let s = String(value & 0xFFFF, radix: 16)
    return String(repeating: "0", count: 4 - s.count) + s
}
