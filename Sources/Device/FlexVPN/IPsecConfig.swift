/// `crypto ipsec transform-set NAME TRANSFORMS` (submode `(cfg-crypto-trans)#`: `mode`).
public struct IPsecTransformSet: Equatable, Sendable {
    public enum Cipher: Equatable, Sendable {
        /// `esp-aes [128|192|256]` (128 when no length is given).
        case aes(keyBits: Int)
        /// `esp-gcm [128|192|256]` (128 when no length is given): its own integrity.
        case gcm(keyBits: Int)
    }

    public enum HMAC: String, CaseIterable, Equatable, Sendable {
        case sha = "esp-sha-hmac", sha256 = "esp-sha256-hmac", sha384 = "esp-sha384-hmac", sha512 = "esp-sha512-hmac"
    }

    public var name: String
    public var cipher: Cipher
    public var hmac: HMAC?
    /// `mode transport`; tunnel mode otherwise (IOS's default).
    public var transportMode = false

    public init(name: String, cipher: Cipher, hmac: HMAC?) {
        self.name = name
        self.cipher = cipher
        self.hmac = hmac
    }

    /// IOS's implicit `default` set: `esp-aes esp-sha-hmac`, transport mode (a tunnel interface's
    /// SAs are in tunnel mode all the same).
    public static let iosDefault: IPsecTransformSet = {
        var set = IPsecTransformSet(name: "default", cipher: .aes(keyBits: 128), hmac: .sha)
        set.transportMode = true
        return set
    }()

    /// `show crypto ipsec transform-set`'s name for the transforms: `esp-256-aes esp-sha256-hmac`.
    public var shownText: String {
        var text: String
        switch cipher {
        case let .gcm(bits): text = bits == 128 ? "esp-gcm" : "esp-gcm \(bits)"
        case let .aes(bits): text = bits == 128 ? "esp-aes" : "esp-\(bits)-aes"
        }
        if let hmac { text += " " + hmac.rawValue }
        return text
    }

    /// The transforms as configured: `esp-aes 256 esp-sha256-hmac`.
    public var configText: String {
        var text: String
        switch cipher {
        case let .aes(bits): text = "esp-aes" + (bits == 128 ? "" : " \(bits)")
        case let .gcm(bits): text = "esp-gcm" + (bits == 128 ? "" : " \(bits)")
        }
        if let hmac { text += " " + hmac.rawValue }
        return text
    }

    /// The running-config lines; IOS ends the first with a space.
    public var configLines: [String] {
        ["crypto ipsec transform-set \(name) \(configText) ", " mode " + (transportMode ? "transport" : "tunnel")]
    }
}

/// `crypto ipsec profile NAME` (submode `(ipsec-profile)#`).
public struct IPsecProfile: Equatable, Sendable {
    public var name: String
    /// `set transform-set NAME…`, in order (IOS takes up to six).
    public var transformSets: [String] = []
    public var ikev2Profile: String?
    /// `set pfs groupN`.
    public var pfsGroup: Int?
    public var lifetimeSeconds: Int?
    public var lifetimeKilobytes: Int?

    public init(name: String) { self.name = name }

    /// IOS's implicit `default` profile: the default transform set.
    public static let iosDefault: IPsecProfile = {
        var p = IPsecProfile(name: "default")
        p.transformSets = ["default"]
        return p
    }()

    public var configLines: [String] {
        var out = ["crypto ipsec profile \(name)"]
        if let s = lifetimeSeconds { out.append(" set security-association lifetime seconds \(s)") }
        if let k = lifetimeKilobytes { out.append(" set security-association lifetime kilobytes \(k)") }
        if !transformSets.isEmpty { out.append(" set transform-set " + transformSets.joined(separator: " ") + " ") }
        if let g = pfsGroup { out.append(" set pfs group\(g)") }
        if let p = ikev2Profile { out.append(" set ikev2-profile \(p)") }
        return out
    }
}

extension FlexVPNConfig {
    /// A transform set by name; `default` is IOS's own unless redefined.
    public func transformSet(named name: String) -> IPsecTransformSet? {
        if let set = transformSets.first(where: { $0.name == name }) { return set }
        return name == "default" ? .iosDefault : nil
    }

    /// An IPsec profile by name; `default` is IOS's own unless redefined.
    public func ipsecProfile(named name: String) -> IPsecProfile? {
        if let profile = ipsecProfiles.first(where: { $0.name == name }) { return profile }
        return name == "default" ? .iosDefault : nil
    }

    /// What a session's IPsec SAs use: the profile its Virtual-Template protects with (the first
    /// template's, `default` when none names one) and that profile's first transform set.
    public func sessionIPsecPolicy() -> (profile: IPsecProfile, transformSet: IPsecTransformSet) {
        let named = virtualTemplates.first?.tunnelProtectionProfile ?? "default"
        let profile = ipsecProfile(named: named) ?? .iosDefault
        let set = profile.transformSets.lazy.compactMap { transformSet(named: $0) }.first ?? .iosDefault
        return (profile, set)
    }
}
