import RADIUS

/// `ip route PREFIX MASK {NEXT-HOP | INTERFACE [NEXT-HOP]} [DISTANCE]` as the running config holds it.
public struct StaticRouteConfig: Equatable, Sendable {
    public var prefix: IPv4Address
    public var prefixLength: Int
    /// IOS's canonical interface name (`GigabitEthernet1`, `Loopback0`, `Null0`), when one was given.
    public var interface: String?
    public var nextHop: IPv4Address?
    /// Administrative distance, 1 unless given.
    public var distance: Int

    public init(prefix: IPv4Address, prefixLength: Int, interface: String?, nextHop: IPv4Address?, distance: Int = 1) {
        self.prefix = prefix
        self.prefixLength = prefixLength
        self.interface = interface
        self.nextHop = nextHop
        self.distance = distance
    }

    /// The running-config line.
    public var configLine: String {
        var line = "ip route " + prefix.description + " "
            + IPv4Address(rawValue: InterfaceAddress.maskBits(prefix: prefixLength)).description
        if let interface { line += " " + interface }
        if let nextHop { line += " " + nextHop.description }
        if distance != 1 { line += " " + String(distance) }
        return line
    }
}

/// One route of `show ip route`: how it was learnt, where it leads.
public struct RouteEntry: Equatable, Sendable {
    public enum Source: Equatable, Sendable {
        /// An interface's subnet (`C`), its own address (`L`), a static route (`S`).
        case connected, local, `static`
    }

    public var source: Source
    public var prefix: IPv4Address
    public var prefixLength: Int
    public var distance: Int
    public var nextHop: IPv4Address?
    /// The interface's name; nil for a session's route, which names its Virtual-Access by number
    /// (a million sessions need no million names held at once).
    public var interface: String?
    public var virtualAccess: UInt32?

    public var interfaceName: String? {
        interface ?? virtualAccess.map { "Virtual-Access" + String($0) }
    }
}

extension Device {
    /// The routing table IOS would hold: each interface that is up with an address gives its
    /// subnet (connected) and, below /32, its own address (local); each session with an address
    /// assigned by its authorization a /32 static route to its Virtual-Access interface (as a
    /// FlexVPN server installs one); each `ip route` whose next hop another route reaches (or
    /// that names an interface that is up) a static route. Sorted by prefix, shorter first.
    public func routingTable() -> [RouteEntry] {
        var routes: [RouteEntry] = []
        var connected: [InterfaceAddress] = []
        var upInterfaces: Set<String> = ["Null0"]
        for i in storedConfig.interfaces where !i.shutdown {
            upInterfaces.insert(i.name)
            guard let a = i.address else { continue }
            connected.append(a)
            routes.append(RouteEntry(source: .connected, prefix: a.network, prefixLength: a.prefixLength,
                                     distance: 0, nextHop: nil, interface: i.name))
            if a.prefixLength < 32 {
                routes.append(RouteEntry(source: .local, prefix: a.address, prefixLength: 32, distance: 0,
                                         nextHop: nil, interface: i.name))
            }
        }
        var reachable = connected
        sessions.forEach { session in
            guard let framed = session.framedIP, authorization(uniqueId: session.uniqueId) != nil else { return }
            routes.append(RouteEntry(source: .static, prefix: framed, prefixLength: 32, distance: 1, nextHop: nil,
                                     interface: nil, virtualAccess: session.saId))
            reachable.append(InterfaceAddress(address: framed, prefixLength: 32))
        }
        // A next hop resolves through any route already installed (a client's tunnel, a default
        // route), recursively, never through the route itself.
        var pending = storedConfig.staticRoutes
        var progress = true
        while progress {
            progress = false
            pending.removeAll { r in
                if let interface = r.interface {
                    guard upInterfaces.contains(interface) else { return false }
                } else if let hop = r.nextHop {
                    // Longest match: a next hop inside the route's own, longer prefix would
                    // resolve through the route itself, a loop IOS does not install.
                    let host = InterfaceAddress(address: hop, prefixLength: 32)
                    let longest = reachable.filter { $0.overlaps(host) }.map(\.prefixLength).max()
                    guard let longest else { return false }
                    let own = InterfaceAddress(address: r.prefix, prefixLength: r.prefixLength)
                    if own.overlaps(host), r.prefixLength > longest { return false }
                }
                routes.append(RouteEntry(source: .static, prefix: r.prefix, prefixLength: r.prefixLength,
                                         distance: r.distance, nextHop: r.nextHop, interface: r.interface))
                reachable.append(InterfaceAddress(address: r.prefix, prefixLength: r.prefixLength))
                progress = true
                return true
            }
        }
        // Paths of one prefix keep the order they were configured in.
        routes = routes.enumerated().sorted {
            ($0.element.prefix.rawValue, $0.element.prefixLength, $0.element.distance, $0.offset)
                < ($1.element.prefix.rawValue, $1.element.prefixLength, $1.element.distance, $1.offset)
        }.map(\.element)
        // A prefix keeps its best routes only: the lowest distance (a connected subnet beats a
        // static route to it); routes of equal distance share it (IOS lists each path).
        var best: [RouteEntry] = []
        for route in routes {
            if let last = best.last, last.prefix == route.prefix, last.prefixLength == route.prefixLength,
               last.distance < route.distance || last.source != .static || route.source != .static {
                continue
            }
            best.append(route)
        }
        return best
    }
}

/// What answers a ping from the router.
public enum PingAnswer: Equatable, Sendable {
    /// One of the router's own addresses on an interface that is up.
    case ownAddress
    /// A simulated host: a session's client at its assigned address (through its tunnel, whose
    /// counters the echoes add to) or at its outside address.
    case sessionClient(uniqueId: UInt32, throughTunnel: Bool)
    /// Nothing answers: no route, or a route and no host behind it.
    case silence
}

extension Device {
    /// Who answers an echo to `destination`: the emulator has no data plane, so only the hosts
    /// it models reply.
    public func pingAnswer(_ destination: IPv4Address) -> PingAnswer {
        for i in storedConfig.interfaces where !i.shutdown && i.address?.address == destination { return .ownAddress }
        // The longest match forwards it; a route to Null0 drops it.
        let host = InterfaceAddress(address: destination, prefixLength: 32)
        let best = routingTable()
            .filter { InterfaceAddress(address: $0.prefix, prefixLength: $0.prefixLength).overlaps(host) }
            .max { $0.prefixLength < $1.prefixLength }
        guard let best, best.interface != "Null0" else { return .silence }
        var answer = PingAnswer.silence
        sessions.forEach { session in
            guard answer == .silence else { return }
            if session.framedIP == destination, authorization(uniqueId: session.uniqueId) != nil {
                answer = .sessionClient(uniqueId: session.uniqueId, throughTunnel: true)
            } else if session.peer == destination {
                answer = .sessionClient(uniqueId: session.uniqueId, throughTunnel: false)
            }
        }
        return answer
    }
}
