import ArgumentParser
import Foundation
import Shell

/// `flexvpn-emu labs …`: the trainer's side of the training labs.
struct Labs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Training labs: list the bundled ones, check a lab file, gather a class's reports.",
        subcommands: [List.self, Report.self, Check.self, Schema.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the bundled labs, one line each.")

        func run() throws {
            for name in BundledLabs.names {
                let lab = try LabFile.load(name)
                print(name.padding(toLength: 16, withPad: " ", startingAt: 0) + lab.summary)
            }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn lab reports (--lab-report files) into one table: text, CSV or JUnit XML.")

        @Argument(help: "Report files (JSON), or folders holding them (*.json).")
        var paths: [String]

        @Flag(help: "Comma-separated values, one row per report, the points of each task.")
        var csv = false

        @Flag(help: "JUnit XML: one test suite per report, one test case per task.")
        var junit = false

        func run() throws {
            guard !(csv && junit) else { throw ValidationError("give --csv or --junit, not both") }
            var files: [String] = []
            for path in paths {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                    files += names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
                } else {
                    files.append(path)
                }
            }
            var reports: [LabReport] = []
            for file in files {
                do {
                    reports.append(try LabReport.decode(try Data(contentsOf: URL(fileURLWithPath: file))))
                } catch {
                    FileHandle.standardError.write(Data("% \(file): not a lab report\n".utf8))
                    throw ExitCode(1)
                }
            }
            let text = csv ? LabClassTable.csv(reports) : junit ? LabClassTable.junit(reports) : LabClassTable.text(reports)
            print(text, terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load lab files as --lab would and report the first error of each (with its line number).")

        @Argument(help: "Lab files, or bundled lab names.")
        var labs: [String]

        func run() throws {
            var failed = false
            for name in labs {
                do {
                    let lab = try LabFile.load(name)
                    print("\(name): ok, \(lab.tasks.count) tasks, \(lab.maxPoints) points")
                } catch {
                    print("\(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct Schema: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the JSON schema of the lab reports.")

        func run() throws { print(LabReport.jsonSchema, terminator: "") }
    }
}
