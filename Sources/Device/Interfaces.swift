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
    /// `description LINE`.
    public var description: String?
    /// `shutdown`: `administratively down`, line protocol down.
    public var administrativelyDown = false
    /// The address came from the CLI rather than the startup-config (Method `manual`).
    public var addressSetManually = false
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
    /// GigabitEthernet1's Ethernet address: fixed, whatever address the interface is given.
    public static let gigabitEthernetMAC = "5254.00a8.ca01"

    /// The device's interfaces in IOS's order: GigabitEthernet1, the loopbacks by number, then the
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
        func made(_ c: InterfaceConfig) -> DeviceInterface {
            var i = DeviceInterface(name: c.name, kind: c.kind == .loopback ? .loopback : .gigabitEthernet,
                                    address: c.address?.address, prefixLength: c.address?.prefixLength ?? 0,
                                    createdAt: bootTime)
            i.description = c.description
            i.administrativelyDown = c.shutdown
            i.addressSetManually = c.addressSetManually
            if c.kind == .gigabitEthernet { i.macAddress = Device.gigabitEthernetMAC }
            return i
        }
        let configured = storedConfig.interfaces
        for c in configured where c.kind == .gigabitEthernet { body(made(c)) }
        for c in configured where c.kind == .loopback { body(made(c)) }
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
