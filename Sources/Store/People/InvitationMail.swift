import EventModel

/// The invitation mail: the one place a new invitation's link is handed over for mailing, called
/// by the members API and `faultline admin invite` alike. Faultline sends no mail yet (issue #18
/// brings the mailer): until then `send` only composes the message, and the link reaches the
/// invitee through the inviter — it is in the API's answer and the command's output, as
/// `reset-password` prints its link. Wiring the mailer means sending `message` here.
public enum InvitationMail {
    public struct Message: Sendable, Equatable {
        public let to: String
        public let subject: String
        public let body: String
    }

    /// Where an invitation's link points: the dashboard's acceptance page.
    public static func link(baseURL: String, token: String) -> String {
        "\(baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL)/ui/accept/\(token)"
    }

    /// The mail for `invitation` to `organization` (its name), with the acceptance link.
    public static func message(_ invitation: Invitation, organization: String, link: String) -> Message {
        Message(to: invitation.email, subject: "Join \(organization) on Faultline",
                body: """
                    You are invited to join \(organization) on Faultline as \(invitation.role.name.lowercased()).

                    Accept the invitation: \(link)

                    The link works once and expires on \(Timestamp.format(invitation.expiresAt)).
                    """)
    }

    /// Hands the invitation's mail to the mailer; returns the message. No mailer yet (see above).
    @discardableResult
    public static func send(_ invitation: Invitation, organization: String, link: String) -> Message {
        message(invitation, organization: organization, link: link)
    }
}
