import Device

/// `show terminal`, `show aaa method-lists all` and `show radius statistics`, from the line's
/// settings and the device's model.
public enum SystemRenderer {
    /// What `show terminal` reports of the line that asks.
    public struct TerminalLine {
        public var number: Int
        public var length: Int
        public var width: Int
        public var historySize: Int
        /// Seconds since the line became active (the console: since boot).
        public var activeSeconds: Double
        public init(number: Int, length: Int, width: Int, historySize: Int, activeSeconds: Double) {
            self.number = number
            self.length = length
            self.width = width
            self.historySize = historySize
            self.activeSeconds = activeSeconds
        }
    }

    /// `show terminal` in the layout of an IOS XE console capture; length, width, history size
    /// and time since activation are the line's own.
    public static func terminal(_ line: TerminalLine, emit: (String) -> Void) {
        emit("Line " + String(line.number) + ", Location: \"\", Type: \"\"")
        emit("Length: " + String(line.length) + " lines, Width: " + String(line.width) + " columns")
        emit("Status: PSI Enabled, Ready, Active, Automore " + (line.length == 0 ? "Off" : "On"))
        emit("Capabilities: none")
        emit("Modem state: Ready")
        emit("Group codes:    0")
        emit("Modem hardware state: CTS* noDSR  DTR RTS")
        emit("Special Chars: Escape  Hold  Stop  Start  Disconnect  Activation")
        emit("                ^^x    none   -     -       none         ")
        emit("Timeouts:      Idle EXEC    Idle Session   Modem Answer  Session   Dispatch")
        emit("               00:10:00        never                        none     not set")
        emit("                            Idle Session Disconnect Warning")
        emit("                              never ")
        emit("                            Login-sequence User Response")
        emit("                             00:00:30")
        emit("                            Autoselect Initial Wait")
        emit("                              not set ")
        emit("Modem type is unknown.")
        emit("Session limit is not set.")
        emit("Time since activation: " + Device.formatUptime(line.activeSeconds))
        emit("Editing is enabled.")
        emit("History is enabled, history size is " + String(line.historySize) + ".")
        emit("DNS resolution in show commands is enabled")
        emit("Full user help is disabled")
        emit("Allowed input transports are none.")
        emit("Allowed output transports are lat pad telnet rlogin lapb-ta mop v120 ssh.")
        emit("Preferred transport is lat.")
        emit("Shell: disabled")
        emit("Shell trace: off")
        emit("No output characters are padded")
        emit("No special data dispatching characters")
    }

    private static let authenQueues = ["LOGIN", "ENABLE", "PPP", "SGBP", "ARAP", "DOT1X", "8021X", "EAPOUDP",
                                       "WEBAUTH", "CONNECTEDAPPS"]
    private static let authorQueues = ["SHELL", "NET", "CONN", "IPMOBILE", "RM", "CONFIG", "AUTH_PROXY", "PREAUTH",
                                       "FLTSV", "SUBSCRIBER_SERVICE", "CREDENTIAL_DOWNLOAD", "PREPAID", "POLICY_IF",
                                       "CONNECTEDAPPS"]
    private static let acctQueues = ["SHELL", "AUTH_PROXY", "NET", "CONN", "SYSTEM", "RESOURCE", "RM", "DOT1X",
                                     "IDENTITY", "CONNECTEDAPPS"]

    /// `show aaa method-lists all` in IOS XE's layout (genieparser's `ShowAAAMethodList` golden
    /// output): every queue, the configured `aaa authorization network` and `aaa accounting
    /// network` lists under their NET queues, then the permanent lists. Command queues (one per
    /// privilege level 0-15) follow, as IOS prints them.
    /// `show hosts`: the resolver's settings and the host cache. The emulator resolves no names
    /// (no `ip name-server`, no `ip host`), so the cache is always empty; without a name server
    /// IOS asks the broadcast address.
    public static func hosts(_ device: Device, emit: (String) -> Void) {
        let c = device.config
        emit(c.domainName.map { "Default domain is " + $0 } ?? "Default Domain is not set")
        emit(c.ipDomainLookup ? "Name/address lookup uses domain service" : "Name/address lookup uses static mappings")
        emit("Name servers are 255.255.255.255")
        emit("")
        emit("Codes: UN - unknown, EX - expired, OK - OK, ?? - revalidate")
        emit("       temp - temporary, perm - permanent")
        emit("       NA - Not Applicable None - Not defined")
        emit("")
        emit("Host                      Port  Flags      Age Type   Address(es)")
    }

    /// `show inventory` of a CSR1000v: the chassis (its serial number is `show version`'s
    /// processor board ID), the route processor and the embedded services processor, as 17.3 prints them.
    public static func inventory(emit: (String) -> Void) {
        emit(#"NAME: "Chassis", DESCR: "Cisco CSR1000V Chassis""#)
        emit("PID: CSR1000V          , VID: V00  , SN: 9SAGBHTUEE9")
        emit("")
        emit(#"NAME: "module R0", DESCR: "Cisco CSR1000V Route Processor""#)
        emit("PID: CSR1000V          , VID: V00  , SN: JAB1303001C")
        emit("")
        emit(#"NAME: "module F0", DESCR: "Cisco CSR1000V Embedded Services Processor""#)
        emit("PID: CSR1000V          , VID:      , SN:            ")
        emit("")
        emit("")
    }

    public static func methodLists(_ device: Device, emit: (String) -> Void) {
        let c = device.config
        func methods(_ list: AAAMethodList) -> String {
            list.methods.map {
                switch $0 {
                case .local: return "LOCAL "
                case let .group(name): return "SERVER_GROUP " + name
                }
            }.joined(separator: " ")
        }
        func id(_ name: String) -> String {
            String(UInt32(truncatingIfNeeded: device.aaaMethodListAddress(name: name) >> 8), radix: 16, uppercase: true)
        }
        for queue in authenQueues {
            emit("authen queue=AAA_ML_AUTHEN_" + queue)
            guard queue == "LOGIN", c.aaaNewModel else { continue }
            for list in c.authenticationLogin {
                let text = list.methods.map { method -> String in
                    switch method {
                    case let .group(name): return "SERVER_GROUP " + name
                    default: return method.text.uppercased() + " "
                    }
                }.joined(separator: " ")
                emit("  name=" + list.name + " valid=TRUE id=" + (list.name == "default" ? "0" : id(list.name))
                     + " :state=ALIVE : " + text)
            }
        }
        emit("permanent lists")
        emit("  name= Permanent Enable None valid=TRUE id=0 :state=ALIVE : ENABLE  NONE ")
        emit("  name= Permanent Enable valid=TRUE id=0 :state=ALIVE : ENABLE ")
        emit("  name= Permanent None valid=TRUE id=0 :state=ALIVE : NONE ")
        emit("  name= Permanent Local valid=TRUE id=0 :state=ALIVE : LOCAL ")
        emit("  name= Permanent rcmd valid=TRUE id=0 :state=ALIVE : RCMD ")
        for queue in authorQueues {
            emit("author queue=AAA_ML_AUTHOR_" + queue)
            if queue == "SHELL", c.aaaNewModel {
                for list in c.authorizationExec {
                    emit("  name=" + list.name + " valid=TRUE id=" + (list.name == "default" ? "0" : id(list.name))
                         + " :state=ALIVE : " + methods(list))
                }
            }
            guard queue == "NET", c.aaaNewModel else { continue }
            for list in c.authorizationNetwork {
                emit("  name=" + list.name + " valid=TRUE id=" + (list.name == "default" ? "0" : id(list.name))
                     + " :state=ALIVE : " + methods(list))
            }
        }
        for _ in 0...15 { emit("author queue=AAA_ML_AUTHOR_COMMAND") }
        emit("permanent lists")
        emit("  name= local-list valid=TRUE id=0 :state=ALIVE : LOCAL ")
        for queue in acctQueues {
            emit("acct queue=AAA_ML_ACCT_" + queue)
            guard queue == "NET", c.aaaNewModel else { continue }
            for list in c.accountingNetwork {
                emit("  name=" + list.name + " valid=TRUE id=" + (list.name == "default" ? "0" : id(list.name))
                     + " Action=START_STOP :state=ALIVE : " + methods(list))
            }
        }
        for _ in 0...15 { emit("acct queue=AAA_ML_ACCT_COMMAND") }
        emit("permanent lists")
        emit("  name= Permanent None valid=TRUE id=0 Action=NOT_SET :state=ALIVE :")
    }

    /// `show radius statistics` in IOS XE's layout (genieparser's `ShowRadiusStatistics` golden
    /// output). The accounting column sums the device's per-server counters; the emulator sends
    /// no authentication requests, so that column is zero; queues and timers it does not keep
    /// are zero too.
    public static func radiusStatistics(_ device: Device, emit: (String) -> Void) {
        let now = device.now
        var acct = RADIUSServerStatistics(clearedAt: now)
        var maxDelay = 0.0
        var buckets = [Int](repeating: 0, count: 7)
        for server in device.config.radiusServers {
            let s = device.accounting.statistics(server: server.name, now: now)
            acct.requests += s.requests
            acct.retransmissions += s.retransmissions
            acct.timeouts += s.timeouts
            acct.startResponses += s.startResponses
            acct.interimResponses += s.interimResponses
            acct.stopResponses += s.stopResponses
            acct.transactionSuccesses += s.transactionSuccesses
            acct.transactionFailures += s.transactionFailures
            acct.unexpectedResponses += s.unexpectedResponses
            acct.malformedResponses += s.malformedResponses
            acct.badAuthenticators += s.badAuthenticators
            acct.totalResponseTime += s.totalResponseTime
            acct.outstanding += max(0, s.outstanding)
            maxDelay = max(maxDelay, s.maxResponseTime)
            for (i, n) in s.latencyBuckets.enumerated() where i < buckets.count { buckets[i] += n }
        }
        func cell(_ s: String) -> String { String(repeating: " ", count: max(0, 11 - s.count)) + s }
        func label(_ s: String) -> String { String(repeating: " ", count: max(0, 27 - s.count)) + s + ":" }
        func row(_ name: String, _ auth: Int, _ accounting: Int) {
            emit(label(name) + cell(String(auth)) + cell(String(accounting)) + cell(String(auth + accounting)))
        }
        let milliseconds = Int((maxDelay * 1000).rounded())
        emit("                                 Auth.      Acct.       Both")
        emit(label("Maximum inQ length") + cell("NA") + cell("NA") + cell("0"))
        emit(label("Maximum waitQ length") + cell("NA") + cell("NA") + cell("0"))
        emit(label("Maximum doneQ length") + cell("NA") + cell("NA") + cell("0"))
        row("Total responses seen", 0, acct.responses + acct.unexpectedResponses)
        row("Packets with responses", 0, acct.transactionSuccesses)
        row("Packets without responses", 0, acct.transactionFailures)
        emit("  Access Rejects           :" + cell("0"))
        emit("  Access Accepts           :" + cell("0"))
        row("Average response delay(ms)", 0, acct.averageResponseMilliseconds)
        row("Maximum response delay(ms)", 0, milliseconds)
        row("Number of Radius timeouts", 0, acct.timeouts)
        row("Radius Timers Started", 0, acct.requests + acct.retransmissions)
        row("Radius Timers Created", 0, 0)
        row("Radius Timers Create Failed", 0, 0)
        row("Radius Timers Stopped", 0, acct.responses)
        row("Radius Timers Stop Failed", 0, 0)
        row("Radius Timers Outstanding", 0, acct.outstanding)
        row("Radius Timers Added", 0, 0)
        row("Radius Timers Add Failed", 0, 0)
        row("Radius Timers Jitterred", 0, 0)
        row("Radius Timers Jitter Failed", 0, 0)
        row("Duplicate ID detects", 0, 0)
        row("Buffer Allocation Failures", 0, 0)
        row("Maximum Buffer Size (bytes)", 0, 0)
        emit("Malformed Responses        :" + cell("0") + cell(String(acct.malformedResponses))
             + cell(String(acct.malformedResponses)))
        emit("Bad Authenticators         :" + cell("0") + cell(String(acct.badAuthenticators))
             + cell(String(acct.badAuthenticators)))
        emit("Unknown Responses          :" + cell("0") + cell(String(acct.unexpectedResponses))
             + cell(String(acct.unexpectedResponses)))
        let acctPort = device.accounting.sourcePort
        emit(" Source Port Range: (2 ports only)")
        emit(" " + String(acctPort - 1) + " - " + String(acctPort))
        emit(" Last used Source Port/Identifier:")
        emit(" " + String(acctPort - 1) + "/0")
        emit(" " + String(acctPort) + "/" + String(device.accounting.lastIdentifier ?? 0))
        emit("")
        let elapsed = device.accounting.countersClearedAt.map { now - $0 } ?? device.uptimeSeconds
        emit("  Elapsed time since counters last cleared: " + AAAServersRenderer.elapsedText(elapsed))
        emit("Radius Latency Distribution:")
        let names = ["<= 2ms :", "3-5ms  :", "5-10ms :", "10-20ms:", "20-50ms:", "50-100m:", ">100ms :"]
        for (i, name) in names.enumerated() { emit(name + cell("0") + cell(String(buckets[i]))) }
        emit("")
        emit("Current inQ length  : 0")
        emit("Current doneQ length: 0")
    }
}
