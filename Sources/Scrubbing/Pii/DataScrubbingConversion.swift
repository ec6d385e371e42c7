/// Sentry's `convert_datascrubbing_config`: the PII config its project settings stand for. The
/// default rules (`@common:filter` and the message masks) run in `Scrubber`, which agrees with
/// them on the parity corpus and is much cheaper; this converts the rest — sensitive fields
/// without the defaults, and IP addresses — into rules for `PiiProcessor`, with the safe
/// fields as exclusions, in Sentry's shape.
public enum DataScrubbingConversion {
    /// The values Sentry's settings-derived rules apply to, safe fields appended as `&& !field`.
    static let baseSelector = "($string || $number || $array || $object) && !(debug_meta.** || $frame.filename || $frame.abs_path || $logentry.formatted || $error.value || $http.headers.user-agent)"
    static let ipFields = "$http.env.REMOTE_ADDR || $user.ip_address || $sdk.client_ip || $span.sentry_tags.'user.ip' || attributes.'client.address'"

    /// The settings' rules beside the defaults, or nil when there are none. With
    /// `includeDefaults`, `@common:filter` is listed too (Sentry's full shape, for display).
    public static func piiConfig(_ settings: ScrubbingSettings, includeDefaults: Bool = false) -> PiiConfig? {
        var rules: [String: PiiRule] = [:]
        var applied: [String] = []
        if settings.scrubData, settings.scrubDefaults, includeDefaults { applied.append("@common:filter") }
        if settings.scrubIPAddresses { applied.append("@ip:replace") }
        let fields = settings.scrubData ? settings.sensitiveFields.filter { !$0.isEmpty } : []
        // With the defaults on, `Scrubber` handles the sensitive fields itself.
        if !fields.isEmpty, !settings.scrubDefaults || includeDefaults {
            rules["strip-fields"] = PiiRule(.redactPair(keyPattern: fields.map(escape).joined(separator: "|")),
                                            redaction: .replace(Scrubber.filtered))
            applied.append("strip-fields")
        }
        var applications: [(selector: String, rules: [String])] = []
        if !applied.isEmpty { applications.append((selector(safeFields: settings.safeFields), applied)) }
        if settings.scrubIPAddresses { applications.append((ipFields, ["@anything:remove"])) }
        return applications.isEmpty ? nil : PiiConfig(rules: rules, applications: applications)
    }

    static func selector(safeFields: [String]) -> String {
        var text = baseSelector
        for field in safeFields where !field.isEmpty {
            // A field that reads as a selector is one; any other is quoted as a key.
            let item = (try? PiiSelector.parse(field)) != nil ? field : "'" + field.replacingAll("'", with: "''") + "'"
            text += " && !" + item
        }
        return text
    }

    /// A regex matching the field literally.
    static func escape(_ field: String) -> String {
        var result = ""
        for scalar in field.unicodeScalars {
            if "\\.+*?()|[]{}^$#&-~".unicodeScalars.contains(scalar) { result.unicodeScalars.append("\\") }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self { if character == target { result += replacement } else { result.append(character) } }
        return result
    }
}
