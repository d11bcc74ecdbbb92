import XCTest
final class RADIUSTestsPlaceholder: XCTestCase { func testBuilds() {} }
