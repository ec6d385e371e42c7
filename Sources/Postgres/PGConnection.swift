import CLibPQ
import Foundation

/// One libpq connection, used by one thread at a time. Every statement is parameterized:
/// values travel apart from the SQL text.
public final class PGConnection {
    private var conn: OpaquePointer?

    /// `url` is a libpq connection string or `postgres://` URI.
    public init(url: String) throws {
        let connection = PQconnectdb(Self.withDefaults(url))
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            if let connection { PQfinish(connection) }
            throw PGError(.connection, Self.oneLine(message))
        }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        conn = connection
        _ = try execute("SET TIME ZONE 'UTC'")
        _ = try execute("SET DateStyle = 'ISO, YMD'")
    }

    deinit { close() }

    public func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// False once the server went away; the pool then drops the connection.
    public var isHealthy: Bool {
        guard let conn else { return false }
        return PQstatus(conn) == CONNECTION_OK
    }

    /// Runs one statement with parameters `$1…$n`.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PGBindable] = []) throws -> PGRows {
        guard let conn else { throw PGError(.connection, "connection closed") }
        // PostgreSQL text cannot hold U+0000 (and C strings would end there): replace it.
        let texts = parameters.map { $0.pgText.map { Self.containsNul($0) ? $0.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : $0 } }
        let cStrings: [UnsafeMutablePointer<CChar>?] = texts.map { $0.flatMap { strdup($0) } }
        defer { cStrings.forEach { free($0) } }
        let result = cStrings.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                PQexecParams(conn, sql, Int32(texts.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        return try Self.read(result, conn: conn)
    }

    /// Runs a fixed script of several statements without parameters (migrations only).
    public func execute(_ script: String) throws -> PGRows {
        guard let conn else { throw PGError(.connection, "connection closed") }
        return try Self.read(PQexec(conn, script), conn: conn)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        _ = try execute("BEGIN")
        do {
            let value = try body(self)
            _ = try execute("COMMIT")
            return value
        } catch {
            if isHealthy { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    private static func read(_ result: OpaquePointer?, conn: OpaquePointer) throws -> PGRows {
        guard let result else {
            throw PGError(.connection, oneLine(String(cString: PQerrorMessage(conn))))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PGRows(columns: [], values: [], affected: Int(String(cString: PQcmdTuples(result))) ?? 0)
        case PGRES_TUPLES_OK:
            let rowCount = Int(PQntuples(result))
            let columnCount = Int(PQnfields(result))
            let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
            var values: [[String?]] = []
            values.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                values.append((0..<columnCount).map { column in
                    PQgetisnull(result, Int32(row), Int32(column)) == 1
                        ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
                })
            }
            return PGRows(columns: columns, values: values, affected: rowCount)
        default:
            let message = oneLine(String(cString: PQresultErrorMessage(result)))
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            if PQstatus(conn) != CONNECTION_OK {
                throw PGError(.connection, message.isEmpty ? "server closed the connection" : message, sqlState: state)
            }
            throw PGError(.query, message, sqlState: state)
        }
    }

    /// memchr over the UTF-8 bytes: a batch's array of event payloads runs to megabytes.
    static func containsNul(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let start = bytes.baseAddress else { return false }
            return memchr(start, 0, bytes.count) != nil
        } ?? text.utf8.contains(0)
    }

    /// libpq's messages span lines; logs and CLI errors want one.
    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// Adds a connect timeout, so an unreachable server fails in seconds instead of minutes.
    static func withDefaults(_ url: String) -> String {
        guard !url.contains("connect_timeout") else { return url }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return url + (url.contains("?") ? "&" : "?") + "connect_timeout=5"
        }
        return url + " connect_timeout=5"
    }
}
