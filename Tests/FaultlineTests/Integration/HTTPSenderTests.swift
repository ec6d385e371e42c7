import Alerting
import AsyncHTTPClient
@testable import Delivery
import Foundation
import Testing

/// A webhook receiver that answers its headers at once and then drips its body (one byte every
/// few seconds) must not hold the sender: the client's deadline ends with the headers, so the
/// body is read for at most `HTTPSender.bodyTime` (review finding).
@Suite struct HTTPSenderTests {
    static let drip = """
        import socket, sys, time
        server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
        print(server.getsockname()[1], flush=True)
        connection, _ = server.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Length: 1000\\r\\n\\r\\n")
        for _ in range(60):
            connection.sendall(b"x"); time.sleep(3)
        """

    @Test func aDrippingReceiverDoesNotHoldTheSender() async throws {
        let receiver = ChildProcess(try TestEnvironment.python, ["-c", Self.drip])
        try receiver.start()
        defer { receiver.kill(SIGKILL) }
        let deadline = Date().addingTimeInterval(30)
        while receiver.stdout.isEmpty && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let port = try #require(Int(receiver.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sender = HTTPSender(client: client, timeout: 10)
        let started = ContinuousClock.now
        let result = await sender.send(HTTPNotification(url: "http://127.0.0.1:\(port)/hook", headers: [:], body: Array("{}".utf8)))
        let took = ContinuousClock.now - started
        try await client.shutdown()
        #expect(result == nil, "a 200 is delivered: \(result ?? "")")
        // The receiver would hold the connection for three minutes; a bound far above the two
        // seconds the body may take, so a loaded machine does not fail it.
        #expect(took < .seconds(60), "send took \(took)")
    }
}
