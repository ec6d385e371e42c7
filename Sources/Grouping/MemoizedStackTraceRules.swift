import EventModel

/// One event's stack trace rules, remembering what they decided for each stack trace.
///
/// The same rules run over the same frames up to three times per event: when the normalizer
/// stores in_app, when the grouper re-applies in_app (it is also called on its own), and in the
/// grouping strategies. An outcome depends only on the rules, the frames, the platform and the
/// exception, so a repeat with equal inputs gets the earlier outcome instead of a new run; after
/// the first run the frames usually stop changing. Per event, not shared between threads.
public final class MemoizedStackTraceRules {
    /// Built-in rules first, then the project's.
    let rules: StackTraceRules

    private struct Input: Equatable {
        var frames: [StackFrame]
        var eventPlatform: String?
        var exception: StackTraceRules.ExceptionInfo?
    }

    private var outcomes: [(input: Input, outcome: StackTraceRules.Outcome)] = []

    public init(_ config: GroupingConfig) {
        rules = config.effectiveStackTraceRules
    }

    func apply(to frames: [StackFrame], eventPlatform: String?,
               exception: StackTraceRules.ExceptionInfo?) -> StackTraceRules.Outcome {
        let input = Input(frames: frames, eventPlatform: eventPlatform, exception: exception)
        if let known = outcomes.first(where: { $0.input == input }) { return known.outcome }
        let outcome = rules.apply(to: frames, eventPlatform: eventPlatform, exception: exception)
        outcomes.append((input, outcome))
        return outcome
    }
}
