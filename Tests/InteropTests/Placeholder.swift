import XCTest
final class InteropTestsPlaceholder: XCTestCase { func testBuilds() {} }
