import Device
import RADIUS

/// `show ip route` from the device's routing table, in IOS XE 17.3's layout: the codes legend,
/// the gateway of last resort, then the routes grouped under their classful network
/// (`10.0.0.0/8 is variably subnetted, 2 subnets, 2 masks`).
public enum RouteRenderer {
    static let legend = [
        "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
        "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area ",
        "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2",
        "       E1 - OSPF external type 1, E2 - OSPF external type 2",
        "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2",
        "       ia - IS-IS inter area, * - candidate default, U - per-user static route",
        "       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP",
        "       a - application route",
        "       + - replicated route, % - next hop override, p - overrides from PfR",
    ]

    public static func ipRoute(_ device: Device, emit: (String) -> Void) {
        let routes = device.routingTable()
        legend.forEach(emit)
        emit("")
        if let gateway = routes.first(where: { $0.prefixLength == 0 && $0.prefix.rawValue == 0 }) {
            emit("Gateway of last resort is " + (gateway.nextHop ?? IPv4Address(rawValue: 0)).description
                 + " to network 0.0.0.0")
        } else {
            emit("Gateway of last resort is not set")
        }
        emit("")
        // Routes at or below their classful length group under that network; shorter ones
        // (supernets, the default route) stand alone. Both in address order.
        var index = 0
        while index < routes.count {
            let route = routes[index]
            let classful = classfulLength(route.prefix)
            guard route.prefixLength >= classful else {
                index = emitPaths(routes, from: index, code: 6, withLength: true, emit: emit)
                continue
            }
            let major = route.prefix.rawValue & InterfaceAddress.maskBits(prefix: classful)
            var end = index
            while end < routes.count, routes[end].prefixLength >= classful,
                  routes[end].prefix.rawValue & InterfaceAddress.maskBits(prefix: classful) == major {
                end += 1
            }
            let group = routes[index..<end]
            var prefixes = 0
            var last: (UInt32, Int)?
            for r in group where last.map({ $0 != (r.prefix.rawValue, r.prefixLength) }) ?? true {
                prefixes += 1
                last = (r.prefix.rawValue, r.prefixLength)
            }
            let masks = Set(group.map(\.prefixLength))
            let network = IPv4Address(rawValue: major).description
            if masks.count > 1 {
                emit("      " + network + "/" + String(classful) + " is variably subnetted, " + String(prefixes)
                     + " subnets, " + String(masks.count) + " masks")
            } else if prefixes > 1 || route.prefixLength != classful {
                emit("      " + network + "/" + String(route.prefixLength) + " is subnetted, " + String(prefixes) + " subnets")
            } else {
                // A classful network on its own: no heading, the short code column.
                index = emitPaths(routes, from: index, code: 6, withLength: true, emit: emit)
                continue
            }
            var i = index
            while i < end { i = emitPaths(routes, from: i, code: 9, withLength: masks.count > 1, emit: emit) }
            index = end
        }
    }

    /// One prefix's routes: the first line with its code, further paths beneath its `[`.
    /// Returns the index after them.
    private static func emitPaths(_ routes: [RouteEntry], from start: Int, code width: Int, withLength: Bool,
                                  emit: (String) -> Void) -> Int {
        let first = routes[start]
        var code: String
        switch first.source {
        case .connected: code = "C"
        case .local: code = "L"
        case .static: code = "S"
        }
        if first.prefixLength == 0 { code += "*" }
        let head = SessionFormat.padRight(code, width) + first.prefix.description
            + (withLength ? "/" + String(first.prefixLength) : "") + " "
        emit(head + path(first))
        var i = start + 1
        while i < routes.count, routes[i].prefix == first.prefix, routes[i].prefixLength == first.prefixLength {
            emit(String(repeating: " ", count: head.count) + path(routes[i]))
            i += 1
        }
        return i
    }

    private static func path(_ route: RouteEntry) -> String {
        guard let hop = route.nextHop else {
            return "is directly connected, " + (route.interfaceName ?? "Null0")
        }
        return "[" + String(route.distance) + "/0] via " + hop.description + (route.interfaceName.map { ", " + $0 } ?? "")
    }

    /// The classful network length of an address: class A /8, B /16, C /24, others /32.
    static func classfulLength(_ address: IPv4Address) -> Int {
        switch address.rawValue >> 24 {
        case 0..<128: return 8
        case 128..<192: return 16
        case 192..<224: return 24
        default: return 32
        }
    }
}
