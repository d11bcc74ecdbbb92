import IKEv2
import RADIUS

// AAA pre-shared keys (`keyring aaa LIST [name-mangler NAME]` in the profile), as IOS does them:
// before the client's AUTH can be checked, an Access-Request goes to the list's RADIUS group for
// the client's identity (name-mangled), password `cisco`; the Access-Accept's Cisco-AVPairs
// `ipsec:ikev2-password-remote=…` (the client's AUTH) and `ipsec:ikev2-password-local=…` (ours;
// either stands for the other when alone) are the keys. The request is the AAA client's, with
// its timeouts and fail-over. A reject, no answer or an Accept without a key: AUTHENTICATION_FAILED,
// counted, and the SA goes with nothing else created. The Accept's other attributes are the
// cached ones authorization then uses (it does not ask again).
extension Device {
    /// Starts the request; the IKE_AUTH answer is sent when the server's has come (nil here), or
    /// at once when no request can be sent.
    func fetchAAAPresharedKeys(_ sa: IKESA, _ message: IKEMessage, choice: IKEProfileChoice,
                               messageID: UInt32) -> ([Payload], (() -> Void)?)? {
        guard case let .aaa(list, manglerName)? = choice.profile.keyring else { return nil }
        let uniqueId = sa.aaaUniqueId ?? sessions.allocateUniqueId()
        sa.aaaUniqueId = uniqueId
        guard let name = aaaKeyringName(choice.peer.identity, nameMangler: manglerName) else {
            return aaaKeyFailure(sa, .noName)
        }
        let identity = choice.peer.identity.description
        if debug.cryptoIkev2 { debugLog("IKEv2:" + sa.debugIds + ":Get peer's preshared key for " + identity) }
        sa.deferredMessageID = messageID
        let flow = AuthorizationFlow(peer: choice.peer, uniqueId: uniqueId)
        radiusAuthorize(flow, list: list, name: name, step: "AAA pre-shared key") { [unowned self] result in
            // The SA may have timed out, or been cleared, while the server answered.
            guard ike.sas[sa.responderSPI] === sa, sa.deferredMessageID == messageID else { return }
            var outcome: Result<AuthorizationAttributes, FlexVPNRejection> = result
            if case .success(let keys) = result, keys.ikev2PasswordRemote == nil, keys.ikev2PasswordLocal == nil {
                outcome = .failure(.accessReject(step: "AAA pre-shared key: no ipsec:ikev2-password-remote"))
            }
            switch outcome {
            case .failure(let reason):
                let (payloads, after) = aaaKeyFailure(sa, reason)
                answerDeferred(sa, payloads: payloads, after: after)
            case .success(let keys):
                if debug.cryptoIkev2, let key = keys.ikev2PasswordRemote ?? keys.ikev2PasswordLocal {
                    debugLog("IKEv2:" + sa.debugIds + ":Use preshared key for id \(identity), key len \(key.utf8.count)")
                }
                sa.aaaKeys = keys
                sa.deferredMessageID = nil
                // IKE_AUTH again, now with the keys; it answers later itself if authorization waits.
                guard let answer = ikeAuth(sa, message, messageID: messageID) else { return }
                sa.deferredMessageID = messageID
                answerDeferred(sa, payloads: answer.0, after: answer.1)
            }
        }
        return nil
    }

    private func aaaKeyFailure(_ sa: IKESA, _ reason: FlexVPNRejection) -> ([Payload], (() -> Void)?) {
        ike.statistics.authenticationFailures += 1
        ike.statistics.rejectedRequests += 1
        if debug.cryptoIkev2 {
            debugLog("IKEv2:" + sa.debugIds + ":Failed to get the pre-shared key from AAA: " + reason.description)
        }
        return ([.notify(NotifyPayload(type: .authenticationFailed))], { [unowned self] in removeIKESA(sa) })
    }
}
