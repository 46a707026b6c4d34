import HummingbirdBcrypt
import MilletCore
import Foundation
import NIOPosix
import Synchronization

/// bcrypt password hashing on a pool of its own threads, off the threads that answer requests:
/// one bcrypt at cost 12 takes a core for a quarter of a second, and 200 log-ins at once on the
/// request threads once stalled every other answer for half a minute. At most ``queueLimit``
/// hashes wait; beyond, `overloaded` (503 with `Retry-After`). `cost` is lowered only in tests.
public final class BcryptHasher: PasswordHasher {
    let cost: UInt8
    /// Hashes waiting or running beyond which new ones are refused.
    public let queueLimit: Int
    /// Threads of the pool.
    public let threads: Int
    private let pool: NIOThreadPool
    private let load = Atomic<Int>(0)

    /// `threads` defaults to one fewer than the cores (at least one), so a core is always left
    /// for requests.
    public init(cost: UInt8 = 12, threads: Int? = nil, queueLimit: Int = 64) {
        self.cost = cost
        self.threads = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        self.queueLimit = queueLimit
        self.pool = NIOThreadPool(numberOfThreads: self.threads)
        pool.start()
    }

    deinit {
        pool.shutdownGracefully { _ in }
    }

    /// The bcrypt hash of `password`, made on the pool.
    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await run { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`, checked on the pool.
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await run { Bcrypt.verify(password, hash: hash) }
    }

    /// Hashes waiting or running now.
    public var waiting: Int { load.load(ordering: .relaxed) }

    private func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let ahead = load.wrappingAdd(1, ordering: .relaxed).oldValue
        defer { load.wrappingSubtract(1, ordering: .relaxed) }
        guard ahead < queueLimit else {
            // About a quarter of a second each, shared among the threads.
            throw DomainError.overloaded(retryAfterSeconds: max(1, ahead / (4 * threads)))
        }
        return try await pool.runIfActive(work)
    }
}
