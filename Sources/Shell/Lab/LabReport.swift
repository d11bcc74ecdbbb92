import Device
import Foundation

/// A student's result in one lab: what `--lab-report PATH` writes (JSON, described by
/// `lab-report.schema.json`) and `flexvpn-emu labs report` reads.
public struct LabReport: Codable, Equatable, Sendable {
    public struct Task: Codable, Equatable, Sendable {
        public var number: Int
        public var id: String
        public var title: String
        /// passed, open (gradable now) or waiting (a required task is open).
        public var state: String
        public var points: Int
        public var maxPoints: Int
        /// `lab check` runs while the task was open.
        public var attempts: Int
        public var hintsUsed: Int
        /// Device-clock seconds from the lab's start to the first pass.
        public var passedAfterSeconds: Double?
        /// The device clock at the first pass (ISO 8601, UTC).
        public var passedAt: String?

        enum CodingKeys: String, CodingKey {
            case number, id, title, state, points, attempts
            case maxPoints = "max_points", hintsUsed = "hints_used"
            case passedAfterSeconds = "passed_after_seconds", passedAt = "passed_at"
        }
    }

    public var schema = LabReport.schemaID
    public var lab: String
    public var title: String
    public var student: String
    public var started: String
    public var updated: String
    /// True in the report written as the program ends.
    public var final: Bool
    public var points: Int
    public var maxPoints: Int
    public var tasks: [Task]

    public static let schemaID = "flexvpn-emu/lab-report/1"

    enum CodingKeys: String, CodingKey {
        case schema, lab, title, student, started, updated, final, points, tasks
        case maxPoints = "max_points"
    }

    public init(lab: String, title: String, student: String, started: String, updated: String, final: Bool,
                points: Int, maxPoints: Int, tasks: [Task]) {
        self.lab = lab
        self.title = title
        self.student = student
        self.started = started
        self.updated = updated
        self.final = final
        self.points = points
        self.maxPoints = maxPoints
        self.tasks = tasks
    }

    public var percent: Int { maxPoints == 0 ? 100 : points * 100 / maxPoints }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain values cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public static func decode(_ data: Data) throws -> LabReport {
        try JSONDecoder().decode(LabReport.self, from: data)
    }

    /// `2014-11-04T00:20:23Z`: the device clock, in UTC.
    static func isoTime(_ epochSeconds: Double) -> String {
        let t = CivilTime(epochSeconds: epochSeconds)
        return String(t.year) + "-" + pad(t.month, 2) + "-" + pad(t.day, 2) + "T" + pad(t.hour, 2) + ":"
            + pad(t.minute, 2) + ":" + pad(t.second, 2) + "Z"
    }

    /// The JSON schema the reports follow (shipped in the binary: `flexvpn-emu labs schema`).
    public static var jsonSchema: String { String(decoding: PackageResources.lab_report_schema_json, as: UTF8.self) }
}

/// A class's reports as one table: for the terminal, as CSV, and as JUnit XML (one test suite per
/// student and lab, one test case per task, a failure for each task not passed).
public enum LabClassTable {
    public static func text(_ reports: [LabReport]) -> String {
        let taskCount = reports.map(\.tasks.count).max() ?? 0
        var rows = [["Student", "Lab", "Points", "Percent"] + (0..<taskCount).map { "T\($0 + 1)" }]
        for r in reports {
            rows.append([r.student, r.lab, "\(r.points)/\(r.maxPoints)", "\(r.percent)%"]
                        + (0..<taskCount).map { i in
                            i < r.tasks.count ? (r.tasks[i].state == "passed" ? "pass" : "-") : ""
                        })
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            out += cells.joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        let passed = reports.filter { $0.points == $0.maxPoints }.count
        out += "\(reports.count) reports, \(passed) complete\n"
        return out
    }

    public static func csv(_ reports: [LabReport]) -> String {
        let taskCount = reports.map(\.tasks.count).max() ?? 0
        var out = (["student", "lab", "points", "max_points", "percent"] + (0..<taskCount).map { "task\($0 + 1)" })
            .joined(separator: ",") + "\n"
        for r in reports {
            let cells = [r.student, r.lab, String(r.points), String(r.maxPoints), String(r.percent)]
                + (0..<taskCount).map { i in i < r.tasks.count ? String(r.tasks[i].points) : "" }
            out += cells.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    public static func junit(_ reports: [LabReport]) -> String {
        let tests = reports.reduce(0) { $0 + $1.tasks.count }
        let failures = reports.reduce(0) { $0 + $1.tasks.filter { $0.state != "passed" }.count }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"flexvpn-emu labs\" tests=\"\(tests)\" failures=\"\(failures)\">\n"
        for r in reports {
            let failed = r.tasks.filter { $0.state != "passed" }.count
            out += "  <testsuite name=\"\(xml(r.student + "/" + r.lab))\" tests=\"\(r.tasks.count)\" failures=\"\(failed)\">\n"
            out += "    <properties>\n"
            out += "      <property name=\"points\" value=\"\(r.points)\"/>\n"
            out += "      <property name=\"max_points\" value=\"\(r.maxPoints)\"/>\n"
            out += "    </properties>\n"
            for task in r.tasks {
                let time = task.passedAfterSeconds.map { String(Int($0)) } ?? "0"
                let name = xml("\(task.number). \(task.title)")
                let head = "    <testcase classname=\"\(xml(r.lab + "." + r.student))\" name=\"\(name)\" time=\"\(time)\""
                if task.state == "passed" {
                    out += head + "/>\n"
                } else {
                    out += head + ">\n"
                    out += "      <failure message=\"\(task.state)\">\(task.points) of \(task.maxPoints) points; "
                        + "attempts \(task.attempts), hints \(task.hintsUsed)</failure>\n"
                    out += "    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func xml(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
