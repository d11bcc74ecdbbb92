/// Notify message types (RFC 7296 §3.10.1 and the IANA registry). Below 16384: errors.
public struct NotifyType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    // Errors.
    public static let unsupportedCriticalPayload = NotifyType(rawValue: 1)
    public static let invalidIKESPI = NotifyType(rawValue: 4)
    public static let invalidMajorVersion = NotifyType(rawValue: 5)
    public static let invalidSyntax = NotifyType(rawValue: 7)
    public static let invalidMessageID = NotifyType(rawValue: 9)
    public static let invalidSPI = NotifyType(rawValue: 11)
    public static let noProposalChosen = NotifyType(rawValue: 14)
    public static let invalidKEPayload = NotifyType(rawValue: 17)
    public static let authenticationFailed = NotifyType(rawValue: 24)
    public static let singlePairRequired = NotifyType(rawValue: 34)
    public static let noAdditionalSAs = NotifyType(rawValue: 35)
    public static let internalAddressFailure = NotifyType(rawValue: 36)
    public static let failedCPRequired = NotifyType(rawValue: 37)
    public static let tsUnacceptable = NotifyType(rawValue: 38)
    public static let invalidSelectors = NotifyType(rawValue: 39)
    public static let temporaryFailure = NotifyType(rawValue: 43)
    public static let childSANotFound = NotifyType(rawValue: 44)
    // Status.
    public static let initialContact = NotifyType(rawValue: 16384)
    public static let setWindowSize = NotifyType(rawValue: 16385)
    public static let additionalTSPossible = NotifyType(rawValue: 16386)
    public static let ipcompSupported = NotifyType(rawValue: 16387)
    public static let natDetectionSourceIP = NotifyType(rawValue: 16388)
    public static let natDetectionDestinationIP = NotifyType(rawValue: 16389)
    public static let cookie = NotifyType(rawValue: 16390)
    public static let useTransportMode = NotifyType(rawValue: 16391)
    public static let httpCertLookupSupported = NotifyType(rawValue: 16392)
    public static let rekeySA = NotifyType(rawValue: 16393)
    public static let espTFCPaddingNotSupported = NotifyType(rawValue: 16394)
    public static let nonFirstFragmentsAlso = NotifyType(rawValue: 16395)
    public static let mobikeSupported = NotifyType(rawValue: 16396)
    public static let multipleAuthSupported = NotifyType(rawValue: 16404)
    public static let anotherAuthFollows = NotifyType(rawValue: 16405)
    public static let redirectSupported = NotifyType(rawValue: 16406)
    public static let eapOnlyAuthentication = NotifyType(rawValue: 16417)
    public static let childlessIKEv2Supported = NotifyType(rawValue: 16418)
    public static let ikev2MessageIDSyncSupported = NotifyType(rawValue: 16420)
    public static let ikev2FragmentationSupported = NotifyType(rawValue: 16430)
    public static let signatureHashAlgorithms = NotifyType(rawValue: 16431)

    /// Error types are below 16384 (RFC 7296 §3.10.1).
    public var isError: Bool { rawValue < 16384 }

    /// The IANA name, as IOS's debug prints it in NOTIFY(...).
    public var description: String {
        switch self {
        case .unsupportedCriticalPayload: return "UNSUPPORTED_CRITICAL_PAYLOAD"
        case .invalidIKESPI: return "INVALID_IKE_SPI"
        case .invalidMajorVersion: return "INVALID_MAJOR_VERSION"
        case .invalidSyntax: return "INVALID_SYNTAX"
        case .invalidMessageID: return "INVALID_MESSAGE_ID"
        case .invalidSPI: return "INVALID_SPI"
        case .noProposalChosen: return "NO_PROPOSAL_CHOSEN"
        case .invalidKEPayload: return "INVALID_KE_PAYLOAD"
        case .authenticationFailed: return "AUTHENTICATION_FAILED"
        case .singlePairRequired: return "SINGLE_PAIR_REQUIRED"
        case .noAdditionalSAs: return "NO_ADDITIONAL_SAS"
        case .internalAddressFailure: return "INTERNAL_ADDRESS_FAILURE"
        case .failedCPRequired: return "FAILED_CP_REQUIRED"
        case .tsUnacceptable: return "TS_UNACCEPTABLE"
        case .invalidSelectors: return "INVALID_SELECTORS"
        case .temporaryFailure: return "TEMPORARY_FAILURE"
        case .childSANotFound: return "CHILD_SA_NOT_FOUND"
        case .initialContact: return "INITIAL_CONTACT"
        case .setWindowSize: return "SET_WINDOW_SIZE"
        case .additionalTSPossible: return "ADDITIONAL_TS_POSSIBLE"
        case .ipcompSupported: return "IPCOMP_SUPPORTED"
        case .natDetectionSourceIP: return "NAT_DETECTION_SOURCE_IP"
        case .natDetectionDestinationIP: return "NAT_DETECTION_DESTINATION_IP"
        case .cookie: return "COOKIE"
        case .useTransportMode: return "USE_TRANSPORT_MODE"
        case .httpCertLookupSupported: return "HTTP_CERT_LOOKUP_SUPPORTED"
        case .rekeySA: return "REKEY_SA"
        case .espTFCPaddingNotSupported: return "ESP_TFC_PADDING_NOT_SUPPORTED"
        case .nonFirstFragmentsAlso: return "NON_FIRST_FRAGMENTS_ALSO"
        case .mobikeSupported: return "MOBIKE_SUPPORTED"
        case .multipleAuthSupported: return "MULTIPLE_AUTH_SUPPORTED"
        case .anotherAuthFollows: return "ANOTHER_AUTH_FOLLOWS"
        case .redirectSupported: return "REDIRECT_SUPPORTED"
        case .eapOnlyAuthentication: return "EAP_ONLY_AUTHENTICATION"
        case .childlessIKEv2Supported: return "CHILDLESS_IKEV2_SUPPORTED"
        case .ikev2MessageIDSyncSupported: return "IKEV2_MESSAGE_ID_SYNC_SUPPORTED"
        case .ikev2FragmentationSupported: return "IKEV2_FRAGMENTATION_SUPPORTED"
        case .signatureHashAlgorithms: return "SIGNATURE_HASH_ALGORITHMS"
        default: return "NOTIFY(\(rawValue))"
        }
    }
}

/// The Notify payload (RFC 7296 §3.10).
public struct NotifyPayload: Hashable, Sendable {
    public var protocolID: ProtocolID
    public var spi: [UInt8]
    public var type: NotifyType
    public var data: [UInt8]

    public init(type: NotifyType, protocolID: ProtocolID = .none, spi: [UInt8] = [], data: [UInt8] = []) {
        self.protocolID = protocolID
        self.spi = spi
        self.type = type
        self.data = data
    }

    /// INVALID_KE_PAYLOAD names the group the responder wants (RFC 7296 §1.3).
    public static func invalidKEPayload(accepted group: DHGroupID) -> NotifyPayload {
        NotifyPayload(type: .invalidKEPayload, data: [UInt8(truncatingIfNeeded: group.rawValue >> 8), UInt8(truncatingIfNeeded: group.rawValue)])
    }

    /// UNSUPPORTED_CRITICAL_PAYLOAD names the payload type (one octet, RFC 7296 §3.10.1).
    public static func unsupportedCriticalPayload(_ type: PayloadType) -> NotifyPayload {
        NotifyPayload(type: .unsupportedCriticalPayload, data: [type.rawValue])
    }

    /// The group named by an INVALID_KE_PAYLOAD notify.
    public var acceptedGroup: DHGroupID? {
        guard type == .invalidKEPayload, data.count == 2 else { return nil }
        return DHGroupID(rawValue: UInt16(data[0]) << 8 | UInt16(data[1]))
    }

    /// The hash algorithms of SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4): 16-bit identifiers.
    public var signatureHashAlgorithms: [UInt16] {
        guard type == .signatureHashAlgorithms else { return [] }
        return stride(from: 0, to: data.count - 1, by: 2).map { UInt16(data[$0]) << 8 | UInt16(data[$0 + 1]) }
    }

    init(body: ArraySlice<UInt8>) throws(IKEv2DecodeError) {
        var r = ByteReader(body, context: "Notify payload")
        protocolID = ProtocolID(rawValue: try r.uint8())
        let spiSize = try r.uint8()
        type = NotifyType(rawValue: try r.uint16())
        spi = try r.bytes(Int(spiSize))
        data = r.rest()
    }

    func encodeBody() -> [UInt8] {
        var w = ByteWriter()
        w.uint8(protocolID.rawValue)
        w.uint8(UInt8(truncatingIfNeeded: spi.count))
        w.uint16(type.rawValue)
        w.append(spi)
        w.append(data)
        return w.bytes
    }
}
