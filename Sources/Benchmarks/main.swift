// flexvpn-bench: speed and memory figures, printed (never asserted).
//
//   flexvpn-bench console
//   flexvpn-bench show
//   flexvpn-bench das [--sessions 10000,1000000] [--seconds 3] [--warmup 1]
//                     [--sockets 4] [--outstanding 8] [--baseline yes|no]
//   flexvpn-bench ssh [--concurrency 1,10,50] [--seconds 3] [--logins 30] [--idle 50]
//                     [--sessions 20] [--das-load yes|no]
//   flexvpn-bench ike [--seconds 5] [--clients 2] [--charon yes|no]
//   flexvpn-bench lifecycle [--sessions 20000] [--window 32] [--rate N] [--warmup 1000] [--floor yes|no]
//   flexvpn-bench soak [--duration 60] [--drop 0.25] [--das-rate 200] [--session-rate 5] [--shells 2]
//
// Build it optimised: `swift build -c release --product flexvpn-bench --product flexvpn-emu`.

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "console":
    ConsoleBenchmark.run()
case "show":
    ShowBenchmark.run()
case "das":
    do {
        let options = try DASBenchmark.Options(parsing: Array(arguments.dropFirst()))
        DASBenchmark(options: options).run()
    } catch {
        print("flexvpn-bench das: \(error)")
        print(DASBenchmark.Options.usage)
        exitCode(2)
    }
case "ike":
    do {
        let options = try IKEBenchmark.Options(parsing: Array(arguments.dropFirst()))
        IKEBenchmark(options: options).run()
    } catch {
        print("flexvpn-bench ike: \(error)")
        print(IKEBenchmark.Options.usage)
        exitCode(2)
    }
case "ssh":
    do {
        let options = try SSHBenchmark.Options(parsing: Array(arguments.dropFirst()))
        SSHBenchmark(options: options).run()
    } catch {
        print("flexvpn-bench ssh: \(error)")
        print(SSHBenchmark.Options.usage)
        exitCode(2)
    }
case "soak":
    do {
        let options = try SoakBenchmark.Options(parsing: Array(arguments.dropFirst()))
        SoakBenchmark(options: options).run()
    } catch {
        print("flexvpn-bench soak: \(error)")
        print(SoakBenchmark.Options.usage)
        exitCode(2)
    }
case "lifecycle":
    do {
        let options = try LifecycleBenchmark.Options(parsing: Array(arguments.dropFirst()))
        LifecycleBenchmark(options: options).run()
    } catch {
        print("flexvpn-bench lifecycle: \(error)")
        print(LifecycleBenchmark.Options.usage)
        exitCode(2)
    }
default:
    print("usage: flexvpn-bench console | show | das [options] | ssh [options] | lifecycle [options] | ike [options] | soak [options]")
    print(DASBenchmark.Options.usage)
    print(SSHBenchmark.Options.usage)
    print(LifecycleBenchmark.Options.usage)
    print(IKEBenchmark.Options.usage)
    print(SoakBenchmark.Options.usage)
    exitCode(arguments.isEmpty ? 0 : 2)
}
