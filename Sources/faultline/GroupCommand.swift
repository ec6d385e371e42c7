import ArgumentParser
import EventModel
import Foundation
import Grouping

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Read one event JSON on stdin and print its grouping hashes, title and culprit, as the processor computes them.")

    func run() async throws {
        try await CommandRunner.run {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let event: SentryEvent
            do {
                event = try SentryEvent.parse(Array(input))
            } catch {
                throw Failure("stdin: \(error)")
            }
            let result = Grouper.group(event)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Output: Encodable { let hashes: [String]; let title: String; let culprit: String }
            let data = try encoder.encode(Output(hashes: result.hashes, title: result.title, culprit: result.culprit))
            print(String(decoding: data, as: UTF8.self))
        }
    }
}
