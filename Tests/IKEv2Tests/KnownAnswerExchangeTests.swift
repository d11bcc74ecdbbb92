import XCTest
@testable import IKEv2

/// A whole IKE_SA_INIT + IKE_AUTH exchange (PSK) between an initiator and a responder both made
/// from this module, with fixed keys, nonces, SPIs and IVs, checked octet by octet against the
/// same exchange computed by an independent Python implementation (scripts/ikev2-vectors.py,
/// KnownAnswerVectors.swift): the four datagrams, SKEYSEED and the seven SK_* keys, both AUTH
/// values and the Child SA's KEYMAT. Each side also opens the other's SK payload and verifies
/// its AUTH, and refuses a wrong key, a wrong direction and altered bytes.
final class KnownAnswerExchangeTests: XCTestCase {
    private let initiatorAddress: [UInt8] = [10, 0, 0, 2]
    private let responderAddress: [UInt8] = [10, 0, 0, 1]
    private let spiI = KnownAnswer.initiatorSPI
    private let spiR = KnownAnswer.responderSPI

    func testAES256GCM16WithECP256() throws { try exchange(named: "aes256gcm16-prfsha256-ecp256") }
    func testAES256CBCWithSHA512AndCurve25519() throws { try exchange(named: "aes256-sha512-prfsha512-x25519") }
    func testAES128CBCWithSHA384AndMODP2048() throws { try exchange(named: "aes128-sha384-prfsha384-modp2048") }

    private func exchange(named name: String) throws {
        let suite = try XCTUnwrap(KnownAnswer.suites.first { $0.name == name })
        let psk = KnownAnswer.psk
        let configured = IKEv2ProposalConfig(name: "PROP", encryptions: [suite.encryption],
                                             integrities: suite.integrity.map { [$0] } ?? [], prfs: [suite.prf],
                                             groups: [suite.group])

        // IKE_SA_INIT request: a proposal the responder refuses, then the suite's.
        let dhI = try DiffieHellman(group: suite.group, privateKey: suite["private_i"])
        XCTAssertEqual(dhI.publicValue, suite["pub_i"])
        let refused = Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.des3), .prf(.hmacSHA1), .integrity(.hmacSHA1_96), .keyExchange(.modp1024),
        ])
        let offered = IKECipherSuite(encryption: suite.encryption, integrity: suite.integrity, prf: suite.prf, group: suite.group)
            .proposal(number: 2)
        let initRequest = IKEMessage(
            header: IKEHeader(initiatorSPI: spiI, responderSPI: 0, exchangeType: .ikeSAInit, flags: .initiator, messageID: 0),
            payloads: [
                .securityAssociation(SecurityAssociationPayload(proposals: [refused, offered])),
                .keyExchange(KeyExchangePayload(group: suite.group, data: dhI.publicValue)),
                .nonce(KnownAnswer.nonceI),
                .notify(NATDetection.sourceNotify(initiatorSPI: spiI, responderSPI: 0, address: initiatorAddress, port: 500)),
                .notify(NATDetection.destinationNotify(initiatorSPI: spiI, responderSPI: 0, address: responderAddress, port: 500)),
            ]).encode()
        XCTAssertEqual(hexString(initRequest), hexString(suite["init_request"]), "IKE_SA_INIT request")

        // Responder: NAT detection, proposal choice, key exchange, IKE_SA_INIT response.
        let request = try IKEMessage.decode(initRequest)
        let natSource = try XCTUnwrap(request.notify(.natDetectionSourceIP))
        let natDestination = try XCTUnwrap(request.notify(.natDetectionDestinationIP))
        XCTAssertTrue(NATDetection.matches(natSource, initiatorSPI: spiI, responderSPI: 0, address: initiatorAddress, port: 500))
        XCTAssertTrue(NATDetection.matches(natDestination, initiatorSPI: spiI, responderSPI: 0, address: responderAddress, port: 500))
        XCTAssertFalse(NATDetection.matches(natSource, initiatorSPI: spiI, responderSPI: 0, address: [192, 0, 2, 7], port: 500),
                       "a translated source is a NAT")
        XCTAssertFalse(NATDetection.matches(natSource, initiatorSPI: spiI, responderSPI: 0, address: initiatorAddress, port: 4500))
        let selection = ProposalSelector.selectIKE(offered: try XCTUnwrap(request.securityAssociation), configured: [configured],
                                                   keGroup: request.keyExchange?.group)
        guard case .selected(let number, let chosen) = selection else { return XCTFail("\(name): \(selection)") }
        XCTAssertEqual(number, 2)
        let dhR = try DiffieHellman(group: chosen.group, privateKey: suite["private_r"])
        XCTAssertEqual(dhR.publicValue, suite["pub_r"])
        let secretR = try dhR.sharedSecret(peerPublicValue: try XCTUnwrap(request.keyExchange).data)
        XCTAssertEqual(secretR, suite["shared"])
        let initResponse = IKEMessage(
            header: IKEHeader(initiatorSPI: spiI, responderSPI: spiR, exchangeType: .ikeSAInit, flags: .response, messageID: 0),
            payloads: [
                .securityAssociation(try XCTUnwrap(selection.responseSA)),
                .keyExchange(KeyExchangePayload(group: chosen.group, data: dhR.publicValue)),
                .nonce(KnownAnswer.nonceR),
                .notify(NATDetection.sourceNotify(initiatorSPI: spiI, responderSPI: spiR, address: responderAddress, port: 500)),
                .notify(NATDetection.destinationNotify(initiatorSPI: spiI, responderSPI: spiR, address: initiatorAddress, port: 500)),
                .notify(NotifyPayload(type: .childlessIKEv2Supported)),
            ]).encode()
        XCTAssertEqual(hexString(initResponse), hexString(suite["init_response"]), "IKE_SA_INIT response")

        // Initiator: the accepted proposal, the key exchange, the keys.
        let response = try IKEMessage.decode(initResponse)
        let accepted = ProposalSelector.selectIKE(offered: try XCTUnwrap(response.securityAssociation), configured: [configured],
                                                  keGroup: response.keyExchange?.group)
        XCTAssertEqual(accepted, selection)
        let secretI = try dhI.sharedSecret(peerPublicValue: try XCTUnwrap(response.keyExchange).data)
        XCTAssertEqual(secretI, secretR)
        let keysI = IKESAKeys(suite: chosen, sharedSecret: secretI, nonceI: KnownAnswer.nonceI, nonceR: try XCTUnwrap(response.nonce),
                              initiatorSPI: spiI, responderSPI: response.header.responderSPI)
        let keysR = IKESAKeys(suite: chosen, sharedSecret: secretR, nonceI: try XCTUnwrap(request.nonce), nonceR: KnownAnswer.nonceR,
                              initiatorSPI: spiI, responderSPI: spiR)
        XCTAssertEqual(keysI, keysR)
        XCTAssertEqual(keysI.skeyseed, suite["skeyseed"])
        XCTAssertEqual(keysI.skD, suite["skD"])
        XCTAssertEqual(keysI.skAi, suite["skAi"])
        XCTAssertEqual(keysI.skAr, suite["skAr"])
        XCTAssertEqual(keysI.skEi, suite["skEi"])
        XCTAssertEqual(keysI.skEr, suite["skEr"])
        XCTAssertEqual(keysI.skPi, suite["skPi"])
        XCTAssertEqual(keysI.skPr, suite["skPr"])

        // IKE_AUTH request.
        let idI = IdentificationPayload.fqdn("client@lab")
        let authI = PSKAuthentication.authData(prf: keysI.suite.prf, sharedSecret: psk, realMessage: initRequest,
                                               peerNonce: KnownAnswer.nonceR, skP: keysI.skP(of: .initiator), idPayload: idI)
        XCTAssertEqual(authI, suite["auth_i"])
        let espTransforms = [suite.childEncryption.transform] + (suite.childIntegrity.map { [$0.transform] } ?? []) + [.esn(.noESN)]
        let anyIPv4 = TrafficSelectorPayload(selectors: [.anyIPv4])
        let authRequest = try keysI.protection(sentBy: .initiator).seal(
            header: IKEHeader(initiatorSPI: spiI, responderSPI: spiR, exchangeType: .ikeAuth, flags: .initiator, messageID: 1),
            payloads: [
                .identificationInitiator(idI),
                .notify(NotifyPayload(type: .initialContact)),
                .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: authI)),
                .configuration(ConfigurationPayload(configType: .request, attributes: [
                    ConfigAttribute(type: .internalIP4Address), ConfigAttribute(type: .internalIP4DNS),
                ])),
                .securityAssociation(SecurityAssociationPayload(proposals: [
                    Proposal(number: 1, protocolID: .esp, spi: KnownAnswer.espSPIi, transforms: espTransforms),
                ])),
                .trafficSelectorInitiator(anyIPv4),
                .trafficSelectorResponder(anyIPv4),
            ],
            iv: suite["iv_i"])
        XCTAssertEqual(hexString(authRequest), hexString(suite["auth_request"]), "IKE_AUTH request")

        // Responder opens it and checks AUTH over the IKE_SA_INIT request exactly as received.
        let openedRequest = try keysR.protection(sentBy: .initiator).open(authRequest)
        XCTAssertEqual(openedRequest.header.exchangeType, .ikeAuth)
        XCTAssertEqual(openedRequest.header.messageID, 1)
        XCTAssertEqual(openedRequest.payloads.map(\.type), [.identificationInitiator, .notify, .authentication, .configuration,
                                                           .securityAssociation, .trafficSelectorInitiator, .trafficSelectorResponder])
        let receivedIDi = try XCTUnwrap(openedRequest.identificationInitiator)
        XCTAssertEqual(receivedIDi.displayString, "client@lab")
        XCTAssertEqual(openedRequest.configuration?.contains(.internalIP4Address), true)
        let receivedAuthI = try XCTUnwrap(openedRequest.authentication)
        func verifyI(psk: [UInt8], realMessage: [UInt8], skP: [UInt8]) -> Bool {
            PSKAuthentication.verify(receivedAuthI, prf: keysR.suite.prf, sharedSecret: psk, realMessage: realMessage,
                                     peerNonce: KnownAnswer.nonceR, skP: skP, idPayload: receivedIDi)
        }
        XCTAssertTrue(verifyI(psk: psk, realMessage: initRequest, skP: keysR.skPi))
        XCTAssertFalse(verifyI(psk: Array("cisco124".utf8), realMessage: initRequest, skP: keysR.skPi), "wrong PSK")
        XCTAssertFalse(verifyI(psk: psk, realMessage: initResponse, skP: keysR.skPi), "the responder's own message")
        XCTAssertFalse(verifyI(psk: psk, realMessage: initRequest, skP: keysR.skPr), "SK_pr instead of SK_pi")
        // The other direction's keys, and any altered octet, are refused.
        XCTAssertThrowsError(try keysR.protection(sentBy: .responder).open(authRequest)) {
            XCTAssertEqual($0 as? SKProtectionError, .integrityCheckFailed)
        }
        for index in [17, IKEHeader.size + 1, IKEHeader.size + 6, authRequest.count / 2, authRequest.count - 1] {
            var altered = authRequest
            altered[index] ^= 0x01
            XCTAssertThrowsError(try keysR.protection(sentBy: .initiator).open(altered), "octet \(index)")
        }

        // IKE_AUTH response.
        let idR = IdentificationPayload.fqdn("flexvpn.lab")
        let authR = PSKAuthentication.authData(prf: keysR.suite.prf, sharedSecret: psk, realMessage: initResponse,
                                               peerNonce: KnownAnswer.nonceI, skP: keysR.skP(of: .responder), idPayload: idR)
        XCTAssertEqual(authR, suite["auth_r"])
        let poolAddress: [UInt8] = [10, 99, 0, 1]
        let authResponse = try keysR.protection(sentBy: .responder).seal(
            header: IKEHeader(initiatorSPI: spiI, responderSPI: spiR, exchangeType: .ikeAuth, flags: .response, messageID: 1),
            payloads: [
                .identificationResponder(idR),
                .authentication(AuthenticationPayload(method: .sharedKeyMIC, data: authR)),
                .configuration(ConfigurationPayload(configType: .reply, attributes: [
                    ConfigAttribute(type: .internalIP4Address, value: poolAddress),
                    ConfigAttribute(type: .internalIP4DNS, value: [10, 0, 0, 53]),
                ])),
                .securityAssociation(SecurityAssociationPayload(proposals: [
                    Proposal(number: 1, protocolID: .esp, spi: KnownAnswer.espSPIr, transforms: espTransforms),
                ])),
                .trafficSelectorInitiator(TrafficSelectorPayload(selectors: [.ipv4Host(poolAddress)])),
                .trafficSelectorResponder(anyIPv4),
            ],
            iv: suite["iv_r"])
        XCTAssertEqual(hexString(authResponse), hexString(suite["auth_response"]), "IKE_AUTH response")

        // Initiator opens it, verifies the responder's AUTH and reads its address.
        let openedResponse = try keysI.protection(sentBy: .responder).open(authResponse)
        XCTAssertTrue(openedResponse.header.isResponse)
        let receivedIDr = try XCTUnwrap(openedResponse.identificationResponder)
        XCTAssertEqual(receivedIDr.displayString, "flexvpn.lab")
        let receivedAuthR = try XCTUnwrap(openedResponse.authentication)
        XCTAssertTrue(PSKAuthentication.verify(receivedAuthR, prf: keysI.suite.prf, sharedSecret: psk, realMessage: initResponse,
                                               peerNonce: KnownAnswer.nonceI, skP: keysI.skPr, idPayload: receivedIDr))
        XCTAssertFalse(PSKAuthentication.verify(receivedAuthR, prf: keysI.suite.prf, sharedSecret: psk, realMessage: initResponse,
                                                peerNonce: KnownAnswer.nonceI, skP: keysI.skPr, idPayload: .fqdn("flexvpn.lab2")),
                       "another identity")
        XCTAssertEqual(openedResponse.configuration?.values(of: .internalIP4Address), [poolAddress])
        XCTAssertEqual(openedResponse.trafficSelectorsInitiator?.selectors, [.ipv4Host(poolAddress)])
        XCTAssertThrowsError(try keysI.protection(sentBy: .initiator).open(authResponse))

        // The Child SA's keys, from SK_d, on both sides.
        let childI = ChildSAKeys(prf: keysI.suite.prf, skD: keysI.skD, nonceI: KnownAnswer.nonceI, nonceR: KnownAnswer.nonceR,
                                 encryption: suite.childEncryption, integrity: suite.childIntegrity)
        let childR = ChildSAKeys(prf: keysR.suite.prf, skD: keysR.skD, nonceI: KnownAnswer.nonceI, nonceR: KnownAnswer.nonceR,
                                 encryption: suite.childEncryption, integrity: suite.childIntegrity)
        XCTAssertEqual(childI, childR)
        XCTAssertEqual(childI.initiatorToResponderEncryption, suite["child_ei"])
        XCTAssertEqual(childI.initiatorToResponderIntegrity, suite["child_ai"])
        XCTAssertEqual(childI.responderToInitiatorEncryption, suite["child_er"])
        XCTAssertEqual(childI.responderToInitiatorIntegrity, suite["child_ar"])
    }
}
