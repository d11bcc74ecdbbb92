import Device
import RADIUS
import Renderers
import Shell
import XCTest

/// The FlexVPN configuration model and its commands: submodes, `no` forms, running-config
/// placement (it loads back the same), `show crypto ikev2 profile`, `show ip local pool`.
final class FlexVPNConfigTests: XCTestCase {
    static let config = """
        aaa new-model
        aaa group server radius RAD
         server name R1
        aaa authorization network AUTHZ group RAD
        aaa accounting update newinfo periodic 5
        aaa accounting network ACCT start-stop group RAD
        crypto ikev2 name-mangler NM
         fqdn hostname
         email username
         eap prefix delimiter @
        crypto ikev2 authorization policy default
         pool POOL
         dns 10.0.0.53 10.0.0.54
         route set interface
         route set remote ipv4 10.10.0.0 255.255.0.0
         session-lifetime 3600
        crypto ikev2 keyring KR
         peer any
          address 0.0.0.0 0.0.0.0
          pre-shared-key cisco123
        crypto ikev2 profile FLEX
         match identity remote fqdn domain lab
         match identity remote email domain lab
         identity local fqdn flexvpn.lab
         authentication remote pre-share
         authentication remote eap query-identity
         authentication local pre-share
         keyring local KR
         dpd 60 2 on-demand
         aaa authorization group psk list AUTHZ name-mangler NM
         aaa authorization user psk list AUTHZ
         aaa accounting psk ACCT
         virtual-template 1
        interface Virtual-Template1 type tunnel
         ip unnumbered Loopback0
         tunnel mode ipsec ipv4
         tunnel protection ipsec profile default
        ip local pool POOL 10.99.0.1 10.99.0.254
        """

    func testTheConfigurationLoadsAndShowsInIOSXEOrder() throws {
        let h = Harness(startup: Self.config)
        let flex = h.device.config.flexVPN
        XCTAssertEqual(flex.profiles.map(\.name), ["FLEX"])
        let profile = try XCTUnwrap(flex.profile(named: "FLEX"))
        XCTAssertEqual(profile.matchIdentities, [.fqdn("lab", domain: true), .email("lab", domain: true)])
        XCTAssertEqual(profile.remoteAuthentication, [.preShare, .eap(queryIdentity: true, timeout: nil)])
        XCTAssertEqual(profile.groupAuthorization,
                       [IKEv2GroupAuthorization(kind: .psk, list: "AUTHZ", nameMangler: "NM")])
        XCTAssertEqual(profile.keyring, .local("KR"))
        XCTAssertEqual(profile.virtualTemplate, 1)
        XCTAssertEqual(flex.keyrings.first?.peers.first?.localKey?.plain, "cisco123")
        XCTAssertEqual(flex.pools.first?.size, 254)
        XCTAssertEqual(h.device.config.accountingUpdate, AccountingUpdateConfig(newinfo: true, periodicMinutes: 5))

        let lines = RunningConfigRenderer.lines(h.device)
        let text = lines.joined(separator: "\n")
        for block in [
            "aaa authorization network AUTHZ group RAD\naaa accounting update newinfo periodic 5\naaa accounting network ACCT start-stop group RAD",
            "crypto ikev2 name-mangler NM\n fqdn hostname\n email username\n eap prefix delimiter @\n!",
            "crypto ikev2 authorization policy default\n pool POOL\n dns 10.0.0.53 10.0.0.54\n route set interface\n route set remote ipv4 10.10.0.0 255.255.0.0\n session-lifetime 3600\n!",
            "crypto ikev2 keyring KR\n peer any\n  address 0.0.0.0 0.0.0.0\n  pre-shared-key cisco123\n !\n!",
            "crypto ikev2 profile FLEX\n match identity remote fqdn domain lab\n match identity remote email domain lab\n identity local fqdn flexvpn.lab\n authentication remote pre-share\n authentication remote eap query-identity\n authentication local pre-share\n keyring local KR\n dpd 60 2 on-demand\n aaa authorization group psk list AUTHZ name-mangler NM\n aaa authorization user psk list AUTHZ\n aaa accounting psk ACCT\n virtual-template 1\n!",
            "interface Virtual-Template1 type tunnel\n ip unnumbered Loopback0\n tunnel mode ipsec ipv4\n tunnel protection ipsec profile default\n!",
            "ip local pool POOL 10.99.0.1 10.99.0.254\n!",
        ] {
            XCTAssertTrue(text.contains(block), "missing block:\n\(block)\nin:\n\(text)")
        }
        // The crypto blocks come before the interfaces, and the pools after them.
        let profileAt = try XCTUnwrap(lines.firstIndex(of: "crypto ikev2 profile FLEX"))
        let templateAt = try XCTUnwrap(lines.firstIndex(of: "interface Virtual-Template1 type tunnel"))
        let poolAt = try XCTUnwrap(lines.firstIndex(of: "ip local pool POOL 10.99.0.1 10.99.0.254"))
        XCTAssertLessThan(profileAt, templateAt)
        XCTAssertLessThan(templateAt, poolAt)

        // What the running-config shows loads back to the same model.
        let again = Harness(startup: lines.joined(separator: "\n"))
        XCTAssertEqual(again.device.config.flexVPN, h.device.config.flexVPN)
        XCTAssertEqual(again.device.config.accountingUpdate, h.device.config.accountingUpdate)
    }

    func testSubmodesPromptsAndNoForms() {
        let h = Harness()
        let out = h.type("enable", "configure terminal", "crypto ikev2 profile P1",
                         "match identity remote address 192.0.2.0 255.255.255.0", "virtual-template 2",
                         "no virtual-template", "exit", "crypto ikev2 keyring K", "peer A", "address 192.0.2.1",
                         "pre-shared-key local L1", "pre-shared-key remote R1", "hostname h1", "end")
        XCTAssertTrue(out.contains("Device(config-ikev2-profile)#match identity"), out)
        XCTAssertTrue(out.contains("Device(config-ikev2-keyring)#peer A"), out)
        XCTAssertTrue(out.contains("Device(config-ikev2-keyring-peer)#address 192.0.2.1"), out)
        XCTAssertFalse(out.contains("% Invalid"), out)
        let p = h.device.config.flexVPN.profile(named: "P1")
        XCTAssertNil(p?.virtualTemplate)
        XCTAssertEqual(p?.matchIdentities, [.address(IPv4Address(192, 0, 2, 0), mask: IPv4Address(255, 255, 255, 0))])
        let peer = h.device.config.flexVPN.keyring(named: "K")?.peers.first
        XCTAssertEqual(peer?.localKey?.plain, "L1")
        XCTAssertEqual(peer?.remoteKey?.plain, "R1")
        let run = RunningConfigRenderer.lines(h.device).joined(separator: "\n")
        XCTAssertTrue(run.contains(" match identity remote address 192.0.2.0 255.255.255.0 \n"), run)
        XCTAssertTrue(run.contains("  pre-shared-key local L1\n  pre-shared-key remote R1\n"), run)
        // A keyring peer hands a keyring command back to the keyring.
        h.type("configure terminal", "crypto ikev2 keyring K", "peer A", "peer B")
        XCTAssertEqual(h.shell.prompt, "Device(config-ikev2-keyring-peer)#")
        XCTAssertEqual(h.device.config.flexVPN.keyring(named: "K")?.peers.map(\.name), ["A", "B"])
        h.type("exit", "no peer A", "exit", "no crypto ikev2 profile P1", "no crypto ikev2 keyring K")
        XCTAssertTrue(h.device.config.flexVPN.profiles.isEmpty)
        XCTAssertTrue(h.device.config.flexVPN.keyrings.isEmpty)
    }

    func testHelpListsTheProfileCommands() {
        let h = Harness()
        h.type("enable", "configure terminal", "crypto ikev2 profile P1")
        let help = h.help("")
        for word in ["aaa", "authentication", "dpd", "identity", "keyring", "lifetime", "match", "virtual-template"] {
            XCTAssertTrue(help.contains("  \(word) "), "\(word) missing from:\n\(help)")
        }
        XCTAssertTrue(h.help("aaa authorization group psk list L ").contains("name-mangler"))
    }

    func testLocalPoolsShowAndRefuseOverlaps() {
        let h = Harness()
        let out = h.type("enable", "configure terminal", "ip local pool A 10.1.0.1 10.1.0.10",
                         "ip local pool B 10.1.0.5 10.1.0.20", "ip local pool C 10.2.0.9 10.2.0.1", "end",
                         "show ip local pool")
        XCTAssertTrue(out.contains("%IP pool B: overlaps with pool A range 10.1.0.1 to 10.1.0.10"), out)
        XCTAssertTrue(out.contains("%IP pool C: last address (10.2.0.1) is less than first address (10.2.0.9)"), out)
        XCTAssertTrue(out.contains("""
             Pool                     Begin           End             Free  In use   Blocked
             A                        10.1.0.1        10.1.0.10         10       0         0

            """), out)
        let pool = h.device.config.flexVPN.pool(named: "A")!
        let first = h.device.addressPools.allocate(from: pool, uniqueId: 7)
        XCTAssertEqual(first, IPv4Address(10, 1, 0, 1))
        XCTAssertEqual(h.device.addressPools.allocate(from: pool, uniqueId: 8), IPv4Address(10, 1, 0, 2))
        h.device.addressPools.release(first!, from: "A")
        let shown = h.type("show ip local pool A")
        XCTAssertTrue(shown.contains(" A                        10.1.0.1        10.1.0.10          9       1         0\n"), shown)
        // The pool hands out every address once, then nothing.
        for uid in 9..<18 { XCTAssertNotNil(h.device.addressPools.allocate(from: pool, uniqueId: UInt32(uid))) }
        XCTAssertNil(h.device.addressPools.allocate(from: pool, uniqueId: 99))
        XCTAssertTrue(h.type("show ip local pool NOPE").contains("%Pool NOPE does not exist"))
    }

    func testShowCryptoIkev2Profile() {
        let h = Harness(startup: Self.config)
        let out = h.type("enable", "show crypto ikev2 profile FLEX")
        for line in ["IKEv2 profile: FLEX", "  Identities: ", "   fqdn domain lab", " Local identity: fqdn flexvpn.lab",
                     " Remote authentication method(s): pre-share, eap query-identity", " Keyring: KR",
                     " Virtual-template: 1", " AAA Accounting: psk ACCT",
                     " AAA group authorization: psk list AUTHZ name-mangler NM", " AAA user authorization: psk list AUTHZ"] {
            XCTAssertTrue(out.contains(line + "\n"), "\(line) missing from:\n\(out)")
        }
        XCTAssertTrue(h.type("show crypto ikev2 profile NOPE").contains("% IKEv2 profile NOPE does not exist"))
    }

    func testNameMangler() {
        var m = IKEv2NameMangler(name: "NM")
        XCTAssertNil(m.mangle(.fqdn("client.lab")))
        m.fqdn = .hostname
        m.email = .domain
        m.eap = .suffix("\\")
        XCTAssertEqual(m.mangle(.fqdn("client.lab.example")), "client")
        XCTAssertEqual(m.mangle(.email("bob@corp")), "corp")
        XCTAssertEqual(m.mangle(.fqdn("x"), eapIdentity: "CORP\\bob"), "bob")
        XCTAssertNil(m.mangle(.address(IPv4Address(1, 2, 3, 4))))
    }

    func testTrustpointsAndTunnelSourceConfigureShowAndReadBack() {
        let h = Harness()
        h.type("enable", "configure terminal", "crypto ikev2 profile CERT", "authentication remote rsa-sig",
               "pki trustpoint CA", "pki trustpoint SIGNER sign", "interface Virtual-Template2 type tunnel",
               "tunnel source Loopback0", "end")
        let config = h.shell.submit("show running-config")
        XCTAssertTrue(config.contains(" authentication remote rsa-sig\n pki trustpoint CA\n pki trustpoint SIGNER sign\n"), config)
        XCTAssertTrue(config.contains("interface Virtual-Template2 type tunnel\n no ip address\n tunnel source Loopback0\n"), config)
        XCTAssertTrue(h.shell.submit("show crypto ikev2 profile CERT").contains(" Trustpoint(s): CA, SIGNER\n"))
        h.type("configure terminal", "crypto ikev2 profile CERT", "no pki trustpoint SIGNER", "interface Virtual-Template2 type tunnel",
               "tunnel source 192.168.202.1", "end", "write memory")
        let after = Harness(startup: h.store.text)
        XCTAssertEqual(after.device.config.flexVPN.profile(named: "CERT")?.trustpoints, [IKEv2Trustpoint(name: "CA", usage: nil)])
        XCTAssertEqual(after.device.config.flexVPN.virtualTemplates.first?.tunnelSource,
                       .address(IPv4Address(192, 168, 202, 1)))
    }
}

