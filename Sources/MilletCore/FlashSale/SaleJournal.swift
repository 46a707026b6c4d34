import Foundation

/// Group commit: purchases queue here, one writer commits as many as are waiting in one
/// transaction, and each caller is answered only after its transaction is durable.
///
/// While a transaction is being written, new purchases keep queueing; the next transaction takes
/// them all. Under load the batches grow on their own, so the cost of a commit (the fsync) is
/// shared by hundreds of orders.
public actor SaleJournal {
    private let repository: any FlashSaleRepository
    private let node: String
    private let maxBatch: Int
    private var queue: [(purchase: SalePurchase, reply: CheckedContinuation<JournalOutcome, any Error>)] = []
    private var writing = false
    /// Transactions written and purchases in them, for the benchmark and metrics.
    public private(set) var transactions = 0
    public private(set) var journaled = 0
    /// Time spent in commits, all transactions together.
    public private(set) var committing: Duration = .zero

    /// The three figures at one moment.
    public func figures() -> (transactions: Int, purchases: Int, committing: Duration) { (transactions, journaled, committing) }

    public init(repository: any FlashSaleRepository, node: String, maxBatch: Int = 500) {
        self.repository = repository
        self.node = node
        self.maxBatch = maxBatch
    }

    /// Queues a purchase and returns once it is committed (or refused by the database).
    public func write(_ purchase: SalePurchase) async throws -> JournalOutcome {
        try await withCheckedThrowingContinuation { reply in
            queue.append((purchase, reply))
            if !writing {
                writing = true
                Task(executorPreference: repository.journalExecutor) { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            do {
                let started = ContinuousClock.now
                let outcomes = try await repository.commit(batch.map(\.purchase), node: node)
                committing += ContinuousClock.now - started
                transactions += 1
                journaled += batch.count
                for (entry, outcome) in zip(batch, outcomes) { entry.reply.resume(returning: outcome) }
            } catch {
                for entry in batch { entry.reply.resume(throwing: error) }
            }
        }
        writing = false
    }
}
