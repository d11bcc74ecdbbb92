import Transport
import XCTest

/// Telnet as the vty lines speak it: negotiation answers, NAWS, CR handling, IAC escaping.
final class TelnetDecoderTests: XCTestCase {
    func testGreetingOffersEchoAndSGAAndAsksForTypeAndWindow() {
        XCTAssertEqual(Telnet.greeting, [255, 251, 1, 255, 251, 3, 255, 253, 24, 255, 253, 31])
    }

    func testCarriageReturnNulAndCRLFAreOneEnterAndNulIsDropped() {
        var decoder = TelnetDecoder()
        XCTAssertEqual(decoder.feed(Array("ab\r\0cd\r\nef\0".utf8)).data, Array("ab\rcd\ref".utf8))
        // Split across reads.
        XCTAssertEqual(decoder.feed([UInt8(ascii: "x"), 13]).data, [UInt8(ascii: "x"), 13])
        XCTAssertEqual(decoder.feed([10, UInt8(ascii: "y")]).data, [UInt8(ascii: "y")])
    }

    func testDoubledIACIsAByteAndCommandsAreKeys() {
        var decoder = TelnetDecoder()
        XCTAssertEqual(decoder.feed([65, 255, 255, 66, 255, 241, 255, 244, 255, 247, 255, 248]).data,
                       [65, 255, 66, 3, 0x7F, 0x15])
    }

    func testNAWSReportsTheWindowEvenWithAnEscapedByte() {
        var decoder = TelnetDecoder()
        let out = decoder.feed([255, 250, 31, 0, 132, 0, 43, 255, 240])
        XCTAssertEqual(out.windowSize?.columns, 132)
        XCTAssertEqual(out.windowSize?.rows, 43)
        XCTAssertTrue(out.data.isEmpty)
        let wide = decoder.feed([255, 250, 31, 1, 255, 255, 0, 24, 255, 240])
        XCTAssertEqual(wide.windowSize?.columns, 511)
        XCTAssertEqual(wide.windowSize?.rows, 24)
    }

    func testAnswersRefuseUnknownOptionsOnceAndAcceptOurOwn() {
        var decoder = TelnetDecoder()
        // DO ECHO / DO SGA answer our offers: nothing to say. DO LINEMODE (34): WONT, once.
        XCTAssertEqual(decoder.feed([255, 253, 1, 255, 253, 3]).replies, [])
        XCTAssertEqual(decoder.feed([255, 253, 34]).replies, [255, 252, 34])
        XCTAssertEqual(decoder.feed([255, 253, 34]).replies, [])
        // WILL TTYPE: ask for it; WILL NAWS: the size follows; WILL other: DONT.
        XCTAssertEqual(decoder.feed([255, 251, 24]).replies, [255, 250, 24, 1, 255, 240])
        XCTAssertEqual(decoder.feed([255, 251, 31]).replies, [])
        XCTAssertEqual(decoder.feed([255, 251, 32]).replies, [255, 254, 32])
        XCTAssertEqual(decoder.feed([255, 250, 24, 0] + Array("XTERM".utf8) + [255, 240]).terminalType, "XTERM")
        // DONT ECHO (netmiko refuses every option): still no answer, and we go on echoing.
        XCTAssertEqual(decoder.feed([255, 254, 1, 255, 252, 24]).replies, [])
    }

    func testEscapeDoublesIAC() {
        XCTAssertEqual(Telnet.escape([1, 255, 2]), [1, 255, 255, 2])
    }

    func testRandomBytesNeverTrapAndKeepTheDecoderUsable() {
        var generator = SystemRandomNumberGenerator()
        var decoder = TelnetDecoder()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 1...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = decoder.feed(bytes)
        }
        // Whatever state it was left in, an unfinished subnegotiation is closed by IAC SE, and
        // plain text after it comes through.
        _ = decoder.feed([255, 240, 13, 0])
        XCTAssertEqual(decoder.feed(Array("show".utf8)).data, Array("show".utf8))
    }
}
