import IKEv2
import RADIUS

/// The IKEv2 responder's own settings (`lab ikev2 …`): while no `crypto ikev2 profile` is
/// configured, a key, an identity, a pool and EAP in place of the FlexVPN configuration model
/// (IKE/IKEFlexVPN.swift uses the model once a profile exists). The proposals, the cookie
/// threshold and the half-open bound are IOS configuration (`crypto ikev2 proposal`/`policy`,
/// `cookie-challenge`, `limit`: FlexVPN/IKEv2Proposals.swift).
public struct IKEResponderSettings: Equatable, Sendable {
    /// The keyring's pre-shared key for every peer (`peer any` / `address 0.0.0.0 0.0.0.0`).
    public var preSharedKey: String?
    /// `identity local fqdn NAME`; nil: our IKE address (IOS's default, `identity local address`).
    public var localFQDN: String?
    /// `ip local pool` range, first and last address.
    public var pool: (first: IPv4Address, last: IPv4Address)? {
        get { poolFirst.flatMap { first in poolLast.map { (first, $0) } } }
        set {
            poolFirst = newValue?.first
            poolLast = newValue?.last
        }
    }
    private var poolFirst: IPv4Address?
    private var poolLast: IPv4Address?
    /// The authorization policy's `dns` servers, sent in the CFG_REPLY.
    public var dns: [IPv4Address] = []
    /// `authentication remote eap query-identity`: a client that sends no AUTH is authenticated
    /// by EAP through the RADIUS servers (its PSK AUTH is still accepted).
    public var remoteEAP = false
    /// IKE SA lifetime, seconds (the profile's `lifetime`, IOS default 86400).
    public var lifetime: Int = 86_400
    /// `dpd INTERVAL RETRY {on-demand | periodic}` (`lab ikev2 dpd`); nil: no liveness checks of ours.
    public var dpd: IKEv2DPD?

    public init() {}

    /// The identity we present: the FQDN if set, else our address.
    public func localIdentity(address: IPv4Address) -> IdentificationPayload {
        if let localFQDN { return .fqdn(localFQDN) }
        return .ipv4(address.bytes)
    }
}
