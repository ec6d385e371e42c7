import ArgumentParser
import EventModel
import Foundation
import Symbolication

/// `faultline sourcemap lookup MAP LINE COLUMN`: where a minified position came from, with the
/// parser the processor uses; 1-based line and column in and out, as in Sentry frames.
struct SourceMapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sourcemap", abstract: "Look up positions in a source map.", subcommands: [Lookup.self])

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the original source, line, column and name of a minified position (1-based, UTF-16 columns).")

        @Argument(help: "The source map file (v3, index maps too).") var map: String
        @Argument(help: "The minified line, 1-based.") var line: Int
        @Argument(help: "The minified column, 1-based, in UTF-16 units as JavaScript counts them.") var column: Int

        func run() async throws {
            try await CommandRunner.run {
                let parsed: SourceMap
                do { parsed = try SourceMapParser.parse(try LookupFile.read(map)) } catch let error as SourceMapError {
                    throw Failure("\(map): \(error)")
                }
                guard line >= 1, column >= 1, let location = parsed.lookup(line: line - 1, column: column - 1) else {
                    throw Failure("\(map): no mapping at \(line):\(column)")
                }
                print(JSON.object([
                    "source": .string(location.source), "line": .int(Int64(location.line) + 1),
                    "column": .int(Int64(location.column) + 1), "name": location.name.map(JSON.string) ?? .null,
                ]).encodedString())
            }
        }
    }
}

/// `faultline proguard lookup MAPPING CLASS [METHOD LINE]`: the original class, or the original
/// frames (inlined ones first) of an obfuscated method at a line.
struct ProguardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proguard", abstract: "Look up names in a ProGuard/R8 mapping.", subcommands: [Lookup.self])

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the original class, or with METHOD and LINE the original frames (innermost first), as JSON.")

        @Argument(help: "The mapping file (ProGuard or R8).") var mapping: String
        @Argument(help: "The obfuscated class name.") var className: String
        @Argument(help: "The obfuscated method name.") var method: String?
        @Argument(help: "The obfuscated line number.") var line: Int?

        func run() async throws {
            try await CommandRunner.run {
                let remapper = ProguardRemapper(ProguardMapping.parse(try LookupFile.read(mapping)))
                guard let original = remapper.remapClass(className) else { throw Failure("\(mapping): no class \(className)") }
                guard let method else {
                    print(JSON.object(["class": .string(original)]).encodedString())
                    return
                }
                let frames = remapper.remap(className: className, method: method, line: line)
                guard !frames.isEmpty else { throw Failure("\(mapping): no method \(className).\(method)") }
                for frame in frames {
                    print(JSON.object([
                        "class": .string(frame.className), "method": .string(frame.method),
                        "line": frame.line.map { .int(Int64($0)) } ?? .null,
                        "source_file": frame.sourceFile.map(JSON.string) ?? .null,
                    ]).encodedString())
                }
            }
        }
    }
}

enum LookupFile {
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure("\(path): cannot read") }
        return Array(data)
    }
}
