import Foundation

/// Where reports, labels and disputes of numbers are kept. Every write that changes what devices
/// see of a number gives its label the next version, in the same transaction.
public protocol NumberRepository: Sendable {
    /// Stores the report (replacing the device's earlier one on the number) and reassesses the
    /// number's label (``NumberLabel/reassessed(_:now:)``), in one transaction; answers the label.
    func recordReport(_ report: NumberReport, now: Date) async throws -> NumberLabel
    /// The number's label as stored (shown or not), if it ever had a report or a business.
    func label(number: PhoneNumber) async throws -> NumberLabel?
    /// The shown labels (``NumberLabel/isPublic``) whose number's hash starts with `hashPrefix`
    /// (lowercase hex), at most 1000.
    func labels(hashPrefix: String) async throws -> [NumberLabel]
    /// Labels changed after version `since`, by version, at most `limit`: of numbers with the
    /// market's calling code, or with `nil` of every number.
    func labelChanges(market: String?, since: Int64, limit: Int) async throws -> [NumberLabel]
    /// Reassesses up to `limit` labels whose time to lapse has come, each in its own transaction;
    /// answers how many were reassessed.
    func reassessLapsing(now: Date, limit: Int) async throws -> Int
    /// Names the business a number belongs to, or with `nil` no longer; answers the label.
    func setBusiness(number: PhoneNumber, name: String?, now: Date) async throws -> NumberLabel

    /// Stores a new dispute and the notice that texts its code, in one transaction, unless the
    /// account opened `perDay` disputes in the day before `now` (`throttled`), another dispute of
    /// the number waits for its code or for staff (`conflict(dispute_open)`), or staff rejected
    /// one within ``NumberDispute/rejectionStands`` (`conflict(dispute_rejected)`).
    func openDispute(_ dispute: NumberDispute, notice: Notice, perDay: Int, now: Date) async throws
    /// The dispute with this id.
    func dispute(id: String) async throws -> NumberDispute?
    /// Disputes in one state or any, newest first (oldest first for those under review: the queue).
    func disputes(state: DisputeState?, limit: Int) async throws -> [NumberDispute]
    /// Changes a dispute in one transaction, its row locked meanwhile, and stores it with what
    /// its new state does to the number's label (``NumberLabel/following(_:reports:now:)``);
    /// `change` throwing changes nothing. Answers what `change` answered and the dispute after.
    func changeDispute<R: Sendable>(id: String, now: Date, _ change: @escaping @Sendable (inout NumberDispute) throws -> R) async throws
        -> (R, NumberDispute)
}

extension NumberLabel {
    /// The label after a dispute moved: proven, it is suspended; upheld, the reports until now
    /// stop counting and it shows again (with what reports come after); rejected, it shows again.
    public func following(_ dispute: NumberDispute, reports: [NumberReport], now: Date) -> NumberLabel {
        var label = self
        switch dispute.state {
        case .underReview:
            label.suspended = true
        case .upheld:
            label.suspended = false
            label.clearedAt = now
            label = label.reassessed(reports, now: now)
        case .rejected:
            label.suspended = false
        case .awaitingCode, .lapsed:
            break
        }
        return label
    }
}
