import RADIUS

/// Why sessions ended, for whoever reports it (IKEv2 debug lines, accounting Stop: later issues).
public enum SessionEndCause: Equatable, Sendable {
    /// A Disconnect-Request from this DAS client.
    case radiusDisconnect(client: IPv4Address)
    /// `clear crypto session`.
    case clearCommand
    /// The session's own timers (Session-Timeout, Idle-Timeout).
    case sessionTimeout
    case idleTimeout
    /// The client deleted its IKE SA.
    case userRequest
    /// The client stopped answering our requests (liveness check or our Delete): Lost-Carrier.
    case peerLost
    /// The IKE SA's lifetime ran out: our Delete, then Session-Timeout.
    case lifetimeExpired
}

/// Error-Cause values (RFC 5176 §3.6) the DAS sends, with the names `debug aaa pod` prints.
public enum DASErrorCause: UInt32, Sendable, Error {
    case unsupportedAttribute = 401
    case missingAttribute = 402
    case nasIdentificationMismatch = 403
    case invalidRequest = 404
    case unsupportedService = 405
    case invalidAttributeValue = 407
    case multipleSessionSelectionUnsupported = 508

    /// The RFC name from the dictionary (`Invalid Request`), as `debug aaa pod` prints it.
    public var debugName: String {
        RADIUSDictionary.attribute(RADIUSAttributeType.errorCause)?.valueName(rawValue) ?? String(rawValue)
    }
}

// The RADIUS Dynamic Authorization Server's decisions (RFC 5176, as the FlexVPN seeds show them).
//
// Where the RFC and IOS differ, this follows IOS:
// - No matching session: Disconnect-NAK with Reply-Message "No Matching Session" and Error-Cause
//   404 Invalid Request (the seed), not the RFC's 503 Session Context Not Found.
// - Clients are matched by the text of `client` as an address. A hostname never matches: the
//   emulator does no name resolution.
// - `ignore server-key` skips both the Request Authenticator and the Message-Authenticator check;
//   a secret is still needed to sign the reply, so without any key the request is discarded.
// - `auth-type all` (default): a session must carry every identification attribute sent;
//   `any`: one is enough; `session-key`: attribute 151 alone decides, the others are ignored and a
//   request without it is NAKed 402. `ignore session-key` drops attribute 151 from matching; with
//   `auth-type session-key` it falls back to `all` over the other attributes.
// - A request with no session identification at all: NAK 402 Missing Attribute.
// - Precedence of NAKs: 401 Unsupported Attribute, 407 Invalid Attribute Value (an address that is
//   not 4 bytes, a malformed Vendor-Specific), 403 NAS Identification Mismatch, 402, then 404.
//   Nothing changes on any NAK.
// - `domain stripping`: a User-Name `user@domain` also matches a session named `user` (the
//   delimiter from `domain delimiter`, default `@`; left to right unless `right-to-left`).
// - Duplicates are recognised after the authenticators verify, so a forged copy never gets the
//   cached reply; the cache keeps 65,536 replies (16 MiB of them at most) for 30 s, dropping the
//   oldest first when full (counted in `statistics.retransmissionCacheEvictions`).
// - A CoA-Request is answered CoA-NAK 405 Unsupported Service until CoA is implemented.
// - Reply attributes: Reply-Message, Error-Cause, every Proxy-State in request order, then a
//   Message-Authenticator when the request carried one.
extension Device {
    /// Handles one datagram received on the DAS port. Returns the reply to send back to `from`,
    /// or nil to discard silently. Any input is safe: malformed datagrams are discarded.
    public func handleDASDatagram(_ bytes: [UInt8], from source: (ip: IPv4Address, port: UInt16),
                                  localPort: UInt16) -> [UInt8]? {
        bytes.withUnsafeBytes { handleDASDatagram(raw: $0, from: source, localPort: localPort) }
    }

    /// The same on raw memory (a received ByteBuffer's readable bytes), without a copy.
    public func handleDASDatagram(raw: UnsafeRawBufferPointer, from source: (ip: IPv4Address, port: UInt16),
                                  localPort: UInt16) -> [UInt8]? {
        das.statistics.received += 1
        guard config.aaaNewModel, let settings = config.dynamicAuthor else { return nil }
        guard let length = try? RADIUSPacket.validatedLength(raw) else {
            das.statistics.malformed += 1
            return nil
        }
        let code = raw[0]
        guard code == RADIUSCode.disconnectRequest.rawValue || code == RADIUSCode.coaRequest.rawValue else {
            das.statistics.unknownCode += 1
            return nil
        }
        guard let client = dasClient(for: source.ip, settings) else {
            das.statistics.unknownClient += 1
            return nil
        }
        guard let secret = client.secret else {
            das.statistics.noSecret += 1
            return nil
        }
        let request = UnsafeRawBufferPointer(rebasing: raw[0..<length])
        let isCoA = code == RADIUSCode.coaRequest.rawValue
        guard let scan = DASAttributeScan(request, collectDebug: isCoA ? debug.aaaCoa : debug.aaaPod, coa: isCoA) else {
            das.statistics.malformed += 1
            return nil
        }
        if !settings.ignoreServerKey {
            guard RADIUSAuth.verifyRequestAuthenticator(request, secret: secret) else {
                das.statistics.badAuthenticator += 1
                return nil
            }
            if scan.hasMessageAuthenticator {
                guard RADIUSAuth.verifyRequestMessageAuthenticator(request, secret: secret) == .valid else {
                    das.statistics.badMessageAuthenticator += 1
                    return nil
                }
            }
        }
        if let stamp = scan.eventTimestamp {
            guard abs(now - Double(stamp)) <= das.eventTimestampWindow else {
                das.statistics.staleEventTimestamp += 1
                return nil
            }
        }

        let requestAuthenticator = UnsafeRawBufferPointer(rebasing: request[4..<20])
        let key = RetransmissionCache.Key(address: source.ip.rawValue, port: source.port, identifier: request[1],
                                          authenticatorHigh: loadUInt64(request, 4),
                                          authenticatorLow: loadUInt64(request, 12))
        let hostNow = time.now()
        if let cached = das.cache.reply(for: key, now: hostNow, window: das.retransmissionWindow) {
            if settings.ignoreRetransmission {
                das.statistics.duplicatesDropped += 1
                return nil
            }
            das.statistics.duplicatesAnswered += 1
            return cached
        }

        var reply: RADIUSPacket
        if isCoA {
            reply = changeOfAuthorization(request, scan, settings, source: source, localPort: localPort)
            recordLabEvent(.dasReply(client: source.ip, request: .coaRequest, reply: reply.code,
                                     errorCause: reply.first(RADIUSAttributeType.errorCause)?.integerValue, ended: []))
        } else {
            reply = disconnect(request, scan, settings, source: source, localPort: localPort)
        }
        for proxyState in scan.proxyStates {
            reply.attributes.append(RADIUSAttribute(type: RADIUSAttributeType.proxyState, value: proxyState))
        }
        let bytes: [UInt8]
        if reply.attributes.isEmpty && !scan.hasMessageAuthenticator {
            // A plain ACK: the same bytes as signReply, without building them attribute by attribute.
            bytes = RADIUSAuth.signedReplyWithoutAttributes(code: reply.code, identifier: reply.identifier,
                                                            requestAuthenticator: requestAuthenticator,
                                                            secret: secret)
        } else {
            bytes = RADIUSAuth.signReply(&reply, requestAuthenticator: Array(requestAuthenticator), secret: secret,
                                         addMessageAuthenticator: scan.hasMessageAuthenticator)
        }
        if debug.radiusDynamicAuthorization, code == RADIUSCode.disconnectRequest.rawValue, !reply.attributes.isEmpty {
            debugLog(lines: reply.attributes.map { attribute in
                "RADIUS: \(attribute.type) \(attribute.encodedLength) " + hexString(attribute.value)
            })
        }
        das.statistics.retransmissionCacheEvictions += das.cache.insert(bytes, for: key, now: hostNow,
                                                                        window: das.retransmissionWindow)
        return bytes
    }

    /// The configured client whose address is `ip` in the global routing table (the emulator has
    /// only that one: entries in a VRF never match), with its secret: its own `server-key`, else
    /// the global one.
    private func dasClient(for ip: IPv4Address, _ settings: DynamicAuthorConfig) -> DASState.Client? {
        if !das.observingConfig {
            das.observingConfig = true
            let das = self.das
            das.observedSettings = DASState.ObservedSettings(config)
            observeConfig { new in
                let settings = DASState.ObservedSettings(new)
                guard settings != das.observedSettings else { return }
                das.observedSettings = settings
                das.clientTable = nil
                if new.dasPort == nil { das.clearRetransmissionCache() }
            }
        }
        if das.clientTable == nil {
            var table: [UInt32: DASState.Client] = [:]
            for client in settings.clients {
                guard client.vrf == nil, let address = IPv4Address(client.host), table[address.rawValue] == nil
                else { continue }
                let key = client.serverKey?.plain ?? settings.serverKey?.plain
                table[address.rawValue] = DASState.Client(secret: key.map { Array($0.utf8) })
            }
            das.clientTable = table
        }
        return das.clientTable?[ip.rawValue]
    }

    /// Decides a Disconnect-Request: the reply without Proxy-State and Message-Authenticator.
    func disconnect(_ request: UnsafeRawBufferPointer, _ scan: DASAttributeScan,
                            _ settings: DynamicAuthorConfig, source: (ip: IPv4Address, port: UInt16),
                            localPort: UInt16) -> RADIUSPacket {
        let identifier = request[1]
        let podDebug = debug.aaaPod
        logDASRequest(tag: "POD", request, scan, source: source, attributeList: podDebug)

        func nak(_ cause: DASErrorCause, replyMessage: String? = nil) -> RADIUSPacket {
            das.statistics.disconnectNAKs += 1
            let reply = dasNAK(.disconnectNAK, tag: "POD", cause, replyMessage: replyMessage, identifier: identifier,
                               source: source, localPort: localPort, debugging: podDebug)
            recordLabEvent(.dasReply(client: source.ip, request: .disconnectRequest, reply: .disconnectNAK,
                                     errorCause: cause.rawValue, ended: []))
            return reply
        }

        if scan.unsupported { return nak(.unsupportedAttribute) }
        if scan.invalidValue { return nak(.invalidAttributeValue) }
        let matched: [Int32]
        switch identifiedSlots(scan, settings) {
        case let .success(slots): matched = slots
        case let .failure(cause): return nak(cause)
        }
        if matched.isEmpty {
            if podDebug {
                var lines: [String] = []
                for _ in 0..<scan.vendorSpecificCount {
                    lines.append("POD: \(source.ip) Unsupported attribute type 26 for component")
                }
                let user = scan.firstUserName.map { $0 + " " } ?? ""
                let framed = scan.firstFramedIP.map { IPv4Address(rawValue: $0).description } ?? "0.0.0.0"
                lines.append("POD: \(source.ip) user \(user)\(framed)i sessid 0x"
                             + String(scan.firstAcctSessionId ?? 0, radix: 16) + " key 0x"
                             + String(scan.firstServerKey ?? 0, radix: 16) + " DROPPED")
                debugLog(lines: lines)
            }
            return nak(.invalidRequest, replyMessage: "No Matching Session")
        }
        var ended: [Session] = []
        ended.reserveCapacity(matched.count)
        for slot in matched {
            if let session = sessions.remove(slot: slot) { ended.append(session) }
        }
        das.statistics.disconnectACKs += 1
        if podDebug { debugLog("POD: Sending ACK from port \(localPort) to \(source.ip)/\(source.port)") }
        if let hook = onSessionsDisconnected {
            // One session (the usual case) needs no sorted copy.
            hook(ended.count > 1 ? ended.sorted { $0.sessionId < $1.sessionId } : ended,
                 .radiusDisconnect(client: source.ip))
        }
        recordLabEvent(.dasReply(client: source.ip, request: .disconnectRequest, reply: .disconnectACK,
                                 errorCause: nil, ended: ended.map(LabEventLog.SessionSummary.init)))
        return RADIUSPacket(code: .disconnectACK, identifier: identifier)
    }

    /// The sessions a Disconnect- or CoA-Request identifies (RFC 5176 §3): its NAS identification
    /// must be this router's, then its session identification attributes select, as `auth-type`,
    /// `ignore session-key` and `domain stripping` say. The slots (maybe none), or the NAK's cause.
    func identifiedSlots(_ scan: DASAttributeScan, _ settings: DynamicAuthorConfig) -> Result<[Int32], DASErrorCause> {
        for nasIP in scan.nasIPAddresses where nasIP != nasIPAddress.rawValue { return .failure(.nasIdentificationMismatch) }
        for name in scan.nasIdentifiers where name != config.hostname { return .failure(.nasIdentificationMismatch) }
        if scan.hasNASIPv6Address { return .failure(.nasIdentificationMismatch) }

        var keys = scan.keys
        if settings.ignoreSessionKey { keys.removeAll { $0.isServerKey } }
        let mode: DASAuthType = settings.authType == .sessionKey && settings.ignoreSessionKey ? .all : settings.authType
        if mode == .sessionKey { keys.removeAll { !$0.isServerKey } }
        if keys.isEmpty { return .failure(.missingAttribute) }
        if let rightToLeft = settings.domainStrippingRightToLeft {
            let delimiter = settings.domainDelimiter ?? "@"
            keys = keys.map { key in
                guard case .table(.userName(let name)) = key else { return key }
                return .userNameOrStripped(name, strip(name, delimiter: delimiter, rightToLeft: rightToLeft))
            }
        }
        return .success(matchingSlots(keys, any: mode == .any))
    }

    /// Slots of the sessions the keys name: all keys must hold (`any` false) or one is enough.
    func matchingSlots(_ keys: [DASMatchKey], any: Bool) -> [Int32] {
        var out: [Int32] = []
        if any {
            var seen = Set<Int32>()
            for key in keys {
                forEachSlot(key) { slot in if seen.insert(slot).inserted { out.append(slot) } }
            }
            return out
        }
        // Walk the most selective key's sessions and check the others on each.
        guard let driver = keys.indices.min(by: { keys[$0].selectivityRank < keys[$1].selectivityRank }) else {
            return out
        }
        forEachSlot(keys[driver]) { candidate in
            for (i, key) in keys.enumerated() where i != driver {
                guard slot(candidate, matches: key) else { return }
            }
            out.append(candidate)
        }
        return out
    }

    private func forEachSlot(_ key: DASMatchKey, _ body: (Int32) -> Void) {
        switch key {
        case .table(let k): sessions.forEachSlot(k, body)
        case .userNameOrStripped(let full, let stripped):
            sessions.forEachSlot(.userName(full), body)
            if stripped != full { sessions.forEachSlot(.userName(stripped), body) }
        case .unmatchable: break
        }
    }

    private func slot(_ slot: Int32, matches key: DASMatchKey) -> Bool {
        switch key {
        case .table(let k): return sessions.slot(slot, matches: k)
        case .userNameOrStripped(let full, let stripped):
            return sessions.slot(slot, matches: .userName(full)) || sessions.slot(slot, matches: .userName(stripped))
        case .unmatchable: return false
        }
    }

    func strip(_ name: String, delimiter: Character, rightToLeft: Bool) -> String {
        let index = rightToLeft ? name.lastIndex(of: delimiter) : name.firstIndex(of: delimiter)
        guard let index else { return name }
        return String(name[..<index])
    }
}

/// One session-identification criterion of a Disconnect-Request.
enum DASMatchKey {
    case table(SessionTable.Key)
    /// User-Name under `domain stripping`: the name as sent or without its domain.
    case userNameOrStripped(String, String)
    /// An attribute whose value cannot name any session (a Calling-Station-Id that is no address).
    case unmatchable

    static func userName(_ name: String) -> DASMatchKey { .table(.userName(name)) }
    static func serverKey(_ key: UInt32) -> DASMatchKey { .table(.serverKey(key)) }

    var isServerKey: Bool {
        if case .table(.serverKey) = self { return true }
        return false
    }

    /// Lower runs first when every key must match: unique keys before shared ones.
    var selectivityRank: Int {
        switch self {
        case .unmatchable: 0
        case .table(.serverKey), .table(.acctSessionId): 1
        case .table(.auditSessionId): 2
        case .table(.framedIP): 3
        case .table(.userName), .userNameOrStripped: 4
        case .table(.peer): 5
        }
    }
}

/// A Disconnect/CoA-Request's attributes, read straight from the datagram in one pass.
struct DASAttributeScan {
    struct DebugItem {
        var flags: String
        var name: String
        var length: Int
        var text: String
    }

    var hasMessageAuthenticator = false
    var eventTimestamp: UInt32?
    var proxyStates: [[UInt8]] = []
    var keys: [DASMatchKey] = []
    var nasIPAddresses: [UInt32] = []
    var nasIdentifiers: [String] = []
    var hasNASIPv6Address = false
    var unsupported = false
    var invalidValue = false
    var vendorSpecificCount = 0
    var firstUserName: String?
    var firstFramedIP: UInt32?
    var firstAcctSessionId: UInt32?
    var firstServerKey: UInt32?
    /// The AAA view of the identification attributes, for `debug aaa pod` (only when asked for).
    var debugList: [DebugItem] = []
    let collectDebug: Bool
    /// A CoA-Request: the attributes it would change (Session-Timeout, Idle-Timeout, Class,
    /// Cisco AV pairs other than the audit-session-id) are collected here instead of being
    /// unsupported; the CoA decides which it takes.
    let coa: Bool
    var coaAttributes: [RADIUSAttribute] = []

    @inline(__always)
    private mutating func note(_ item: @autoclosure () -> DebugItem) {
        if collectDebug { debugList.append(item()) }
    }

    /// Nil when the attributes do not tile the packet, a Message-Authenticator is not 18 bytes or
    /// appears twice, or an Event-Timestamp is not 4 bytes: the datagram is then discarded.
    init?(_ packet: UnsafeRawBufferPointer, collectDebug: Bool, coa: Bool = false) {
        self.collectDebug = collectDebug
        self.coa = coa
        var offset = RADIUSPacket.headerLength
        let end = packet.count
        while offset < end {
            guard offset + 2 <= end else { return nil }
            let type = packet[offset]
            let length = Int(packet[offset + 1])
            guard length >= 2, offset + length <= end else { return nil }
            let value = UnsafeRawBufferPointer(rebasing: packet[(offset + 2)..<(offset + length)])
            offset += length
            switch type {
            case RADIUSAttributeType.messageAuthenticator:
                guard value.count == 16, !hasMessageAuthenticator else { return nil }
                hasMessageAuthenticator = true
            case RADIUSAttributeType.eventTimestamp:
                guard value.count == 4, eventTimestamp == nil else { return nil }
                eventTimestamp = loadUInt32(value, 0)
            case RADIUSAttributeType.proxyState:
                proxyStates.append(Array(value))
            case RADIUSAttributeType.userName:
                let name = String(decoding: value, as: UTF8.self)
                keys.append(.userName(name))
                if firstUserName == nil { firstUserName = name }
                note(DebugItem(flags: "00000009", name: "username(450)", length: value.count, text: name))
            case RADIUSAttributeType.acctSessionId:
                let text = String(decoding: value, as: UTF8.self)
                if let id = parseHex32(text) {
                    keys.append(.table(.acctSessionId(id)))
                    if firstAcctSessionId == nil { firstAcctSessionId = id }
                } else {
                    keys.append(.unmatchable)
                }
                note(DebugItem(flags: "00000009", name: "acct-session-id(44)", length: value.count,
                                           text: text))
            case RADIUSAttributeType.framedIPAddress:
                guard value.count == 4 else {
                    invalidValue = true
                    continue
                }
                let address = loadUInt32(value, 0)
                keys.append(.table(.framedIP(address)))
                if firstFramedIP == nil { firstFramedIP = address }
                note(DebugItem(flags: "00000001", name: "addr(8)", length: 4,
                                           text: IPv4Address(rawValue: address).description))
            case RADIUSAttributeType.callingStationId:
                let text = String(decoding: value, as: UTF8.self)
                keys.append(IPv4Address(text).map { .table(.peer($0.rawValue)) } ?? .unmatchable)
                note(DebugItem(flags: "00000009", name: "formatted-clid(37)", length: value.count,
                                           text: text))
            case RADIUSAttributeType.ciscoSessionKey:
                let text = String(decoding: value, as: UTF8.self)
                if let key = parseHex32(text) {
                    keys.append(.serverKey(key))
                    if firstServerKey == nil { firstServerKey = key }
                } else {
                    keys.append(.unmatchable)
                }
                note(DebugItem(flags: "00000009", name: "session-key(151)", length: value.count,
                                           text: text))
            case RADIUSAttributeType.nasIPAddress:
                guard value.count == 4 else {
                    invalidValue = true
                    continue
                }
                nasIPAddresses.append(loadUInt32(value, 0))
                note(DebugItem(flags: "00000001", name: "nas-ip-address(439)", length: 4,
                                           text: IPv4Address(rawValue: loadUInt32(value, 0)).description))
            case RADIUSAttributeType.nasIdentifier:
                nasIdentifiers.append(String(decoding: value, as: UTF8.self))
            case RADIUSAttributeType.nasIPv6Address:
                hasNASIPv6Address = true
            case RADIUSAttributeType.vendorSpecific:
                vendorSpecificCount += 1
                scanVendorSpecific(value)
            default:
                if coa {
                    let attribute = RADIUSAttribute(type: type, value: Array(value))
                    coaAttributes.append(attribute)
                    // Integers as numbers, anything else as text (Class, Filter-Id).
                    note(DebugItem(flags: "00000000", name: RADIUSDictionary.attribute(type)?.name ?? "attribute(\(type))",
                                   length: value.count,
                                   text: value.count == 4 && type != RADIUSAttributeType.class
                                       ? String(loadUInt32(value, 0)) : String(decoding: value, as: UTF8.self)))
                } else {
                    unsupported = true
                }
            }
        }
    }

    /// A Cisco VSA may carry `audit-session-id=…`; any other pair, sub-type or vendor is unsupported.
    private mutating func scanVendorSpecific(_ value: UnsafeRawBufferPointer) {
        guard value.count >= 4 else {
            invalidValue = true
            return
        }
        guard loadUInt32(value, 0) == RADIUSVendor.cisco else {
            unsupported = true
            return
        }
        var offset = 4
        while offset < value.count {
            guard offset + 2 <= value.count else {
                invalidValue = true
                return
            }
            let subType = value[offset]
            let length = Int(value[offset + 1])
            guard length >= 2, offset + length <= value.count else {
                invalidValue = true
                return
            }
            let pair = UnsafeRawBufferPointer(rebasing: value[(offset + 2)..<(offset + length)])
            offset += length
            // Fast path: the bytes start with the prefix and the id's first byte is ASCII (or there
            // is none), so the prefix ends on a character boundary and the text path below would
            // give the same id; anything else takes that path.
            if subType == RADIUSVendor.ciscoAVPair, pair.count >= auditPrefix.count,
               pair.count == auditPrefix.count || pair[auditPrefix.count] < 0x80,
               pair.prefix(auditPrefix.count).elementsEqual(auditPrefix) {
                let idBytes = UnsafeRawBufferPointer(rebasing: pair[auditPrefix.count...])
                let id = String(decoding: idBytes, as: UTF8.self)
                keys.append(.table(.auditSessionId(id)))
                note(DebugItem(flags: "00000089", name: "audit-session-id(819)", length: id.utf8.count,
                               text: id))
                continue
            }
            let text = String(decoding: pair, as: UTF8.self)
            let prefix = "audit-session-id="
            guard subType == RADIUSVendor.ciscoAVPair, text.hasPrefix(prefix) else {
                if coa, subType == RADIUSVendor.ciscoAVPair {
                    coaAttributes.append(.ciscoAVPair(text))
                    note(DebugItem(flags: "00000000", name: "cisco-avpair(1)", length: pair.count, text: text))
                } else {
                    unsupported = true
                }
                continue
            }
            let id = String(text.dropFirst(prefix.count))
            keys.append(.table(.auditSessionId(id)))
            note(DebugItem(flags: "00000089", name: "audit-session-id(819)", length: id.utf8.count,
                                       text: id))
        }
    }
}

private let auditPrefix: [UInt8] = Array("audit-session-id=".utf8)

@inline(__always)
func loadUInt32(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
    UInt32(raw[offset]) << 24 | UInt32(raw[offset + 1]) << 16 | UInt32(raw[offset + 2]) << 8 | UInt32(raw[offset + 3])
}

@inline(__always)
func loadUInt64(_ raw: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
    UInt64(loadUInt32(raw, offset)) << 32 | UInt64(loadUInt32(raw, offset + 4))
}

private let upperHex: [UInt8] = Array("0123456789ABCDEF".utf8)

/// Bytes as upper-case hex without spaces: `4E6F204D…`.
func hexString(_ bytes: [UInt8]) -> String {
    String(unsafeUninitializedCapacity: bytes.count * 2) { out in
        for (i, b) in bytes.enumerated() {
            out[2 * i] = upperHex[Int(b >> 4)]
            out[2 * i + 1] = upperHex[Int(b & 0xF)]
        }
        return bytes.count * 2
    }
}

/// 12 upper-case hex digits, a 48-bit address: `7FBD9783D3A8`.
func hex12(_ value: UInt64) -> String {
    String(unsafeUninitializedCapacity: 12) { out in
        for i in 0..<12 { out[i] = upperHex[Int((value >> UInt64(44 - 4 * i)) & 0xF)] }
        return 12
    }

}

extension Device {
    /// A DAS request's arrival in the debug output: `debug radius dynamic-authorization`'s line,
    /// then, when `attributeList` (`debug aaa pod`, `debug aaa coa`), the request's attributes in
    /// the seeds' layout. `tag`: POD or COA, as the lines begin.
    func logDASRequest(tag: String, _ request: UnsafeRawBufferPointer, _ scan: DASAttributeScan,
                       source: (ip: IPv4Address, port: UInt16), attributeList: Bool) {
        if debug.radiusDynamicAuthorization {
            let kind = tag == "POD" ? "POD Request" : "CoA Request"
            debugLog("RADIUS: \(tag) received from id \(request[1]) \(source.ip):\(source.port), \(kind), len \(request.count)")
        }
        guard attributeList else { return }
        let listName = tag == "POD" ? "POD" : "CoA"
        var lines = ["\(tag): \(source.ip) request queued", " ++++++ \(listName) Attribute List ++++++"]
        for item in scan.debugList {
            lines.append(hex12(das.nextDebugAddress(random: random)) + " 0 " + item.flags + " " + item.name + " "
                         + String(item.length) + " " + item.text)
        }
        lines.append("")
        debugLog(lines: lines)
    }

    /// A Disconnect-NAK or CoA-NAK with its Error-Cause (and Reply-Message), and the lines
    /// `debug aaa pod` / `debug aaa coa` print for it when `debugging`.
    func dasNAK(_ code: RADIUSCode, tag: String, _ cause: DASErrorCause, replyMessage: String?, identifier: UInt8,
                source: (ip: IPv4Address, port: UInt16), localPort: UInt16, debugging: Bool) -> RADIUSPacket {
        var attributes: [RADIUSAttribute] = []
        var lines: [String] = []
        if let replyMessage {
            attributes.append(.string(RADIUSAttributeType.replyMessage, replyMessage))
            lines.append("\(tag): Added Reply Message: " + replyMessage)
        }
        attributes.append(.integer(RADIUSAttributeType.errorCause, cause.rawValue))
        lines.append("\(tag): Added NACK Error Cause: " + cause.debugName)
        lines.append("\(tag): Sending NAK from port \(localPort) to \(source.ip)/\(source.port)")
        if debugging { debugLog(lines: lines) }
        return RADIUSPacket(code: code, identifier: identifier, attributes: attributes)
    }
}
