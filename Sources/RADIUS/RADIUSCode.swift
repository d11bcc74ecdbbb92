/// RADIUS packet codes this emulator understands (RFC 2865, 2866, 5176). Any other code
/// makes `RADIUSPacket.decode` throw `.unknownCode`, so the DAS discards it silently.
public enum RADIUSCode: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case accessRequest = 1
    case accessAccept = 2
    case accessReject = 3
    case accountingRequest = 4
    case accountingResponse = 5
    case accessChallenge = 11
    case disconnectRequest = 40
    case disconnectACK = 41
    case disconnectNAK = 42
    case coaRequest = 43
    case coaACK = 44
    case coaNAK = 45

    /// The RFC / FreeRADIUS name, e.g. "Accounting-Request", "Disconnect-ACK", "CoA-NAK".
    public var name: String {
        switch self {
        case .accessRequest: "Access-Request"
        case .accessAccept: "Access-Accept"
        case .accessReject: "Access-Reject"
        case .accountingRequest: "Accounting-Request"
        case .accountingResponse: "Accounting-Response"
        case .accessChallenge: "Access-Challenge"
        case .disconnectRequest: "Disconnect-Request"
        case .disconnectACK: "Disconnect-ACK"
        case .disconnectNAK: "Disconnect-NAK"
        case .coaRequest: "CoA-Request"
        case .coaACK: "CoA-ACK"
        case .coaNAK: "CoA-NAK"
        }
    }

    public var description: String { name }

    /// Case-insensitive lookup by `name` (e.g. "disconnect-request").
    public init?(name: String) {
        let key = name.lowercased()
        guard let c = RADIUSCode.allCases.first(where: { $0.name.lowercased() == key }) else { return nil }
        self = c
    }

    /// True for codes a client sends (Access-, Accounting-, Disconnect-, CoA-Request).
    public var isRequest: Bool {
        switch self {
        case .accessRequest, .accountingRequest, .disconnectRequest, .coaRequest: true
        default: false
        }
    }

    /// Requests whose Request Authenticator is an MD5 over the packet (everything but
    /// Access-Request, whose authenticator is random).
    public var hasComputedRequestAuthenticator: Bool {
        switch self {
        case .accountingRequest, .disconnectRequest, .coaRequest: true
        default: false
        }
    }

    /// The positive reply to a request: Disconnect-ACK, CoA-ACK, Accounting-Response, Access-Accept.
    public var ackCode: RADIUSCode? {
        switch self {
        case .accessRequest: .accessAccept
        case .accountingRequest: .accountingResponse
        case .disconnectRequest: .disconnectACK
        case .coaRequest: .coaACK
        default: nil
        }
    }

    /// The negative reply to a request: Disconnect-NAK, CoA-NAK, Access-Reject
    /// (nil for Accounting-Request, which has no negative reply).
    public var nakCode: RADIUSCode? {
        switch self {
        case .accessRequest: .accessReject
        case .disconnectRequest: .disconnectNAK
        case .coaRequest: .coaNAK
        default: nil
        }
    }
}
