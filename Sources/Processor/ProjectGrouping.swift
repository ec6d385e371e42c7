import Grouping
import Store

/// A project's grouping rules, parsed. Rules are validated when stored (`faultline admin
/// set-grouping`), so a parse error here means rules written around Faultline: the processor
/// then groups with the defaults rather than stop.
public enum ProjectGrouping {
    public static func config(_ settings: ProjectProcessingSettings) throws(GroupingRuleError) -> GroupingConfig {
        GroupingConfig(fingerprintRules: try FingerprintRules.parse(settings.fingerprintRules),
                       stackTraceRules: try StackTraceRules.parse(settings.stackTraceRules))
    }
}
