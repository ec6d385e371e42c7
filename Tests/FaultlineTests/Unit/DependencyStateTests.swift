import Testing
@testable import Relay

/// The relay logs an outage of Kafka or PostgreSQL once when it starts and once when it ends.
@Suite struct DependencyStateTests {
    @Test func oneLineWhenAnOutageStartsAndOneWhenItEnds() {
        let state = DependencyState()
        #expect(state.succeeded() == nil)
        #expect(state.failed())
        #expect(!state.failed())
        #expect(!state.failed())
        #expect(state.succeeded() == 3)
        #expect(state.succeeded() == nil)
        #expect(state.failed())
        #expect(state.succeeded() == 1)
    }
}
