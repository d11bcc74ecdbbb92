// Test doubles the Swift test targets share.
import Device
import RADIUS
import XCTest

/// A RADIUS server inside the test, at 127.0.0.1: it reads what the device hands its transport,
/// checks each Access-Request (Message-Authenticator, PAP password `cisco`) and answers as told;
/// Accounting-Requests are recorded and answered.
public final class TestRADIUSServer: AccountingTransport {
    public static let secret = "testing123"
    /// User-Name -> the Access-Accept's attributes; a name not here is rejected.
    public var users: [String: [RADIUSAttribute]] = [:]
    public var silent = false
    /// EAP-MD5 users: name -> password (the server challenges, then checks the answer).
    public var eapUsers: [String: String] = [:]
    public private(set) var accessRequests: [RADIUSPacket] = []
    public private(set) var accountingRequests: [RADIUSPacket] = []
    private var queue: [([UInt8], UInt16)] = []
    public weak var device: Device?

    public init() {}

    public func send(_ bytes: [UInt8], to address: IPv4Address, port: UInt16, sourcePort: UInt16) {
        queue.append((bytes, port))
    }

    /// Answers everything sent so far (and what the answers make the device send).
    public func pump() {
        while !queue.isEmpty {
            let (bytes, port) = queue.removeFirst()
            guard let packet = try? RADIUSPacket.decode(bytes), let device else { continue }
            let secret = Array(TestRADIUSServer.secret.utf8)
            var reply: RADIUSPacket
            if packet.code == .accessRequest {
                accessRequests.append(packet)
                XCTAssertEqual(RADIUSAuth.verifyRequestMessageAuthenticator(bytes, secret: secret), .valid)
                if silent { continue }
                let name = packet.first(RADIUSAttributeType.userName)?.stringValue ?? ""
                if let eap = packet.first(RADIUSAttributeType.eapMessage)?.value, let secretWord = eapUsers[name] {
                    reply = eapAnswer(packet, eap: eap, password: secretWord)
                    let answer = RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator, secret: secret,
                                                      addMessageAuthenticator: true)
                    device.handleAccountingResponse(answer, from: IPv4Address(127, 0, 0, 1), port: port)
                    continue
                }
                let password = packet.first(RADIUSAttributeType.userPassword).flatMap {
                    UserPassword.decrypt($0.value, secret: secret, authenticator: packet.authenticator)
                }
                if let attributes = users[name], password == Array("cisco".utf8) {
                    reply = RADIUSPacket(code: .accessAccept, identifier: packet.identifier, attributes: attributes)
                } else {
                    reply = RADIUSPacket(code: .accessReject, identifier: packet.identifier)
                }
            } else {
                XCTAssertTrue(RADIUSAuth.verifyRequestAuthenticator(bytes, secret: secret))
                accountingRequests.append(packet)
                if silent { continue }
                reply = RADIUSPacket(code: .accountingResponse, identifier: packet.identifier)
            }
            let answer = RADIUSAuth.signReply(&reply, requestAuthenticator: packet.authenticator, secret: secret,
                                              addMessageAuthenticator: packet.code == .accessRequest)
            device.handleAccountingResponse(answer, from: IPv4Address(127, 0, 0, 1), port: port)
        }
    }

    public static let challenge: [UInt8] = Array(0..<16)

    /// Identity -> MD5-Challenge (with State); the right MD5 answer -> Accept with EAP-Success.
    private func eapAnswer(_ packet: RADIUSPacket, eap: [UInt8], password: String) -> RADIUSPacket {
        let id = packet.identifier
        if eap.count > 4, eap[4] == 1 {
            let request: [UInt8] = [1, 7, 0, 22, 4, 16] + TestRADIUSServer.challenge
            return RADIUSPacket(code: .accessChallenge, identifier: id,
                                attributes: [.octets(RADIUSAttributeType.eapMessage, request),
                                             .octets(RADIUSAttributeType.state, [9, 9])])
        }
        let expected = EAPMD5.response(identifier: 7, password: Array(password.utf8), challenge: TestRADIUSServer.challenge)
        guard eap.count == 22, eap[4] == 4, Array(eap[6...]) == expected,
              packet.first(RADIUSAttributeType.state)?.value == [9, 9] else {
            return RADIUSPacket(code: .accessReject, identifier: id, attributes: [.octets(RADIUSAttributeType.eapMessage, [4, 7, 0, 4])])
        }
        return RADIUSPacket(code: .accessAccept, identifier: id,
                            attributes: [.octets(RADIUSAttributeType.eapMessage, [3, 7, 0, 4]),
                                         .integer(RADIUSAttributeType.sessionTimeout, 77)])
    }

    public func statusTypes() -> [UInt32] {
        accountingRequests.compactMap { $0.first(RADIUSAttributeType.acctStatusType)?.integerValue }
    }
}
