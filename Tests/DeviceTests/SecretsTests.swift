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

    /// The whole MD5-crypt form is checked, not only its `$1$` prefix.
    func testType5FormIsChecked() {
        let good = "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/"
        XCTAssertTrue(MD5Crypt.isWellFormed(good))
        XCTAssertTrue(MD5Crypt.isWellFormed("$1$mERr$hx5rVt7rPNoS4wqbXKX7m0"))
        for bad in ["$1$", "$1$abc", "$1$abc$", "$1$$qjXMvbEw8oaL.CzflDtaK/", "$1$saltsalt9$qjXMvbEw8oaL.CzflDtaK/",
                    "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK", "$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/x",
                    "$1$salt+alt$qjXMvbEw8oaL.CzflDtaK/", "$1$saltsalt$qjXMvbEw8oaL.CzflDta+/", "$5$saltsalt$qjXMvbEw8oaL.CzflDtaK/",
                    "x$1$saltsalt$qjXMvbEw8oaL.CzflDtaK/", good + "$"] {
            XCTAssertFalse(MD5Crypt.isWellFormed(bad), bad)
            XCTAssertFalse(MD5Crypt.verify("password", against: bad), bad)
        }
    }

    /// The seeds' key (`cisco`) as IOS shows it, and a round trip at every salt IOS uses.
    func testType7DecodesAndRoundTrips() {
        XCTAssertEqual(CiscoType7.decode("094F471A1A0A"), "cisco")
        XCTAssertEqual(CiscoType7.decode("094f471a1a0a"), "cisco")
        for salt in 0...15 {
            XCTAssertEqual(CiscoType7.decode(CiscoType7.encode("s3cr3t key", salt: salt)), "s3cr3t key")
        }
        // Salt 52 is the table's last entry; a long key wraps around the table.
        XCTAssertNotNil(CiscoType7.decode("52" + String(repeating: "00", count: 200)))
    }

    /// Every malformed form is refused (nil), never trapped on: a salt that reads as -1 or +1,
    /// salts past the table, odd lengths, non-hex, signs inside the hex, non-ASCII.
    func testType7RefusesMalformedStrings() {
        for bad in ["-1AB", "-1", "-10A0B", "+10A0B", "53AABB", "99AABB", "0", "00", "094F471A1A0", "09-1", "09+F00",
                    "09GG", "0x0A0B", "09 F47", "é9AABB", "09AAé", "1", "", " 9AABB", "0\u{0}AABB",
                    "09" + String(repeating: "F", count: 10_001)] {
            XCTAssertNil(CiscoType7.decode(bad), bad)
        }
    }

    /// Type 6 (the emulator's AES encoding): a round trip under the master key; another master
    /// key, a changed character, a truncated string or characters outside `A`…`` ` `` do not decode.
    func testType6RoundTripsUnderItsMasterKeyOnly() throws {
        let random = SeededRandom(seed: 3)
        let six = try XCTUnwrap(CiscoType6.encode("s3cr3t key", masterKey: "MasterKey123", random: random))
        XCTAssertTrue(six.utf8.allSatisfy { (0x41...0x60).contains($0) }, six)
        XCTAssertEqual(CiscoType6.decode(six, masterKey: "MasterKey123"), "s3cr3t key")
        XCTAssertNotEqual(CiscoType6.encode("s3cr3t key", masterKey: "MasterKey123", random: random), six)
        XCTAssertNil(CiscoType6.decode(six, masterKey: "MasterKey124"))
        var tampered = Array(six.utf8)
        tampered[20] = tampered[20] == 0x41 ? 0x42 : 0x41
        for bad in [String(decoding: tampered, as: UTF8.self), String(six.dropLast()), String(six.dropLast(8)), "",
                    "abc", "ABC`", six + "a", six.lowercased(), "-1" + six] {
            XCTAssertNil(CiscoType6.decode(bad, masterKey: "MasterKey123"), bad)
        }
    }
}
