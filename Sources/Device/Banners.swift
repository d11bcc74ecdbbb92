/// `banner login|motd|exec C text C`: the text between the delimiters, as typed (lines joined
/// by newlines), and the delimiter, which the running-config shows as `^C` when it is Ctrl-C.
public struct Banner: Equatable, Sendable {
    public var delimiter: Character
    public var text: String
    public init(delimiter: Character, text: String) {
        self.delimiter = delimiter
        self.text = text
    }

    /// How the running-config writes the delimiter: `^C` for Ctrl-C (the usual), else itself.
    public var delimiterShown: String {
        delimiter == "\u{03}" ? "^C" : String(delimiter)
    }
}

public struct Banners: Equatable, Sendable {
    /// Shown before login (telnet's `User Access Verification`, SSH's authentication banner).
    public var login: Banner?
    /// Message of the day: shown when a line connects.
    public var motd: Banner?
    /// Shown when an EXEC session starts, after login.
    public var exec: Banner?
    public init() {}
}

extension Device {
    /// The text of `banner login` for SSH's authentication banner (lines end with CR LF), nil
    /// when there is none.
    public var sshLoginBanner: String? {
        guard let banner = config.banners.login else { return nil }
        return banner.text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n") + "\r\n"
    }
}
