// The lab file loader: any text is refused with a line number or becomes a lab; a lab that loads
// starts on a fresh router and answers its console commands.
import Device
import FuzzSupport
import Shell

@_cdecl("FuzzLabFile_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzLabFile)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLabFile(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: Fuzz.bytes(data, count), as: UTF8.self)
    guard let lab = try? LabFile.parse(text, name: "fuzz", file: "fuzz.yaml") else { return 0 }
    let session = IOSShell.replaySession(ReplaySettings())
    guard let shell = session.shell as? IOSShell else { fatalError("replay sessions run an IOSShell") }
    session.attach(DiscardingConsole())
    LabSession.start(lab, on: shell.device, student: "fuzz")
    for line in ["enable", "show lab", "lab check", "lab hint", "lab clock advance 60", "lab reset", "lab check"] {
        _ = shell.submit(line)
    }
    return 0
}
