// flexvpn-bench [console]: prints speed and memory figures (never asserts them).
let which = CommandLine.arguments.dropFirst().first ?? "console"
switch which {
case "console": ConsoleBenchmark.run()
default: print("usage: flexvpn-bench [console]")
}
