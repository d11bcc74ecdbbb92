/// What a line prints for IOS's editing keys and for log lines arriving while a command is typed,
/// whichever editor reads the keys: libedit (the local terminal, every vty's pty) or the piped
/// console's `LineDiscipline`. Kept in one place so that the lines cannot drift apart; each editor
/// then redraws the prompt and the typed text its own way.
public enum LineEcho {
    /// `?`: the key's echo and a line break, then the help (or the error) ending in a line break.
    public static func help(_ shell: any ConsoleShell, for buffer: String) -> String {
        let text = "?\n" + shell.help(for: buffer)
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// Ctrl-Z: IOS echoes `^Z` where the cursor is, then a line break.
    public static let controlZ = "^Z\n"

    /// Ctrl-C: IOS echoes `^C` where the cursor is, then a line break.
    public static let interrupt = "^C\n"

    /// Log and debug lines that arrive while a line is typed: from a new line, each on its own.
    public static func logBlock(_ lines: [String]) -> String {
        "\n" + lines.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
    }
}
