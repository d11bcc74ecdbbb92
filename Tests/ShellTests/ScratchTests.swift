import Device
@testable import Shell
import XCTest

final class ScratchTests: XCTestCase {
    func testScratch() {
        let h = Harness()
        var out = h.type("enable", "conf t", "aaa new-model", "aaa server radius dynamic-author",
                         "client 192.168.0.5 server-key cisco", "port 1812", "end", "sh run")
        out += h.help("")
        out += h.help("conf")
        out += h.help("show ")
        out += h.help("show running-config ")
        out += h.type("sh r", "show foo", "ls", "clock set 00:20:23 4 Nov 2014", "show clock", "conf t")
        out += h.help("aaa ")
        out += h.help("")
        out += h.type("service timestamps debug datetime localtime msec show-timezone", "ip ospf area 1", "clock timezone IST 5 30", "do sh clock", "do sh foo", "port 5")
        print(out)
    }
}
