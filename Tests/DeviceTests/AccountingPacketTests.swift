import XCTest
@testable import Device
import RADIUS

/// Accounting-Request contents, lengths and authenticators against the seeds.
final class AccountingPacketTests: XCTestCase {
    private func seedSession(acctSessionId: UInt32, audit: String, key: UInt32) -> Session {
        Session(sessionId: acctSessionId, uniqueId: acctSessionId + 11, userName: "pskuser1.g1.engdt.com",
                peer: IPv4Address(192, 168, 202, 2), local: IPv4Address(51, 1, 1, 1), auditSessionId: audit,
                acctSessionId: acctSessionId, serverKey: key, startTime: 0, ikev2SessionId: 59, saId: 2)
    }

    func testSeedStartEncodesTo288BytesInTheSeedsOrder() {
        let session = seedSession(acctSessionId: 0x21, audit: "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A", key: 0xD336_48D8)
        let attributes = AccountingPackets.start(session, nasIP: IPv4Address(192, 168, 202, 1))
        let packet = AccountingPackets.request(identifier: 231, attributes: attributes)
        XCTAssertEqual(packet.encodedLength, 288)
        XCTAssertEqual(attributes.map(\.type), [44, 31, 26, 26, 26, 1, 26, 45, 40, 4, 151, 41])
        XCTAssertEqual(attributes.map(\.encodedLength), [10, 15, 64, 46, 40, 23, 36, 6, 6, 6, 10, 6])
        XCTAssertEqual(packet.ciscoAVPairs, ["audit-session-id=L2L433010101ZO2L4C0A8CA02ZH11941194ZN3A",
                                             "isakmp-phase1-id=pskuser1.g1.engdt.com",
                                             "isakmp-initator-ip=192.168.202.2", "connect-progress=No Progress"])
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctSessionId)?.stringValue, "00000021")
        XCTAssertEqual(packet.first(RADIUSAttributeType.ciscoSessionKey)?.stringValue, "D33648D8")
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctStatusType)?.integerValue, 1)
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctAuthentic)?.integerValue, 2)
        XCTAssertEqual(packet.first(RADIUSAttributeType.nasIPAddress)?.ipv4Value, IPv4Address(192, 168, 202, 1))
    }

    func testSeedStopEncodesTo356BytesInTheSeedsOrder() {
        var session = seedSession(acctSessionId: 0x22, audit: "L2L433010101ZO2L4C0A8CA02ZH11941194ZN3B", key: 0xE2F8_0C34)
        session.bytesIn = 0
        let attributes = AccountingPackets.stop(session, nasIP: IPv4Address(192, 168, 202, 1), sessionTime: 56)
        let packet = AccountingPackets.request(identifier: 246, attributes: attributes)
        XCTAssertEqual(packet.encodedLength, 356)
        XCTAssertEqual(attributes.map(\.type), [44, 31, 26, 26, 26, 1, 45, 26, 46, 42, 43, 47, 48, 49, 26, 40, 4, 151, 41])
        XCTAssertEqual(attributes.map(\.encodedLength),
                       [10, 15, 64, 46, 40, 23, 6, 36, 6, 6, 6, 6, 6, 6, 32, 6, 6, 10, 6])
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctSessionTime)?.integerValue, 56)
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctTerminateCause)?.integerValue, 0)
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctStatusType)?.integerValue, 2)
        XCTAssertEqual(packet.ciscoAVPair("disc-cause-ext"), "No Reason")
    }

    func testCountersAreSentAndTheLengthGrowsWithTheValues() {
        var session = seedSession(acctSessionId: 0x22, audit: "A", key: 1)
        session.bytesIn = 0x1_0000_0005
        session.packetsOut = 7
        let stop = AccountingPackets.stop(session, nasIP: .any, sessionTime: 3)
        let packet = AccountingPackets.request(identifier: 1, attributes: stop)
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctInputOctets)?.integerValue, 5)
        XCTAssertEqual(packet.first(RADIUSAttributeType.acctOutputPackets)?.integerValue, 7)
        // A shorter audit-session-id shortens the packet by exactly its difference (38 characters).
        XCTAssertEqual(packet.encodedLength, 356 - 38)
    }

    func testRequestAuthenticatorIsTheMD5OverThePacketAndSecret() throws {
        let f = AccountingFixture()
        f.connectSeedSession()
        let sent = try XCTUnwrap(f.device.accounting.labPeers.recent.last)
        var copy = sent.packet
        let bytes = RADIUSAuth.signRequest(&copy, secret: AccountingFixture.secret)
        XCTAssertEqual(copy.authenticator, sent.packet.authenticator)
        XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: AccountingFixture.secret))
        XCTAssertFalse(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: "other"))
        XCTAssertEqual(bytes.count, 288)
        XCTAssertEqual(f.device.accounting.labPeers.startsReceived, 1)
        XCTAssertEqual(f.device.accounting.labPeers.badRequests, 0)
    }

    func testStartWithoutUserNameLeavesOutNameAttributes() {
        let session = Session(sessionId: 1, uniqueId: 1, userName: nil, peer: IPv4Address(10, 0, 0, 1),
                              local: IPv4Address(51, 1, 1, 1), auditSessionId: "A", acctSessionId: 1, serverKey: 1,
                              startTime: 0, ikev2SessionId: 1, saId: 1)
        let attributes = AccountingPackets.start(session, nasIP: .any)
        XCTAssertFalse(attributes.contains { $0.type == RADIUSAttributeType.userName })
        XCTAssertEqual(AccountingPackets.request(identifier: 0, attributes: attributes).ciscoAVPairs,
                       ["audit-session-id=A", "isakmp-initator-ip=10.0.0.1", "connect-progress=No Progress"])
    }
}
