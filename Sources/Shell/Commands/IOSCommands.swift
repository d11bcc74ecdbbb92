/// The emulator's command table: every mode's declarations, gathered.
public enum IOSCommands {
    public static var all: [CommandDeclaration] {
        execCommands + globalConfigCommands + aaaCommands + dynamicAuthorCommands + radiusServerCommands
            + labCommands + labPodCommands + sessionCommands + ikeCommands + showCommands + modeCommands
            + lineCommands + accessListCommands + loginCommands + sshCommands + trainingLabCommands
            + flexVPNCommands + labLifecycleCommands + ikev2ProposalCommands + interfaceCommands + routeCommands + pingCommands + ipsecCommands
    }

    /// `exit`, `end` and `do` in every configuration mode.
    static var modeCommands: [CommandDeclaration] {
        let configModes: [ModeKind] = [.config, .dynamicAuthor, .radiusServer, .serverGroupRadius, .line,
                                        .standardACL, .sshPubkey, .sshPubkeyUser, .ikev2Profile, .ikev2Keyring,
                                        .ikev2KeyringPeer, .ikev2NameMangler, .ikev2AuthorizationPolicy, .interface,
                                        .ikev2Proposal, .ikev2Policy, .loopbackInterface, .ethernetInterface,
                                        .ipsecTransformSet, .ipsecProfile]
        return [
            CommandDeclaration(configModes, "end", ["Exit from configure mode"]) { ctx in
                ctx.shell.leaveConfiguration()
            },
            CommandDeclaration([.config], "exit", ["Exit from configure mode"]) { ctx in
                ctx.shell.leaveConfiguration()
            },
            CommandDeclaration([.dynamicAuthor], "exit", ["Exit from dynamic authorization local server configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.radiusServer], "exit", ["Exit from RADIUS server sub-mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.serverGroupRadius], "exit", ["Exit from server-group configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.line], "exit", ["Exit from line configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            CommandDeclaration([.standardACL], "exit", ["Exit from access-list configuration mode"]) { ctx in
                ctx.shell.enter(.config)
            },
            // The shell runs `do …` itself, in EXEC's grammar; this gives `?` and Tab the word.
            CommandDeclaration(configModes, "do LINE", ["To run exec commands in config mode", "Exec Command"]) { _ in },
        ]
    }
}
