/// A line diff in the unified format (`diff -u`): Myers' algorithm on the lines between the
/// common prefix and suffix, hunks with `context` lines around each change.
public enum UnifiedDiff {
    /// Empty when `old == new`. Hunk headers always carry both counts: `@@ -a,b +c,d @@`.
    public static func diff(old: [String], new: [String], oldName: String, newName: String,
                            context: Int = 3) -> String {
        let ops = editScript(old, new)
        guard ops.contains(where: { $0 != .same }) else { return "" }
        var text = "--- \(oldName)\n+++ \(newName)\n"
        for hunk in hunks(ops, context: context) {
            text += header(hunk)
            var i = hunk.oldStart, j = hunk.newStart
            for op in ops[hunk.opRange] {
                switch op {
                case .same:
                    text += " " + old[i] + "\n"
                    i += 1
                    j += 1
                case .delete:
                    text += "-" + old[i] + "\n"
                    i += 1
                case .insert:
                    text += "+" + new[j] + "\n"
                    j += 1
                }
            }
        }
        return text
    }

    enum Op: Equatable { case same, delete, insert }

    struct Hunk {
        var opRange: Range<Int>
        var oldStart: Int, oldCount: Int
        var newStart: Int, newCount: Int
    }

    private static func header(_ h: Hunk) -> String {
        // An empty side names the line before it, as diff -u does.
        let a = h.oldCount == 0 ? h.oldStart : h.oldStart + 1
        let c = h.newCount == 0 ? h.newStart : h.newStart + 1
        return "@@ -\(a),\(h.oldCount) +\(c),\(h.newCount) @@\n"
    }

    private static func hunks(_ ops: [Op], context: Int) -> [Hunk] {
        // Old/new line index before each op.
        var oldAt = [Int](repeating: 0, count: ops.count + 1)
        var newAt = [Int](repeating: 0, count: ops.count + 1)
        for (k, op) in ops.enumerated() {
            oldAt[k + 1] = oldAt[k] + (op == .insert ? 0 : 1)
            newAt[k + 1] = newAt[k] + (op == .delete ? 0 : 1)
        }
        var result: [Hunk] = []
        var k = 0
        while k < ops.count {
            guard ops[k] != .same else {
                k += 1
                continue
            }
            let start = max(0, k - context)
            var end = k
            // Extend while the next change is within 2*context unchanged lines.
            while true {
                while end < ops.count, ops[end] != .same { end += 1 }
                var look = end
                while look < ops.count, ops[look] == .same, look - end <= 2 * context { look += 1 }
                if look < ops.count, ops[look] != .same, look - end <= 2 * context {
                    end = look
                } else {
                    break
                }
            }
            let stop = min(ops.count, end + context)
            result.append(Hunk(opRange: start..<stop,
                               oldStart: oldAt[start], oldCount: oldAt[stop] - oldAt[start],
                               newStart: newAt[start], newCount: newAt[stop] - newAt[start]))
            k = stop
        }
        return result
    }

    /// The edit script turning `a` into `b`; within each changed run, deletions come first.
    static func editScript(_ a: [String], _ b: [String]) -> [Op] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix,
              a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        // Compare small integers, not strings, in the inner loop.
        var ids: [String: Int] = [:]
        let xa = a[prefix..<(a.count - suffix)].map { id(of: $0, in: &ids) }
        let yb = b[prefix..<(b.count - suffix)].map { id(of: $0, in: &ids) }
        var middle = myers(xa, yb) ?? (Array(repeating: .delete, count: xa.count) + Array(repeating: .insert, count: yb.count))
        normalize(&middle)
        return Array(repeating: .same, count: prefix) + middle + Array(repeating: .same, count: suffix)
    }

    private static func id(of line: String, in ids: inout [String: Int]) -> Int {
        if let id = ids[line] { return id }
        let id = ids.count
        ids[line] = id
        return id
    }

    /// Deletions before insertions in every run of changes, as diff -u prints them.
    private static func normalize(_ ops: inout [Op]) {
        var k = 0
        while k < ops.count {
            guard ops[k] != .same else {
                k += 1
                continue
            }
            var end = k
            var deletes = 0
            while end < ops.count, ops[end] != .same {
                if ops[end] == .delete { deletes += 1 }
                end += 1
            }
            for n in k..<end { ops[n] = n - k < deletes ? .delete : .insert }
            k = end
        }
    }

    /// Myers' O((N+M)D) shortest edit script; nil when D exceeds a bound (then the caller shows
    /// one replace hunk rather than spend quadratic memory).
    private static func myers(_ a: [Int], _ b: [Int], maxD: Int = 1000) -> [Op]? {
        let n = a.count, m = b.count
        if n == 0 { return Array(repeating: .insert, count: m) }
        if m == 0 { return Array(repeating: .delete, count: n) }
        let maxSteps = min(n + m, maxD)
        let offset = maxSteps + 1
        var v = [Int](repeating: 0, count: 2 * maxSteps + 3)
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...maxSteps {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    trace.append(v)
                    break outer
                }
            }
        }
        guard found else { return nil }
        // Walk back through the saved rows. trace[d] is the row before step d; the last is final.
        var ops: [Op] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 1, by: -1) {
            let vPrev = trace[d]
            let k = x - y
            let prevK = (k == -d || (k != d && vPrev[offset + k - 1] < vPrev[offset + k + 1])) ? k + 1 : k - 1
            let prevX = vPrev[offset + prevK]
            let prevY = prevX - prevK
            while x > prevX, y > prevY {
                ops.append(.same)
                x -= 1
                y -= 1
            }
            ops.append(x == prevX ? .insert : .delete)
            x = prevX
            y = prevY
        }
        while x > 0, y > 0 {
            ops.append(.same)
            x -= 1
            y -= 1
        }
        return ops.reversed()
    }
}
