import ArgumentParser
import Foundation

/// Runs a command body; any failure becomes one line on stderr and exit status 1, never a trace.
enum CommandRunner {
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("faultline: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
