// The DAS decision on a loaded router (the seed-example scenario: client 9.45.15.144, key
// `cisco`, three sessions), fed a sequence of datagrams per input, so the retransmission cache,
// the session table and the counters carry state from one datagram to the next.
//
// Input: one byte of settings, then records `[op][length high][length low][payload]`:
//   op & 3 == 0  the payload from the client, its Request Authenticator (and a
//                Message-Authenticator, when it decodes with one) signed with `cisco`
//   op & 3 == 1  the payload from the client as it is
//   op & 3 == 2  the payload from an address that is not a client
//   op & 3 == 3  no datagram: the clock moves on by the payload's first byte in seconds, or, with
//                op & 4, a new session comes up (`lab session connect`)
//   op >> 3      the source port's low bits (a retransmission must come from the same port)
// Every reply is checked: it is a well-formed Disconnect-ACK/NAK or CoA-NAK for the request's
// identifier whose Response Authenticator verifies.
import Device
import FuzzSupport
import RADIUS
import Shell

private let secret = Array("cisco".utf8)
private let client = IPv4Address(9, 45, 15, 144)
private let stranger = IPv4Address(9, 45, 15, 145)

@_cdecl("FuzzDAS_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzDAS)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDAS(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzReader(Fuzz.bytes(data, count))
    let (shell, device) = Fuzz.router(scenario: "seed-example")
    let settings = input.byte()
    var lines = ["enable", "configure terminal", "aaa server radius dynamic-author"]
    if settings & 1 != 0 { lines.append("ignore server-key") }
    if settings & 2 != 0 { lines.append("ignore retransmission") }
    switch (settings >> 2) & 3 {
    case 1: lines.append("auth-type any")
    case 2: lines.append("auth-type session-key")
    default: break
    }
    if settings & 16 != 0 { lines.append("domain stripping") }
    if settings & 32 != 0 { lines.append("ignore session-key") }
    lines.append("end")
    if settings & 64 != 0 { lines.append("debug aaa pod") }
    if settings & 128 != 0 { lines.append("debug radius") }
    Fuzz.type(shell, lines)
    if settings & 8 != 0 { device.das.retransmissionCapacity = 4 }

    var connected = 0
    while !input.isAtEnd {
        let op = input.byte()
        let payload = input.chunk(input.uint16())
        let port = UInt16(40_000 + Int(op >> 3))
        switch op & 3 {
        case 3:
            if op & 4 != 0, connected < 64 {
                connected += 1
                _ = shell.submit("lab session connect fuzz\(connected)@example.com peer 10.0.0.\(connected)")
            } else {
                device.advanceClock(by: Double(payload.first ?? 31))
            }
        default:
            var datagram = payload
            if op & 3 == 0 { sign(&datagram) }
            let source = op & 3 == 2 ? stranger : client
            let sessionsBefore = device.sessions.count
            let reply = device.handleDASDatagram(datagram, from: (ip: source, port: port), localPort: 1812)
            if let reply { check(reply, answering: datagram) }
            if device.sessions.count < sessionsBefore, reply?.first != RADIUSCode.disconnectACK.rawValue {
                fatalError("sessions ended without a Disconnect-ACK")
            }
        }
    }
    return 0
}

/// Signs the datagram as a DAC holding the client's key would.
private func sign(_ datagram: inout [UInt8]) {
    if var packet = try? RADIUSPacket.decode(datagram) {
        let length = packet.encodedLength
        let tail = datagram.count > length ? Array(datagram[length...]) : []
        datagram = RADIUSAuth.signRequest(&packet, secret: secret) + tail
    } else {
        datagram.withUnsafeMutableBytes { _ = RADIUSAuth.signRequest(inPlace: $0, secret: secret) }
    }
}

private func check(_ reply: [UInt8], answering request: [UInt8]) {
    guard let packet = try? RADIUSPacket.decode(reply) else { fatalError("a reply that does not decode") }
    guard packet.identifier == request[1] else { fatalError("a reply to another identifier") }
    let expected: [RADIUSCode] = request[0] == RADIUSCode.coaRequest.rawValue ? [.coaNAK] : [.disconnectACK, .disconnectNAK]
    guard expected.contains(packet.code) else { fatalError("reply code \(packet.code) to code \(request[0])") }
    guard RADIUSAuth.verifyResponseAuthenticator(reply, requestAuthenticator: Array(request[4..<20]), secret: secret) else {
        fatalError("a reply whose Response Authenticator does not verify")
    }
}
