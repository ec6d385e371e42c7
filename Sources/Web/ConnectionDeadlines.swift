import Core
import NIOCore

/// When a connection must be closed for slowness, from what it has done so far. Pure: the
/// channel handlers feed it events and times, and close the connection once `deadline` passes.
///
/// - Waiting for a request: the first request's headers must be complete `headerTimeout` after
///   the connection opened; a kept-alive connection may sit idle `keepAliveTimeout`, and once
///   the next request's first byte arrives its headers must be complete within `headerTimeout`.
/// - Reading a body: at most `bodyIdleTimeout` without a byte, and all of it within
///   `requestTimeout` of the headers, so a body trickled just fast enough is bounded too.
///   The idle clock stops while the application has not asked for more (it is waiting on the
///   server side, e.g. a config lookup, and backpressure stopped reading), and restarts when it
///   asks again.
/// - While the server works on a request the client is not timed; but once the client stops
///   taking the response (the socket is not writable: its receive window is closed and the
///   output passed the high-water mark), at most `bodyIdleTimeout` may pass without progress,
///   in any phase, so a client that never reads cannot hold a connection slot.
public struct ConnectionDeadlines: Sendable {
    enum Phase: Equatable, Sendable {
        case awaitingRequest(since: NIODeadline, firstByte: NIODeadline?)
        case readingBody(lastByte: NIODeadline, head: NIODeadline)
        case responding
    }

    let headerTimeout: TimeAmount
    let bodyIdleTimeout: TimeAmount
    let keepAliveTimeout: TimeAmount
    let requestTimeout: TimeAmount
    private(set) var phase: Phase
    /// Requests whose head was read and whose response has not ended yet.
    private var unanswered = 0
    /// No request has started yet on this connection.
    private var fresh = true
    /// The application has what it asked for and has not asked for more yet.
    private var readPaused = false
    /// Since when the socket has not been writable, if it is not.
    private var writeStalledSince: NIODeadline?

    public init(_ limits: HTTPLimits, openedAt now: NIODeadline) {
        headerTimeout = Self.amount(limits.headerTimeout)
        bodyIdleTimeout = Self.amount(limits.bodyIdleTimeout)
        keepAliveTimeout = Self.amount(limits.keepAliveTimeout)
        requestTimeout = Self.amount(limits.requestTimeout)
        phase = .awaitingRequest(since: now, firstByte: nil)
    }

    /// Seconds as a time amount, clamped so no configured value can overflow nanoseconds.
    static func amount(_ seconds: Double) -> TimeAmount {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(seconds, 86_400 * 365) * 1e9))
    }

    public mutating func bytesArrived(at now: NIODeadline) {
        switch phase {
        case .awaitingRequest(let since, nil): phase = .awaitingRequest(since: since, firstByte: now)
        case .readingBody(_, let head): phase = .readingBody(lastByte: now, head: head)
        case .awaitingRequest, .responding: break
        }
    }

    /// A request part was handed to the application; it reads again when it asks (`readRequested`).
    public mutating func delivered() {
        readPaused = true
    }

    /// The application asked for more data: the client is timed again from now.
    public mutating func readRequested(at now: NIODeadline) {
        guard readPaused else { return }
        readPaused = false
        if case .readingBody(_, let head) = phase { phase = .readingBody(lastByte: now, head: head) }
    }

    /// The socket became writable or not (the client took the response, or stopped taking it).
    public mutating func writabilityChanged(writable: Bool, at now: NIODeadline) {
        writeStalledSince = writable ? nil : (writeStalledSince ?? now)
    }

    public mutating func headReceived(at now: NIODeadline) {
        fresh = false
        unanswered += 1
        phase = .readingBody(lastByte: now, head: now)
    }

    public mutating func requestEnded(at now: NIODeadline) {
        phase = unanswered > 0 ? .responding : .awaitingRequest(since: now, firstByte: nil)
    }

    public mutating func responseEnded(at now: NIODeadline) {
        unanswered = max(0, unanswered - 1)
        if unanswered == 0, phase == .responding { phase = .awaitingRequest(since: now, firstByte: nil) }
    }

    /// When the connection is to be closed, if nothing else happens; nil while the server works
    /// and the client takes what it is sent.
    public var deadline: NIODeadline? {
        let stalled = writeStalledSince.map { $0 + bodyIdleTimeout }
        guard let reading = readingDeadline else { return stalled }
        return stalled.map { min($0, reading) } ?? reading
    }

    private var readingDeadline: NIODeadline? {
        switch phase {
        case .awaitingRequest(let since, _) where fresh: return since + headerTimeout
        case .awaitingRequest(_, let firstByte?): return firstByte + headerTimeout
        case .awaitingRequest(let since, nil): return since + keepAliveTimeout
        case .readingBody(_, let head) where readPaused: return head + requestTimeout
        case .readingBody(let lastByte, let head): return min(lastByte + bodyIdleTimeout, head + requestTimeout)
        case .responding: return nil
        }
    }
}
