import EventModel
import Foundation
import Store

/// Sentry's suspect commits, pure parts: the file paths of an event's in-app frames, and the
/// committers answer built from the commits of the release that touched them.
enum SuspectCommits {
    static let maxPaths = 50

    /// The in-app frames' paths, innermost first, without `./`, `~/`, `app:///` or a URL's
    /// scheme and host; distinct, at most `maxPaths`.
    static func framePaths(_ payload: [String: JSON]) -> [String] {
        var paths: [String] = []
        var seen = Set<String>()
        let exceptions = payload["exception"]?["values"]?.array ?? payload["exception"]?.array ?? []
        for exception in exceptions.reversed() {
            for frame in (exception["stacktrace"]?["frames"]?.array ?? []).reversed() where frame["in_app"]?.bool == true {
                guard let raw = frame["filename"]?.string ?? frame["abs_path"]?.string, let path = normalized(raw),
                      seen.insert(path).inserted else { continue }
                paths.append(path)
                if paths.count == maxPaths { return paths }
            }
        }
        return paths
    }

    static func normalized(_ raw: String) -> String? {
        var path = Substring(raw.prefix(1024))
        if let scheme = path.range(of: "://") {
            path = path[scheme.upperBound...]
            // `app:///x` has an empty host; `https://host/x` drops the host.
            if let slash = path.firstIndex(of: "/") { path = path[path.index(after: slash)...] } else { return nil }
        }
        while path.hasPrefix("./") || path.hasPrefix("~/") { path = path.dropFirst(2) }
        while path.hasPrefix("/") { path = path.dropFirst() }
        if let query = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<query] }
        return path.isEmpty ? nil : String(path)
    }

    /// `{"committers": [{"author", "commits": [...]}]}`, one entry per author, in the order of
    /// their first matching commit.
    static func committers(_ matches: [(path: String, commit: CommitRepository.Commit)]) -> JSON {
        var order: [String] = []
        var byAuthor: [String: (author: JSON, commits: [JSON], ids: Set<String>)] = [:]
        for match in matches {
            let key = match.commit.authorEmail ?? match.commit.authorName ?? ""
            if byAuthor[key] == nil {
                order.append(key)
                byAuthor[key] = (CommitJSON.author(match.commit), [], [])
            }
            guard byAuthor[key]?.ids.insert(match.commit.id).inserted == true else { continue }
            var commit = CommitJSON.make(match.commit).object ?? [:]
            commit["score"] = .int(Int64(matches.filter { $0.commit.id == match.commit.id }.count))
            commit["suspectCommitType"] = "via commit in release"
            byAuthor[key]?.commits.append(.object(commit))
        }
        return .object(["committers": .array(order.compactMap { key in
            byAuthor[key].map { JSON.object(["author": $0.author, "commits": .array($0.commits)]) }
        })])
    }
}

/// A commit as Sentry's commit serializer writes it.
enum CommitJSON {
    static func make(_ commit: CommitRepository.Commit) -> JSON {
        .object([
            "id": .string(commit.id), "message": commit.message.map(JSON.string) ?? .null,
            "dateCreated": commit.timestamp.map { JSON.string(Timestamp.format($0)) } ?? .null,
            "author": author(commit),
            "repository": .object(["name": .string(commit.repository), "provider": .object(["id": "integrations:custom", "name": "Custom"])]),
            "files": .array(commit.files.map { JSON.object(["filename": .string($0.path), "type": .string($0.type)]) }),
            "releases": .array([]),
        ])
    }

    static func author(_ commit: CommitRepository.Commit) -> JSON {
        guard commit.authorName != nil || commit.authorEmail != nil else { return .null }
        return .object(["name": commit.authorName.map(JSON.string) ?? .null, "email": commit.authorEmail.map(JSON.string) ?? .null])
    }
}
