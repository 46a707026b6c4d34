import Foundation
import MilletCore
import SQLKit

extension SQLTransaction: InvoiceLedger {
    func nextSequence(market: String, kind: InvoiceKind) async throws -> Int64 {
        // The sequence row stays locked (PostgreSQL) or the database stays this writer's (SQLite)
        // until the transaction ends: concurrent payments take numbers one after the other.
        try await db.raw("""
            INSERT INTO invoice_sequences (market_code, kind, last) VALUES (\(bind: market), \(bind: kind.rawValue), 1)
            ON CONFLICT (market_code, kind) DO UPDATE SET last = invoice_sequences.last + 1
            RETURNING last
            """).first()!.int("last")
    }

    func insert(_ invoice: Invoice) async throws {
        try await db.raw("""
            INSERT INTO invoices (id, kind, market_code, sequence, number, order_id, refund_id, issued_at, document)
            VALUES (\(bind: invoice.id), \(bind: invoice.kind.rawValue), \(bind: invoice.marketCode), \(bind: invoice.sequence),
                \(bind: invoice.number), \(bind: invoice.orderId), \(bind: invoice.refundId), \(bind: invoice.issuedAt.millis),
                \(bind: try SQLStore.invoiceJSON(invoice)))
            """).run()
    }

    func invoices(orderId: String) async throws -> [Invoice] {
        try await SQLStore.invoices(db: db, orderId: orderId)
    }

    func market(code: String) async throws -> Market? {
        try await db.raw("SELECT * FROM markets WHERE code = \(bind: code)").first().map(SQLStore.market(from:))
    }
}

extension SQLStore: InvoiceRepository {
    public func invoice(id: String) async throws -> Invoice? {
        try await read { db in
            try await db.raw("SELECT document FROM invoices WHERE id = \(bind: id)").first().map(Self.invoice(from:))
        }
    }

    public func invoices(orderId: String) async throws -> [Invoice] {
        try await read { db in try await Self.invoices(db: db, orderId: orderId) }
    }

    public func invoices(marketCode: String?, from: Date?, to: Date?, limit: Int) async throws -> [Invoice] {
        let market = marketCode ?? "", start = from?.millis ?? Int64.min, end = to?.millis ?? Int64.max
        return try await read { db in
            try await db.raw("""
                SELECT document FROM invoices
                WHERE (market_code = \(bind: market) OR \(bind: market) = '') AND issued_at >= \(bind: start) AND issued_at < \(bind: end)
                ORDER BY market_code, kind, sequence LIMIT \(bind: Int64(limit))
                """).all().map(Self.invoice(from:))
        }
    }

    static func invoices(db: any SQLDatabase, orderId: String) async throws -> [Invoice] {
        try await db.raw("SELECT document FROM invoices WHERE order_id = \(bind: orderId) ORDER BY issued_at, kind DESC, sequence").all()
            .map(invoice(from:))
    }

    static func invoiceJSON(_ invoice: Invoice) throws -> String {
        String(decoding: try documentEncoder.encode(invoice), as: UTF8.self)
    }

    static func invoice(from row: any SQLRow) throws -> Invoice {
        try documentDecoder.decode(Invoice.self, from: Data(try row.string("document").utf8))
    }

    private static let documentEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let documentDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}
