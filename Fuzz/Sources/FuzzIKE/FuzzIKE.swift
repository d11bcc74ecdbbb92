// The IKEv2 responder (decoder and state machine) on a router with a pre-shared key and a pool,
// fed a sequence of datagrams per input, so half-open SAs, established SAs, message ids and
// counters carry state from one datagram to the next.
//
// Input: records `[op][length high][length low][payload]`:
//   op & 3 == 0  the payload as a datagram from the client
//   op & 3 == 1  a real client (IKEInitiator) connects; then, if the payload is not empty, a
//                request of its SA with the payload's bytes XORed over a liveness check
//   op & 3 == 2  the payload decoded as a payload chain (first type in its first byte) and sent
//                sealed in the last client's SA, exchange type 34 + (op >> 2) & 3
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
            guard var initiator = last, let first = payload.first,
                  let payloads = try? PayloadChain.decode(first: PayloadType(rawValue: first), bytes: payload.dropFirst()),
                  let bytes = try? initiator.request(ExchangeType(rawValue: 34 + (op >> 2) & 3), payloads) else { break }
            last = initiator
            _ = device.handleIKEDatagram(bytes, from: client, to: router)
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
