import Device
import RADIUS
import Shell
import XCTest

/// Standard access lists: matching, counters, and the vty lines' `access-class … in`.
final class AccessListTests: XCTestCase {
    private func harness(_ startup: String) -> Harness { Harness(startup: startup) }

    func testFirstMatchingEntryDecidesThenTheImplicitDeny() throws {
        let h = harness("""
            ip access-list standard MGMT
             10 deny 10.1.1.7
             20 permit 10.1.1.0 0.0.0.255
             30 permit host 192.0.2.1
            """)
        let d = h.device
        XCTAssertFalse(d.accessListPermits("MGMT", address: IPv4Address("10.1.1.7")!))
        XCTAssertTrue(d.accessListPermits("MGMT", address: IPv4Address("10.1.1.8")!))
        XCTAssertTrue(d.accessListPermits("MGMT", address: IPv4Address("10.1.1.200")!))
        XCTAssertFalse(d.accessListPermits("MGMT", address: IPv4Address("10.1.2.1")!))   // implicit deny
        XCTAssertTrue(d.accessListPermits("MGMT", address: IPv4Address("192.0.2.1")!))
        XCTAssertFalse(d.accessListPermits("MGMT", address: IPv4Address("192.0.2.2")!))
        // Only entries that decided count; the implicit deny has no counter.
        XCTAssertEqual(d.accessListMatchCount("MGMT", sequence: 10), 1)
        XCTAssertEqual(d.accessListMatchCount("MGMT", sequence: 20), 2)
        XCTAssertEqual(d.accessListMatchCount("MGMT", sequence: 30), 1)
        let shown = h.type("enable", "show access-lists MGMT")
        XCTAssertTrue(shown.contains("    10 deny   10.1.1.7 (1 match)\n"), shown)
        XCTAssertTrue(shown.contains("    20 permit 10.1.1.0, wildcard bits 0.0.0.255 (2 matches)\n"), shown)
        // An undefined list permits, as IOS treats an access-class naming no list.
        XCTAssertTrue(d.accessListPermits("NOPE", address: IPv4Address("10.1.2.1")!))
    }

    func testAccessClassChoosesTheFirstFreeLineThatPermits() throws {
        let h = harness("""
            access-list 5 permit 127.0.0.1
            line vty 0 1
             access-class 5 in
            """)
        let d = h.device
        // vty 0 permits 127.0.0.1; 10.0.0.9 is denied there and on vty 1, and lands on vty 2.
        XCTAssertEqual(d.vtyLineAdmitting(peer: "127.0.0.1").number, 0)
        XCTAssertEqual(d.vtyLineAdmitting(peer: "10.0.0.9").number, 2)
        // Every line with the list: the client is refused (not busy).
        _ = h.type("enable", "configure terminal", "line vty 0 4", "access-class 5 in", "end")
        let refused = d.vtyLineAdmitting(peer: "10.0.0.9")
        XCTAssertNil(refused.number)
        XCTAssertFalse(refused.busy)
        XCTAssertEqual(d.vtyLineAdmitting(peer: "127.0.0.1").number, 0)
        XCTAssertEqual(d.accessListMatchCount("5", sequence: 10), 2)
        // `no access-class` opens the lines again.
        _ = h.type("configure terminal", "line vty 0 4", "no access-class 5 in", "end")
        XCTAssertEqual(d.vtyLineAdmitting(peer: "10.0.0.9").number, 0)
    }
}
