import RADIUS
import XCTest
@testable import Device

/// Pool addresses are handed out from where the last allocation stopped, over every range in
/// order, wrapping once around; given-back addresses are found again.
final class AddressPoolStateTests: XCTestCase {
    func testAllocationWalksTheRangesFromTheCursorAndWraps() {
        var pool = LocalAddressPool(name: "P")
        pool.ranges = [LocalAddressPool.Range(first: IPv4Address(10, 0, 0, 1), last: IPv4Address(10, 0, 0, 3)),
                       LocalAddressPool.Range(first: IPv4Address(10, 0, 1, 1), last: IPv4Address(10, 0, 1, 2))]
        let state = AddressPoolState()
        let first = (1...5).map { state.allocate(from: pool, uniqueId: UInt32($0)) }
        XCTAssertEqual(first, [IPv4Address(10, 0, 0, 1), IPv4Address(10, 0, 0, 2), IPv4Address(10, 0, 0, 3),
                               IPv4Address(10, 0, 1, 1), IPv4Address(10, 0, 1, 2)])
        XCTAssertNil(state.allocate(from: pool, uniqueId: 6))
        state.release(IPv4Address(10, 0, 0, 2), from: "P")
        state.release(IPv4Address(10, 0, 1, 1), from: "P")
        // The cursor is past the last range: the walk starts again at the first.
        XCTAssertEqual(state.allocate(from: pool, uniqueId: 7), IPv4Address(10, 0, 0, 2))
        // From 10.0.0.3 (held) on: the first range's beginning waits its turn, the second range is next.
        XCTAssertEqual(state.allocate(from: pool, uniqueId: 8), IPv4Address(10, 0, 1, 1))
        XCTAssertEqual(state.inUse["P"]?[IPv4Address(10, 0, 1, 1)], 8)
        XCTAssertEqual(state.inUseCount("P"), 5)
    }
}
