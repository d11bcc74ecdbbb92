import Device
import Shell
import XCTest

/// A console for tests: collects what the device logs and renders a session like a capture.
final class TestConsole: ConsoleSink {
    var logs: [String] = []
    func deviceLog(_ line: String) { logs.append(line) }
}

struct Harness {
    let device: Device
    let shell: IOSShell
    let console = TestConsole()
    let time = ManualTimeSource()
    let store: MemoryStartupConfigStore

    init(startup: String? = nil) {
        store = MemoryStartupConfigStore(text: startup)
        device = Device(time: time, random: SeededRandom(seed: 1), startupStore: store)
        shell = IOSShell(device: device)
        device.console = console
        _ = shell.loadStartupConfig()
    }

    /// From `>`: a FlexVPN profile `F` (any identity) whose local authorization hands out pool `P`,
    /// 10.99.0.1-9; left at `#`.
    func configureAuthorizedPool() {
        type("enable", "configure terminal", "aaa new-model", "aaa authorization network L local",
             "ip local pool P 10.99.0.1 10.99.0.9", "crypto ikev2 authorization policy default", "pool P",
             "crypto ikev2 profile F", "match identity remote any", "aaa authorization group psk list L default", "end")
    }

    /// Types each line and returns what the console shows: prompt, the line, its output, and
    /// any log lines after the next prompt.
    @discardableResult
    func type(_ lines: String...) -> String {
        var out = ""
        for line in lines {
            out += shell.prompt + line + "\n"
            out += shell.submit(line)
            if !console.logs.isEmpty {
                out += shell.prompt + "\n" + console.logs.map { $0 + "\n" }.joined()
                console.logs.removeAll()
            }
        }
        return out
    }

    func help(_ buffer: String) -> String { shell.help(for: buffer) }
}
