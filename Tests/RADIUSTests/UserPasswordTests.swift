import RADIUS
import XCTest

/// User-Password hiding (RFC 2865 §5.2) against digests computed apart (Python's hashlib).
final class UserPasswordTests: XCTestCase {
    private let authenticator = (0..<16).map { UInt8($0) }

    func testOneBlockTwoBlocksAndTheTruncationAt128() {
        let secret = Array("testing123".utf8)
        XCTAssertEqual(hexString(UserPassword.encrypt(Array("cisco".utf8), secret: secret, authenticator: authenticator)),
                       "f5877aa91bfd7a1a104607240014828b")
        XCTAssertEqual(hexString(UserPassword.encrypt(Array("a-password-of-25-bytes!!!".utf8), secret: secret,
                                                authenticator: authenticator)),
                       "f7c379ab078e0d7562222a4b6639b0bede1d1f7c853f8d88547128990426ee97")
        let long = (0..<130).map { UInt8(0x41 + $0 % 26) }
        let hidden = UserPassword.encrypt(long, secret: Array("s3cret".utf8), authenticator: authenticator)
        XCTAssertEqual(hidden.count, 128)
        XCTAssertEqual(hexString(Array(hidden.suffix(16))), "1e74c87921e82ff631b4c80c4cfaec52")
        XCTAssertEqual(hexString(UserPassword.encrypt([], secret: Array("s3cret".utf8), authenticator: authenticator)),
                       "c3b2645f7dc082e7dc50f83977198150")
    }

    func testDecryptReturnsWhatWasHidden() {
        let secret = Array("testing123".utf8)
        for length in [1, 15, 16, 17, 40, 128] {
            let password = (0..<length).map { UInt8(0x30 + $0 % 10) }
            let hidden = UserPassword.encrypt(password, secret: secret, authenticator: authenticator)
            XCTAssertEqual(UserPassword.decrypt(hidden, secret: secret, authenticator: authenticator), password)
        }
    }
}
