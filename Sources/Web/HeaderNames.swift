import HTTPTypes

/// Header names Sentry's protocol and the dashboard use that HTTPTypes does not predefine.
extension HTTPField.Name {
    public static let xSentryAuth = HTTPField.Name("X-Sentry-Auth")!
    public static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    public static let xSentryRateLimits = HTTPField.Name("X-Sentry-Rate-Limits")!
    public static let link = HTTPField.Name("Link")!
    public static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
