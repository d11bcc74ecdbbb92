import Device
import Renderers

/// Static routes (`ip route`) and the routing table they join (`show ip route`, from
/// `Device.routingTable`).
extension IOSCommands {
    /// `ip route` and `show ip route`.
    static var routeCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.exec], "show ip route",
                               [HelpText.show, "IP information", "IP routing table"], privilege: 1, pipe: true) { ctx in
                RouteRenderer.ipRoute(ctx.device) { ctx.print($0) }
            },
            CommandDeclaration([.config],
                               "ip route A.B.C.D$prefix A.B.C.D$mask {A.B.C.D$hop | \\GigabitEthernet <1-1>$gi [A.B.C.D$gihop] | \\Loopback <0-2147483647>$lo [A.B.C.D$lohop] | \\Null <0-0>$null} [<1-255>$distance]",
                               ["Global IP configuration subcommands", "Establish static routes", "Destination prefix",
                                "Destination prefix mask", "Forwarding router's address",
                                "GigabitEthernet IEEE 802.3z", "GigabitEthernet interface number", "Forwarding router's address",
                                "Loopback interface", "Loopback interface number", "Forwarding router's address",
                                "Null interface", "Null interface number", "Distance metric for this route"],
                               no: 4) { ctx in
                guard let prefix = ctx.ipv4("prefix"), let mask = ctx.ipv4("mask") else { return }
                guard let length = InterfaceAddress.prefixLength(mask: mask), prefix.rawValue & ~mask.rawValue == 0 else {
                    ctx.reject("% Inconsistent address and mask")
                    return
                }
                let interface = ctx.int("gi").map { "GigabitEthernet\($0)" } ?? ctx.int("lo").map { "Loopback\($0)" }
                    ?? ctx.int("null").map { "Null\($0)" }
                let hop = ctx.ipv4("hop") ?? ctx.ipv4("gihop") ?? ctx.ipv4("lohop")
                let route = StaticRouteConfig(prefix: prefix, prefixLength: length, interface: interface, nextHop: hop,
                                              distance: ctx.int("distance") ?? 1)
                func same(_ r: StaticRouteConfig) -> Bool { r.prefix == prefix && r.prefixLength == length }
                if ctx.form != .set {
                    // `no ip route P M` removes every route to the prefix; with a next hop or an
                    // interface, only that one.
                    let given = interface != nil || hop != nil
                    ctx.device.config.staticRoutes.removeAll {
                        same($0) && (!given || ($0.interface == interface && $0.nextHop == hop))
                    }
                    return
                }
                var routes = ctx.device.config.staticRoutes
                // The same path again replaces its distance; a new path joins the prefix's.
                if let i = routes.firstIndex(where: { same($0) && $0.interface == interface && $0.nextHop == hop }) {
                    routes[i] = route
                } else {
                    let at = routes.firstIndex {
                        ($0.prefix.rawValue, $0.prefixLength) > (prefix.rawValue, length)
                    } ?? routes.endIndex
                    routes.insert(route, at: at)
                }
                ctx.device.config.staticRoutes = routes
            },
        ]
    }
}
