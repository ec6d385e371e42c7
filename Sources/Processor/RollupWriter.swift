import Foundation
import Postgres

/// Adds newly inserted events to the rollups (per issue and hour, per project and hour, per
/// issue and release, environment, tag value), inside the batch's transaction. Each rollup is
/// pre-aggregated per batch and upserted in key order, so concurrent processors lock rows in
/// the same order and cannot deadlock.
struct RollupWriter {
    let db: PGConnection

    struct Span {
        var count: Int64 = 0
        var first: Date = .distantFuture
        var last: Date = .distantPast

        mutating func add(_ date: Date) {
            count += 1
            first = min(first, date)
            last = max(last, date)
        }
    }

    func write(_ inserted: [(ProcessedEvent, Int64)]) throws {
        guard !inserted.isEmpty else { return }
        var issueHours: [[String]: Span] = [:], projectHours: [[String]: Span] = [:]
        var releases: [[String]: Span] = [:], environments: [[String]: Span] = [:], tags: [[String]: Span] = [:]
        for (event, issue) in inserted {
            let hour = String(Int64(event.timestamp.timeIntervalSince1970) / 3600 * 3600)
            issueHours[[String(issue), hour], default: Span()].add(event.timestamp)
            projectHours[[String(event.projectID), hour], default: Span()].add(event.timestamp)
            if let release = event.release, !release.isEmpty { releases[[String(issue), release], default: Span()].add(event.timestamp) }
            if let environment = event.environment, !environment.isEmpty {
                environments[[String(issue), environment], default: Span()].add(event.timestamp)
            }
            for (key, value) in event.tags { tags[[String(issue), key, value], default: Span()].add(event.timestamp) }
        }
        try upsertHourly("issue_hourly", "issue_id", issueHours)
        try upsertHourly("project_hourly", "project_id", projectHours)
        try upsertSpans("issue_releases", ["release"], releases)
        try upsertSpans("issue_environments", ["environment"], environments)
        try upsertSpans("issue_tag_values", ["key", "value"], tags)
        try upsertReleases(inserted)
    }

    /// Releases are created by the first event naming them; `release_projects` counts per project.
    private func upsertReleases(_ inserted: [(ProcessedEvent, Int64)]) throws {
        var spans: [[String]: Span] = [:]
        for (event, _) in inserted {
            guard let release = event.release, !release.isEmpty else { continue }
            spans[[String(event.projectID), release], default: Span()].add(event.timestamp)
        }
        guard !spans.isEmpty else { return }
        let ordered = Self.sorted(spans)
        let parameters: [any PGBindable] = [
            PGArray(ordered.map { $0.0[0] }), PGArray(ordered.map { $0.0[1] }),
            PGArray(ordered.map { $0.1.first }), PGArray(ordered.map { $0.1.last }), PGArray(ordered.map { $0.1.count }),
        ]
        try db.query("""
            INSERT INTO releases (organization_id, version, created_at)
            SELECT p.organization_id, u.version, min(u.first)
            FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS u(project_id, version, first, last, n)
            JOIN projects p ON p.id = u.project_id
            GROUP BY 1, 2 ORDER BY 1, 2
            ON CONFLICT (organization_id, version) DO NOTHING
            """, parameters)
        try db.query("""
            INSERT INTO release_projects (release_id, project_id, first_event, last_event, event_count)
            SELECT r.id, u.project_id, u.first, u.last, u.n
            FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS u(project_id, version, first, last, n)
            JOIN projects p ON p.id = u.project_id
            JOIN releases r ON r.organization_id = p.organization_id AND r.version = u.version
            ORDER BY r.id, u.project_id
            ON CONFLICT (release_id, project_id) DO UPDATE SET
                first_event = LEAST(release_projects.first_event, EXCLUDED.first_event),
                last_event = GREATEST(release_projects.last_event, EXCLUDED.last_event),
                event_count = LEAST(release_projects.event_count::numeric + EXCLUDED.event_count, 9223372036854775807)::bigint
            """, parameters)
    }

    static func sorted(_ rows: [[String]: Span]) -> [([String], Span)] {
        rows.sorted { a, b in
            let left = a.key, right = b.key
            if left[0] != right[0] { return Int64(left[0])! < Int64(right[0])! }
            return left.lexicographicallyPrecedes(right)
        }
    }

    // Table and column names below are constants of this file, never input.
    private func upsertHourly(_ table: String, _ idColumn: String, _ rows: [[String]: Span]) throws {
        let ordered = Self.sorted(rows)
        try db.query("""
            INSERT INTO \(table) (\(idColumn), hour, count)
            SELECT id, to_timestamp(hour), n FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS u(id, hour, n)
            ON CONFLICT (\(idColumn), hour) DO UPDATE SET count = LEAST(\(table).count::numeric + EXCLUDED.count, 9223372036854775807)::bigint
            """, [PGArray(ordered.map { $0.0[0] }), PGArray(ordered.map { $0.0[1] }), PGArray(ordered.map { $0.1.count })])
    }

    private func upsertSpans(_ table: String, _ keyColumns: [String], _ rows: [[String]: Span]) throws {
        guard !rows.isEmpty else { return }
        let ordered = Self.sorted(rows)
        var parameters: [any PGBindable] = [PGArray(ordered.map { $0.0[0] })]
        for index in keyColumns.indices { parameters.append(PGArray(ordered.map { $0.0[index + 1] })) }
        parameters += [PGArray(ordered.map { $0.1.first }), PGArray(ordered.map { $0.1.last }), PGArray(ordered.map { $0.1.count })]
        let keyList = keyColumns.joined(separator: ", ")
        let arrays = keyColumns.indices.map { "$\($0 + 2)::text[]" }.joined(separator: ", ")
        let base = keyColumns.count + 2
        try db.query("""
            INSERT INTO \(table) (issue_id, \(keyList), first_seen, last_seen, count)
            SELECT * FROM unnest($1::bigint[], \(arrays), $\(base)::timestamptz[], $\(base + 1)::timestamptz[], $\(base + 2)::bigint[])
            ON CONFLICT (issue_id, \(keyList)) DO UPDATE SET
                first_seen = LEAST(\(table).first_seen, EXCLUDED.first_seen),
                last_seen = GREATEST(\(table).last_seen, EXCLUDED.last_seen),
                count = LEAST(\(table).count::numeric + EXCLUDED.count, 9223372036854775807)::bigint
            """, parameters)
    }
}
