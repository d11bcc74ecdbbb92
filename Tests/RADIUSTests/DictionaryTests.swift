import XCTest
@testable import RADIUS

final class DictionaryTests: XCTestCase {
    func testLookupByNumberAndName() throws {
        let a = try XCTUnwrap(RADIUSDictionary.attribute(44))
        XCTAssertEqual(a.name, "Acct-Session-Id")
        XCTAssertEqual(a.dataType, .string)
        XCTAssertEqual(RADIUSDictionary.attribute(named: "acct-session-id")?.type, 44)
        XCTAssertEqual(RADIUSDictionary.attribute(named: "ACCT-SESSION-ID")?.type, 44)
        XCTAssertNil(RADIUSDictionary.attribute(named: "Acct-Session"))
        XCTAssertNil(RADIUSDictionary.attribute(17))
        XCTAssertEqual(RADIUSDictionary.name(of: 17), "Attr-17")
        XCTAssertEqual(RADIUSDictionary.name(of: 80), "Message-Authenticator")
        for (n, t, type) in [(55, "Event-Timestamp", RADIUSDataType.date), (80, "Message-Authenticator", .octets),
                             (101, "Error-Cause", .integer), (33, "Proxy-State", .octets),
                             (95, "NAS-IPv6-Address", .ipv6addr), (96, "Framed-Interface-Id", .octets),
                             (4, "NAS-IP-Address", .ipaddr), (26, "Vendor-Specific", .vsa), (18, "Reply-Message", .text),
                             (49, "Acct-Terminate-Cause", .integer), (61, "NAS-Port-Type", .integer)] {
            XCTAssertEqual(RADIUSDictionary.attribute(UInt8(n))?.name, t)
            XCTAssertEqual(RADIUSDictionary.attribute(UInt8(n))?.dataType, type)
            XCTAssertEqual(RADIUSDictionary.attribute(named: t)?.type, UInt8(n))
        }
        // Every name resolves back to its own number; numbers are unique and sorted.
        var last = -1
        for d in RADIUSDictionary.attributes {
            XCTAssertGreaterThan(Int(d.type), last)
            last = Int(d.type)
            XCTAssertEqual(RADIUSDictionary.attribute(named: d.name)?.type, d.type)
            XCTAssertEqual(RADIUSDictionary.attribute(d.type), d)
            for v in d.values { XCTAssertEqual(d.value(named: v.name), v.value) }
        }
        // RFC 2865 1..63 (minus unassigned 17, 21, 54, 56-59) are all present.
        for t in 1...63 where ![17, 21, 54, 56, 57, 58, 59].contains(t) {
            XCTAssertNotNil(RADIUSDictionary.attribute(UInt8(t)), "attribute \(t)")
        }
    }

    func testIOSLabels() {
        XCTAssertEqual(RADIUSDictionary.iosLabel(of: 44), "Acct-Session-Id")
        XCTAssertEqual(RADIUSDictionary.iosLabel(of: 49), "Acct-Terminate-Cause")
        XCTAssertEqual(RADIUSDictionary.iosLabel(of: 151), "home-hl-prefix")
        XCTAssertEqual(RADIUSDictionary.attribute(151)?.dataType, .string)
        XCTAssertEqual(RADIUSDictionary.attribute(named: "HOME-HL-PREFIX")?.type, 151)
        XCTAssertEqual(RADIUSDictionary.iosLabel(of: 26), "Vendor-Specific")
        XCTAssertEqual(RADIUSDictionary.vendor(9)?.iosLabel, "Vendor, Cisco")
        XCTAssertEqual(RADIUSDictionary.vendor(named: "cisco")?.id, 9)
        XCTAssertEqual(RADIUSDictionary.vendorAttribute(vendorId: 9, type: 1)?.iosLabel, "Cisco AVpair")
        XCTAssertEqual(RADIUSDictionary.vendorAttribute(vendorId: 9, type: 1)?.name, "Cisco-AVPair")
        XCTAssertEqual(RADIUSDictionary.vendorAttribute(named: "cisco-avpair")?.type, 1)
        XCTAssertNil(RADIUSDictionary.vendorAttribute(vendorId: 9, type: 2))
        XCTAssertNil(RADIUSDictionary.vendor(311))
    }

    func testEnumeratedValues() throws {
        let status = try XCTUnwrap(RADIUSDictionary.attribute(40))
        XCTAssertEqual(status.iosValueName(1), "Start")
        XCTAssertEqual(status.iosValueName(2), "Stop")
        XCTAssertEqual(status.valueName(3), "Interim-Update")
        XCTAssertEqual(status.iosValueName(3), "Watchdog")
        XCTAssertEqual(status.value(named: "watchdog"), 3)
        XCTAssertEqual(status.value(named: "interim-update"), 3)

        let authentic = try XCTUnwrap(RADIUSDictionary.attribute(45))
        XCTAssertEqual(authentic.iosValueName(1), "RADIUS")
        XCTAssertEqual(authentic.iosValueName(2), "Local")
        XCTAssertEqual(authentic.iosValueName(3), "Remote")

        let cause = try XCTUnwrap(RADIUSDictionary.attribute(49))
        XCTAssertEqual(cause.iosValueName(0), "none")
        XCTAssertEqual(cause.valueName(1), "User-Request")
        XCTAssertEqual(cause.valueName(6), "Admin-Reset")
        XCTAssertEqual(cause.valueName(10), "NAS-Request")
        XCTAssertEqual(cause.valueName(18), "Host-Request")
        XCTAssertEqual(cause.iosValueName(6), "admin-reset")
        XCTAssertEqual(cause.values.map(\.value), Array(0...18))
        XCTAssertEqual(cause.value(named: "Admin-Reset"), 6)
        XCTAssertNil(cause.valueName(19))

        XCTAssertEqual(RADIUSDictionary.attribute(6)?.value(named: "Framed-User"), 2)
        XCTAssertEqual(RADIUSDictionary.attribute(6)?.iosValueName(2), "Framed")
        XCTAssertEqual(RADIUSDictionary.attribute(7)?.valueName(1), "PPP")
        XCTAssertEqual(RADIUSDictionary.attribute(61)?.valueName(5), "Virtual")
        XCTAssertEqual(RADIUSDictionary.attribute(61)?.valueName(15), "Ethernet")
    }

    func testErrorCauseNames() throws {
        let ec = try XCTUnwrap(RADIUSDictionary.attribute(101))
        let expected: [UInt32: String] = [
            201: "Residual Session Context Removed", 202: "Invalid EAP Packet (Ignored)",
            401: "Unsupported Attribute", 402: "Missing Attribute", 403: "NAS Identification Mismatch",
            404: "Invalid Request", 405: "Unsupported Service", 406: "Unsupported Extension",
            407: "Invalid Attribute Value", 501: "Administratively Prohibited", 502: "Request Not Routable (Proxy)",
            503: "Session Context Not Found", 504: "Session Context Not Removable",
            505: "Other Proxy Processing Error", 506: "Resources Unavailable", 507: "Request Initiated",
            508: "Multiple Session Selection Unsupported",
        ]
        XCTAssertEqual(ec.values.count, expected.count)
        for (v, n) in expected {
            XCTAssertEqual(ec.valueName(v), n)
            XCTAssertEqual(ec.iosValueName(v), n)
            XCTAssertEqual(ec.value(named: n.lowercased()), v)
        }
        // FreeRADIUS spellings (what radclient prints) resolve too.
        XCTAssertEqual(ec.value(named: "Session-Context-Not-Found"), 503)
        XCTAssertEqual(ec.value(named: "Invalid-Request"), 404)
    }
}
