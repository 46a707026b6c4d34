import Foundation
import MilletCore
import SQLKit

extension SQLStore: DDIGatewayRepository {
    public func gateway(tenant: String) async throws -> DDIGateway? {
        try await read { db in
            guard let row = try await db.raw("SELECT * FROM ddi_gateways WHERE tenant = \(bind: tenant.lowercased())").first() else { return nil }
            guard let channel = UpdateChannel(rawValue: try row.string("channel")) else { return nil }
            return DDIGateway(
                tenant: tenant, tokenHash: try row.string("token_hash"), modelId: try row.string("model_id"),
                marketCode: try row.string("market_code"), channel: channel, serialPrefix: try row.string("serial_prefix"),
                createdAt: try row.date("created_at"))
        }
    }

    public func saveGateway(_ gateway: DDIGateway) async throws {
        // One statement, committed on its own.
        try await read { db in
            try await db.raw("""
                INSERT INTO ddi_gateways (tenant, token_hash, model_id, market_code, channel, serial_prefix, created_at)
                VALUES (\(bind: gateway.tenant.lowercased()), \(bind: gateway.tokenHash), \(bind: gateway.modelId), \(bind: gateway.marketCode),
                    \(bind: gateway.channel.rawValue), \(bind: gateway.serialPrefix), \(bind: gateway.createdAt.millis))
                ON CONFLICT (tenant) DO UPDATE SET token_hash = excluded.token_hash, model_id = excluded.model_id,
                    market_code = excluded.market_code, channel = excluded.channel, serial_prefix = excluded.serial_prefix,
                    created_at = excluded.created_at
                """).run()
        }
    }
}
