import Device

/// `show ip interface brief` and `show interfaces [NAME]` from the device's interfaces
/// (`Device.forEachInterface`), in IOS XE's layouts (a CSR1000v's GigabitEthernet, Loopback and
/// FlexVPN Virtual-Access interfaces). Counters are the interface's own.
public enum InterfaceRenderer {
    public static func ipInterfaceBrief(_ device: Device, emit: (String) -> Void) {
        emit("Interface              IP-Address      OK? Method Status                Protocol")
        device.forEachInterface { i in
            let address = (i.address ?? i.unnumbered?.address)?.description ?? "unassigned"
            let method = i.kind == .virtualAccess || i.address == nil ? "unset" : i.addressSetManually ? "manual" : "NVRAM"
            let status = i.administrativelyDown ? "administratively down" : "up"
            emit(SessionFormat.padRight(i.name, 22) + " " + SessionFormat.padRight(address, 15) + " YES "
                 + SessionFormat.padRight(method, 6) + " " + SessionFormat.padRight(status, 21)
                 + (i.administrativelyDown ? " down" : " up"))
        }
    }

    /// `show interfaces description`: IOS's short names (`Gi1`, `Lo0`, `Vi1`), status, protocol
    /// and the description.
    public static func interfacesDescription(_ device: Device, emit: (String) -> Void) {
        emit("Interface                      Status         Protocol Description")
        device.forEachInterface { i in
            let short: String
            switch i.kind {
            case .gigabitEthernet: short = "Gi" + i.name.dropFirst("GigabitEthernet".count)
            case .loopback: short = "Lo" + i.name.dropFirst("Loopback".count)
            case .virtualAccess: short = "Vi" + i.name.dropFirst("Virtual-Access".count)
            }
            let down = i.administrativelyDown
            emit(SessionFormat.padRight(short, 30) + " " + SessionFormat.padRight(down ? "admin down" : "up", 14) + " "
                 + SessionFormat.padRight(down ? "down" : "up", 8) + " " + (i.description ?? ""))
        }
    }

    /// The `interface GigabitEthernet1` and `interface Loopback N` blocks of the running config.
    public static func configLines(_ interfaces: [InterfaceConfig], emit: (String) -> Void) {
        for i in interfaces {
            emit("interface " + i.name)
            if let d = i.description { emit(" description " + d) }
            if let a = i.address {
                emit(" ip address " + a.address.description + " " + a.mask.description)
            } else {
                emit(" no ip address")
            }
            if i.shutdown { emit(" shutdown") }
            if i.kind == .gigabitEthernet {
                emit(i.negotiationAuto ? " negotiation auto" : " no negotiation auto")
                emit(i.mopEnabled ? " mop enabled" : " no mop enabled")
                emit(i.mopSysid ? " mop sysid" : " no mop sysid")
            }
            emit("!")
        }
    }

    /// `show interfaces`: every interface; `name` set, only that one. Returns false when the
    /// device has no interface of that name.
    @discardableResult
    public static func interfaces(_ device: Device, name: String? = nil, emit: (String) -> Void) -> Bool {
        var found = false
        device.forEachInterface { i in
            if let name, i.name.lowercased() != name.lowercased() { return }
            found = true
            block(device, i, emit: emit)
        }
        return found
    }

    private static func block(_ device: Device, _ i: DeviceInterface, emit: (String) -> Void) {
        emit(i.name + (i.administrativelyDown ? " is administratively down, line protocol is down " : " is up, line protocol is up "))
        switch i.kind {
        case .gigabitEthernet:
            let mac = i.macAddress ?? "0000.0000.0000"
            emit("  Hardware is CSR vNIC, address is " + mac + " (bia " + mac + ")")
        case .loopback:
            emit("  Hardware is Loopback")
        case .virtualAccess:
            emit("  Hardware is Virtual Access interface")
        }
        if let d = i.description { emit("  Description: " + d) }
        if let address = i.address {
            emit("  Internet address is " + address.description + "/" + String(i.prefixLength))
        } else if let borrowed = i.unnumbered {
            emit("  Interface is unnumbered. Using address of " + borrowed.name + " (" + borrowed.address.description + ")")
        }
        switch i.kind {
        case .gigabitEthernet:
            emit("  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec, ")
            emit("     reliability 255/255, txload 1/255, rxload 1/255")
            emit("  Encapsulation ARPA, loopback not set")
            emit("  Keepalive set (10 sec)")
            emit("  Full Duplex, 1000Mbps, link type is auto, media type is Virtual")
            emit("  output flow-control is unsupported, input flow-control is unsupported")
            emit("  ARP type: ARPA, ARP Timeout 04:00:00")
        case .loopback:
            emit("  MTU 1514 bytes, BW 8000000 Kbit/sec, DLY 5000 usec, ")
            emit("     reliability 255/255, txload 1/255, rxload 1/255")
            emit("  Encapsulation LOOPBACK, loopback not set")
            emit("  Keepalive set (10 sec)")
        case .virtualAccess:
            emit("  MTU 9938 bytes, BW 100 Kbit/sec, DLY 50000 usec, ")
            emit("     reliability 255/255, txload 1/255, rxload 1/255")
            emit("  Encapsulation TUNNEL")
            emit("  Tunnel vaccess, cloned from Virtual-Template1")
            emit("  Vaccess status 0x4, loopback not set")
            emit("  Keepalive not set")
            emit("  Tunnel linestate evaluation up")
            if let tunnel = i.tunnel {
                emit("  Tunnel source " + tunnel.source.description + ", destination " + tunnel.destination.description)
            }
            emit("  Tunnel protocol/transport IPSEC/IP")
            emit("  Tunnel TTL 255")
            emit("  Tunnel transport MTU 1438 bytes")
            emit("  Tunnel transmit bandwidth 8000 (kbps)")
            emit("  Tunnel receive bandwidth 8000 (kbps)")
            emit("  Tunnel protection via IPSec (profile \"default\")")
        }
        emit("  Last input " + (i.packetsIn == 0 ? "never" : "00:00:00") + ", output "
             + (i.packetsOut == 0 ? "never" : "00:00:00") + ", output hang never")
        if i.kind == .virtualAccess {
            emit("  Last clearing of \"show interface\" counters "
                 + SessionFormat.duration(Int((device.now - i.createdAt).rounded(.down))))
        } else {
            emit("  Last clearing of \"show interface\" counters never")
        }
        let inputMax = i.kind == .gigabitEthernet ? "375" : "75"
        emit("  Input queue: 0/" + inputMax + "/0/0 (size/max/drops/flushes); Total output drops: 0")
        emit("  Queueing strategy: fifo")
        emit("  Output queue: 0/" + (i.kind == .gigabitEthernet ? "40" : "0") + " (size/max)")
        emit("  5 minute input rate 0 bits/sec, 0 packets/sec")
        emit("  5 minute output rate 0 bits/sec, 0 packets/sec")
        emit("     " + String(i.packetsIn) + " packets input, " + String(i.bytesIn) + " bytes, 0 no buffer")
        emit("     Received 0 broadcasts (0 IP multicasts)")
        emit("     0 runts, 0 giants, 0 throttles ")
        if i.kind == .gigabitEthernet {
            emit("     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored")
            emit("     0 watchdog, 0 multicast, 0 pause input")
        } else {
            emit("     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort")
        }
        emit("     " + String(i.packetsOut) + " packets output, " + String(i.bytesOut) + " bytes, 0 underruns")
        emit("     Output 0 broadcasts (0 IP multicasts)")
        emit("     0 output errors, 0 collisions, 0 interface resets")
        emit("     0 unknown protocol drops")
        if i.kind == .gigabitEthernet {
            emit("     0 babbles, 0 late collision, 0 deferred")
            emit("     0 lost carrier, 0 no carrier, 0 pause output")
        }
        emit("     0 output buffer failures, 0 output buffers swapped out")
        if i.kind == .virtualAccess { emit("     0 carrier transitions") }
    }
}
