import Postgres

/// A test's connection handed into a `@Sendable` test-client closure. The test awaits that
/// closure, so the two never use the connection at once.
struct SharedConnection: @unchecked Sendable {
    let db: PGConnection
}
