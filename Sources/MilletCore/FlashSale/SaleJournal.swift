import Foundation

/// The flash sale's purchases, group-committed (``GroupCommit``): each caller is answered only
/// after the transaction holding its order is durable.
public typealias SaleJournal = GroupCommit<SalePurchase, JournalOutcome>

extension GroupCommit where Entry == SalePurchase, Outcome == JournalOutcome {
    /// Journals purchases into `repository`, units coming out of `node`'s lease.
    public init(repository: any FlashSaleRepository, node: String, maxBatch: Int = 500) {
        self.init(maxBatch: maxBatch, executor: repository.journalExecutor) { purchases in
            try await repository.commit(purchases, node: node)
        }
    }
}
