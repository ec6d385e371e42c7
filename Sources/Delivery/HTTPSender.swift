import Alerting
import AsyncHTTPClient
import Foundation
import NIOCore

/// Posts notifications (AsyncHTTPClient): a 2xx answer is delivered; anything else, a timeout
/// or a connection failure is an error to retry. The answer's body is read up to 64 KiB and for at
/// most `bodyTime`, then dropped: the client's deadline ends with the headers, so a receiver that
/// drips its body would otherwise hold the whole delivery batch (review finding).
struct HTTPSender: Sendable {
    let client: HTTPClient
    let timeout: TimeInterval
    static let bodyTime: Duration = .seconds(2)

    /// nil when delivered, else why not.
    func send(_ notification: HTTPNotification) async -> String? {
        var request = HTTPClientRequest(url: notification.url)
        request.method = .POST
        for (name, value) in notification.headers.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: notification.body))
        do {
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1_000)))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await response.body.collect(upTo: 64 * 1_024) }
                group.addTask { try? await Task.sleep(for: Self.bodyTime) }
                // Whichever ends first; cancelling the read closes the connection.
                await group.next()
                group.cancelAll()
            }
            return (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
        } catch {
            return String(describing: error)
        }
    }
}
