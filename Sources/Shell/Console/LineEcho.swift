/// What a line prints for IOS's editing keys and for log lines arriving while a command is typed.
/// Every line — the local terminal, each vty's pty, piped input and transcript replay (both on a
/// pty of their own, `DrivenLine`) — runs the one libedit console (`TerminalConsole`), which
/// prints these; it then lets libedit redraw the prompt and the typed text.
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
