import IKEv2

// Our liveness checks (RFC 7296 §2.4), as the profile's `dpd INTERVAL RETRY {on-demand | periodic}`
// asks. Periodic: an empty INFORMATIONAL request once the peer has been silent for INTERVAL
// seconds, retransmitted every RETRY seconds; after `maxRetransmissions` retransmissions the
// peer is dead: the SA goes and the session ends with an accounting Stop (Lost-Carrier).
// On-demand checks only when traffic is sent and none comes back; there is no data plane here,
// so on-demand sends none (the client's own checks are still answered).
extension Device {
    /// (Re)arms the SA's liveness timer: due INTERVAL seconds after the peer was last heard.
    func scheduleLivenessCheck(_ sa: IKESA) {
        sa.livenessTimer?.cancel()
        sa.livenessTimer = nil
        guard let dpd = sa.dpd, dpd.periodic, sa.state == .established, let scheduler = accounting.scheduler else { return }
        let due = max(0, sa.lastHeardAt + Double(dpd.interval) - now)
        sa.livenessTimer = scheduler.schedule(after: due) { [weak self, weak sa] in
            guard let self, let sa, sa.state == .established, self.ike.sas[sa.responderSPI] === sa else { return }
            sa.livenessTimer = nil
            // Heard from meanwhile, or another request of ours is out (its answer proves liveness too).
            guard sa.outstanding == nil, self.now - sa.lastHeardAt >= Double(dpd.interval) else {
                if sa.outstanding == nil { self.scheduleLivenessCheck(sa) }
                return
            }
            self.sendLivenessCheck(sa)
        }
    }

    /// An empty INFORMATIONAL request: the peer's empty answer says it is alive.
    func sendLivenessCheck(_ sa: IKESA) {
        ike.statistics.livenessChecksSent += 1
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Sending DPD/liveness query") }
        sendIKERequest(sa, purpose: .liveness, payloads: [])
    }
}
