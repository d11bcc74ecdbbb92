import Device
import RADIUS
@testable import Shell
import XCTest

/// `interface GigabitEthernet1` and `interface Loopback N`: configured, shown, refused as IOS
/// refuses, saved and read back, and GigabitEthernet1's address as the NAS-IP-Address.
final class InterfaceConfigTests: XCTestCase {
    func testALoopbackIsCreatedConfiguredShownAndRemoved() {
        let h = Harness()
        h.type("enable", "configure terminal", "interface Loopback1", "description mgmt loop",
               "ip address 10.1.1.1 255.255.255.0", "shutdown", "end")
        XCTAssertEqual(h.shell.submit("show ip interface brief"), """
            Interface              IP-Address      OK? Method Status                Protocol
            GigabitEthernet1       192.168.202.1   YES NVRAM  up                    up
            Loopback0              51.1.1.1        YES NVRAM  up                    up
            Loopback1              10.1.1.1        YES manual administratively down down

            """)
        let show = h.shell.submit("show interfaces Loopback1")
        XCTAssertTrue(show.hasPrefix("Loopback1 is administratively down, line protocol is down \n  Hardware is Loopback\n"
                                     + "  Description: mgmt loop\n  Internet address is 10.1.1.1/24\n"), show)
        XCTAssertEqual(h.shell.submit("show running-config | section interface Loopback1"), """
            interface Loopback1
             description mgmt loop
             ip address 10.1.1.1 255.255.255.0
             shutdown

            """)
        XCTAssertEqual(h.shell.submit("show interfaces description"), """
            Interface                      Status         Protocol Description
            Gi1                            up             up       
            Lo0                            up             up       
            Lo1                            admin down     down     mgmt loop

            """)
        h.type("configure terminal", "no interface Loopback1", "end")
        XCTAssertFalse(h.shell.submit("show ip interface brief").contains("Loopback1"))
    }

    func testLinkAndLineProtocolMessagesFollowTheStateButNotAStartupConfig() {
        let h = Harness()
        h.type("enable", "configure terminal")
        h.console.logs.removeAll()
        _ = h.shell.submit("interface Loopback3")
        XCTAssertEqual(h.console.logs.map { $0.drop { $0 != "%" } }, [
            "%LINK-3-UPDOWN: Interface Loopback3, changed state to up",
            "%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback3, changed state to up"])
        h.console.logs.removeAll()
        _ = h.shell.submit("shutdown")
        _ = h.shell.submit("shutdown")
        XCTAssertEqual(h.console.logs.map { $0.drop { $0 != "%" } }, [
            "%LINK-5-CHANGED: Interface Loopback3, changed state to administratively down",
            "%LINEPROTO-5-UPDOWN: Line protocol on Interface Loopback3, changed state to down"])
        h.type("end", "write memory")
        let after = Harness(startup: h.store.text)
        XCTAssertEqual(after.device.config.interface(.loopback, 3)?.shutdown, true)
        XCTAssertTrue(after.console.logs.isEmpty, "\(after.console.logs)")
    }

    func testTheRunningConfigListsLoopbacksThenTheCSRsPhysicalInterface() {
        let h = Harness()
        h.type("enable", "configure terminal", "interface Loopback7", "ip address 10.7.7.7 255.255.255.255", "end")
        let config = h.shell.submit("show running-config")
        let expected = """
            interface Loopback0
             ip address 51.1.1.1 255.255.255.255
            !
            interface Loopback7
             ip address 10.7.7.7 255.255.255.255
            !
            interface GigabitEthernet1
             ip address 192.168.202.1 255.255.255.0
             negotiation auto
             no mop enabled
             no mop sysid
            !
            """
        XCTAssertTrue(config.contains(expected), config)
    }

    func testIPAddressIsRefusedAsIOSRefusesItAndNothingChanges() {
        let h = Harness()
        h.type("enable", "configure terminal", "interface Loopback1")
        let before = h.device.config
        XCTAssertEqual(h.shell.submit("ip address 10.1.1.0 255.255.255.0"), "% Bad mask /24 for address 10.1.1.0\n")
        XCTAssertEqual(h.shell.submit("ip address 10.1.1.255 255.255.255.0"), "% Bad mask /24 for address 10.1.1.255\n")
        XCTAssertEqual(h.shell.submit("ip address 10.1.1.1 255.0.255.0"), "% Bad mask 0xFF00FF00 for address 10.1.1.1\n")
        XCTAssertEqual(h.shell.submit("ip address 10.1.1.1 0.0.0.0"), "% Bad mask 0x00000000 for address 10.1.1.1\n")
        XCTAssertEqual(h.shell.submit("ip address 192.168.202.9 255.255.0.0"), "% 192.168.0.0 overlaps with GigabitEthernet1\n")
        XCTAssertEqual(h.shell.submit("ip address 51.1.1.1 255.255.255.255"), "% 51.1.1.1 overlaps with Loopback0\n")
        XCTAssertEqual(h.device.config, before)
        // A /31 has no network or broadcast address to refuse.
        XCTAssertEqual(h.shell.submit("ip address 10.9.9.0 255.255.255.254"), "")
        XCTAssertEqual(h.device.config.interface(.loopback, 1)?.address,
                       InterfaceAddress(address: IPv4Address(10, 9, 9, 0), prefixLength: 31))
        h.type("exit")
        XCTAssertEqual(h.shell.submit("no interface GigabitEthernet1"), "% Physical interfaces cannot be removed\n")
        XCTAssertNotNil(h.device.config.interface(.gigabitEthernet, 1))
    }

    func testGigabitEthernet1sAddressIsTheNASIPAddressAndLoopback0sTheSessionsLocalAddress() {
        let h = Harness()
        XCTAssertEqual(h.device.nasIPAddress, IPv4Address(192, 168, 202, 1))
        h.type("enable", "configure terminal", "interface GigabitEthernet1", "ip address 10.2.2.2 255.255.255.0",
               "interface Loopback0", "ip address 10.3.3.3 255.255.255.255", "end")
        XCTAssertEqual(h.device.nasIPAddress, IPv4Address(10, 2, 2, 2))
        XCTAssertEqual(h.device.sessionLocalAddress, IPv4Address(10, 3, 3, 3))
        // Without an address the last one stays: the NAS keeps one identity.
        h.type("configure terminal", "interface GigabitEthernet1", "no ip address", "end")
        XCTAssertEqual(h.device.nasIPAddress, IPv4Address(10, 2, 2, 2))
        XCTAssertTrue(h.shell.submit("show ip interface brief")
            .contains("GigabitEthernet1       unassigned      YES unset  up                    up\n"))
    }

    func testSavedInterfacesComeBackAfterReloadIncludingARemovedLoopback0() {
        let h = Harness()
        h.type("enable", "configure terminal", "no interface Loopback0", "interface Loopback2",
               "ip address 10.4.4.4 255.255.255.0", "interface GigabitEthernet1", "ip address 10.5.5.5 255.255.255.0",
               "description uplink", "no negotiation auto", "mop enabled", "end", "write memory")
        let saved = h.device.config.interfaces
        let after = Harness(startup: h.store.text)
        XCTAssertEqual(after.device.config.interfaces.map(\.name), ["Loopback2", "GigabitEthernet1"])
        XCTAssertEqual(after.device.config.interfaces.map(\.address), saved.map(\.address))
        XCTAssertEqual(after.device.config.interface(.gigabitEthernet, 1)?.description, "uplink")
        XCTAssertEqual(after.device.config.interface(.gigabitEthernet, 1)?.negotiationAuto, false)
        XCTAssertEqual(after.device.config.interface(.gigabitEthernet, 1)?.mopEnabled, true)
        XCTAssertEqual(after.device.nasIPAddress, IPv4Address(10, 5, 5, 5))
        // Read from the startup-config, the addresses are NVRAM's.
        XCTAssertTrue(after.shell.submit("show ip interface brief").contains("Loopback2              10.4.4.4        YES NVRAM "))
    }

    func testShowRunningConfigInterfaceShowsOneBlockWithItsByteCount() {
        let h = Harness()
        h.type("enable")
        XCTAssertEqual(h.shell.submit("show running-config interface Loopback0"), """
            Building configuration...

            Current configuration : 63 bytes
            !
            interface Loopback0
             ip address 51.1.1.1 255.255.255.255
            end


            """)
        let gi = h.shell.submit("show run int gi1")
        XCTAssertTrue(gi.hasSuffix("!\ninterface GigabitEthernet1\n ip address 192.168.202.1 255.255.255.0\n"
                                   + " negotiation auto\n no mop enabled\n no mop sysid\nend\n\n"), gi)
        XCTAssertTrue(h.shell.submit("show running-config interface Loopback9").hasSuffix("% Invalid input detected at '^' marker.\n\n"))
        h.type("configure terminal", "interface Virtual-Template1 type tunnel", "ip unnumbered Loopback0", "end")
        XCTAssertTrue(h.shell.submit("show running-config interface Virtual-Template1")
            .hasSuffix("!\ninterface Virtual-Template1 type tunnel\n ip unnumbered Loopback0\nend\n\n"))
    }

    func testAStartupConfigWithoutInterfacesKeepsTheLabsInterfaces() {
        let h = Harness(startup: "hostname HUB\n!\nend\n")
        XCTAssertEqual(h.device.config.hostname, "HUB")
        XCTAssertEqual(h.device.config.interfaces, InterfaceConfig.labDefaults)
        // One that names the physical interface, even on its first line, starts from a blank router.
        let written = Harness(startup: "interface GigabitEthernet1\n ip address 10.0.0.1 255.255.255.0\nend\n")
        XCTAssertEqual(written.device.config.interfaces.map(\.name), ["GigabitEthernet1"])
        XCTAssertEqual(written.device.nasIPAddress, IPv4Address(10, 0, 0, 1))
    }
}
