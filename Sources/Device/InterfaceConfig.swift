import RADIUS

/// `interface GigabitEthernet1` and `interface Loopback N` as the running config holds them. The
/// router has one physical interface, GigabitEthernet1 (its address is the NAS-IP-Address its
/// RADIUS traffic carries); loopbacks come and go with `interface` and `no interface`.
public struct InterfaceConfig: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case gigabitEthernet, loopback
    }

    public var kind: Kind
    public var number: Int
    public var description: String?
    /// `ip address A.B.C.D MASK`; nil: `no ip address`.
    public var address: InterfaceAddress?
    public var shutdown = false
    /// `negotiation auto` (GigabitEthernet only; on by default, as on a CSR1000v).
    public var negotiationAuto: Bool
    /// `mop enabled` / `mop sysid` (GigabitEthernet only; off by default since IOS XE 16.x).
    public var mopEnabled = false
    public var mopSysid = false
    /// True once the CLI (not the startup-config) set the address: `show ip interface brief`'s
    /// Method column says `manual` instead of `NVRAM`.
    public var addressSetManually = false

    public init(kind: Kind, number: Int, address: InterfaceAddress? = nil) {
        self.kind = kind
        self.number = number
        self.address = address
        negotiationAuto = kind == .gigabitEthernet
    }

    public var name: String { (kind == .loopback ? "Loopback" : "GigabitEthernet") + String(number) }

    /// Running-config order: loopbacks by number, then the physical interface (a CSR1000v's order).
    public static func precedes(_ a: InterfaceConfig, _ b: InterfaceConfig) -> Bool {
        if a.kind != b.kind { return a.kind == .loopback }
        return a.number < b.number
    }

    /// The router as the emulator starts it with no startup-config: the seeds' addresses, the NAS
    /// address 192.168.202.1/24 on GigabitEthernet1 and the IKEv2 local address 51.1.1.1 on Loopback0.
    public static let labDefaults: [InterfaceConfig] = [
        InterfaceConfig(kind: .loopback, number: 0,
                        address: InterfaceAddress(address: IPv4Address(51, 1, 1, 1), prefixLength: 32)),
        InterfaceConfig(kind: .gigabitEthernet, number: 1,
                        address: InterfaceAddress(address: IPv4Address(192, 168, 202, 1), prefixLength: 24)),
    ]

    /// What a startup-config is applied to, as IOS applies it to a blank router: the physical
    /// interface, unaddressed, and no loopback.
    public static let factoryDefaults: [InterfaceConfig] = [InterfaceConfig(kind: .gigabitEthernet, number: 1)]
}

/// An interface address and its mask, as `ip address` took them.
public struct InterfaceAddress: Equatable, Sendable {
    public var address: IPv4Address
    public var prefixLength: Int

    public init(address: IPv4Address, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The mask of a prefix length (0 ... 32).
    public static func maskBits(prefix: Int) -> UInt32 { prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix) }

    public var maskValue: UInt32 { Self.maskBits(prefix: prefixLength) }

    /// A mask's prefix length; nil when its ones do not all lead.
    public static func prefixLength(mask: IPv4Address) -> Int? {
        let length = mask.rawValue.nonzeroBitCount
        return mask.rawValue == maskBits(prefix: length) ? length : nil
    }
    public var mask: IPv4Address { IPv4Address(rawValue: maskValue) }
    public var network: IPv4Address { IPv4Address(rawValue: address.rawValue & maskValue) }

    /// Whether two interface subnets share an address (IOS refuses the second: "overlaps with").
    public func overlaps(_ other: InterfaceAddress) -> Bool {
        let mask = Self.maskBits(prefix: min(prefixLength, other.prefixLength))
        return address.rawValue & mask == other.address.rawValue & mask
    }

    /// `ip address A M` as IOS checks it on its own (overlaps are the device's check). A mask must be
    /// contiguous; below /31 the address may be neither the subnet's network nor its broadcast.
    public static func validate(address: IPv4Address, mask: IPv4Address) -> Result<InterfaceAddress, InterfaceAddressError> {
        let m = mask.rawValue
        guard let prefix = prefixLength(mask: mask), prefix > 0 else {
            return .failure(.badMaskHex(mask: m, address: address))
        }
        if prefix < 31 {
            let host = address.rawValue & ~m
            if host == 0 || host == ~m { return .failure(.badMaskLength(prefix: prefix, address: address)) }
        }
        return .success(InterfaceAddress(address: address, prefixLength: prefix))
    }
}

/// IOS's refusals of `ip address`.
public enum InterfaceAddressError: Error, Equatable, Sendable {
    /// `% Bad mask 0xFF00FF00 for address 10.1.1.1` (a mask that is not contiguous, or 0.0.0.0).
    case badMaskHex(mask: UInt32, address: IPv4Address)
    /// `% Bad mask /24 for address 10.1.1.0` (the subnet's network or broadcast address).
    case badMaskLength(prefix: Int, address: IPv4Address)
    /// `% 10.1.1.0 overlaps with Loopback1`.
    case overlaps(network: IPv4Address, interface: String)

    public var message: String {
        switch self {
        case let .badMaskHex(mask, address):
            let hex = String(mask, radix: 16, uppercase: true)
            return "% Bad mask 0x" + String(repeating: "0", count: 8 - hex.count) + hex + " for address " + address.description
        case let .badMaskLength(prefix, address):
            return "% Bad mask /\(prefix) for address " + address.description
        case let .overlaps(network, interface):
            return "% " + network.description + " overlaps with " + interface
        }
    }
}
