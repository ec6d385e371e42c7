import Core
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow (see `ConnectionDeadlines`). Sits after the
/// HTTP decoder, where it sees request heads and ends and response ends; `ByteArrivalHandler`
/// in front of the decoder tells it when raw bytes arrive, which is all a trickled header shows.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: ConnectionDeadlines
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?

    init(limits: HTTPLimits) {
        deadlines = ConnectionDeadlines(limits, openedAt: .now())
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        reschedule()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func bytesArrived() {
        deadlines.bytesArrived(at: .now())
        reschedule()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadlines.headReceived(at: .now())
        case .body: deadlines.bytesArrived(at: .now())
        case .end: deadlines.requestEnded(at: .now())
        }
        deadlines.delivered()
        reschedule()
        context.fireChannelRead(data)
    }

    /// The application asks for more (backpressure lets it through only then).
    func read(context: ChannelHandlerContext) {
        deadlines.readRequested(at: .now())
        reschedule()
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        deadlines.writabilityChanged(writable: context.channel.isWritable, at: .now())
        reschedule()
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            deadlines.responseEnded(at: .now())
            reschedule()
        }
        context.write(data, promise: promise)
    }

    /// Keeps one timer at or before the current deadline; when it fires it closes the
    /// connection if the deadline passed, or waits again for the later one.
    private func reschedule() {
        guard let context else { return }
        guard let deadline = deadlines.deadline else {
            timer?.cancel()
            timer = nil
            timerDeadline = nil
            return
        }
        if timer != nil, let timerDeadline, timerDeadline <= deadline { return }
        timer?.cancel()
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            timerDeadline = nil
            if let due = deadlines.deadline, due <= .now() {
                context.close(promise: nil)
            } else {
                reschedule()
            }
        }
    }
}

/// In front of the HTTP decoder: reports every read of raw bytes to the deadline handler.
final class ByteArrivalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: ConnectionDeadlineHandler

    init(_ deadlines: ConnectionDeadlineHandler) { self.deadlines = deadlines }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived()
        context.fireChannelRead(data)
    }
}
