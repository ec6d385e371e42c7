import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection for requests an HTTP client refuses to send: CR, LF or NUL inside a
/// header, megabyte headers, a body trickled over time. Blocking socket calls run on a Dispatch
/// queue, so they never hold one of Swift concurrency's few threads while the server needs them.
final class RawConnection: @unchecked Sendable {
    private let socket: Int32

    /// `receiveBuffer`: a small kernel receive buffer, for a client that stops reading.
    init(port: Int, timeout: TimeInterval = 10, receiveBuffer: Int32? = nil) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw TestSetupError("socket: errno \(errno)") }
        if var size = receiveBuffer {
            setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            Glibc.close(socket)
            throw TestSetupError("connect to port \(port): errno \(errno)")
        }
    }

    deinit { Glibc.close(socket) }

    /// Sends all of `bytes`; false when the server closed the connection first (which is a fine
    /// answer to a hostile request). MSG_NOSIGNAL: a closed peer must not SIGPIPE the test process.
    @discardableResult
    func send(_ bytes: [UInt8]) async -> Bool {
        await blocking {
            var sent = 0
            while sent < bytes.count {
                let count = bytes.withUnsafeBytes { Glibc.send(self.socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
                if count <= 0 { return false }
                sent += count
            }
            return true
        }
    }

    @discardableResult
    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Reads until the server closes, a whole response (headers and `Content-Length` body) has
    /// arrived, or the timeout passes; returns what came, empty when the server just closed.
    func response() async -> String {
        await blocking {
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += chunk[0..<count]
                if Self.isComplete(received) { break }
            }
            return String(decoding: received, as: UTF8.self)
        }
    }

    /// Reads and discards until the server closes the connection (true) or the receive timeout
    /// passes with the connection still open (false).
    func waitForClose() async -> Bool {
        await blocking {
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
                if count == 0 { return true }
                if count < 0 { return errno == ECONNRESET || errno == EPIPE }
            }
        }
    }

    /// The status code of a response's first line, nil when there was no response.
    static func status(_ response: String) -> Int? {
        let parts = response.prefix(while: { $0 != "\r" }).split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else { return nil }
        return Int(parts[1])
    }

    private static func isComplete(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text[end.upperBound...].utf8.count >= length
    }

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
