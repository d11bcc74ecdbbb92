// The scenario loader: any text is a scenario (a startup-config up to `end`, EXEC commands after
// it, `! scenario: deterministic SEED`); applying it to a fresh router loads the configuration and
// runs the commands, reporting what failed.
import Device
import FuzzSupport
import Shell

@_cdecl("FuzzScenario_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzScenario)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: Fuzz.bytes(data, count), as: UTF8.self)
    let scenario = Scenario(name: "fuzz", text: text)
    var settings = ReplaySettings()
    if let seed = scenario.deterministicSeed { settings.values["seed"] = String(seed) }
    let session = IOSShell.replaySession(settings)
    guard let shell = session.shell as? IOSShell else { fatalError("replay sessions run an IOSShell") }
    session.attach(DiscardingConsole())
    _ = shell.apply(scenario)
    _ = shell.submit("enable")
    _ = shell.submit("show aaa sessions")
    _ = shell.submit("show running-config")
    return 0
}
