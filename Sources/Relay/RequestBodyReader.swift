import Hummingbird
import NIOCore

/// Reads a request body chunk by chunk, within the endpoint's size limit, charging every byte
/// to the request's share of an in-flight budget; so the relay can stop after the envelope's
/// header line when the key is bad, and never holds more than the limit. Bytes read before
/// authentication are charged to the small pre-authentication budget, and moved to the main
/// one (`chargeTo`) once the key is known good.
struct RequestBodyReader {
    private var iterator: RequestBody.AsyncIterator
    private let limit: Int
    private var reservation: BudgetReservation
    private(set) var raw = ByteBuffer()
    private(set) var finished = false

    init(_ body: RequestBody, limit: Int, reservation: BudgetReservation) {
        iterator = body.makeAsyncIterator()
        self.limit = limit
        self.reservation = reservation
    }

    /// Reads one more chunk; false when the body has ended.
    mutating func readChunk() async throws(RelayError) -> Bool {
        guard !finished else { return false }
        let next: ByteBuffer?
        do {
            next = try await iterator.next()
        } catch {
            throw RelayError(.badRequest, "failed to read request body")
        }
        guard var chunk = next else {
            finished = true
            return false
        }
        guard chunk.readableBytes <= limit - raw.readableBytes else {
            throw RelayError(.contentTooLarge, "request body exceeded size limits (\(limit) bytes)")
        }
        try reservation.reserve(chunk.readableBytes)
        raw.writeBuffer(&chunk)
        return true
    }

    /// Moves what was read so far onto `other` (the main budget, once authenticated) and
    /// charges the rest of the body there.
    mutating func chargeTo(_ other: BudgetReservation) throws(RelayError) {
        guard other !== reservation else { return }
        try other.reserve(raw.readableBytes)
        reservation.releaseAll()
        reservation = other
    }

    /// The whole body (what was read already and the rest).
    mutating func readAll() async throws(RelayError) -> ByteBuffer {
        while try await readChunk() {}
        return raw
    }
}
