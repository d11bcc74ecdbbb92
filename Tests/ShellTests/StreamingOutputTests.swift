import Device
@testable import Shell
import XCTest

final class StreamingOutputTests: XCTestCase {
    private func deviceWithSessions(_ count: Int) -> Harness {
        let h = Harness()
        for i in 0..<count { h.device.connectSession(userName: "user\(i)") }
        h.type("enable")
        return h
    }

    func testLongOutputsStreamInChunksAndMatchTheGatheredText() {
        let h = deviceWithSessions(3000)
        let whole = h.shell.submit("show aaa sessions")
        var chunks: [String] = []
        h.shell.outputStream = { chunks.append($0) }
        let rest = h.shell.submit("show aaa sessions")
        XCTAssertGreaterThan(chunks.count, 2, "output was not streamed")
        XCTAssertTrue(chunks.allSatisfy { $0.utf8.count <= 2 * CommandContext.chunkBytes })
        XCTAssertEqual(chunks.joined() + rest, whole)
    }

    func testFiltersKeepTheirStateAcrossChunks() {
        let h = deviceWithSessions(3000)
        let gathered = ["| include user29", "| count Unique", "| begin user2999", "| section Session Id: 2999$"].map {
            h.shell.submit("show aaa sessions " + $0)
        }
        var chunks: [String] = []
        h.shell.outputStream = { chunks.append($0) }
        for (filter, expected) in zip(["| include user29", "| count Unique", "| begin user2999", "| section Session Id: 2999$"], gathered) {
            chunks.removeAll()
            let rest = h.shell.submit("show aaa sessions " + filter)
            XCTAssertEqual(chunks.joined() + rest, expected, filter)
        }
        XCTAssertEqual(gathered[1], "Number of lines which match regexp = 3000\n")
        XCTAssertEqual(gathered[3].split(separator: "\n").count, 6)
    }
}
