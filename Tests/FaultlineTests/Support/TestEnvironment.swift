import Foundation
import Postgres
import Store
import Testing

/// Locations and servers the integration tests use. `./deploy/test.sh` provides them:
/// `FAULTLINE_TEST_DATABASE_URL` (a role that may create databases) and `FAULTLINE_TEST_PYTHON`
/// (a Python with the real sentry-sdk and sentry-cli).
enum TestEnvironment {
    static var adminDatabaseURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["FAULTLINE_TEST_DATABASE_URL"], !url.isEmpty else {
                throw TestSetupError("FAULTLINE_TEST_DATABASE_URL is not set: run the tests with ./deploy/test.sh")
            }
            return url
        }
    }

    static var python: String {
        get throws {
            guard let path = ProcessInfo.processInfo.environment["FAULTLINE_TEST_PYTHON"], !path.isEmpty else {
                throw TestSetupError("FAULTLINE_TEST_PYTHON is not set: run the tests with ./deploy/test.sh")
            }
            return path
        }
    }

    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func compatScript(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/compat/\(name)").path
    }

    /// The `faultline` executable built beside the tests.
    static var executable: String {
        get throws {
            let debug = packageRoot.appendingPathComponent(".build/debug/faultline").path
            guard FileManager.default.isExecutableFile(atPath: debug) else {
                throw TestSetupError("\(debug) is missing: run `swift build` before the process tests")
            }
            return debug
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh, migrated database for one test, dropped afterwards.
struct TestDatabase {
    let name: String
    let url: String

    static func create() throws -> TestDatabase {
        let admin = try TestEnvironment.adminDatabaseURL
        let name = "faultline_test_\(getpid())_\(UUID().uuidString.prefix(8).lowercased())"
        let connection = try PGConnection(url: admin)
        defer { connection.close() }
        // Identifiers cannot be parameters; the name is generated above from hex digits only.
        _ = try connection.execute("CREATE DATABASE \(name)")
        let url = Self.replacingDatabase(in: admin, with: name)
        let db = try PGConnection(url: url)
        defer { db.close() }
        try Migrator.migrate(db)
        return TestDatabase(name: name, url: url)
    }

    func connect() throws -> PGConnection { try PGConnection(url: url) }

    /// A database outage for this database only: new connections are refused and open ones cut.
    func refuseConnections() throws {
        let admin = try PGConnection(url: try TestEnvironment.adminDatabaseURL)
        defer { admin.close() }
        _ = try admin.execute("ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS false")
        // Client connections only: an autovacuum worker on the database is the server's own (and
        // a superuser's, which this role may not end).
        try admin.query("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            """, [name])
    }

    func allowConnections() throws {
        let admin = try PGConnection(url: try TestEnvironment.adminDatabaseURL)
        defer { admin.close() }
        _ = try admin.execute("ALTER DATABASE \(name) WITH ALLOW_CONNECTIONS true")
    }

    func drop() {
        guard let admin = try? TestEnvironment.adminDatabaseURL, let connection = try? PGConnection(url: admin) else { return }
        defer { connection.close() }
        _ = try? connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards, range: url.range(of: "://")!.upperBound..<url.endIndex) else {
            return url + "/" + name
        }
        let rest = url[slash.upperBound...]
        let query = rest.firstIndex(of: "?").map { String(rest[$0...]) } ?? ""
        return String(url[..<slash.upperBound]) + name + query
    }
}

/// Runs `body` with a fresh database, dropping it afterwards.
func withTestDatabase<T>(_ body: (TestDatabase) async throws -> T) async throws -> T {
    let database = try TestDatabase.create()
    defer { database.drop() }
    return try await body(database)
}
