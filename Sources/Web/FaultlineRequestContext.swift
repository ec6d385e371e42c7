import Hummingbird
import NIOCore
import Store

/// The request context of every Faultline HTTP route: the peer address for client IPs and,
/// once the API's auth middleware ran, the caller's token grant (and, for a dashboard session,
/// the signed-in user).
public struct FaultlineRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var grant: TokenGrant?
    public var user: User?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        grant = nil
        user = nil
    }

    /// The peer's IP address without port.
    public var clientIP: String? { remoteAddress?.ipAddress }
}
