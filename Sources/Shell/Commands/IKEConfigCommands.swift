import Device
import Renderers

// The IKEv2 responder's IOS configuration: `crypto ikev2 proposal` (submode
// `(config-ikev2-proposal)#`), `crypto ikev2 policy` (`(config-ikev2-policy)#`),
// `crypto ikev2 cookie-challenge`, `crypto ikev2 limit max-in-negotiation-sa`, and their shows.
// The responder reads them at each IKE_SA_INIT (IKE/IKEResponder.swift).

extension IOSCommands {
    /// IOS's warning while a proposal lacks what it needs.
    static let incompleteProposalText = "IKEv2 proposal MUST either have a set of an encryption algorithm other than aes-gcm, "
        + "an integrity algorithm and a DH group configured or\n encryption algorithm aes-gcm, a prf algorithm and a DH group configured"
    static let incompletePolicyText = "IKEv2 policy MUST have at least one complete proposal attached"

    private static let encryptionSyntax = IKEv2ProposalDefinition.Encryption.allCases.map(\.rawValue).joined(separator: " | ")
    private static let encryptionHelp: [String] = IKEv2ProposalDefinition.Encryption.allCases.map {
        switch $0 {
        case .des: return "DES"
        case .tripleDES: return "Triple DES"
        case .aesCBC128: return "AES-CBC-128"
        case .aesCBC192: return "AES-CBC-192"
        case .aesCBC256: return "AES-CBC-256"
        case .aesGCM128: return "Combined-mode,128 bit key,16 byte ICV(Authentication Tag)"
        case .aesGCM256: return "Combined-mode,256 bit key,16 byte ICV(Authentication Tag)"
        }
    }
    private static let hashSyntax = IKEv2ProposalDefinition.Hash.allCases.map(\.rawValue).joined(separator: " | ")
    private static let hashHelp: [String] = IKEv2ProposalDefinition.Hash.allCases.map {
        switch $0 {
        case .md5: return "Message Digest 5"
        case .sha1: return "Secure Hash Standard"
        case .sha256: return "Secure Hash Standard 2 (256 bit)"
        case .sha384: return "Secure Hash Standard 2 (384 bit)"
        case .sha512: return "Secure Hash Standard 2 (512 bit)"
        }
    }
    private static let groupSyntax = IKEv2ProposalDefinition.groupNumbers.map(String.init).joined(separator: " | ")
    private static let groupHelp: [String] = IKEv2ProposalDefinition.groupNumbers.map {
        switch $0 {
        case 1: return "DH 768 MODP"
        case 2: return "DH 1024 MODP"
        case 5: return "DH 1536 MODP"
        case 14: return "DH 2048 MODP"
        case 15: return "DH 3072 MODP"
        case 16: return "DH 4096 MODP"
        case 19: return "DH 256 ECP"
        case 20: return "DH 384 ECP"
        case 21: return "DH 521 ECP"
        case 24: return "DH 2048 (256 subgroup) MODP"
        default: return "DH 25519 (Curve25519)"
        }
    }

    /// The proposal being edited.
    private static func editProposal(_ ctx: CommandContext, _ change: (inout IKEv2ProposalDefinition) -> Void) {
        guard case let .ikev2Proposal(name) = ctx.shell.mode,
              let i = ctx.device.config.flexVPN.proposals.firstIndex(where: { $0.name == name }) else { return }
        change(&ctx.device.config.flexVPN.proposals[i])
    }

    private static func editPolicy(_ ctx: CommandContext, _ change: (inout IKEv2PolicyDefinition) -> Void) {
        guard case let .ikev2Policy(name) = ctx.shell.mode,
              let i = ctx.device.config.flexVPN.policies.firstIndex(where: { $0.name == name }) else { return }
        change(&ctx.device.config.flexVPN.policies[i])
    }

    /// Adds the typed values to a list in the order typed (`no`: removes them; `no` alone: all).
    private static func merge<T: Equatable>(_ list: inout [T], _ typed: [T], remove: Bool) {
        if remove && typed.isEmpty {
            list = []
        } else if remove {
            list.removeAll { typed.contains($0) }
        } else {
            for value in typed where !list.contains(value) { list.append(value) }
        }
    }

    static var ikev2ProposalCommands: [CommandDeclaration] {
        let crypto = ["Encryption module", "Configure IKEv2"]
        return [
            CommandDeclaration([.config], "crypto ikev2 proposal WORD$proposal",
                               crypto + ["Define IKEv2 proposals", "Proposal name"], no: 4) { ctx in
                guard let name = ctx.string("proposal") else { return }
                var flex = ctx.device.config.flexVPN
                if ctx.form != .set {
                    flex.proposals.removeAll { $0.name == name }
                    for i in flex.policies.indices { flex.policies[i].proposals.removeAll { $0 == name } }
                    ctx.device.config.flexVPN = flex
                    return
                }
                if !flex.proposals.contains(where: { $0.name == name }) {
                    // IOS's default proposal is edited from its defaults.
                    var p = name == "default" ? IKEv2ProposalDefinition.iosDefault : IKEv2ProposalDefinition(name: name)
                    p.name = name
                    flex.proposals.append(p)
                    ctx.device.config.flexVPN = flex
                }
                if flex.proposal(named: name)?.isComplete == false { ctx.print(incompleteProposalText) }
                ctx.shell.enter(.ikev2Proposal(name: name))
            },
            CommandDeclaration([.config], "crypto ikev2 policy WORD$policy",
                               crypto + ["Define IKEv2 policies", "Policy name"], no: 4) { ctx in
                guard let name = ctx.string("policy") else { return }
                if ctx.form != .set {
                    ctx.device.config.flexVPN.policies.removeAll { $0.name == name }
                    return
                }
                if ctx.device.config.flexVPN.policy(named: name) == nil {
                    ctx.device.config.flexVPN.policies.append(IKEv2PolicyDefinition(name: name))
                }
                let flex = ctx.device.config.flexVPN
                if let policy = flex.policy(named: name), flex.offers(of: policy).isEmpty { ctx.print(incompletePolicyText) }
                ctx.shell.enter(.ikev2Policy(name: name))
            },
            CommandDeclaration([.config], "crypto ikev2 cookie-challenge <1-1000>$n",
                               crypto + ["Enable Cookie Challenge", "Threshold of Half-Open Sessions"], no: 3) { ctx in
                ctx.device.config.flexVPN.global.cookieChallenge = ctx.form == .set ? ctx.int("n") : nil
            },
            CommandDeclaration([.config], "crypto ikev2 limit max-in-negotiation-sa <1-99999>$limit [incoming | outgoing]",
                               crypto + ["Configure limits for IKEv2 SAs", "Limit the number of in-negotiation IKEv2 SAs",
                                         "Maximum number of in-negotiation IKEv2 SAs", "Incoming in-negotiation SAs",
                                         "Outgoing in-negotiation SAs"], no: 4) { ctx in
                var g = ctx.device.config.flexVPN.global
                if ctx.form == .set {
                    g.maxInNegotiation = ctx.int("limit")
                    g.maxInNegotiationDirection = ctx.has("incoming") ? .incoming : ctx.has("outgoing") ? .outgoing : nil
                } else {
                    g.maxInNegotiation = nil
                    g.maxInNegotiationDirection = nil
                }
                ctx.device.config.flexVPN.global = g
            },
            CommandDeclaration([.ikev2Proposal], "encryption {\(encryptionSyntax)} [\(encryptionSyntax)]*",
                               ["Set encryption algorithm(s)"] + encryptionHelp + encryptionHelp, no: 1) { ctx in
                let typed = ctx.captures.compactMap { IKEv2ProposalDefinition.Encryption(rawValue: $0.name) }
                editProposal(ctx) { merge(&$0.encryptions, typed, remove: ctx.form != .set) }
            },
            CommandDeclaration([.ikev2Proposal], "integrity {\(hashSyntax)} [\(hashSyntax)]*",
                               ["Set integrity hash algorithm(s)"] + hashHelp + hashHelp, no: 1) { ctx in
                let typed = ctx.captures.compactMap { IKEv2ProposalDefinition.Hash(rawValue: $0.name) }
                editProposal(ctx) { merge(&$0.integrities, typed, remove: ctx.form != .set) }
            },
            CommandDeclaration([.ikev2Proposal], "prf {\(hashSyntax)} [\(hashSyntax)]*",
                               ["Set psuedo-random function algorithm(s)"] + hashHelp + hashHelp, no: 1) { ctx in
                let typed = ctx.captures.compactMap { IKEv2ProposalDefinition.Hash(rawValue: $0.name) }
                editProposal(ctx) { merge(&$0.prfs, typed, remove: ctx.form != .set) }
            },
            CommandDeclaration([.ikev2Proposal], "group {\(groupSyntax)} [\(groupSyntax)]*",
                               ["Set the Diffie-Hellman group(s)"] + groupHelp + groupHelp, no: 1) { ctx in
                let typed = ctx.captures.compactMap { Int($0.name) }
                editProposal(ctx) { merge(&$0.groups, typed, remove: ctx.form != .set) }
            },
            CommandDeclaration([.ikev2Proposal], "exit", ["Exit from IKEv2 proposal sub mode"]) { ctx in
                if case let .ikev2Proposal(name) = ctx.shell.mode, ctx.device.config.flexVPN.proposal(named: name)?.isComplete == false {
                    ctx.print(incompleteProposalText)
                }
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.ikev2Policy], "proposal WORD$proposal", ["Specify Proposal", "Specify IKEv2 Proposal name"],
                               no: 1) { ctx in
                if ctx.form != .set {
                    let name = ctx.string("proposal")
                    editPolicy(ctx) { $0.proposals.removeAll { name == nil || $0 == name } }
                    return
                }
                guard let name = ctx.string("proposal") else { return }
                guard let proposal = ctx.device.config.flexVPN.proposal(named: name) else {
                    return ctx.reject("% No Proposal exists with the specified name \(name)")
                }
                guard proposal.isComplete else { return ctx.reject("Proposal \(name) is not complete to be attached to policy") }
                editPolicy(ctx) { if !$0.proposals.contains(name) { $0.proposals.append(name) } }
            },
            CommandDeclaration([.ikev2Policy], "match address local A.B.C.D$addr",
                               ["Match values of local fields", "Address", "Local address", "IPv4 address"], no: 3) { ctx in
                let typed = ctx.ipv4("addr").map { [$0] } ?? []
                editPolicy(ctx) { merge(&$0.localAddresses, typed, remove: ctx.form != .set) }
            },
            CommandDeclaration([.ikev2Policy], "match fvrf any",
                               ["Match values of local fields", "Front-door VRF", "Any fvrf"], no: 2) { ctx in
                editPolicy(ctx) { $0.matchAnyFVRF = ctx.form == .set }
            },
            CommandDeclaration([.ikev2Policy], "exit", ["Exit from IKEv2 policy configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.exec], "show crypto ikev2 proposal [WORD$name]",
                               [HelpText.show, "Encryption module", "Shows ikev2 information",
                                "Shows ikev2 proposals", "Proposal name"], pipe: true) { ctx in
                let name = ctx.string("name")
                if let name, ctx.device.config.flexVPN.proposal(named: name) == nil {
                    ctx.print("% IKEv2 proposal \(name) does not exist")
                    return
                }
                FlexVPNRenderer.showProposals(ctx.device, name: name) { ctx.print($0) }
            },
            CommandDeclaration([.exec], "show crypto ikev2 policy [WORD$name]",
                               [HelpText.show, "Encryption module", "Shows ikev2 information",
                                "Shows ikev2 policies", "Policy name"], pipe: true) { ctx in
                let name = ctx.string("name")
                if let name, name != "default", ctx.device.config.flexVPN.policy(named: name) == nil {
                    ctx.print("% IKEv2 policy \(name) does not exist")
                    return
                }
                FlexVPNRenderer.showPolicies(ctx.device, name: name) { ctx.print($0) }
            },
        ]
    }
}
