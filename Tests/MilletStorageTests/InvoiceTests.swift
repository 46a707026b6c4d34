import Foundation
import MilletCore
import Testing
@testable import MilletStorage

/// Tax documents on every backend: an invoice per paid order, numbered without gaps however many
/// payments arrive at once, and a credit note per refund the provider confirmed.
extension StorageConformanceTests {
    @Test(arguments: Backends.all) func concurrentPaymentsTakeInvoiceNumbersWithoutGaps(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            var orders: [Order] = []
            for index in 0..<12 { orders.append(try await place(store, fan: fan, sku: sku, quantity: 1, market: market, key: "invoice-\(index)").order) }
            // A payment that fails takes no number.
            let failed = try await store.createPayment(orderId: orders[0].id, provider: "sandbox", now: clock.now())
            _ = try await store.desk(clock).receive(
                PaymentNotice(eventId: "evt-failed", kind: .failed, paymentId: failed.id, amount: failed.amount, currency: failed.currency), provider: "sandbox")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for order in orders { group.addTask { _ = try await self.pay(store, order) } }
                try await group.waitForAll()
            }
            let issued = try await store.invoices(marketCode: market.code, from: nil, to: nil, limit: 100)
            #expect(issued.map(\.sequence) == Array(1...12) && Set(issued.map(\.orderId)) == Set(orders.map(\.id)))
            #expect(issued.first?.number == "\(market.code)-000001" && issued.allSatisfy { $0.kind == .invoice })
            for invoice in issued {
                #expect(invoice.net + invoice.tax + invoice.rounding == invoice.gross && abs(invoice.rounding) <= Int64(invoice.lines.count))
                #expect(invoice.lines.reduce(0) { $0 + $1.gross } == invoice.gross && invoice.taxRateBasisPoints == market.tax.rateBasisPoints)
            }
        }
    }

    @Test(arguments: Backends.all) func aPartialRefundGetsACreditNoteOnceTheProviderConfirmsIt(backend: SQLStore.Backend) async throws {
        try await Backends.withDemoStore(backend, clock: clock) { store in
            let (fan, sku, market) = try await fixture(store)
            let order = try await place(store, fan: fan, sku: sku, quantity: 2, market: market, key: "credit-1").order
            let payment = try await pay(store, order)
            let invoice = try #require(try await store.invoices(orderId: order.id).first)
            #expect(invoice.gross == payment.amount && invoice.lines.count == (order.totals.shipping > 0 ? 2 : 1))
            _ = try await store.desk(clock).refund(orderId: order.id, amount: 1_050, reason: "charger missing", actor: "staff:x")
            #expect(try await store.invoices(orderId: order.id).count == 1)
            let sender = RefundSender(store: store, refunds: store, provider: sandbox(store), invoices: InvoiceIssuer(), clock: clock)
            #expect(try await sender.sendDue() == 1)
            let documents = try await store.invoices(orderId: order.id)
            let note = try #require(documents.last)
            #expect(documents.count == 2 && note.kind == .creditNote && note.number == "\(market.code)-CN-000001")
            #expect(note.correctsNumber == invoice.number && note.gross == 1_050 && note.net + note.tax + note.rounding == 1_050)
            let refunded = try #require(try await store.order(id: order.id))
            #expect(note.lines.map(\.description) == ["Refund: charger missing"] && note.refundId == refunded.refunds.first?.id)
            #expect(try await store.invoice(id: note.id) == note)
        }
    }
}
