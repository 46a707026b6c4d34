import Foundation

/// A buyer brings units of a store sale back to the store, which refunds them at its till: each
/// unit goes back to the store's allocation to be sold again, stops being the buyer's (its
/// warranty and its device's owner end), and the buyer's order says so, `refunded` once every
/// unit came back.
extension PartnerDesk {
    /// Takes `serials` of the caller's sale back, in one transaction. `not_found` for another
    /// partner's sale; `conflict(already_returned)` for a unit back before; `conflict(service_open)`
    /// while a unit has an open service case or a service plan (settle those first).
    public func returnSale(id: String, serials: [String], reason: String, for caller: PartnerCaller) async throws -> StoreSale {
        try caller.require(.salesWrite)
        let sale = try await storeSale(id: id, for: caller)
        let serials = try OrderDesk.validate(serials: serials)
        var check = Validator()
        check.require((1...50).contains(serials.count), "serials", "1 to 50 serials of the sale")
        check.requireLength(reason.trimmed, 1...200, "reason", "why the units came back, 1 to 200 characters")
        check.requireSingleLine(reason, "reason")
        try check.check()
        if let stranger = serials.first(where: { !sale.serials.contains($0) }) {
            throw DomainError.invalid(field: "serials", "\(stranger) was not sold in this sale")
        }
        let partnerStore = try await self.store(id: sale.storeId, for: caller)
        let now = clock.now()
        return try await store.transaction { tx in
            try await tx.returnUnits(StoreSaleReturn(
                saleId: sale.id, serials: serials, reason: reason.trimmed, storeName: partnerStore.name,
                refund: Money(minorUnits: sale.unitPrice * Int64(serials.count), currency: sale.currency).plain, actor: "partner:\(caller.keyId)", at: now))
        }
    }
}

/// Units of a store sale coming back, as the ledger records them.
public struct StoreSaleReturn: Sendable {
    public let saleId: String
    public let serials: [String]
    public let reason: String
    /// The store, named in the buyer's order.
    public let storeName: String
    /// What the store gave back at its till, for the order's timeline (`EUR 598.00`).
    public let refund: String
    public let actor: String
    public let at: Date
}
