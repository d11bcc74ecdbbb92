import XCTest
final class DeviceTestsPlaceholder: XCTestCase { func testBuilds() {} }
