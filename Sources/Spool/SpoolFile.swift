#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open file descriptor with the few calls the spool needs; errors carry `errno`.
/// Not thread-safe: each user (the writer, a reader, recovery) opens its own.
final class SpoolFile {
    let path: String
    private(set) var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close() }

    static func openForReading(_ path: String) throws -> SpoolFile {
        try open(path, flags: O_RDONLY, operation: "open")
    }

    static func openForWriting(_ path: String) throws -> SpoolFile {
        try open(path, flags: O_WRONLY, operation: "open")
    }

    /// A new file; fails if the name exists.
    static func create(_ path: String) throws -> SpoolFile {
        try open(path, flags: O_WRONLY | O_CREAT | O_EXCL, operation: "create")
    }

    private static func open(_ path: String, flags: Int32, operation: String) throws -> SpoolFile {
        let fd = retryingInterrupts { systemOpen(path, flags | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw SpoolError.io("\(operation) \(path)", errno) }
        return SpoolFile(path: path, descriptor: fd)
    }

    func close() {
        if descriptor >= 0 {
            _ = systemClose(descriptor)
            descriptor = -1
        }
    }

    var size: Int {
        get throws {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw SpoolError.io("stat \(path)", errno) }
            return Int(info.st_size)
        }
    }

    /// Writes all of `bytes` at `offset` (short writes continue).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = retryingInterrupts { pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
            guard n > 0 else { throw SpoolError.io("write \(path)", n == 0 ? EIO : errno) }
            done += n
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        var done = 0
        while done < buffer.count {
            let n = retryingInterrupts { pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
            guard n >= 0 else { throw SpoolError.io("read \(path)", errno) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// `fdatasync`: the data and the file's size reach the disk (not its times).
    func syncData() throws {
        #if canImport(Glibc)
        let result = retryingInterrupts { fdatasync(descriptor) }
        #else
        let result = retryingInterrupts { fsync(descriptor) }
        #endif
        guard result == 0 else { throw SpoolError.io("fdatasync \(path)", errno) }
    }

    func truncate(to length: Int) throws {
        guard retryingInterrupts({ ftruncate(descriptor, off_t(length)) }) == 0 else {
            throw SpoolError.io("truncate \(path)", errno)
        }
    }

    /// Opens (creating) `path` and takes an exclusive `flock` on it, held until the file is
    /// closed; nil when another open file holds it (another process, or another spool here).
    static func lock(_ path: String) throws -> SpoolFile? {
        let file = try open(path, flags: O_RDWR | O_CREAT, operation: "open")
        guard retryingInterrupts({ flock(file.descriptor, LOCK_EX | LOCK_NB) }) == 0 else {
            if errno == EWOULDBLOCK { return nil }
            throw SpoolError.io("lock \(path)", errno)
        }
        return file
    }

    /// Makes a directory's entries (files created, renamed, removed) durable.
    static func syncDirectory(_ path: String) throws {
        let directory = try open(path, flags: O_RDONLY | O_DIRECTORY, operation: "open directory")
        guard retryingInterrupts({ fsync(directory.descriptor) }) == 0 else {
            throw SpoolError.io("fsync directory \(path)", errno)
        }
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw SpoolError.io("unlink \(path)", errno) }
    }

    static func rename(_ from: String, to: String) throws {
        guard systemRename(from, to) == 0 else { throw SpoolError.io("rename \(from)", errno) }
    }

}

/// Repeats a system call interrupted by a signal.
private func retryingInterrupts<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}

// The C functions whose names the methods above reuse.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func systemClose(_ fd: Int32) -> Int32 { close(fd) }
private func systemRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
