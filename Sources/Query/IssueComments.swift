import EventModel
import Postgres
import Store

/// Comments on an issue: `note` activities whose data is `{"text": …, "author": …}`, as Sentry's
/// `POST /api/0/issues/{id}/comments/` records them. The API and the dashboard add them here.
enum IssueComments {
    static let maxBytes = 8 * 1024

    static func add(_ text: String, author: String?, issueID: Int64, _ db: PGConnection) throws {
        guard !text.isEmpty, text.utf8.count <= maxBytes else {
            throw QueryError.invalid("text", "A comment is 1 to \(maxBytes) bytes.")
        }
        var data: [String: JSON] = ["text": .string(text)]
        if let author { data["author"] = .string(author) }
        try IssueRepository(db).recordActivity(issueIDs: [issueID], type: "note", data: JSON.object(data).encodedString())
    }
}
