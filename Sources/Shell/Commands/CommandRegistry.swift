/// Compiles the command declarations into one graph per mode, privilege and AAA state.
/// Every graph is built in `init` and never changes afterwards, so one registry can serve every
/// shell on every thread (hence `@unchecked Sendable`).
public final class CommandRegistry: @unchecked Sendable {
    struct Entry {
        var declaration: CommandDeclaration
        var form: CommandForm
    }

    struct GrammarKey: Hashable {
        var kind: ModeKind
        var privileged: Bool
        var aaa: Bool
    }

    private(set) var entries: [Entry] = []
    private var syntaxes: [SyntaxNode] = []
    private var graphs: [GrammarKey: CommandGraph] = [:]
    private static let kinds: [ModeKind] = [.exec, .config, .dynamicAuthor, .radiusServer, .serverGroupRadius, .line,
                                                     .standardACL, .sshPubkey, .sshPubkeyUser, .sshPubkeyData,
                                                     .ikev2Profile, .ikev2Keyring, .ikev2KeyringPeer, .ikev2NameMangler,
                                                     .ikev2AuthorizationPolicy, .interface, .ikev2Proposal, .ikev2Policy]

    public init(_ declarations: [CommandDeclaration]) {
        for declaration in declarations {
            let parsed: SyntaxNode
            do {
                parsed = try SyntaxParser.parse(declaration.syntax, help: declaration.help)
            } catch {
                // A malformed declaration is a programming error in this package, caught by tests.
                preconditionFailure("bad command declaration: \(error)")
            }
            var syntax = parsed
            if declaration.hidden { syntax = CommandRegistry.hidingFirstToken(syntax) }
            if declaration.pipe { syntax = .sequence([syntax, .optional(CommandRegistry.pipeSuffix)]) }
            add(declaration, .set, syntax)
            if let key = declaration.negation {
                let stem = CommandRegistry.negationStem(parsed, keep: key)
                add(declaration, .no, .sequence([.token(Token(kind: .keyword("no"), name: "no", help: HelpText.no)), stem]))
                add(declaration, .default,
                    .sequence([.token(Token(kind: .keyword("default"), name: "default", help: HelpText.default)), stem]))
            }
        }
        for kind in CommandRegistry.kinds {
            for privileged in [false, true] {
                for aaa in [false, true] {
                    let key = GrammarKey(kind: kind, privileged: privileged, aaa: aaa)
                    graphs[key] = build(key)
                }
            }
        }
    }

    /// Every command form's syntax tree (with `no`/`default` and output modifiers) and the modes
    /// it is in: for tools that walk the grammar, such as the shell fuzz test.
    var commandSyntaxes: [(modes: [ModeKind], syntax: SyntaxNode)] {
        zip(entries, syntaxes).map { ($0.declaration.modes, $1) }
    }

    private func add(_ declaration: CommandDeclaration, _ form: CommandForm, _ syntax: SyntaxNode) {
        entries.append(Entry(declaration: declaration, form: form))
        syntaxes.append(syntax)
    }

    func graph(for mode: Mode, aaa: Bool) -> CommandGraph {
        let key = GrammarKey(kind: mode.kind, privileged: mode != .userExec, aaa: aaa)
        // Built for every key in init.
        return graphs[key] ?? build(key)
    }

    private func build(_ key: GrammarKey) -> CommandGraph {
        let graph = CommandGraph()
        for (index, entry) in entries.enumerated() {
            let d = entry.declaration
            guard d.modes.contains(key.kind) else { continue }
            if key.kind == .exec, !key.privileged, d.privilege > 1 { continue }
            if d.requiresAAA, !key.aaa { continue }
            graph.add(syntaxes[index], payload: index)
        }
        return graph
    }

    /// `no`/`default` forms: the identifying items stay, everything after them becomes optional.
    static func negationStem(_ syntax: SyntaxNode, keep: Int) -> SyntaxNode {
        guard case let .sequence(items) = syntax, items.count > keep else { return syntax }
        return .sequence(Array(items[..<keep]) + [.optional(.sequence(Array(items[keep...])))])
    }

    static func hidingFirstToken(_ syntax: SyntaxNode) -> SyntaxNode {
        switch syntax {
        case var .token(token):
            token.hidden = true
            return .token(token)
        case var .sequence(items) where !items.isEmpty:
            items[0] = hidingFirstToken(items[0])
            return .sequence(items)
        default:
            return syntax
        }
    }

    /// `| {begin|count|exclude|include|section [include|exclude]} LINE`
    static let pipeSuffix: SyntaxNode = {
        func keyword(_ k: String, _ help: String, name: String? = nil) -> SyntaxNode {
            .token(Token(kind: .keyword(k), name: name ?? k, help: help))
        }
        let pattern = SyntaxNode.token(Token(kind: .argument(.line, placeholder: "LINE"), name: "pipe-pattern",
                                             help: "Regular Expression"))
        let filters: [SyntaxNode] = [
            .sequence([keyword("begin", "Begin with the line that matches"), pattern]),
            .sequence([keyword("count", "Count number of lines which match regexp"), pattern]),
            .sequence([keyword("exclude", "Exclude lines that match"), pattern]),
            .sequence([keyword("include", "Include lines that match"), pattern]),
            .sequence([keyword("section", "Filter a section of output"),
                       .optional(.choice([keyword("exclude", "Exclude sections that match", name: "section-exclude"),
                                          keyword("include", "Include sections that match", name: "section-include")])),
                       pattern]),
        ]
        return .sequence([keyword("|", "Output modifiers"), .choice(filters)])
    }()
}
