@testable import Transport
import XCTest

/// The queue between the device's owner and a paging line holds a bounded number of bytes.
final class CommandOutputQueueTests: XCTestCase {
    func testOutputPastTheLimitIsDroppedAndTheLineIsTold() {
        let queue = CommandOutputQueue(limit: 100)
        queue.reset()
        for i in 0..<50 { queue.push("line \(i)\n") }   // 7 or 8 bytes each: past 100 after 13
        queue.finish("rest\n")
        var received: [String] = []
        while let chunk = queue.next() { received.append(chunk) }
        XCTAssertEqual(received.last, CommandOutputQueue.truncationNotice)
        let kept = received.dropLast()
        XCTAssertEqual(Array(kept), (0..<13).map { "line \($0)\n" })
        XCTAssertLessThanOrEqual(kept.map(\.utf8.count).reduce(0, +), 100)

        // The next command starts with an empty queue and no notice.
        queue.reset()
        queue.push("show clock\n")
        queue.finish(nil)
        XCTAssertEqual(queue.next(), "show clock\n")
        XCTAssertNil(queue.next())
    }

    func testReadingFreesRoomForMore() {
        let queue = CommandOutputQueue(limit: 10)
        queue.reset()
        queue.push("12345678\n")
        XCTAssertEqual(queue.next(), "12345678\n")
        queue.push("abcdefgh\n")                         // room again once read
        queue.finish("")
        XCTAssertEqual(queue.next(), "abcdefgh\n")
        XCTAssertNil(queue.next())
    }
}
