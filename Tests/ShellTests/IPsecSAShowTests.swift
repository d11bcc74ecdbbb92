import Device
@testable import Shell
import XCTest

/// `show crypto ipsec sa` for simulated sessions: one flow each, its counters from the session's traffic.
final class IPsecSAShowTests: XCTestCase {
    func testASimulatedSessionShowsTheDefaultTransformSetAndItsTraffic() {
        let h = Harness()
        h.configureAuthorizedPool()
        XCTAssertEqual(h.shell.submit("show crypto ipsec sa"), "")
        h.type("lab session connect alice profile F", "lab session connect bob peer 192.168.202.4",
               "lab session traffic 1 bytes-in 20480 bytes-out 4096 packets-in 20 packets-out 4")
        h.time.advance(by: 61)
        let all = h.shell.submit("show crypto ipsec sa")
        XCTAssertEqual(all.components(separatedBy: "\ninterface: ").count, 3, all)
        let alice = h.shell.submit("show crypto ipsec sa peer 192.168.202.2")
        XCTAssertFalse(alice.contains("Virtual-Access2"))
        let spis = alice.matches(of: /\n      spi: (0x[0-9A-F]+\(\d+\))/).map { String($0.output.1) }
        XCTAssertEqual(spis.count, 2)
        XCTAssertEqual(alice, """

            interface: Virtual-Access1
                Crypto map tag: Virtual-Access1-head-0, local addr 51.1.1.1

               protected vrf: (none)
               local  ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)
               remote ident (addr/mask/prot/port): (10.99.0.1/255.255.255.255/0/0)
               current_peer 192.168.202.2 port 4500
                 PERMIT, flags={origin_is_acl,}
                #pkts encaps: 4, #pkts encrypt: 4, #pkts digest: 4
                #pkts decaps: 20, #pkts decrypt: 20, #pkts verify: 20
                #pkts compressed: 0, #pkts decompressed: 0
                #pkts not compressed: 0, #pkts compr. failed: 0
                #pkts not decompressed: 0, #pkts decompress failed: 0
                #send errors 0, #recv errors 0

                 local crypto endpt.: 51.1.1.1, remote crypto endpt.: 192.168.202.2
                 plaintext mtu 1438, path mtu 1500, ip mtu 1500, ip mtu idb GigabitEthernet1
                 current outbound spi: \(spis[1])
                 PFS (Y/N): N, DH group: none

                 inbound esp sas:
                  spi: \(spis[0])
                    transform: esp-aes esp-sha-hmac ,
                    in use settings ={Tunnel, }
                    conn id: 2001, flow_id: CSR:1, sibling_flags FFFFFFFF80000048, crypto map: Virtual-Access1-head-0
                    sa timing: remaining key lifetime (k/sec): (4607980/3539)
                    IV size: 16 bytes
                    replay detection support: Y
                    Status: ACTIVE(ACTIVE)

                 inbound ah sas:

                 inbound pcp sas:

                 outbound esp sas:
                  spi: \(spis[1])
                    transform: esp-aes esp-sha-hmac ,
                    in use settings ={Tunnel, }
                    conn id: 2002, flow_id: CSR:2, sibling_flags FFFFFFFF80000048, crypto map: Virtual-Access1-head-0
                    sa timing: remaining key lifetime (k/sec): (4607996/3539)
                    IV size: 16 bytes
                    replay detection support: Y
                    Status: ACTIVE(ACTIVE)

                 outbound ah sas:

                 outbound pcp sas:


            """)
        // The same SPIs a second time; the other session's differ.
        XCTAssertEqual(h.shell.submit("show crypto ipsec sa peer 192.168.202.2"), alice)
        let bob = h.shell.submit("show crypto ipsec sa peer 192.168.202.4")
        XCTAssertTrue(bob.contains("conn id: 2003, flow_id: CSR:3"), bob)
        XCTAssertFalse(bob.contains(spis[0]), bob)
    }

    func testTransformSetsAndProfilesConfigureSaveAndShapeTheSessionsSAs() {
        let h = Harness()
        h.type("enable", "configure terminal", "crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac", "mode transport",
               "crypto ipsec transform-set GCM esp-gcm 256", "exit", "crypto ipsec profile FLEXP")
        XCTAssertEqual(h.shell.submit("set transform-set GCM NOPE"), "ERROR: transform set with tag \"NOPE\" does not exist.\n")
        XCTAssertEqual(h.device.config.flexVPN.ipsecProfiles.first?.transformSets, [])
        h.type("set transform-set GCM TS", "set pfs group19", "set security-association lifetime seconds 28800",
               "set ikev2-profile FLEX", "interface Virtual-Template1 type tunnel", "tunnel protection ipsec profile FLEXP", "end")
        let config = h.shell.submit("show running-config")
        XCTAssertTrue(config.contains("""
            crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac 
             mode transport
            !
            crypto ipsec transform-set GCM esp-gcm 256 
             mode tunnel
            !
            crypto ipsec profile FLEXP
             set security-association lifetime seconds 28800
             set transform-set GCM TS 
             set pfs group19
             set ikev2-profile FLEX
            !
            """), config)
        XCTAssertEqual(h.shell.submit("show crypto ipsec transform-set"), """
            Transform set default: { esp-aes esp-sha-hmac  } 
               will negotiate = { Transport,  }, 
               
            Transform set TS: { esp-256-aes esp-sha256-hmac  } 
               will negotiate = { Transport,  }, 
               
            Transform set GCM: { esp-gcm 256  } 
               will negotiate = { Tunnel,  }, 
               

            """)
        XCTAssertEqual(h.shell.submit("show crypto ipsec transform-set tag GCM").split(separator: "\n").first,
                       "Transform set GCM: { esp-gcm 256  } ")
        h.type("write memory")
        let after = Harness(startup: h.store.text)
        XCTAssertEqual(after.device.config.flexVPN.transformSets, h.device.config.flexVPN.transformSets)
        XCTAssertEqual(after.device.config.flexVPN.ipsecProfiles, h.device.config.flexVPN.ipsecProfiles)
        // A simulated session takes the profile's first set, its PFS group and lifetime.
        h.type("lab session connect bob")
        h.time.advance(by: 100)
        let sa = h.shell.submit("show crypto ipsec sa")
        XCTAssertEqual(sa.components(separatedBy: "        transform: esp-gcm 256 ,\n").count, 3, sa)
        XCTAssertTrue(sa.contains("     PFS (Y/N): Y, DH group: group19\n"), sa)
        XCTAssertTrue(sa.contains("     plaintext mtu 1446, "), sa)
        XCTAssertTrue(sa.contains("        IV size: 8 bytes\n"), sa)
        XCTAssertTrue(sa.contains("(k/sec): (4608000/28700)"), sa)
        // Another set; its transport mode does not apply to a tunnel interface's SAs. Without the
        // profile, IOS's defaults.
        h.type("configure terminal", "crypto ipsec profile FLEXP", "set transform-set TS", "end")
        let other = h.shell.submit("show crypto ipsec sa")
        XCTAssertTrue(other.contains("        transform: esp-256-aes esp-sha256-hmac ,\n        in use settings ={Tunnel, }\n"),
                      other)
        XCTAssertTrue(other.contains("     plaintext mtu 1438, "), other)
        h.type("configure terminal", "no crypto ipsec profile FLEXP", "end")
        let defaults = h.shell.submit("show crypto ipsec sa")
        XCTAssertTrue(defaults.contains("        transform: esp-aes esp-sha-hmac ,\n        in use settings ={Tunnel, }\n"), defaults)
        XCTAssertTrue(defaults.contains("     PFS (Y/N): N, DH group: none\n"), defaults)
        XCTAssertFalse(h.shell.submit("show running-config").contains("crypto ipsec profile"))
    }
}

