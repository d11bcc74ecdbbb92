import Device
import Foundation
import Shell
import XCTest

/// Inputs the fuzz targets stopped on (Fuzz/Corpus/*/regression-*), typed here the way the target
/// types them, so each stays answered (issue 13: every fuzzing find becomes a test).
final class FuzzRegressionTests: XCTestCase {
    /// FuzzConsoleLine: `banner exec #…` leaves the shell taking the banner's text, during which IOS
    /// prints no prompt; the target took the empty prompt for a broken one. The text goes on until
    /// the delimiter, then the configuration prompt is back and the banner is in the configuration.
    func testBannerTextIsTypedWithoutAPromptAndEndsAtItsDelimiter() throws {
        let input = try XCTUnwrap(Data(base64Encoded: """
            AGVuYWJsZQpjb25maWd1cmUgdGVybWluYWwKbG9nZ2luIGtleSBiYWQtYXV0aGVudGljYXRvcmx1cyAyMDQ4AT8BAf9vdyABbm8gAT8BAf9v\
            dyABbm8gCW8gCXgJbyAJeGl0CnkgZ2VuZXJhdGUgcnNhCgpjcnlwdG8ga2V5IGdlbmVyYXRlIHJzYSBtb2R1bHVzIDQwOTYKY3JhbWUgYWRt\
            aW4Ka2V5LXN0cmluZwpzc2gtZWQyNTUxOSBBQUFBQzJOemFDMWxaREkxTlRFNUFBQUFJQmNYb1IxTzRuM1p4VmZRMVhoM2MwYjI1NTE5IEFB\
            QUFDMk56YUMxbFpESTFOVEU1QUFBQUlCY1hvUjFPNG4zWnhWZlExWGgzYzBiUzhjVjNqBT8Bc0NMYWIgcm91dGVyOiBhdXRob3Jpc2VkIHVz\
            ZXlub14gQ2wKYmFubmVyIGV4ZWMgI1dlbGNvbWVyaXBwaW5nCgo=
            """))
        let h = Harness()
        var prompts: [String] = []
        var line = ""
        for character in String(decoding: Array(input).dropFirst(), as: UTF8.self) {
            switch character {
            case "\n": _ = h.shell.submit(line)
            case "\t": _ = h.shell.complete(line)
            case "\u{1}": _ = h.shell.help(for: line)
            case "\u{1a}": _ = h.shell.controlZ(line)
            default:
                line.append(character)
                continue
            }
            line = ""
            prompts.append(h.shell.prompt)
        }
        XCTAssertEqual(prompts.last, "", "taking the banner's text: no prompt")
        XCTAssertTrue(prompts.dropLast(2).allSatisfy { TranscriptFormat.isDevicePrompt($0) || $0.hasSuffix(": ") },
                      "\(prompts)")
        _ = h.shell.submit("#")
        XCTAssertEqual(h.shell.prompt, "Device(config)#")
        let shown = h.type("do show running-config | include banner")
        XCTAssertTrue(shown.contains("banner exec #Welcomeripping"), shown)
    }
}
