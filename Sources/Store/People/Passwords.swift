import HummingbirdBcrypt

/// Password hashing: bcrypt (slow on purpose, salted per hash). `verify` of an unknown account
/// still runs one bcrypt against `unknownAccountHash`, so a sign-in takes as long whether or not
/// the address has an account.
public enum Passwords {
    /// bcrypt's work factor: 2^cost rounds (12 ≈ a quarter second on one core).
    public static let cost: UInt8 = 12

    public static func hash(_ password: String, cost: UInt8 = Passwords.cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches `hash`; a stored hash that is not bcrypt's matches nothing.
    public static func verify(_ password: String, hash: String?) -> Bool {
        guard let hash, hash.hasPrefix("$2"), password.utf8.count <= PasswordPolicy.maximumBytes,
              !password.utf8.contains(0) else {
            _ = Bcrypt.verify("", hash: unknownAccountHash)
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    static let unknownAccountHash = Bcrypt.hash("faultline-unknown-account", cost: cost)
}
