import Foundation

/// Group commit: writes queue here, one writer commits as many as are waiting in one
/// transaction, and each caller is answered only after its transaction is durable.
///
/// While a transaction is being written, new writes keep queueing; the next transaction takes
/// them all. Under load the batches grow on their own, so the cost of a commit (the fsync) is
/// shared by hundreds of writes. Flash-sale purchases (``SaleJournal``), reservations
/// (``SaleDesk/reserve(_:accountId:)``) and each auction's bids go through one each.
public actor GroupCommit<Entry: Sendable, Outcome: Sendable> {
    /// Commits a batch in one transaction and answers one outcome per entry, in order; a throw
    /// fails every entry of the batch.
    public typealias Commit = @Sendable ([Entry]) async throws -> [Outcome]

    private let commit: Commit
    private let executor: (any TaskExecutor)?
    private let maxBatch: Int
    private var queue: [(entry: Entry, reply: CheckedContinuation<Outcome, any Error>)] = []
    private var writing = false
    /// Transactions written and entries in them, for the benchmark and metrics.
    public private(set) var transactions = 0
    public private(set) var committed = 0
    /// Time spent in commits, all transactions together.
    public private(set) var committing: Duration = .zero

    /// `executor`: where the writer runs (the database's own threads, so no step of a commit
    /// waits behind request work).
    public init(maxBatch: Int = 500, executor: (any TaskExecutor)?, commit: @escaping Commit) {
        self.maxBatch = maxBatch
        self.executor = executor
        self.commit = commit
    }

    /// Writes queued behind the transaction being written.
    public var waiting: Int { queue.count }

    /// The three figures at one moment.
    public func figures() -> (transactions: Int, entries: Int, committing: Duration) { (transactions, committed, committing) }

    /// Queues an entry and returns once it is committed (or refused by the database).
    public func write(_ entry: Entry) async throws -> Outcome {
        try await withCheckedThrowingContinuation { reply in
            queue.append((entry, reply))
            if !writing {
                writing = true
                Task(executorPreference: executor) { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            do {
                let started = ContinuousClock.now
                let outcomes = try await commit(batch.map(\.entry))
                precondition(outcomes.count == batch.count, "one outcome per entry")
                committing += ContinuousClock.now - started
                transactions += 1
                committed += batch.count
                for (entry, outcome) in zip(batch, outcomes) { entry.reply.resume(returning: outcome) }
            } catch {
                for entry in batch { entry.reply.resume(throwing: error) }
            }
        }
        writing = false
    }
}
