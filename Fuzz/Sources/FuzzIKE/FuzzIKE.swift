// The IKEv2 responder (decoder and state machine) on a router with a pre-shared key and a pool,
// fed a sequence of datagrams per input, so half-open SAs, established SAs, message ids and
// counters carry state from one datagram to the next.
//
// Input: records `[op][length high][length low][payload]`:
//   op & 3 == 0  the payload as a datagram from the client
//   op & 3 == 1  a real client (IKEInitiator) connects (with op & 8 the router checks liveness
//                periodically: `dpd 10 2 periodic`); then, if the payload is not empty, a
//                request of its SA with the payload's bytes XORed over a liveness check
//   op & 3 == 2  by (op >> 4) & 3, in the last client's SA:
//                0  the payload decoded as a payload chain (first type in its first byte) and
//                   sent sealed, exchange type 34 + (op >> 2) & 3
//                1  a real IKE SA rekey (CREATE_CHILD_SA; KE group by the payload's first bit);
//                   the client moves to the new SA when it is answered
//                2  a real CHILD_SA request: the rekey of the SA's child when op & 4, else a new
//                   one; PFS when the payload's first bit is set
//                3  the answer to the router's last request (a liveness check, a Delete)
//   op & 3 == 3  the clock moves on by the payload's first byte in seconds (timers fire), or with
//                op & 4 every session is cleared (our Deletes go out)
// Invariants: the responder never traps; every established SA is a session and the reverse.
import Device
import FuzzSupport
import IKEv2
import RADIUS

private let client = IKEEndpoint(IPv4Address(127, 0, 0, 1), 40_000)
private let router = IKEEndpoint(IPv4Address(127, 0, 0, 1), 4500)

@_cdecl("FuzzIKE_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzIKE)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIKE(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzReader(Fuzz.bytes(data, count))
    let time = ManualTimeSource(start: 1_400_000_000)
    let device = Device(time: time, random: SeededRandom(seed: 1))
    let scheduler = ManualScheduler(time: time)
    device.accounting.scheduler = scheduler
    device.ike.settings.preSharedKey = "cisco123"
    device.ike.settings.pool = (IPv4Address(10, 0, 0, 1), IPv4Address(10, 0, 0, 4))
    device.config.flexVPN.global.cookieChallenge = 3
    // The debug lines too: a mismatch lists whatever proposals the datagram holds.
    device.debug.cryptoIkev2 = true
    var gcm = IKEv2ProposalDefinition(name: "gcm")
    gcm.encryptions = [.aesGCM256]
    gcm.prfs = [.sha256]
    gcm.groups = [19]
    var policy = IKEv2PolicyDefinition(name: "pol")
    policy.proposals = ["gcm", "default"]
    device.config.flexVPN.proposals = [gcm]
    device.config.flexVPN.policies = [policy]
    var sent: [IKEOutboundDatagram] = []
    device.ike.transmit = { sent.append($0) }
    var last: IKEInitiator?
    var clients = 0
    while !input.isAtEnd {
        let op = input.byte()
        let payload = input.chunk(input.uint16())
        switch op & 3 {
        case 0:
            _ = device.handleIKEDatagram(payload, from: client, to: router)
        case 1:
            guard clients < 8 else { break }
            clients += 1
            device.ike.settings.dpd = op & 8 != 0 ? IKEv2DPD(interval: 10, retry: 2, periodic: true) : nil
            guard var initiator = try? IKEInitiator(offer: IKEv2ProposalConfig.iosDefault.offer(), group: .ecp256,
                                                    identity: .fqdn("fuzz\(clients)@lab"), preSharedKey: Array("cisco123".utf8)),
                  let answer = device.handleIKEDatagram(initiator.initRequest(), from: client, to: router),
                  initiator.handleInitResponse(answer) == .accepted,
                  let auth = try? initiator.authRequest(child: op & 4 != 0) else { break }
            _ = device.handleIKEDatagram(auth, from: client, to: router)
            if !payload.isEmpty, var bytes = try? initiator.request(.informational, []) {
                for (i, b) in payload.enumerated() { bytes[i % bytes.count] ^= b }
                _ = device.handleIKEDatagram(bytes, from: client, to: router)
            }
            last = initiator
        case 2:
            guard var initiator = last else { break }
            switch (op >> 4) & 3 {
            case 0:
                guard let first = payload.first,
                      let payloads = try? PayloadChain.decode(first: PayloadType(rawValue: first), bytes: payload.dropFirst()),
                      let bytes = try? initiator.request(ExchangeType(rawValue: 34 + (op >> 2) & 3), payloads) else { break }
                last = initiator
                _ = device.handleIKEDatagram(bytes, from: client, to: router)
            case 1:
                let group: DHGroupID = (payload.first ?? 0) & 1 == 0 ? .ecp256 : .curve25519
                guard let (bytes, pending) = try? initiator.ikeRekeyRequest(group: group) else { break }
                last = initiator
                if let reply = device.handleIKEDatagram(bytes, from: client, to: router),
                   let answer = try? initiator.open(reply), let rekeyed = initiator.completeIKERekey(pending, answer: answer) {
                    last = rekeyed
                }
            case 2:
                let child = device.ike.sas[initiator.responderSPI]?.child
                let spi = payload.prefix(4).reduce(UInt32(0x100)) { $0 << 8 | UInt32($1) }
                guard let bytes = try? initiator.childRequest(spi: spi, rekeying: op & 4 != 0 ? child?.outboundSPI : nil,
                                                              pfs: (payload.first ?? 0) & 1 == 0 ? nil : .ecp256) else { break }
                last = initiator
                _ = device.handleIKEDatagram(bytes, from: client, to: router)
            default:
                guard let request = sent.last, let message = try? initiator.open(request.bytes), !message.header.isResponse,
                      let bytes = try? initiator.answer(message) else { break }
                _ = device.handleIKEDatagram(bytes, from: client, to: router)
            }
        default:
            if op & 4 != 0 {
                device.clearCryptoSessions()
            } else {
                scheduler.advance(by: Double(payload.first ?? 31))
            }
        }
        var established = 0
        for sa in device.ike.sas.values where sa.state == .established { established += 1 }
        guard established == device.sessions.count else { fatalError("\(established) SAs up but \(device.sessions.count) sessions") }
        if sent.count > 10_000 { sent.removeAll() }
    }
    return 0
}
