import ArgumentParser
import EventModel
import Foundation
import Grouping

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Read one event JSON on stdin and print its grouping hashes, title and culprit, as the processor computes them.")

    @Option(name: .customLong("fingerprint-rules"), help: "File of server-side fingerprint rules (Sentry syntax).")
    var fingerprintRules: String?

    @Option(name: .customLong("stack-trace-rules"), help: "File of stack trace rules (Sentry syntax).")
    var stackTraceRules: String?

    @Flag(name: .customLong("variants"), help: "Also print every variant's hash and contributing component tree.")
    var variants = false

    func run() async throws {
        try await CommandRunner.run {
            var config = GroupingConfig()
            if let path = fingerprintRules {
                do { config.fingerprintRules = try FingerprintRules.parse(try Self.read(path)) } catch let error as GroupingRuleError {
                    throw Failure("\(path): \(error)")
                }
            }
            if let path = stackTraceRules {
                do { config.stackTraceRules = try StackTraceRules.parse(try Self.read(path)) } catch let error as GroupingRuleError {
                    throw Failure("\(path): \(error)")
                }
            }
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let event: SentryEvent
            do {
                event = try SentryEvent.parse(Array(input))
            } catch {
                throw Failure("stdin: \(error)")
            }
            let result = Grouper.group(event, config: config)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Output: Encodable { let hashes: [String]; let title: String; let culprit: String }
            let data = try encoder.encode(Output(hashes: result.hashes, title: result.title, culprit: result.culprit))
            print(String(decoding: data, as: UTF8.self))
            if variants {
                for variant in result.variants {
                    print("\n\(variant.name): \(variant.hash ?? "(does not contribute)")")
                    if let fingerprint = variant.fingerprint { print("  fingerprint: \(fingerprint)") }
                    if let component = variant.component {
                        print(component.rendered(indent: 1).joined(separator: "\n"))
                    }
                }
            }
        }
    }

    static func read(_ path: String) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch { throw Failure("\(path): cannot read (\(error.localizedDescription))") }
    }
}
