import XCTest
@testable import RADIUS

final class DecodeErrorTests: XCTestCase {
    func decodeError(_ bytes: [UInt8]) -> RADIUSDecodeError? {
        do {
            _ = try RADIUSPacket.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    func header(code: UInt8 = 40, length: Int) -> [UInt8] {
        [code, 1, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)] + Array(repeating: 0, count: 16)
    }

    func testTooShort() {
        XCTAssertEqual(decodeError([]), .tooShort)
        XCTAssertEqual(decodeError([40, 1, 0, 20]), .tooShort)
        XCTAssertEqual(decodeError(Array(header(length: 20).prefix(19))), .tooShort)
    }

    func testLengthOutOfRange() {
        XCTAssertEqual(decodeError(header(length: 19)), .lengthOutOfRange(19))
        XCTAssertEqual(decodeError(header(length: 0)), .lengthOutOfRange(0))
        XCTAssertEqual(decodeError(header(length: 4097) + Array(repeating: 0, count: 4077)), .lengthOutOfRange(4097))
        XCTAssertEqual(decodeError(header(length: 0xFFFF)), .lengthOutOfRange(0xFFFF))
        // 4096 exactly is fine: 15 attributes of 255 bytes and one of 251.
        var max = header(length: 4096)
        for _ in 0..<15 { max += [18, 255] + Array(repeating: 0x41, count: 253) }
        max += [18, 251] + Array(repeating: 0x42, count: 249)
        XCTAssertEqual(max.count, 4096)
        XCTAssertNil(decodeError(max))
    }

    func testTruncated() {
        XCTAssertEqual(decodeError(header(length: 30) + [1, 5, 0x41, 0x42]), .truncated(declared: 30, actual: 24))
        XCTAssertEqual(decodeError(header(length: 21)), .truncated(declared: 21, actual: 20))
    }

    func testBadAttributeLength() {
        // Length 0 and 1.
        XCTAssertEqual(decodeError(header(length: 22) + [1, 0]), .badAttributeLength(offset: 20))
        XCTAssertEqual(decodeError(header(length: 22) + [1, 1]), .badAttributeLength(offset: 20))
        // Runs past Length (even though the datagram has the bytes).
        XCTAssertEqual(decodeError(header(length: 24) + [1, 6, 0x41, 0x42, 0x43, 0x44]), .badAttributeLength(offset: 20))
        // A lone type byte at the end.
        XCTAssertEqual(decodeError(header(length: 21) + [1]), .badAttributeLength(offset: 20))
        // Second attribute bad: offset is counted from the packet start.
        XCTAssertEqual(decodeError(header(length: 26) + [1, 3, 0x41, 18, 9, 0]), .badAttributeLength(offset: 23))
    }

    func testUnknownCode() {
        XCTAssertEqual(decodeError(header(code: 12, length: 20)), .unknownCode(12))
        XCTAssertEqual(decodeError(header(code: 0, length: 20)), .unknownCode(0))
        XCTAssertEqual(decodeError(header(code: 255, length: 20)), .unknownCode(255))
        for c in RADIUSCode.allCases { XCTAssertNil(decodeError(header(code: c.rawValue, length: 20))) }
    }

    func testBadMessageAuthenticatorLength() {
        XCTAssertEqual(decodeError(header(length: 24) + [80, 4, 0, 0]), .badMessageAuthenticatorLength)
        XCTAssertEqual(decodeError(header(length: 39) + [80, 19] + Array(repeating: 0, count: 17)),
                       .badMessageAuthenticatorLength)
        XCTAssertNil(decodeError(header(length: 38) + [80, 18] + Array(repeating: 0, count: 16)))
    }

    func testPaddingIsIgnored() throws {
        let bytes = header(length: 25) + [1, 5, 0x61, 0x62, 0x63] + [0xFF, 0x00, 0x01]
        let p = try RADIUSPacket.decode(bytes)
        XCTAssertEqual(p.attributes, [.string(1, "abc")])
        XCTAssertEqual(p.encode(), Array(bytes.prefix(25)))
    }

    func testCollectionOverloads() throws {
        let bytes = header(length: 25) + [1, 5, 0x61, 0x62, 0x63]
        let expected = try RADIUSPacket.decode(bytes)
        // ArraySlice (contiguous) and a non-contiguous collection.
        XCTAssertEqual(try RADIUSPacket.decode(([0, 0] + bytes)[2...]), expected)
        XCTAssertEqual(try RADIUSPacket.decode(bytes.lazy.map { $0 }), expected)
        XCTAssertThrowsError(try RADIUSPacket.decode(bytes.prefix(10).lazy.map { $0 })) { error in
            XCTAssertEqual(error as? RADIUSDecodeError, .tooShort)
        }
    }
}
