@testable import Transport
import XCTest

/// The screen-line normaliser that turns libedit's terminal output into transcript text.
final class ScreenLinesTests: XCTestCase {
    private func feed(_ text: String) -> (ScreenLines, [ScreenLines.Event]) {
        var screen = ScreenLines()
        let events = screen.feed(Array(text.utf8))
        return (screen, events)
    }

    func testCarriageReturnRedrawsAndCRLFEndsTheLine() {
        let (screen, events) = feed("Device#sh\rDevice#show\r\nout\r\nDevice#")
        XCTAssertEqual(events, [.line("Device#show"), .line("out")])
        XCTAssertEqual(screen.partial, "Device#")
    }

    func testBlanksThatEraseBeyondTheCursorAreNotText() {
        // Backspace erasing "xy": BS BS, blanks, BS BS. The blanks after the cursor are not part
        // of the line; the typed blank before it is.
        let (_, events) = feed("Device#show xy\u{8}\u{8}  \u{8}\u{8}\r\n")
        XCTAssertEqual(events, [.line("Device#show ")])
        // Blanks before the cursor are: a question's trailing blank stays.
        let (screen, _) = feed("Password: ")
        XCTAssertEqual(screen.partial, "Password: ")
    }

    func testCursorMovesAndEraseToEndOfLine() {
        let (_, events) = feed("Device#conf\u{1B}[4Dxxxx\u{1B}[2D\u{1B}[K\r\n")
        XCTAssertEqual(events, [.line("Device#xx")])
        let (_, right) = feed("ab\u{1B}[5Dc\u{1B}[C!\r\n")
        XCTAssertEqual(right, [.line("cb!")])
    }

    func testBellAndOtherControlsShowNothing() {
        let (screen, events) = feed("a\u{7}b\u{1B}[?1hc\u{1B}=d")
        XCTAssertEqual(events, [])
        XCTAssertEqual(screen.partial, "abcd")
    }

    func testIdleMarkersAreTakenOutOfTheText() {
        let (screen, events) = feed("Device#" + String(decoding: IdleMarker.bytes(consumed: 42), as: UTF8.self) + "x")
        XCTAssertEqual(events, [.idle(consumed: 42)])
        XCTAssertEqual(screen.partial, "Device#x")
        // Another device control string is dropped without an event.
        let (other, none) = feed("a\u{1B}Pother;1\u{1B}\\b")
        XCTAssertEqual(none, [])
        XCTAssertEqual(other.partial, "ab")
    }

    func testCharactersSplitBetweenReads() {
        var screen = ScreenLines()
        XCTAssertEqual(screen.feed([0x68, 0xC3]), [])
        XCTAssertEqual(screen.partial, "h")
        XCTAssertEqual(screen.feed([0xA9, 0x0D, 0x0A]), [.line("hé")])
        // A CR at the end of one read and the LF at the start of the next still end one line.
        XCTAssertEqual(screen.feed(Array("ab\r".utf8)), [])
        XCTAssertEqual(screen.feed([0x0A]), [.line("ab")])
    }
}
