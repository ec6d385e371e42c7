import Core
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The HTTP/1 server every Faultline listener runs: Hummingbird's, with the header size limit,
/// the slow-client deadlines and the connection cap of `HTTPLimits`.
public enum HTTPServerSetup {
    public static func server(_ limits: HTTPLimits) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(limits: limits, http1: HTTP1Channel(responder: responder, configuration: .init(
                additionalChannelHandlers: [ConnectionDeadlineHandler(limits: limits)],
                httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes,
                                                maxHeaderFieldCount: 1_000))))
        }
    }

    public static func configuration(host: String, port: Int, limits: HTTPLimits, logger: Logger,
                                     serverName: String? = "faultline") -> ApplicationConfiguration {
        ApplicationConfiguration(address: .hostname(host, port: port), serverName: serverName,
                                 availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger))
    }
}

/// Hummingbird's HTTP/1 channel with `ByteArrivalHandler` put in front, so the deadline handler
/// also sees bytes of headers that never complete.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let limits: HTTPLimits
    let http1: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let deadlines = try channel.pipeline.syncOperations.handler(type: ConnectionDeadlineHandler.self)
            try channel.pipeline.syncOperations.addHandler(ByteArrivalHandler(deadlines), position: .first)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
