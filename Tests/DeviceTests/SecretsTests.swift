import XCTest
@testable import Device

/// The hashes IOS stores for secrets, checked against published examples.
final class SecretsTests: XCTestCase {
    /// hashcat's example for Cisco-IOS `$9$` (mode 9300): password `hashcat`.
    static let type9Example = "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"

    func testType9MatchesThePublishedExample() {
        XCTAssertEqual(CiscoScrypt.hash("hashcat", salt: "2MJBozw/9R3UsU"), SecretsTests.type9Example)
        XCTAssertTrue(CiscoScrypt.verify("hashcat", against: SecretsTests.type9Example))
        XCTAssertFalse(CiscoScrypt.verify("hashcaT", against: SecretsTests.type9Example))
    }

    func testType9FormIsChecked() {
        XCTAssertTrue(CiscoScrypt.isWellFormed(SecretsTests.type9Example))
        for bad in ["", "nothash", "$9$", String(SecretsTests.type9Example.dropLast()),
                    SecretsTests.type9Example + "x", "$8$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
                    "$9$2MJBozw/9R3Us+$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
                    "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6$"] {
            XCTAssertFalse(CiscoScrypt.isWellFormed(bad), bad)
            XCTAssertFalse(CiscoScrypt.verify("hashcat", against: bad), bad)
        }
    }

    func testType9SaltsComeFromTheRandomSource() {
        let a = CiscoScrypt.salt(from: SeededRandom(seed: 1)), b = CiscoScrypt.salt(from: SeededRandom(seed: 1))
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 14)
        let hash = CiscoScrypt.hash("s3cret", salt: a)
        XCTAssertTrue(hash.map(CiscoScrypt.isWellFormed) ?? false)
        XCTAssertNotEqual(CiscoScrypt.hash("s3cret", salt: CiscoScrypt.salt(from: SeededRandom(seed: 2))), hash)
    }

    /// Type 5 is MD5-crypt: `password` with salt `saltsalt` as glibc's crypt(3) makes it.
    func testType5MatchesMD5Crypt() {
        XCTAssertEqual(MD5Crypt.hash("password", salt: "saltsalt"), "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/")
        XCTAssertTrue(MD5Crypt.verify("password", against: "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"))
    }
}
