import NIOPosix
import Store

/// bcrypt off Swift's cooperative threads: a hash takes about a quarter second of one core, so it
/// runs on NIO's blocking thread pool, as the database calls run on the pool's own threads.
enum PasswordWork {
    static func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Passwords.hash(password) }
    }

    static func verify(_ password: String, hash: String?) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Passwords.verify(password, hash: hash) }
    }
}
