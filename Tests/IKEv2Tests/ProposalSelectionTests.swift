import XCTest
@testable import IKEv2

final class ProposalSelectionTests: XCTestCase {
    /// `crypto ikev2 proposal PROP` / `encryption aes-gcm-256` / `prf sha256` / `group 19 31`.
    private let gcmProposal = IKEv2ProposalConfig(name: "PROP", encryptions: [.aesGCM16(keyBits: 256)], integrities: [],
                                                  prfs: [.hmacSHA2_256], groups: [.ecp256, .curve25519])

    private func select(_ offer: SecurityAssociationPayload, _ configured: [IKEv2ProposalConfig], ke: DHGroupID?) -> IKEProposalSelection {
        ProposalSelector.selectIKE(offered: offer, configured: configured, keGroup: ke)
    }

    private func offer(_ proposals: Proposal...) -> SecurityAssociationPayload { SecurityAssociationPayload(proposals: proposals) }

    func testIOSDefaultProposalAgainstStrongSwansDefaultOffer() {
        XCTAssertEqual(select(strongSwanDefaultOffer, [.iosDefault], ke: .ecp256),
                       .selected(number: 1, suite: IKECipherSuite(encryption: .aesCBC(keyBits: 256), integrity: .hmacSHA2_512_256,
                                                                  prf: .hmacSHA2_512, group: .ecp256)))
        // The KE payload's group is taken when both sides have it, even if it is not our first.
        guard case .selected(_, let suite) = select(strongSwanDefaultOffer, [.iosDefault], ke: .modp2048) else { return XCTFail() }
        XCTAssertEqual(suite.group, .modp2048)
        // Curve25519 is not in IOS's default proposal: the peer is told to use group 19.
        let refusal = select(strongSwanDefaultOffer, [.iosDefault], ke: .curve25519)
        XCTAssertEqual(refusal, .invalidKE(.ecp256))
        XCTAssertEqual(refusal.refusal, NotifyPayload(type: .invalidKEPayload, data: [0x00, 0x13]))
        XCTAssertNil(refusal.responseSA)
        // No KE payload at all: the same answer.
        XCTAssertEqual(select(strongSwanDefaultOffer, [.iosDefault], ke: nil), .invalidKE(.ecp256))
    }

    /// What `show crypto ikev2 proposal default` prints on IOS XE 16/17.
    func testIOSDefaultProposalContents() {
        let d = IKEv2ProposalConfig.iosDefault
        XCTAssertEqual(d.name, "default")
        XCTAssertEqual(d.encryptions, [.aesCBC(keyBits: 256)])
        XCTAssertEqual(d.integrities.map(\.iosName), ["SHA512", "SHA384"])
        XCTAssertEqual(d.prfs.map(\.iosName), ["SHA512", "SHA384"])
        XCTAssertEqual(d.groups.map(\.rawValue), [19, 14, 21, 5])
    }

    func testAEADProposalIsChosenWithTheKEGroupAndNoIntegrity() throws {
        let selection = select(strongSwanDefaultOffer, [gcmProposal], ke: .curve25519)
        XCTAssertEqual(selection, .selected(number: 2, suite: IKECipherSuite(encryption: .aesGCM16(keyBits: 256), integrity: nil,
                                                                            prf: .hmacSHA2_256, group: .curve25519)))
        // The response echoes the peer's proposal number and the key length attribute (RFC 7296 §3.3.6).
        let response = try XCTUnwrap(selection.responseSA)
        XCTAssertEqual(response.proposals.count, 1)
        XCTAssertEqual(response.proposals[0].number, 2)
        XCTAssertEqual(response.proposals[0].transforms, [.encryption(.aesGCM16, keyLength: 256), .prf(.hmacSHA2_256),
                                                          .keyExchange(.curve25519)])
        XCTAssertNil(selection.refusal)
        // The initiator reads the answer back with the same function.
        let decoded = try IKEMessage.decode(IKEMessage(header: IKEHeader(initiatorSPI: 1, responderSPI: 2, exchangeType: .ikeSAInit,
                                                                         flags: .response, messageID: 0),
                                                       payloads: [.securityAssociation(response)]).encode())
        XCTAssertEqual(select(try XCTUnwrap(decoded.securityAssociation), [gcmProposal], ke: .curve25519), selection)
    }

    func testNoProposalChosen() {
        let legacy = offer(Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.des3), .prf(.hmacSHA1), .integrity(.hmacSHA1_96), .keyExchange(.modp1024),
        ]))
        XCTAssertEqual(select(legacy, [.iosDefault, gcmProposal], ke: .modp1024), .noProposalChosen)
        XCTAssertEqual(select(legacy, [.iosDefault], ke: .modp1024).refusal, NotifyPayload(type: .noProposalChosen))
        XCTAssertEqual(select(SecurityAssociationPayload(proposals: []), [.iosDefault], ke: .ecp256), .noProposalChosen)
        XCTAssertEqual(select(strongSwanDefaultOffer, [], ke: .ecp256), .noProposalChosen)
        // Another key length of the same cipher.
        let gcm128 = offer(Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesGCM16, keyLength: 128), .prf(.hmacSHA2_256), .keyExchange(.ecp256),
        ]))
        XCTAssertEqual(select(gcm128, [gcmProposal], ke: .ecp256), .noProposalChosen)
        // AES without its Key Length attribute is not a usable transform (RFC 7296 §3.3.5).
        let noLength = offer(Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesGCM16), .prf(.hmacSHA2_256), .keyExchange(.ecp256),
        ]))
        XCTAssertEqual(select(noLength, [gcmProposal], ke: .ecp256), .noProposalChosen)
        // Every algorithm but the group in common.
        let otherGroups = offer(Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesGCM16, keyLength: 256), .prf(.hmacSHA2_256), .keyExchange(.ecp384), .keyExchange(.modp2048),
        ]))
        XCTAssertEqual(select(otherGroups, [gcmProposal], ke: .ecp384), .noProposalChosen)
    }

    /// Proposals that are skipped whole: another protocol, a transform type IKE does not use or
    /// that is unknown, a combined-mode cipher beside a real integrity algorithm (RFC 5282 §8),
    /// a PRF carrying an attribute.
    func testMalformedOrForeignProposalsAreSkipped() {
        let good = Proposal(number: 9, protocolID: .ike, transforms: [
            .encryption(.aesGCM16, keyLength: 256), .prf(.hmacSHA2_256), .keyExchange(.ecp256),
        ])
        let expected = IKEProposalSelection.selected(number: 9, suite: IKECipherSuite(encryption: .aesGCM16(keyBits: 256), integrity: nil,
                                                                                      prf: .hmacSHA2_256, group: .ecp256))
        var esp = good
        esp.number = 1
        esp.protocolID = .esp
        var withESN = good
        withESN.number = 2
        withESN.transforms.append(.esn(.noESN))
        var unknownType = good
        unknownType.number = 3
        unknownType.transforms.append(Transform(type: TransformType(rawValue: 241), id: 1))
        var aeadWithIntegrity = good
        aeadWithIntegrity.number = 4
        aeadWithIntegrity.transforms.append(.integrity(.hmacSHA2_256_128))
        var prfWithAttribute = good
        prfWithAttribute.number = 5
        prfWithAttribute.transforms[1].attributes = [.keyLength(256)]
        for skipped in [esp, withESN, unknownType, aeadWithIntegrity, prfWithAttribute] {
            XCTAssertEqual(select(offer(skipped), [gcmProposal], ke: .ecp256), .noProposalChosen, "proposal \(skipped.number)")
        }
        XCTAssertEqual(select(offer(esp, withESN, unknownType, aeadWithIntegrity, prfWithAttribute, good), [gcmProposal], ke: .ecp256),
                       expected)
        // Integrity NONE beside a combined-mode cipher is allowed.
        var aeadWithNone = good
        aeadWithNone.transforms.append(.integrity(.none))
        XCTAssertEqual(select(offer(aeadWithNone), [gcmProposal], ke: .ecp256), expected)
    }

    /// Our proposals in the policy's order come first, then the peer's; within a pair, our order
    /// of algorithms.
    func testOurPreferenceWins() {
        let cbc = IKEv2ProposalConfig(name: "CBC", encryptions: [.aesCBC(keyBits: 128), .aesCBC(keyBits: 256)],
                                      integrities: [.hmacSHA2_384_192, .hmacSHA2_256_128],
                                      prfs: [.hmacSHA2_384, .hmacSHA2_256], groups: [.ecp384, .ecp256])
        // strongSwan lists its CBC proposal first, GCM second; with GCM configured first, GCM wins.
        guard case .selected(let number, let suite) = select(strongSwanDefaultOffer, [gcmProposal, cbc], ke: .ecp256) else {
            return XCTFail()
        }
        XCTAssertEqual(number, 2)
        XCTAssertEqual(suite.encryption, .aesGCM16(keyBits: 256))
        XCTAssertEqual(select(strongSwanDefaultOffer, [cbc, gcmProposal], ke: .ecp256),
                       .selected(number: 1, suite: IKECipherSuite(encryption: .aesCBC(keyBits: 128), integrity: .hmacSHA2_384_192,
                                                                  prf: .hmacSHA2_384, group: .ecp256)))
        // The KE group not in the first matching pair: INVALID_KE_PAYLOAD with our first common
        // group, though a later proposal of ours would take it.
        XCTAssertEqual(select(strongSwanDefaultOffer, [cbc, gcmProposal], ke: .curve25519), .invalidKE(.ecp384))
    }

    /// A group this module cannot compute is never chosen, even when both sides list it.
    func testUncomputableGroupsAreNeverChosen() {
        let withModp1024 = IKEv2ProposalConfig(name: "OLD", encryptions: [.aesCBC(keyBits: 128)], integrities: [.hmacSHA2_256_128],
                                               prfs: [.hmacSHA2_256], groups: [.modp1024, .ecp256])
        let peer = offer(Proposal(number: 1, protocolID: .ike, transforms: [
            .encryption(.aesCBC, keyLength: 128), .prf(.hmacSHA2_256), .integrity(.hmacSHA2_256_128),
            .keyExchange(.modp1024), .keyExchange(.ecp256),
        ]))
        XCTAssertEqual(select(peer, [withModp1024], ke: .modp1024), .invalidKE(.ecp256))
    }

    /// An initiator's SA payload from a configuration: AEAD ciphers in a proposal of their own.
    func testOfferFromConfiguration() {
        let sa = IKEv2ProposalConfig.iosDefault.offer()
        XCTAssertEqual(sa.proposals.count, 1)
        XCTAssertEqual(sa.proposals[0].number, 1)
        XCTAssertEqual(select(sa, [.iosDefault], ke: .ecp256),
                       .selected(number: 1, suite: IKECipherSuite(encryption: .aesCBC(keyBits: 256), integrity: .hmacSHA2_512_256,
                                                                  prf: .hmacSHA2_512, group: .ecp256)))
        let mixed = IKEv2ProposalConfig(name: "MIXED", encryptions: [.aesGCM16(keyBits: 128), .aesCBC(keyBits: 192)],
                                        integrities: [.hmacSHA2_256_128], prfs: [.hmacSHA2_256], groups: [.curve25519])
        let both = mixed.offer()
        XCTAssertEqual(both.proposals.map(\.number), [1, 2])
        XCTAssertEqual(both.proposals[0].transforms(of: .integrity), [])
        XCTAssertEqual(both.proposals[1].transforms(of: .integrity), [.integrity(.hmacSHA2_256_128)])
        XCTAssertEqual(select(both, [mixed], ke: .curve25519),
                       .selected(number: 1, suite: IKECipherSuite(encryption: .aesGCM16(keyBits: 128), integrity: nil,
                                                                  prf: .hmacSHA2_256, group: .curve25519)))
    }
}
