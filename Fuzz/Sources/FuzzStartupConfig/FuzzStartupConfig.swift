// The startup-config loader: any text loads line by line as IOS loads a startup-config (a rejected
// line is reported with its number, the rest still loads), then the running-config it produced
// is shown, saved and loaded again by `reload`.
import Device
import FuzzSupport
import Shell

@_cdecl("FuzzStartupConfig_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzStartupConfig)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStartupConfig(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: Fuzz.bytes(data, count), as: UTF8.self)
    let console = DiscardingConsole()
    let device = Device(time: ManualTimeSource(), random: SeededRandom(seed: 1),
                        startupStore: MemoryStartupConfigStore(text: text))
    device.console = console
    let shell = IOSShell(device: device)
    _ = shell.loadStartupConfig()
    for line in ["enable", "show running-config", "show startup-config", "write memory", "show aaa sessions",
                 "show aaa server radius dynamic-author", "show logging"] {
        _ = shell.submit(line)
    }
    let saved = shell.submit("show running-config")
    // The running-config it printed, loaded into a fresh router, loads without a trap either.
    let again = IOSShell(device: Device(time: ManualTimeSource(), random: SeededRandom(seed: 1),
                                        startupStore: MemoryStartupConfigStore(text: saved)))
    _ = again.loadStartupConfig()
    return 0
}
