import EventModel
import Store
import Foundation

/// Release and deploy request bodies, validated as Sentry's serializers validate them (pure).
/// Errors name the field, with Sentry's messages.
enum ReleaseRequest {
    /// A project named in a body: sentry-cli sends slugs, or JSON numbers for numeric ids.
    enum ProjectRef: Hashable, Sendable {
        case slug(String)
        case id(Int64)
    }

    /// `POST …/releases/`: create, or for an existing version add projects and set its status.
    struct Create: Sendable, Equatable {
        var version: String
        var projects: [ProjectRef]
        var ref: String?
        var url: String?
        var dateReleased: Date?
        var status: String?
    }

    /// `PUT …/releases/{version}/`: only what is given changes (sentry-cli's finalize sends
    /// `dateReleased`; `set-commits` sends `commits` from local git, or `refs` when repositories
    /// are registered; `projects` is accepted and ignored).
    struct Update: Sendable, Equatable {
        var ref: String?
        var url: String?
        var dateReleased: Date?
        var status: String?
        var commits: [CommitRepository.Commit]?
        var refs: [HeadCommit]?
    }

    struct HeadCommit: Sendable, Equatable {
        var repository: String
        var commit: String
        var previous: String?
    }

    static let maxCommits = 1_000
    static let maxFilesPerCommit = 1_000

    /// `POST …/releases/{version}/deploys/`; `dateFinished` defaults to now, as in Sentry.
    struct Deploy: Sendable, Equatable {
        var environment: String
        var name: String?
        var url: String?
        var dateStarted: Date?
        var dateFinished: Date?
        var projects: [ProjectRef]?
    }

    static let statuses = ["open", "archived"]

    static func create(_ body: [String: JSON]) throws(QueryError) -> Create {
        guard let raw = body["version"], !raw.isNull else { throw .invalid("version", "This field is required.") }
        guard let version = raw.string else { throw .invalid("version", "Not a valid string.") }
        try validateVersion(version)
        guard let projectList = body["projects"], !projectList.isNull else { throw .invalid("projects", "This field is required.") }
        guard let items = projectList.array else {
            throw .invalid("projects", "Expected a list of items but got type \"\(typeName(projectList))\".")
        }
        var projects: [ProjectRef] = []
        for item in items {
            if let slug = item.string { projects.append(.slug(slug)) } else if let id = item.int { projects.append(.id(id)) } else {
                throw .invalid("projects", "Invalid project ids or slugs")
            }
        }
        return Create(version: version, projects: projects, ref: try string(body, "ref", max: 1024),
                      url: try string(body, "url", max: 200), dateReleased: try date(body, "dateReleased"),
                      status: try status(body))
    }

    static func update(_ body: [String: JSON]) throws(QueryError) -> Update {
        Update(ref: try string(body, "ref", max: 1024), url: try string(body, "url", max: 200),
               dateReleased: try date(body, "dateReleased"), status: try status(body), commits: try commits(body),
               refs: try refs(body))
    }

    /// sentry-cli's `GitCommit`s: `id`, `repository`, `author_name`, `author_email`,
    /// `timestamp`, `message`, `patch_set: [{path, type}]`.
    static func commits(_ body: [String: JSON]) throws(QueryError) -> [CommitRepository.Commit]? {
        guard let list = body["commits"], !list.isNull else { return nil }
        guard let items = list.array else { throw .invalid("commits", "Expected a list of items but got type \"\(typeName(list))\".") }
        guard items.count <= maxCommits else { throw .invalid("commits", "Ensure this field has no more than \(maxCommits) elements.") }
        return try items.map { item throws(QueryError) -> CommitRepository.Commit in
            guard let fields = item.object, let id = try string(fields, "id", max: 64), !id.isEmpty else {
                throw .invalid("commits", "Each commit needs an id of at most 64 characters.")
            }
            var files: [(path: String, type: String)] = []
            let patches = fields["patch_set"]?.array ?? []
            guard patches.count <= maxFilesPerCommit else { throw .invalid("commits", "Too many files in commit \(id).") }
            for patch in patches {
                guard let path = patch["path"]?.string, !path.isEmpty, path.utf8.count <= 1024 else {
                    throw .invalid("commits", "Each patch_set entry needs a path of at most 1024 characters.")
                }
                let type = patch["type"]?.string ?? "M"
                guard ["A", "M", "D"].contains(type) else { throw .invalid("commits", "patch_set type must be A, M or D.") }
                files.append((path, type))
            }
            return CommitRepository.Commit(
                id: id, repository: try string(fields, "repository", max: 200) ?? "", authorName: try string(fields, "author_name", max: 128),
                authorEmail: try string(fields, "author_email", max: 200), message: try string(fields, "message", max: 65_536),
                timestamp: try date(fields, "timestamp"), files: files)
        }
    }

    /// Head commits: `[{repository, commit, previousCommit}]`.
    static func refs(_ body: [String: JSON]) throws(QueryError) -> [HeadCommit]? {
        guard let list = body["refs"], !list.isNull else { return nil }
        guard let items = list.array, items.count <= 100 else { throw .invalid("refs", "Expected a list of at most 100 items.") }
        return try items.map { item throws(QueryError) -> HeadCommit in
            guard let fields = item.object, let repository = try string(fields, "repository", max: 200),
                  let commit = try string(fields, "commit", max: 64) else {
                throw .invalid("refs", "Each ref needs a repository and a commit.")
            }
            return HeadCommit(repository: repository, commit: commit, previous: try string(fields, "previousCommit", max: 64))
        }
    }

    static func deploy(_ body: [String: JSON]) throws(QueryError) -> Deploy {
        guard let environment = try string(body, "environment", max: 64), !environment.isEmpty else {
            throw .invalid("environment", "This field is required.")
        }
        var projects: [ProjectRef]?
        if let list = body["projects"], !list.isNull {
            guard let items = list.array else { throw .invalid("projects", "Expected a list of items but got type \"\(typeName(list))\".") }
            projects = try items.map { item throws(QueryError) -> ProjectRef in
                if let slug = item.string { return .slug(slug) }
                if let id = item.int { return .id(id) }
                throw .invalid("projects", "Invalid projects")
            }
        }
        return Deploy(environment: environment, name: try string(body, "name", max: 64), url: try string(body, "url", max: 200),
                      dateStarted: try date(body, "dateStarted"), dateFinished: try date(body, "dateFinished"),
                      projects: projects)
    }

    /// Sentry's `Release.is_valid_version`: no control characters or slashes, not `.`, `..` or
    /// `latest`, at most 200 characters.
    static func validateVersion(_ version: String) throws(QueryError) {
        if version.isEmpty { throw .invalid("version", "This field may not be blank.") }
        if version.count > 200 { throw .invalid("version", "Ensure this field has no more than 200 characters.") }
        let stripped = version.trimmingCharacters(in: .whitespaces)
        if version.contains(where: { "\r\n\u{0C}\t/\\".contains($0) }) || stripped.isEmpty || stripped == "." || stripped == ".."
            || stripped.lowercased() == "latest" {
            throw .invalid("version", "Release with name \(version) is not allowed")
        }
    }

    private static func string(_ body: [String: JSON], _ key: String, max: Int) throws(QueryError) -> String? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let text = value.string else { throw .invalid(key, "Not a valid string.") }
        guard text.count <= max else { throw .invalid(key, "Ensure this field has no more than \(max) characters.") }
        return text
    }

    private static func date(_ body: [String: JSON], _ key: String) throws(QueryError) -> Date? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let text = value.string, let date = RequestDate.parse(text) else {
            throw .invalid(key, "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")
        }
        return date
    }

    private static func status(_ body: [String: JSON]) throws(QueryError) -> String? {
        guard let value = body["status"], !value.isNull else { return nil }
        guard let text = value.string, statuses.contains(text) else {
            throw .invalid("status", "Invalid status \(value.string ?? value.encodedString())")
        }
        return text
    }

    private static func typeName(_ value: JSON) -> String {
        switch value {
        case .object: return "dict"
        case .string: return "str"
        case .int: return "int"
        case .double: return "float"
        case .bool: return "bool"
        case .array: return "list"
        case .null: return "NoneType"
        }
    }
}
