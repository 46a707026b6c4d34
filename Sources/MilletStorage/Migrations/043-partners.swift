extension Migration {
    /// Partners: organisations, their stores and hashed API keys, and the units allocated from the
    /// brand's warehouses to their stores per SKU and week, with a ledger of every move, the
    /// sales at their stores, minimum advertised prices with the partner prices refused below them, the daily
    /// sell-through stores report, the members who sign in to the partner portal, and the products
    /// eco-chain brands submit for review.
    static let partners = Migration(version: 43, name: "partners", statements: { _ in
        [
            """
            CREATE TABLE partner_organisations (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, created_at BIGINT NOT NULL, commission_bp BIGINT NOT NULL DEFAULT 0)
            """,
            """
            CREATE TABLE partner_stores (
                id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES partner_organisations(id), name TEXT NOT NULL, address TEXT NOT NULL,
                city TEXT NOT NULL, phone TEXT NOT NULL, market_code TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX partner_stores_by_organisation ON partner_stores (organisation_id, name)",
            """
            CREATE TABLE partner_keys (
                id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES partner_organisations(id), name TEXT NOT NULL, scopes TEXT NOT NULL,
                secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            "CREATE INDEX partner_keys_by_organisation ON partner_keys (organisation_id, created_at)",
            """
            CREATE TABLE partner_allocations (
                id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES partner_organisations(id),
                store_id TEXT NOT NULL REFERENCES partner_stores(id), sku_id TEXT NOT NULL REFERENCES skus(id), week TEXT NOT NULL,
                warehouse_id TEXT NOT NULL REFERENCES warehouses(id), units BIGINT NOT NULL, sold BIGINT NOT NULL, returned BIGINT NOT NULL,
                UNIQUE (store_id, sku_id, week, warehouse_id), CHECK (sold >= 0 AND returned >= 0 AND units - sold - returned >= 0))
            """,
            "CREATE INDEX partner_allocations_by_organisation ON partner_allocations (organisation_id, week)",
            """
            CREATE TABLE allocation_moves (
                allocation_id TEXT NOT NULL REFERENCES partner_allocations(id), seq BIGINT NOT NULL, kind TEXT NOT NULL, units BIGINT NOT NULL,
                actor TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (allocation_id, seq))
            """,
            """
            CREATE TABLE partner_sales (
                id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL REFERENCES partner_organisations(id),
                store_id TEXT NOT NULL REFERENCES partner_stores(id), sku_id TEXT NOT NULL REFERENCES skus(id), order_id TEXT NOT NULL REFERENCES orders(id),
                account_id TEXT NOT NULL REFERENCES accounts(id), serials TEXT NOT NULL, unit_price BIGINT NOT NULL, currency TEXT NOT NULL,
                sold_at BIGINT NOT NULL, idempotency_key TEXT NOT NULL, request_hash TEXT NOT NULL, UNIQUE (organisation_id, idempotency_key))
            """,
            "CREATE INDEX partner_sales_by_organisation ON partner_sales (organisation_id, sold_at)",
            """
            CREATE TABLE minimum_prices (
                id TEXT PRIMARY KEY, sku_id TEXT NOT NULL REFERENCES skus(id), market_code TEXT NOT NULL, price BIGINT NOT NULL,
                starts_at BIGINT NOT NULL, ends_at BIGINT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX minimum_prices_by_sku ON minimum_prices (sku_id, market_code, starts_at)",
            """
            CREATE TABLE price_refusals (
                organisation_id TEXT NOT NULL REFERENCES partner_organisations(id), store_id TEXT NOT NULL REFERENCES partner_stores(id),
                sku_id TEXT NOT NULL, price BIGINT NOT NULL, minimum BIGINT NOT NULL, context TEXT NOT NULL, actor TEXT NOT NULL, at BIGINT NOT NULL)
            """,
            "CREATE INDEX price_refusals_by_organisation ON price_refusals (organisation_id, at)",
            """
            CREATE TABLE advertised_prices (
                organisation_id TEXT NOT NULL REFERENCES partner_organisations(id), store_id TEXT NOT NULL REFERENCES partner_stores(id),
                sku_id TEXT NOT NULL REFERENCES skus(id), price BIGINT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (store_id, sku_id))
            """,
            """
            CREATE TABLE sell_through (
                organisation_id TEXT NOT NULL REFERENCES partner_organisations(id), store_id TEXT NOT NULL REFERENCES partner_stores(id),
                sku_id TEXT NOT NULL REFERENCES skus(id), day TEXT NOT NULL, sold BIGINT NOT NULL, on_hand BIGINT NOT NULL, returned BIGINT NOT NULL,
                PRIMARY KEY (store_id, sku_id, day))
            """,
            "CREATE INDEX sell_through_by_organisation ON sell_through (organisation_id, day)",
            "CREATE INDEX sell_through_by_day ON sell_through (day)",
            """
            CREATE TABLE partner_members (
                account_id TEXT PRIMARY KEY REFERENCES accounts(id), organisation_id TEXT NOT NULL REFERENCES partner_organisations(id),
                role TEXT NOT NULL, added_at BIGINT NOT NULL)
            """,
            "CREATE INDEX partner_members_by_organisation ON partner_members (organisation_id)",
            "ALTER TABLE products ADD COLUMN brand_id TEXT",
            """
            CREATE TABLE product_reviews (
                product_id TEXT PRIMARY KEY REFERENCES products(id), organisation_id TEXT NOT NULL REFERENCES partner_organisations(id),
                status TEXT NOT NULL, note TEXT NOT NULL, submitted_at BIGINT NOT NULL, decided_at BIGINT)
            """,
            "CREATE INDEX product_reviews_by_status ON product_reviews (status, submitted_at)",
            "ALTER TABLE device_models ADD COLUMN brand_id TEXT",
            "ALTER TABLE webhook_endpoints ADD COLUMN organisation_id TEXT",
        ]
    })
}
