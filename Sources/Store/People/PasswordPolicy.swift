/// What a new password must be (pure). bcrypt reads at most 72 bytes and stops at a NUL byte,
/// so longer passwords and NULs are refused rather than silently cut.
public enum PasswordPolicy {
    public static let minimumLength = 8
    public static let maximumBytes = 72

    /// Why `password` is not acceptable, or nil.
    public static func problem(_ password: String) -> String? {
        if password.count < minimumLength { return "A password needs at least \(minimumLength) characters." }
        if password.utf8.count > maximumBytes { return "A password may be at most \(maximumBytes) bytes long." }
        if password.utf8.contains(0) { return "A password may not contain a NUL character." }
        return nil
    }
}
