import Device
import RADIUS

/// `interface GigabitEthernet1` and `interface Loopback N`, and what their `(config-if)#` mode
/// takes: `ip address`, `description`, `shutdown`, and on the physical interface
/// `negotiation auto` and `mop` (the lines a CSR1000v's running-config shows, so a pasted or saved
/// configuration reads back).
extension IOSCommands {
    static var interfaceCommands: [CommandDeclaration] {
        globalInterfaceCommands + interfaceModeCommands + radiusSourceCommands
    }

    private static var globalInterfaceCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.config], "interface \\Loopback <0-2147483647>$lo",
                               ["Select an interface to configure", "Loopback interface", "Loopback interface number"],
                               no: 3) { ctx in
                guard let number = ctx.int("lo") else { return }
                if ctx.form != .set {
                    ctx.device.config.interfaces.removeAll { $0.kind == .loopback && $0.number == number }
                    return
                }
                if ctx.device.config.interface(.loopback, number) == nil {
                    ctx.device.config.updateInterface(.loopback, number) { _ in }
                    if !ctx.shell.loadingConfiguration { logStateChange(ctx.device, "Loopback\(number)", up: true) }
                }
                ctx.shell.enter(.configuredInterface(kind: .loopback, number: number))
            },
            CommandDeclaration([.config], "interface \\GigabitEthernet <1-1>$gi",
                               ["Select an interface to configure", "GigabitEthernet IEEE 802.3z",
                                "GigabitEthernet interface number"], no: 3) { ctx in
                guard let number = ctx.int("gi") else { return }
                if ctx.form != .set {
                    // The router's one physical interface stays; IOS refuses to remove hardware.
                    ctx.reject("% Physical interfaces cannot be removed")
                    return
                }
                ctx.shell.enter(.configuredInterface(kind: .gigabitEthernet, number: number))
            },
        ]
    }

    /// `ip radius source-interface`: which interface's address is the NAS-IP-Address.
    static var radiusSourceCommands: [CommandDeclaration] {
        [
            CommandDeclaration([.config], "ip radius source-interface {\\GigabitEthernet <1-1>$gi | \\Loopback <0-2147483647>$lo}",
                               ["Global IP configuration subcommands", "RADIUS configuration commands",
                                "Specify interface for source address in RADIUS packets",
                                "GigabitEthernet IEEE 802.3z", "GigabitEthernet interface number",
                                "Loopback interface", "Loopback interface number"], no: 3) { ctx in
                let name = ctx.int("gi").map { "GigabitEthernet\($0)" } ?? ctx.int("lo").map { "Loopback\($0)" }
                ctx.device.config.radiusSourceInterface = ctx.form == .set ? name : nil
            },
        ]
    }

    private static var interfaceModeCommands: [CommandDeclaration] {
        let both: [ModeKind] = [.loopbackInterface, .ethernetInterface]
        func edit(_ ctx: CommandContext, _ change: (inout InterfaceConfig) -> Void) {
            guard case let .configuredInterface(kind, number) = ctx.shell.mode else { return }
            ctx.device.config.updateInterface(kind, number, change)
        }
        return [
            CommandDeclaration(both, "ip address A.B.C.D$addr A.B.C.D$mask",
                               ["Interface Internet Protocol config commands", "Set the IP address of an interface",
                                "IP address", "IP subnet mask"], no: 2) { ctx in
                guard ctx.form == .set else {
                    edit(ctx) {
                        $0.address = nil
                        $0.addressSetManually = false
                    }
                    return
                }
                guard case let .configuredInterface(kind, number) = ctx.shell.mode,
                      let address = ctx.ipv4("addr"), let mask = ctx.ipv4("mask") else { return }
                let checked: InterfaceAddress
                switch InterfaceAddress.validate(address: address, mask: mask) {
                case let .failure(error):
                    ctx.reject(error.message)
                    return
                case let .success(value):
                    checked = value
                }
                // IOS refuses a subnet that shares addresses with another interface's.
                for other in ctx.device.config.interfaces where !(other.kind == kind && other.number == number) {
                    if let theirs = other.address, theirs.overlaps(checked) {
                        ctx.reject(InterfaceAddressError.overlaps(network: checked.network, interface: other.name).message)
                        return
                    }
                }
                let manually = !ctx.shell.loadingConfiguration
                edit(ctx) {
                    $0.address = checked
                    $0.addressSetManually = manually
                }
            },
            CommandDeclaration(both, "description LINE$text",
                               ["Interface specific description", "Up to 240 characters describing this interface"],
                               no: 1) { ctx in
                edit(ctx) { $0.description = ctx.form == .set ? ctx.string("text") : nil }
            },
            CommandDeclaration(both, "shutdown", ["Shutdown the selected interface"], no: 1) { ctx in
                guard case let .configuredInterface(kind, number) = ctx.shell.mode else { return }
                let down = ctx.form == .set
                let was = ctx.device.config.interface(kind, number)?.shutdown
                edit(ctx) { $0.shutdown = down }
                if was != down, !ctx.shell.loadingConfiguration,
                   let name = ctx.device.config.interface(kind, number)?.name {
                    logStateChange(ctx.device, name, up: !down)
                }
            },
            CommandDeclaration([.ethernetInterface], "negotiation auto",
                               ["Select Autonegotiation mode", "Enable link autonegotiation"], no: 2) { ctx in
                // `default negotiation auto` is the default: on.
                edit(ctx) { $0.negotiationAuto = ctx.form != .no }
            },
            CommandDeclaration([.ethernetInterface], "mop enabled",
                               ["DEC MOP server commands", "Enable MOP for interface"], no: 2) { ctx in
                edit(ctx) { $0.mopEnabled = ctx.form == .set }
            },
            CommandDeclaration([.ethernetInterface], "mop sysid",
                               ["DEC MOP server commands", "Send out MOP periodic system ID messages"], no: 2) { ctx in
                edit(ctx) { $0.mopSysid = ctx.form == .set }
            },
            CommandDeclaration(both, "exit", ["Exit from interface configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
        ]
    }

    /// The link and line-protocol messages IOS logs when an interface comes up or is shut down.
    private static func logStateChange(_ device: Device, _ name: String, up: Bool) {
        if up {
            device.syslog(facility: "LINK", severity: 3, mnemonic: "UPDOWN", "Interface \(name), changed state to up")
            device.syslog(facility: "LINEPROTO", severity: 5, mnemonic: "UPDOWN",
                          "Line protocol on Interface \(name), changed state to up")
        } else {
            device.syslog(facility: "LINK", severity: 5, mnemonic: "CHANGED",
                          "Interface \(name), changed state to administratively down")
            device.syslog(facility: "LINEPROTO", severity: 5, mnemonic: "UPDOWN",
                          "Line protocol on Interface \(name), changed state to down")
        }
    }
}
