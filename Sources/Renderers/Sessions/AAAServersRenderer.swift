import Device

/// `show aaa servers` in IOS XE's layout: one block per configured RADIUS server, in
/// configuration order. Accounting counters are the device's own; authentication and
/// authorization are not emulated and stay at zero.
public enum AAAServersRenderer {
    public static func render(device: Device, emit: (String) -> Void) {
        let now = device.now
        for (index, server) in device.config.radiusServers.enumerated() {
            guard let address = server.address else { continue }
            let s = device.accounting.statistics(server: server.name, now: now)
            let elapsed = device.accounting.countersClearedAt.map { now - $0 } ?? device.uptimeSeconds
            // Up since boot, or since it was last marked alive after a dead period.
            let up = Int(s.aliveSince.map { now - $0 } ?? device.uptimeSeconds)
            emit("RADIUS: id " + String(index + 1) + ", priority " + String(index + 1) + ", host " + address
                 + ", auth-port " + String(server.authPort) + ", acct-port " + String(server.acctPort)
                 + ", hostname " + server.name)
            emit("     State: current UP, duration " + String(up) + "s, previous duration 0s")
            emit("     Dead: total time 0s, count " + String(s.deadCount))
            emit("     Quarantined: No")
            for kind in ["Authen", "Author"] {
                emit("     " + kind + ": request 0, timeouts 0, failover 0, retransmission 0")
                emit("             Response: accept 0, reject 0, challenge 0")
                emit("             Response: unexpected 0, server error 0, incorrect 0, time 0ms")
                emit("             Transaction: success 0, failure 0")
                emit("             Throttled: transaction 0, timeout 0, failure 0")
                emit("             Malformed responses: 0")
                emit("             Bad authenticators: 0")
            }
            emit("     Account: request " + String(s.requests) + ", timeouts " + String(s.timeouts) + ", failover "
                 + String(s.failovers) + ", retransmission " + String(s.retransmissions))
            emit("             Request: start " + String(s.startRequests) + ", interim " + String(s.interimRequests)
                 + ", stop " + String(s.stopRequests))
            emit("             Response: start " + String(s.startResponses) + ", interim "
                 + String(s.interimResponses) + ", stop " + String(s.stopResponses))
            emit("             Response: unexpected " + String(s.unexpectedResponses) + ", server error 0, incorrect "
                 + String(s.incorrectResponses) + ", time " + String(s.averageResponseMilliseconds) + "ms")
            emit("             Transaction: success " + String(s.transactionSuccesses) + ", failure "
                 + String(s.transactionFailures))
            emit("             Throttled: transaction 0, timeout 0, failure 0")
            emit("             Malformed responses: " + String(s.malformedResponses))
            emit("             Bad authenticators: " + String(s.badAuthenticators))
            emit("     Elapsed time since counters last cleared: " + elapsedText(elapsed))
            emit("     Estimated Outstanding Access Transactions: 0")
            emit("     Estimated Outstanding Accounting Transactions: " + String(max(0, s.outstanding)))
            emit("     Estimated Throttled Access Transactions: 0")
            emit("     Estimated Throttled Accounting Transactions: 0")
            emit("     Maximum Throttled Transactions: access 0, accounting 0")
            let rate = s.requestRate(now: now)
            emit("     Requests per minute past 24 hours:")
            emit("             high - " + agoText(rate.high.ago) + " ago: " + String(rate.high.count))
            emit("             low  - " + agoText(rate.low.ago) + " ago: " + String(rate.low.count))
            emit("             average: " + String(rate.average))
            emit("")
        }
    }

    /// `3w4d1h39m`, `1h0m`, `5m`.
    static func elapsedText(_ seconds: Double) -> String {
        let minutes = max(0, Int(seconds / 60))
        let m = minutes % 60, h = minutes / 60 % 24, d = minutes / 1440 % 7, w = minutes / 10080
        if w > 0 { return "\(w)w\(d)d\(h)h\(m)m" }
        if d > 0 { return "\(d)d\(h)h\(m)m" }
        if h > 0 { return "\(h)h\(m)m" }
        return "\(m)m"
    }

    /// `1 hours, 24 minutes`.
    static func agoText(_ minutesAgo: Int) -> String {
        String(minutesAgo / 60) + " hours, " + String(minutesAgo % 60) + " minutes"
    }
}

/// `show aaa server radius dynamic-author`: the Dynamic Authorization Server's settings and its
/// counters (no public capture of IOS's own layout was found; this follows the `show aaa
/// servers` style and the RFC 4673 DAS MIB's counter names).
public enum DynamicAuthorRenderer {
    public static func render(device: Device, emit: (String) -> Void) {
        guard device.config.aaaNewModel, let das = device.config.dynamicAuthor else {
            emit("% Dynamic authorization is not configured")
            return
        }
        let s = device.das.statistics
        // A port the socket could not get is not claimed as listened on.
        var port = String(das.port)
        if case .unavailable(das.port) = device.das.socket { port += " (not listening: unable to allocate port)" }
        emit("RADIUS dynamic-author server: port " + port + ", auth-type " + das.authType.rawValue
             + ", server-key " + (das.serverKey == nil ? "not configured" : "configured"))
        var ignores: [String] = []
        if das.ignoreServerKey { ignores.append("server-key") }
        if das.ignoreSessionKey { ignores.append("session-key") }
        if das.ignoreRetransmission { ignores.append("retransmission") }
        emit("     Ignore: " + (ignores.isEmpty ? "none" : ignores.joined(separator: ", ")))
        for client in das.clients {
            var line = "     Client: " + client.host
            if let vrf = client.vrf { line += " vrf " + vrf }
            line += ", server-key " + (client.serverKey == nil ? "global" : "configured")
            emit(line)
        }
        emit("     Requests: received " + String(s.received) + ", duplicates answered " + String(s.duplicatesAnswered)
             + ", duplicates dropped " + String(s.duplicatesDropped))
        emit("     Disconnect: ack " + String(s.disconnectACKs) + ", nak " + String(s.disconnectNAKs))
        emit("     CoA: ack " + String(s.coaACKs) + ", nak " + String(s.coaNAKs))
        emit("     Discarded: malformed " + String(s.malformed) + ", unknown code " + String(s.unknownCode)
             + ", unknown client " + String(s.unknownClient) + ", no key " + String(s.noSecret))
        emit("                bad authenticator " + String(s.badAuthenticator) + ", bad message-authenticator "
             + String(s.badMessageAuthenticator) + ", stale event-timestamp " + String(s.staleEventTimestamp))
    }
}
