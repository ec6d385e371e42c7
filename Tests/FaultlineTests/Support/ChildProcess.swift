import Foundation

/// A child process with captured output, for tests that drive the real SDK or `faultline` itself.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let stdinPipe = Pipe()
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()
    /// A spool directory made for this child (relays write one), removed with it.
    private var spoolDirectory: String?

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        // A relay's default spool is under the working directory, shared by every test and by
        // `./deploy/dev.sh`: each child gets its own unless the test chose one.
        if env["FAULTLINE_SPOOL_DIR"] == nil {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("faultline-test-spool-\(UUID().uuidString)").path
            env["FAULTLINE_SPOOL_DIR"] = directory
            spoolDirectory = directory
        }
        process.environment = env
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = stdinPipe
    }

    deinit {
        if let spoolDirectory, !process.isRunning { try? FileManager.default.removeItem(atPath: spoolDirectory) }
    }

    /// Starts the child and one thread per output pipe that reads it until end of file. Blocking
    /// reads, not `readabilityHandler`: a handler is a dispatch source on the descriptor, and a
    /// descriptor closed while its source was still being cancelled crashed libdispatch's event
    /// loop (signal 11 in `_dispatch_event_loop_drain`, seen under load in full test runs).
    func start() throws {
        try process.run()
        Self.drain(stdoutPipe.fileHandleForReading) { [weak self] data in self?.lock.withLock { self?.out.append(data) } }
        Self.drain(stderrPipe.fileHandleForReading) { [weak self] data in self?.lock.withLock { self?.err.append(data) } }
    }

    private static func drain(_ handle: FileHandle, _ append: @escaping @Sendable (Data) -> Void) {
        let thread = Thread {
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                append(data)
            }
        }
        thread.name = "child-output"
        thread.start()
    }

    /// Writes one line to the child's stdin (the broker's control interface).
    func send(_ line: String) {
        stdinPipe.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    var stdout: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    var stderr: String { lock.withLock { String(decoding: err, as: UTF8.self) } }

    /// Waits for exit, up to `timeout` seconds (then kills it and returns nil).
    func wait(timeout: TimeInterval = 120) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline { kill(SIGKILL); return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Let the readability handlers drain the pipes.
        try? await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }

    func kill(_ signal: Int32 = SIGTERM) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits until stdout contains `text`.
    func waitForOutput(_ text: String, timeout: TimeInterval = 60) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stdout.contains(text) || stderr.contains(text) { return true }
            if !process.isRunning { return stdout.contains(text) || stderr.contains(text) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Runs to completion and returns status and output.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    timeout: TimeInterval = 120) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let child = ChildProcess(executable, arguments, environment: environment)
        try child.start()
        let status = await child.wait(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }
}
