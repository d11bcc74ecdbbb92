import Device
import IKEv2
@testable import Renderers
import XCTest

/// `show crypto ipsec sa`'s derived values against real routers' captures.
final class IPsecSATests: XCTestCase {
    private func flow(_ cipher: IPsecTransformSet.Cipher, _ hmac: IPsecTransformSet.HMAC?) -> IPsecSARenderer.Flow {
        IPsecSARenderer.Flow(inboundSPI: 0x415E_12CC, outboundSPI: 0xC1B9_9FD9, cipher: cipher, hmac: hmac,
                             local: "", remote: "")
    }

    /// A CSR1000v's `esp-aes esp-sha-hmac` tunnels show 1438 without NAT-T and 1422 with it; an
    /// `esp-gcm 256` tunnel 1446 (the plaintext that still fits a 1500-octet path).
    func testPlaintextMTUMatchesRoutersCaptures() {
        XCTAssertEqual(IPsecSARenderer.plaintextMTU(flow(.aes(keyBits: 128), .sha), natT: false), 1438)
        XCTAssertEqual(IPsecSARenderer.plaintextMTU(flow(.aes(keyBits: 128), .sha), natT: true), 1422)
        XCTAssertEqual(IPsecSARenderer.plaintextMTU(flow(.gcm(keyBits: 256), nil), natT: false), 1446)
        XCTAssertEqual(IPsecSARenderer.plaintextMTU(flow(.aes(keyBits: 256), .sha256), natT: true), 1422)
        XCTAssertEqual(IPsecSARenderer.plaintextMTU(flow(.aes(keyBits: 256), .sha512), natT: false), 1422)
    }

    func testTransformNamesAreIOSs() {
        XCTAssertEqual(IPsecSARenderer.transform(flow(.aes(keyBits: 128), .sha)), "esp-aes esp-sha-hmac")
        XCTAssertEqual(IPsecSARenderer.transform(flow(.aes(keyBits: 256), .sha256)), "esp-256-aes esp-sha256-hmac")
        XCTAssertEqual(IPsecSARenderer.transform(flow(.aes(keyBits: 192), .sha384)), "esp-192-aes esp-sha384-hmac")
        XCTAssertEqual(IPsecSARenderer.transform(flow(.gcm(keyBits: 256), nil)), "esp-gcm 256")
        XCTAssertEqual(IPsecSARenderer.transform(flow(.gcm(keyBits: 128), nil)), "esp-gcm")
        XCTAssertEqual(IPsecSARenderer.spiText(0x20C_196D), "0x20C196D(34347373)")
        let negotiated = IPsecSARenderer.transforms(.aesCBC(keyBits: 256), .hmacSHA2_512_256)
        XCTAssertEqual(negotiated.0, .aes(keyBits: 256))
        XCTAssertEqual(negotiated.1, .sha512)
    }

    func testSelectorsShowAsAddressMaskProtocolPort() {
        XCTAssertEqual(IPsecSARenderer.ident(.anyIPv4), "(0.0.0.0/0.0.0.0/0/0)")
        XCTAssertEqual(IPsecSARenderer.ident(.ipv4Host([10, 99, 0, 7])), "(10.99.0.7/255.255.255.255/0/0)")
        let range = TrafficSelector(kind: .ipv4AddressRange, ipProtocol: 17, startPort: 53, endPort: 53,
                                    startAddress: [10, 1, 0, 0], endAddress: [10, 1, 255, 255])
        XCTAssertEqual(IPsecSARenderer.ident(range), "(10.1.0.0/255.255.0.0/17/53)")
    }
}
