import Foundation
import Postgres

/// The one owner of `release_commits`, `release_head_commits` and `repositories`: the commits
/// `releases set-commits --local/--auto` sends with their changed files, the head commits sent
/// when repositories are registered (stored, never resolved: that needs GitHub/GitLab), and the
/// registered repositories.
public struct CommitRepository {
    let db: PGConnection

    public init(_ db: PGConnection) { self.db = db }

    public struct Commit: Sendable, Equatable {
        public var id: String
        public var repository: String
        public var authorName: String?
        public var authorEmail: String?
        public var message: String?
        public var timestamp: Date?
        /// Changed files: path and Sentry's change type (`A`, `M`, `D`).
        public var files: [(path: String, type: String)]

        public init(id: String, repository: String, authorName: String?, authorEmail: String?, message: String?,
                    timestamp: Date?, files: [(path: String, type: String)]) {
            self.id = id
            self.repository = repository
            self.authorName = authorName
            self.authorEmail = authorEmail
            self.message = message
            self.timestamp = timestamp
            self.files = files
        }

        public static func == (a: Commit, b: Commit) -> Bool {
            a.id == b.id && a.repository == b.repository && a.authorName == b.authorName && a.authorEmail == b.authorEmail
                && a.message == b.message && a.timestamp == b.timestamp
                && a.files.map(\.path) == b.files.map(\.path) && a.files.map(\.type) == b.files.map(\.type)
        }
    }

    /// Replaces the release's commits (sentry-cli sends the whole list, newest first).
    public func setCommits(releaseID: Int64, _ commits: [Commit]) throws {
        try db.transaction { tx in
            try tx.query("DELETE FROM release_commits WHERE release_id = $1", [releaseID])
            for (position, commit) in commits.enumerated() {
                try tx.query("""
                    INSERT INTO release_commits (release_id, position, commit_id, repository, author_name, author_email, message,
                                                 committed_at, paths, change_types)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10::text[])
                    """, [releaseID, position, commit.id, commit.repository, commit.authorName, commit.authorEmail, commit.message,
                          commit.timestamp, PGArray(commit.files.map { $0.path }), PGArray(commit.files.map { $0.type })])
            }
        }
    }

    /// The release's commits, newest first.
    public func commits(releaseID: Int64, limit: Int, offset: Int) throws -> [Commit] {
        try db.query("""
            SELECT commit_id, repository, author_name, author_email, message, committed_at,
                   array_to_json(paths)::text AS paths, array_to_json(change_types)::text AS types
            FROM release_commits WHERE release_id = $1 ORDER BY position LIMIT $2 OFFSET $3
            """, [releaseID, limit, offset]).rows.map(Self.commit)
    }

    /// Commit counts and the newest commit of each release (for the release API).
    public func summaries(releaseIDs: [Int64]) throws -> [Int64: (count: Int, last: Commit)] {
        guard !releaseIDs.isEmpty else { return [:] }
        var result: [Int64: (count: Int, last: Commit)] = [:]
        for row in try db.query("""
            SELECT c.release_id, n.count, c.commit_id, c.repository, c.author_name, c.author_email, c.message, c.committed_at,
                   array_to_json(c.paths)::text AS paths, array_to_json(c.change_types)::text AS types
            FROM release_commits c
            JOIN (SELECT release_id, count(*) AS count FROM release_commits WHERE release_id = ANY($1::bigint[]) GROUP BY 1) n
              ON n.release_id = c.release_id
            WHERE c.position = 0
            """, [PGArray(releaseIDs)]).rows {
            result[try row.int("release_id")] = (count: Int(try row.int("count")), last: try Self.commit(row))
        }
        return result
    }

    static func commit(_ row: PGRow) throws -> Commit {
        func strings(_ column: String) throws -> [String] {
            (try? JSONSerialization.jsonObject(with: Data(try row.string(column).utf8)) as? [String]) ?? []
        }
        let paths = try strings("paths"), types = try strings("types")
        return Commit(id: try row.string("commit_id"), repository: try row.string("repository"),
                      authorName: try row.optionalString("author_name"), authorEmail: try row.optionalString("author_email"),
                      message: try row.optionalString("message"), timestamp: try row.optionalDate("committed_at"),
                      files: zip(paths, types).map { (path: $0, type: $1) })
    }

    /// The newest commit of the release that changed one of `paths` (matched as suffixes either
    /// way: a frame's `src/app.js` matches the commit's `web/src/app.js` and the reverse), per path.
    public func latestCommitsTouching(releaseID: Int64, paths: [String]) throws -> [(path: String, commit: Commit)] {
        guard !paths.isEmpty else { return [] }
        var found: [(path: String, commit: Commit)] = []
        for row in try db.query("""
            SELECT DISTINCT ON (q.path) q.path AS frame_path, c.commit_id, c.repository, c.author_name, c.author_email, c.message,
                   c.committed_at, array_to_json(c.paths)::text AS paths, array_to_json(c.change_types)::text AS types
            FROM unnest($2::text[]) AS q(path)
            JOIN release_commits c ON c.release_id = $1
            JOIN LATERAL unnest(c.paths) AS p(changed) ON
                 right(p.changed, length(q.path)) = q.path OR right(q.path, length(p.changed)) = p.changed
            ORDER BY q.path, c.position
            """, [releaseID, PGArray(paths)]).rows {
            found.append((path: try row.string("frame_path"), commit: try Self.commit(row)))
        }
        return found
    }

    /// The newest release of the organization created before `releaseID` that has commits
    /// (sentry-cli starts `set-commits --local` after that release's newest commit).
    public func previousReleaseWithCommits(organizationID: Int64, releaseID: Int64) throws -> Int64? {
        try db.query("""
            SELECT r.id FROM releases r
            WHERE r.organization_id = $1 AND r.id <> $2
              AND r.created_at <= (SELECT created_at FROM releases WHERE id = $2)
              AND EXISTS (SELECT 1 FROM release_commits c WHERE c.release_id = r.id)
            ORDER BY r.created_at DESC, r.id DESC LIMIT 1
            """, [organizationID, releaseID]).first?.int("id")
    }

    /// Replaces the release's head commits (`refs`).
    public func setHeadCommits(releaseID: Int64, _ refs: [(repository: String, commit: String, previous: String?)]) throws {
        try db.transaction { tx in
            try tx.query("DELETE FROM release_head_commits WHERE release_id = $1", [releaseID])
            for ref in refs {
                try tx.query("""
                    INSERT INTO release_head_commits (release_id, repository, commit_id, previous_commit) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (release_id, repository) DO UPDATE SET commit_id = EXCLUDED.commit_id, previous_commit = EXCLUDED.previous_commit
                    """, [releaseID, ref.repository, ref.commit, ref.previous])
            }
        }
    }

    // MARK: Repositories

    public struct Repository: Sendable, Equatable {
        public let id: Int64
        public let name: String
        public let provider: String
        public let url: String?
        public let createdAt: Date
    }

    public func repositories(organizationID: Int64, limit: Int, offset: Int) throws -> [Repository] {
        try db.query("""
            SELECT id, name, provider, url, created_at FROM repositories WHERE organization_id = $1 ORDER BY name LIMIT $2 OFFSET $3
            """, [organizationID, limit, offset]).rows.map(Self.repository)
    }

    /// Registers a repository; nil when the name is taken.
    public func addRepository(organizationID: Int64, name: String, provider: String, url: String?) throws -> Repository? {
        try db.query("""
            INSERT INTO repositories (organization_id, name, provider, url) VALUES ($1, $2, $3, $4)
            ON CONFLICT (organization_id, name) DO NOTHING RETURNING id, name, provider, url, created_at
            """, [organizationID, name, provider, url]).rows.first.map(Self.repository)
    }

    public func deleteRepository(organizationID: Int64, id: Int64) throws -> Bool {
        try !db.query("DELETE FROM repositories WHERE organization_id = $1 AND id = $2 RETURNING id", [organizationID, id]).isEmpty
    }

    static func repository(_ row: PGRow) throws -> Repository {
        Repository(id: try row.int("id"), name: try row.string("name"), provider: try row.string("provider"),
                   url: try row.optionalString("url"), createdAt: try row.date("created_at"))
    }
}
