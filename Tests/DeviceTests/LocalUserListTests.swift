import Device
import XCTest

/// The `username` list: configuration order, one entry per name, found by name.
final class LocalUserListTests: XCTestCase {
    func testASecondEntryOfANameReplacesTheFirstInItsPlace() {
        var users: LocalUserList = [LocalUser(name: "alice"), LocalUser(name: "bob"), LocalUser(name: "carol")]
        users.set(LocalUser(name: "bob", privilege: 15))
        XCTAssertEqual(users.map(\.name), ["alice", "bob", "carol"])
        XCTAssertEqual(users[named: "bob"]?.privilege, 15)
        users.append(LocalUser(name: "dave"))
        XCTAssertEqual(users.map(\.name), ["alice", "bob", "carol", "dave"])
        XCTAssertEqual(LocalUserList([LocalUser(name: "x"), LocalUser(name: "x", privilege: 3)]).map(\.privilege), [3])
    }

    func testRemovingANameKeepsTheOthersFindable() {
        var users = LocalUserList((0..<100).map { LocalUser(name: "user\($0)", privilege: $0 % 16) })
        XCTAssertTrue(users.remove(named: "user10"))
        XCTAssertFalse(users.remove(named: "user10"))
        XCTAssertNil(users[named: "user10"])
        XCTAssertEqual(users.count, 99)
        for i in 0..<100 where i != 10 {
            XCTAssertEqual(users[named: "user\(i)"]?.privilege, i % 16, "user\(i)")
        }
        XCTAssertEqual(users[10].name, "user11")
    }

    func testRenamingAnEntryInPlaceMovesItsIndex() {
        var users: LocalUserList = [LocalUser(name: "alice"), LocalUser(name: "bob")]
        users[0].name = "zed"
        XCTAssertNil(users[named: "alice"])
        XCTAssertEqual(users[named: "zed"]?.name, "zed")
        XCTAssertEqual(users[named: "bob"]?.name, "bob")
    }

    /// The running config is edited in place and still tells its observers.
    func testEveryWriteOfTheConfigReachesTheObserversAndIsCounted() {
        let device = Device()
        var seen: [Int] = []
        device.observeConfig { seen.append($0.users.count) }
        let writes = device.configWrites
        device.config.users.set(LocalUser(name: "a"))
        device.config.users.set(LocalUser(name: "b"))
        device.config.hostname = "R2"
        XCTAssertEqual(seen, [1, 2, 2])
        XCTAssertEqual(device.configWrites, writes + 3)
        XCTAssertEqual(device.config.users.map(\.name), ["a", "b"])
    }
}
