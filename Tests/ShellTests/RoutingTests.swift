import Device
import RADIUS
@testable import Shell
import XCTest

/// `show ip route` from the interfaces, the sessions' assigned addresses and `ip route`.
final class RoutingTests: XCTestCase {
    static let legend = """
        Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
               D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area 
               N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
               E1 - OSPF external type 1, E2 - OSPF external type 2
               i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
               ia - IS-IS inter area, * - candidate default, U - per-user static route
               o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
               a - application route
               + - replicated route, % - next hop override, p - overrides from PfR

        """

    func testTheLabRoutersTableIsItsConnectedInterfaces() {
        let h = Harness()
        h.type("enable")
        XCTAssertEqual(h.shell.submit("show ip route"), Self.legend + """

            Gateway of last resort is not set

                  51.0.0.0/32 is subnetted, 1 subnets
            C        51.1.1.1 is directly connected, Loopback0
                  192.168.202.0/24 is variably subnetted, 2 subnets, 2 masks
            C        192.168.202.0/24 is directly connected, GigabitEthernet1
            L        192.168.202.1/32 is directly connected, GigabitEthernet1

            """)
    }

    func testStaticRoutesResolveRecursivelyShareAPrefixAndFollowTheirInterfaces() {
        let h = Harness()
        h.type("enable", "configure terminal")
        XCTAssertEqual(h.shell.submit("ip route 10.0.0.1 255.0.0.0 Null0"), "% Inconsistent address and mask\n")
        XCTAssertEqual(h.shell.submit("ip route 10.0.0.0 255.0.255.0 Null0"), "% Inconsistent address and mask\n")
        h.type("ip route 172.16.0.0 255.255.0.0 192.168.202.11", "ip route 172.16.0.0 255.255.0.0 192.168.202.10",
               "ip route 10.0.0.0 255.0.0.0 Null0", "ip route 172.20.0.0 255.255.0.0 172.16.9.9",
               "ip route 172.30.0.0 255.255.0.0 9.9.9.9", "ip route 172.31.0.0 255.255.0.0 172.31.0.1",
               "ip route 172.18.0.0 255.255.0.0 Loopback9", "end")
        let table = h.shell.submit("show ip route | begin Gateway")
        XCTAssertEqual(table, """
            Gateway of last resort is not set

            S     10.0.0.0/8 is directly connected, Null0
                  51.0.0.0/32 is subnetted, 1 subnets
            C        51.1.1.1 is directly connected, Loopback0
            S     172.16.0.0/16 [1/0] via 192.168.202.11
                                [1/0] via 192.168.202.10
            S     172.20.0.0/16 [1/0] via 172.16.9.9
                  192.168.202.0/24 is variably subnetted, 2 subnets, 2 masks
            C        192.168.202.0/24 is directly connected, GigabitEthernet1
            L        192.168.202.1/32 is directly connected, GigabitEthernet1

            """)
        // A default route: the gateway of last resort, through which 9.9.9.9 now resolves; a next
        // hop inside the route's own prefix still does not.
        h.type("configure terminal", "ip route 0.0.0.0 0.0.0.0 192.168.202.254", "end")
        let withDefault = h.shell.submit("show ip route | begin Gateway")
        XCTAssertTrue(withDefault.hasPrefix("Gateway of last resort is 192.168.202.254 to network 0.0.0.0\n\n"
                                            + "S*    0.0.0.0/0 [1/0] via 192.168.202.254\n"), withDefault)
        XCTAssertTrue(withDefault.contains("S     172.30.0.0/16 [1/0] via 9.9.9.9\n"))
        XCTAssertFalse(withDefault.contains("172.31.0.0"))
        // The interface goes down: its routes and the static routes through it go.
        h.type("configure terminal", "interface GigabitEthernet1", "shutdown", "end")
        let down = h.shell.submit("show ip route | begin Gateway")
        XCTAssertEqual(down, """
            Gateway of last resort is not set

            S     10.0.0.0/8 is directly connected, Null0
                  51.0.0.0/32 is subnetted, 1 subnets
            C        51.1.1.1 is directly connected, Loopback0

            """)
        XCTAssertEqual(h.shell.submit("show running-config | include ^ip route"), """
            ip route 0.0.0.0 0.0.0.0 192.168.202.254
            ip route 10.0.0.0 255.0.0.0 Null0
            ip route 172.16.0.0 255.255.0.0 192.168.202.11
            ip route 172.16.0.0 255.255.0.0 192.168.202.10
            ip route 172.18.0.0 255.255.0.0 Loopback9
            ip route 172.20.0.0 255.255.0.0 172.16.9.9
            ip route 172.30.0.0 255.255.0.0 9.9.9.9
            ip route 172.31.0.0 255.255.0.0 172.31.0.1

            """)
        h.type("configure terminal", "no ip route 172.16.0.0 255.255.0.0 192.168.202.11", "no ip route 172.30.0.0 255.255.0.0",
               "ip route 10.0.0.0 255.0.0.0 Null0 250", "end")
        let remaining = h.device.config.staticRoutes.map(\.configLine)
        XCTAssertEqual(remaining, ["ip route 0.0.0.0 0.0.0.0 192.168.202.254", "ip route 10.0.0.0 255.0.0.0 Null0 250",
                                   "ip route 172.16.0.0 255.255.0.0 192.168.202.10",
                                   "ip route 172.18.0.0 255.255.0.0 Loopback9", "ip route 172.20.0.0 255.255.0.0 172.16.9.9",
                                   "ip route 172.31.0.0 255.255.0.0 172.31.0.1"])
        // Saved and read back, in the same order.
        h.type("write memory")
        XCTAssertEqual(Harness(startup: h.store.text).device.config.staticRoutes, h.device.config.staticRoutes)
    }

    func testASessionsAssignedAddressIsAStaticRouteToItsVirtualAccess() {
        let h = Harness()
        h.configureAuthorizedPool()
        XCTAssertTrue(h.shell.submit("lab session connect alice profile F").contains("address 10.99.0.1"))
        let table = h.shell.submit("show ip route | begin 10.0.0.0")
        XCTAssertTrue(table.hasPrefix("""
                  10.0.0.0/32 is subnetted, 1 subnets
            S        10.99.0.1 is directly connected, Virtual-Access1
                  51.0.0.0/32 is subnetted, 1 subnets

            """), table)
        // A network behind the client: its next hop resolves through the client's tunnel.
        h.type("configure terminal", "ip route 172.16.0.0 255.255.0.0 10.99.0.1", "end")
        XCTAssertTrue(h.shell.submit("show ip route").contains("S     172.16.0.0/16 [1/0] via 10.99.0.1\n"))
        h.type("clear crypto session")
        let after = h.shell.submit("show ip route")
        XCTAssertFalse(after.contains("10.99.0.1"), after)
    }

    func testPingAnswersFromTheModelsHostsAndCountsThroughTheTunnel() {
        let h = Harness()
        XCTAssertEqual(h.shell.submit("ping 192.168.202.1"), """
            Type escape sequence to abort.
            Sending 5, 100-byte ICMP Echos to 192.168.202.1, timeout is 2 seconds:
            !!!!!
            Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/1 ms

            """)
        XCTAssertEqual(h.shell.submit("ping 10.1.1.1 repeat 3 timeout 1"), """
            Type escape sequence to abort.
            Sending 3, 100-byte ICMP Echos to 10.1.1.1, timeout is 1 seconds:
            ...
            Success rate is 0 percent (0/3)

            """)
        XCTAssertEqual(h.shell.submit("ping router.lab"), """
            Translating "router.lab"...domain server (255.255.255.255)
            % Unrecognized host or address, or protocol not running.


            """)
        h.configureAuthorizedPool()
        h.type("configure terminal", "ip route 10.99.0.0 255.255.0.0 Null0", "end", "lab session connect alice profile F")
        let through = h.shell.submit("ping 10.99.0.1 repeat 75 size 200 source Loopback0")
        XCTAssertEqual(through, """
            Type escape sequence to abort.
            Sending 75, 200-byte ICMP Echos to 10.99.0.1, timeout is 2 seconds:
            Packet sent with a source address of 51.1.1.1 
            """ + "\n" + String(repeating: "!", count: 70) + "\n!!!!!\n" + """
            Success rate is 100 percent (75/75), round-trip min/avg/max = 1/1/1 ms

            """)
        let session = h.device.sessions[uniqueId: 1]
        XCTAssertEqual(session?.packetsIn, 75)
        XCTAssertEqual(session?.bytesOut, 15000)
        // The summary to Null0 drops what no session holds; the client's outside address answers.
        XCTAssertTrue(h.shell.submit("ping 10.99.0.5").contains("Success rate is 0 percent (0/5)"))
        XCTAssertTrue(h.shell.submit("ping 192.168.202.2").contains("Success rate is 100 percent (5/5)"))
        XCTAssertEqual(h.shell.submit("ping 10.99.0.1 source 10.2.2.2"),
                       "% Invalid source address- IP address not on any of our up interfaces\n")
        XCTAssertEqual(h.shell.submit("ping 10.99.0.1 source Loopback4"),
                       "% Invalid source interface - IP not enabled or interface is down\n")
        XCTAssertEqual(h.device.sessions[uniqueId: 1]?.packetsIn, 75)
        // IOS's range, but the emulator's answer is immediate: a bounded count.
        XCTAssertEqual(h.shell.submit("ping 10.99.0.1 repeat 2147483647"),
                       "% Lab: the emulator answers at once; it sends at most 100000 echoes\n")
        XCTAssertEqual(h.device.sessions[uniqueId: 1]?.packetsIn, 75)
        XCTAssertTrue(h.shell.submit("ping 51.1.1.1 repeat 100000").hasSuffix("Success rate is 100 percent (100000/100000), round-trip min/avg/max = 1/1/1 ms\n"))
    }
}
