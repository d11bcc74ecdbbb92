import Foundation
import Shell
import Transport
import XCTest

/// Replays every transcript shipped in Transcripts/ through the real shell.
final class ShippedTranscriptTests: XCTestCase {
    func testReplayAllTranscripts() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Transcripts").path
        let summary = IOSShell.transcriptReplayer.replayAll(under: folder)
        XCTAssertGreaterThan(summary.results.count, 5, "transcripts missing under \(folder)")
        XCTAssertTrue(summary.ok, summary.report)
    }
}
