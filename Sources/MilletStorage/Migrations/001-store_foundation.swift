extension Migration {
    /// The store itself: markets, accounts and sessions, the catalogue with per-market prices and
    /// stock by warehouse, carts, orders with their lines and status history, and payments.
    static let storeFoundation = Migration(version: 1, name: "store_foundation", statements: { _ in
        [
            """
            CREATE TABLE markets (
                code TEXT PRIMARY KEY, name TEXT NOT NULL, currency TEXT NOT NULL, minor_digits BIGINT NOT NULL,
                default_language TEXT NOT NULL, languages TEXT NOT NULL, tax_bp BIGINT NOT NULL,
                prices_include_tax BIGINT NOT NULL, warranty_months BIGINT NOT NULL, return_days BIGINT NOT NULL,
                shipping_minor BIGINT NOT NULL, payment_window_minutes BIGINT NOT NULL)
            """,
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id),
                expires_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE products (
                id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, published BIGINT NOT NULL, image_path TEXT NOT NULL)
            """,
            """
            CREATE TABLE product_texts (
                product_id TEXT NOT NULL REFERENCES products(id), language TEXT NOT NULL,
                name TEXT NOT NULL, description TEXT NOT NULL, PRIMARY KEY (product_id, language))
            """,
            """
            CREATE TABLE skus (
                id TEXT PRIMARY KEY, product_id TEXT NOT NULL REFERENCES products(id), code TEXT NOT NULL UNIQUE,
                colour TEXT NOT NULL, storage TEXT NOT NULL, position BIGINT NOT NULL)
            """,
            """
            CREATE TABLE sku_prices (
                sku_id TEXT NOT NULL REFERENCES skus(id), market_code TEXT NOT NULL REFERENCES markets(code),
                price_minor BIGINT NOT NULL CHECK (price_minor > 0), bom_minor BIGINT NOT NULL,
                logistics_minor BIGINT NOT NULL, duty_minor BIGINT NOT NULL, PRIMARY KEY (sku_id, market_code))
            """,
            """
            CREATE TABLE warehouses (
                id TEXT PRIMARY KEY, market_code TEXT NOT NULL REFERENCES markets(code), name TEXT NOT NULL,
                local_factory BIGINT NOT NULL)
            """,
            """
            CREATE TABLE stock (
                sku_id TEXT NOT NULL REFERENCES skus(id), warehouse_id TEXT NOT NULL REFERENCES warehouses(id),
                received BIGINT NOT NULL, held BIGINT NOT NULL, sold BIGINT NOT NULL,
                PRIMARY KEY (sku_id, warehouse_id),
                CHECK (held >= 0 AND sold >= 0 AND received - held - sold >= 0))
            """,
            """
            CREATE TABLE carts (
                id TEXT PRIMARY KEY, owner TEXT NOT NULL UNIQUE, market_code TEXT NOT NULL REFERENCES markets(code))
            """,
            """
            CREATE TABLE cart_items (
                cart_id TEXT NOT NULL REFERENCES carts(id), sku_id TEXT NOT NULL REFERENCES skus(id),
                quantity BIGINT NOT NULL CHECK (quantity > 0), position BIGINT NOT NULL, PRIMARY KEY (cart_id, sku_id))
            """,
            """
            CREATE TABLE orders (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id),
                market_code TEXT NOT NULL REFERENCES markets(code), currency TEXT NOT NULL, status TEXT NOT NULL,
                subtotal BIGINT NOT NULL, shipping BIGINT NOT NULL, tax BIGINT NOT NULL, total BIGINT NOT NULL,
                prices_include_tax BIGINT NOT NULL, ship_name TEXT NOT NULL, ship_line1 TEXT NOT NULL,
                ship_city TEXT NOT NULL, ship_postcode TEXT NOT NULL, ship_phone TEXT NOT NULL,
                payment_deadline BIGINT NOT NULL, idempotency_key TEXT NOT NULL, created_at BIGINT NOT NULL,
                UNIQUE (account_id, idempotency_key))
            """,
            "CREATE INDEX orders_by_status_deadline ON orders (status, payment_deadline)",
            "CREATE INDEX orders_by_account ON orders (account_id, created_at)",
            """
            CREATE TABLE order_lines (
                order_id TEXT NOT NULL REFERENCES orders(id), line_no BIGINT NOT NULL,
                sku_id TEXT NOT NULL REFERENCES skus(id), sku_code TEXT NOT NULL, product_name TEXT NOT NULL,
                warehouse_id TEXT NOT NULL REFERENCES warehouses(id), quantity BIGINT NOT NULL,
                unit_price BIGINT NOT NULL, line_total BIGINT NOT NULL, PRIMARY KEY (order_id, line_no))
            """,
            """
            CREATE TABLE order_transitions (
                order_id TEXT NOT NULL REFERENCES orders(id), seq BIGINT NOT NULL, from_status TEXT,
                to_status TEXT NOT NULL, actor TEXT NOT NULL, note TEXT NOT NULL, at BIGINT NOT NULL,
                PRIMARY KEY (order_id, seq))
            """,
            """
            CREATE TABLE payments (
                id TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id), provider TEXT NOT NULL,
                amount BIGINT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE payment_notices (
                event_id TEXT PRIMARY KEY, provider TEXT NOT NULL, payment_id TEXT NOT NULL, kind TEXT NOT NULL,
                outcome TEXT NOT NULL, received_at BIGINT NOT NULL)
            """,
        ]
    })
}
