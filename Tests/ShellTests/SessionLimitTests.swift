import Device
import Shell
import XCTest

/// `crypto ikev2 limit max-sa N`: the session table stops at N; a new SA past it is refused,
/// logged and counted, and the router goes on (issue 13, "Every queue and cache has a bound").
final class SessionLimitTests: XCTestCase {
    func testMaxSAFillsTheTableThenRefusesLogsAndCounts() {
        let h = Harness()
        h.type("enable", "configure terminal")
        XCTAssertTrue(h.help("crypto ikev2 limit ").contains("max-sa"), h.help("crypto ikev2 limit "))
        h.type("crypto ikev2 limit max-sa 50", "end")
        XCTAssertTrue(h.type("show running-config").contains("\ncrypto ikev2 limit max-sa 50\n!\n"))
        for i in 0..<50 {
            XCTAssertTrue(h.type("lab session connect user\(i)").contains("% Lab: session up"))
        }
        XCTAssertEqual(h.device.sessions.count, 50)
        let refused = h.type("lab session connect one-too-many")
        XCTAssertTrue(refused.contains("% Lab: session refused: crypto ikev2 limit max-sa 50 reached"), refused)
        XCTAssertTrue(refused.contains("%IKEV2-5-SA_REJECTED_LIMIT_REACHED: Request was rejected because the SA "
                                       + "limit (50) was reached"), refused)
        for _ in 0..<9 { h.type("lab session connect again") }
        XCTAssertEqual(h.device.sessions.count, 50)
        XCTAssertEqual(h.device.sessionsRefusedAtLimit, 10)
        // The router keeps serving: a session that ends makes room for one more.
        h.type("clear crypto session remote 192.168.202.2")
        XCTAssertEqual(h.device.sessions.count, 0)
        XCTAssertTrue(h.type("lab session connect after").contains("% Lab: session up"))
        // `no` lifts the limit.
        h.type("configure terminal", "no crypto ikev2 limit max-sa", "end")
        XCTAssertNil(h.device.config.ikev2MaxSA)
        XCTAssertFalse(h.type("show running-config").contains("max-sa"))
    }
}
