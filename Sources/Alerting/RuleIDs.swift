/// The ids Sentry's rules API names conditions, filters and actions by, so scripts and tools
/// (sentry-cli, terraform-provider-sentry) that manage Sentry's alert rules work unchanged.
/// `chat` is Faultline's own: Sentry's Slack action needs a Slack workspace integration.
public enum RuleIDs {
    public static let firstSeen = "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"
    public static let regression = "sentry.rules.conditions.regression_event.RegressionEventCondition"
    public static let reappeared = "sentry.rules.conditions.reappeared_event.ReappearedEventCondition"
    public static let everyEvent = "sentry.rules.conditions.every_event.EveryEventCondition"
    public static let eventFrequency = "sentry.rules.conditions.event_frequency.EventFrequencyCondition"
    public static let userFrequency = "sentry.rules.conditions.event_frequency.EventUniqueUserFrequencyCondition"
    public static let highPriority = "sentry.rules.conditions.high_priority_issue.NewHighPriorityIssueCondition"

    public static let levelFilter = "sentry.rules.filters.level.LevelFilter"
    public static let taggedFilter = "sentry.rules.filters.tagged_event.TaggedEventFilter"
    public static let attributeFilter = "sentry.rules.filters.event_attribute.EventAttributeFilter"
    public static let ageFilter = "sentry.rules.filters.age_comparison.AgeComparisonFilter"
    public static let occurrencesFilter = "sentry.rules.filters.issue_occurrences.IssueOccurrencesFilter"
    public static let assignedFilter = "sentry.rules.filters.assigned_to.AssignedToFilter"

    public static let notifyService = "sentry.rules.actions.notify_event_service.NotifyEventServiceAction"
    public static let notifySentryApp = "sentry.rules.actions.notify_event_sentry_app.NotifyEventSentryAppAction"
    public static let notifyEmail = "sentry.mail.actions.NotifyEmailAction"
    public static let chat = "faultline.rules.actions.chat_webhook.ChatWebhookAction"
}
