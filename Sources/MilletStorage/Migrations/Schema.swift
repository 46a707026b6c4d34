/// The DDL of each migration. Integers are BIGINT, booleans 0/1, times milliseconds since 1970,
/// money integer minor units: the same columns read the same way on SQLite and PostgreSQL.
enum Schema {
    static func foundation(_ backend: SQLStore.Backend) -> [String] {
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
    }
}

extension Schema {
    /// Flash sales: the sale row carries its counters, and a CHECK keeps
    /// `sold + leased + fcode_units + returned <= units` true in every transaction.
    static func flashSales(_ backend: SQLStore.Backend) -> [String] {
        [
            "ALTER TABLE orders ADD COLUMN flash_sale_id TEXT",
            "CREATE INDEX orders_by_sale ON orders (flash_sale_id)",
            """
            CREATE TABLE flash_sales (
                id TEXT PRIMARY KEY, title TEXT NOT NULL, sku_id TEXT NOT NULL REFERENCES skus(id),
                market_code TEXT NOT NULL REFERENCES markets(code), warehouse_id TEXT NOT NULL REFERENCES warehouses(id),
                price BIGINT NOT NULL, currency TEXT NOT NULL, starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL,
                units BIGINT NOT NULL, per_account_limit BIGINT NOT NULL, payment_window_seconds BIGINT NOT NULL,
                reserved_only BIGINT NOT NULL, created_at BIGINT NOT NULL, proof_of_work_bits BIGINT NOT NULL, token_key TEXT NOT NULL,
                sold BIGINT NOT NULL DEFAULT 0, leased BIGINT NOT NULL DEFAULT 0, fcode_units BIGINT NOT NULL DEFAULT 0,
                returned BIGINT NOT NULL DEFAULT 0, reservations BIGINT NOT NULL DEFAULT 0, closed BIGINT NOT NULL DEFAULT 0,
                CHECK (sold >= 0 AND leased >= 0 AND fcode_units >= 0 AND returned >= 0
                    AND sold + leased + fcode_units + returned <= units))
            """,
            "CREATE INDEX flash_sales_by_end ON flash_sales (ends_at)",
            """
            CREATE TABLE flash_sale_leases (
                sale_id TEXT NOT NULL REFERENCES flash_sales(id), node_id TEXT NOT NULL,
                units BIGINT NOT NULL CHECK (units >= 0), renewed_at BIGINT NOT NULL, PRIMARY KEY (sale_id, node_id))
            """,
            """
            CREATE TABLE flash_sale_reservations (
                sale_id TEXT NOT NULL REFERENCES flash_sales(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL, PRIMARY KEY (sale_id, account_id))
            """,
            """
            CREATE TABLE flash_sale_buyers (
                sale_id TEXT NOT NULL REFERENCES flash_sales(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                units BIGINT NOT NULL CHECK (units >= 0), PRIMARY KEY (sale_id, account_id))
            """,
            """
            CREATE TABLE fcodes (
                code TEXT PRIMARY KEY, sale_id TEXT NOT NULL REFERENCES flash_sales(id), order_id TEXT,
                created_at BIGINT NOT NULL)
            """,
        ]
    }
}

extension Schema {
    /// The fan community: boards, posts, one vote per account per post, and every status change.
    static func community(_ backend: SQLStore.Backend) -> [String] {
        [
            """
            CREATE TABLE boards (
                id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, product_line TEXT, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE posts (
                id TEXT PRIMARY KEY, board_id TEXT NOT NULL REFERENCES boards(id), author_id TEXT NOT NULL REFERENCES accounts(id),
                kind TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, firmware_version TEXT, device_model TEXT,
                status TEXT NOT NULL, votes BIGINT NOT NULL DEFAULT 0 CHECK (votes >= 0), duplicate_of TEXT REFERENCES posts(id),
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX posts_by_board_votes ON posts (board_id, votes)",
            "CREATE INDEX posts_by_board_created ON posts (board_id, created_at)",
            """
            CREATE TABLE post_votes (
                post_id TEXT NOT NULL REFERENCES posts(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL, PRIMARY KEY (post_id, account_id))
            """,
            """
            CREATE TABLE post_status_changes (
                post_id TEXT NOT NULL REFERENCES posts(id), seq BIGINT NOT NULL, from_status TEXT, to_status TEXT NOT NULL,
                actor TEXT NOT NULL, detail TEXT, at BIGINT NOT NULL, PRIMARY KEY (post_id, seq))
            """,
        ]
    }
}

extension Schema {
    /// Weekly releases, the posts they answer, and the in-app inbox their publication fills.
    static func weeklyReleases(_ backend: SQLStore.Backend) -> [String] {
        [
            """
            CREATE TABLE releases (
                id TEXT PRIMARY KEY, product_line TEXT NOT NULL, version TEXT NOT NULL, channel TEXT NOT NULL,
                release_date BIGINT NOT NULL, published BIGINT NOT NULL DEFAULT 0, notes TEXT, created_at BIGINT NOT NULL,
                UNIQUE (product_line, version, channel))
            """,
            """
            CREATE TABLE release_posts (
                release_id TEXT NOT NULL REFERENCES releases(id), post_id TEXT NOT NULL REFERENCES posts(id),
                PRIMARY KEY (release_id, post_id))
            """,
            """
            CREATE TABLE inbox (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), release_id TEXT REFERENCES releases(id),
                text TEXT NOT NULL, created_at BIGINT NOT NULL, read_at BIGINT, UNIQUE (account_id, release_id))
            """,
            "CREATE INDEX inbox_by_account ON inbox (account_id, created_at)",
        ]
    }
}

extension Schema {
    /// Comments, followers, moderation flags, reports and the moderators' audit log; inbox
    /// messages may point at a post. Every existing post's author follows it.
    static func communityDiscussion(_ backend: SQLStore.Backend) -> [String] {
        [
            """
            CREATE TABLE comments (
                id TEXT PRIMARY KEY, post_id TEXT NOT NULL REFERENCES posts(id), author_id TEXT NOT NULL REFERENCES accounts(id),
                body TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX comments_by_post ON comments (post_id, created_at)",
            "CREATE INDEX comments_by_author ON comments (author_id, created_at)",
            "CREATE INDEX posts_by_author ON posts (author_id, created_at)",
            """
            CREATE TABLE post_followers (
                post_id TEXT NOT NULL REFERENCES posts(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                created_at BIGINT NOT NULL, PRIMARY KEY (post_id, account_id))
            """,
            "INSERT INTO post_followers (post_id, account_id, created_at) SELECT id, author_id, created_at FROM posts",
            "ALTER TABLE posts ADD COLUMN hidden BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE posts ADD COLUMN locked BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE posts ADD COLUMN pinned BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE posts ADD COLUMN edited_at BIGINT",
            """
            CREATE TABLE post_reports (
                post_id TEXT NOT NULL REFERENCES posts(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                reason TEXT NOT NULL, created_at BIGINT NOT NULL, resolved_at BIGINT, PRIMARY KEY (post_id, account_id))
            """,
            """
            CREATE TABLE moderation_log (
                id TEXT PRIMARY KEY, actor_id TEXT NOT NULL REFERENCES accounts(id), action TEXT NOT NULL,
                post_id TEXT NOT NULL REFERENCES posts(id), detail TEXT, at BIGINT NOT NULL)
            """,
            "CREATE INDEX moderation_log_by_time ON moderation_log (at)",
            "ALTER TABLE inbox ADD COLUMN post_id TEXT REFERENCES posts(id)",
        ]
    }

    /// Full-text search over posts and their comments: an FTS5 table kept by triggers on SQLite,
    /// expression GIN indexes on PostgreSQL. The `simple` configuration and `unicode61` tokenizer
    /// both split on word boundaries without stemming, so every demo language searches the same way.
    static func communitySearch(_ backend: SQLStore.Backend) -> [String] {
        switch backend {
        case .sqlite:
            [
                "CREATE VIRTUAL TABLE post_search USING fts5(post_id UNINDEXED, source UNINDEXED, text, tokenize = 'unicode61 remove_diacritics 2')",
                "INSERT INTO post_search (post_id, source, text) SELECT id, 'post', title || ' ' || body FROM posts",
                "INSERT INTO post_search (post_id, source, text) SELECT post_id, id, body FROM comments",
                """
                CREATE TRIGGER posts_search_insert AFTER INSERT ON posts BEGIN
                    INSERT INTO post_search (post_id, source, text) VALUES (new.id, 'post', new.title || ' ' || new.body);
                END
                """,
                """
                CREATE TRIGGER posts_search_update AFTER UPDATE OF title, body ON posts BEGIN
                    DELETE FROM post_search WHERE post_id = old.id AND source = 'post';
                    INSERT INTO post_search (post_id, source, text) VALUES (new.id, 'post', new.title || ' ' || new.body);
                END
                """,
                """
                CREATE TRIGGER comments_search_insert AFTER INSERT ON comments BEGIN
                    INSERT INTO post_search (post_id, source, text) VALUES (new.post_id, new.id, new.body);
                END
                """,
            ]
        case .postgres:
            [
                "CREATE INDEX posts_search ON posts USING GIN (to_tsvector('simple', title || ' ' || body))",
                "CREATE INDEX comments_search ON comments USING GIN (to_tsvector('simple', body))",
            ]
        }
    }
}

extension Schema {
    /// Outbound webhooks: the receivers staff register and the outbox of deliveries, written in
    /// the same transaction as the change each announces.
    static func webhooks(_ backend: SQLStore.Backend) -> [String] {
        [
            """
            CREATE TABLE webhook_endpoints (
                id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL,
                active BIGINT NOT NULL DEFAULT 1, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE webhook_deliveries (
                id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id), event TEXT NOT NULL, body TEXT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0, next_attempt_at BIGINT, locked_until BIGINT, delivered_at BIGINT, gave_up_at BIGINT,
                last_error TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)",
            "CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at)",
        ]
    }
}

extension Schema {
    /// Inbox messages say what they are about and keep their template's values, so pages can
    /// show them in the reader's language.
    static func inboxKinds(_ backend: SQLStore.Backend) -> [String] {
        ["ALTER TABLE inbox ADD COLUMN kind TEXT", "ALTER TABLE inbox ADD COLUMN params TEXT"]
    }
}

extension Schema {
    /// Devices and over-the-air firmware: models with factory keys, registered devices (tokens
    /// stored as SHA-256), content-addressed builds, signing keys, staged rollouts, install reports.
    static func firmware(_ backend: SQLStore.Backend) -> [String] {
        [
            """
            CREATE TABLE device_models (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, product_line TEXT NOT NULL, factory_key TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE devices (
                id TEXT PRIMARY KEY, serial TEXT NOT NULL UNIQUE, model_id TEXT NOT NULL REFERENCES device_models(id),
                market_code TEXT NOT NULL, channel TEXT NOT NULL, version TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
                registered_at BIGINT NOT NULL, last_seen_at BIGINT, owner_account_id TEXT REFERENCES accounts(id),
                order_id TEXT, warranty_starts_at BIGINT)
            """,
            "CREATE INDEX devices_by_model ON devices (model_id, market_code, version)",
            """
            CREATE TABLE firmware_builds (
                id TEXT PRIMARY KEY, model_id TEXT NOT NULL REFERENCES device_models(id), version TEXT NOT NULL, sha256 TEXT NOT NULL,
                size BIGINT NOT NULL, min_source_version TEXT, release_id TEXT REFERENCES releases(id), notes TEXT, created_at BIGINT NOT NULL,
                UNIQUE (model_id, version))
            """,
            "CREATE INDEX firmware_builds_by_sha ON firmware_builds (sha256)",
            """
            CREATE TABLE signing_keys (
                id TEXT PRIMARY KEY, private_key TEXT NOT NULL, public_key TEXT NOT NULL, created_at BIGINT NOT NULL, retired_at BIGINT)
            """,
            """
            CREATE TABLE rollouts (
                id TEXT PRIMARY KEY, build_id TEXT NOT NULL REFERENCES firmware_builds(id), model_id TEXT NOT NULL, channel TEXT NOT NULL,
                markets TEXT NOT NULL, source_versions TEXT NOT NULL, stages TEXT NOT NULL, stage BIGINT NOT NULL, state TEXT NOT NULL,
                threshold_bp BIGINT NOT NULL, min_reports BIGINT NOT NULL, advance_every_seconds BIGINT, stage_started_at BIGINT NOT NULL,
                halt_reason TEXT, rollback_build_id TEXT REFERENCES firmware_builds(id), created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX rollouts_by_state ON rollouts (state)",
            """
            CREATE TABLE rollout_events (
                rollout_id TEXT NOT NULL REFERENCES rollouts(id), seq BIGINT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL,
                detail TEXT, at BIGINT NOT NULL, PRIMARY KEY (rollout_id, seq))
            """,
            """
            CREATE TABLE install_reports (
                id TEXT PRIMARY KEY, rollout_id TEXT NOT NULL REFERENCES rollouts(id), device_id TEXT NOT NULL REFERENCES devices(id),
                version TEXT NOT NULL, state TEXT NOT NULL, code TEXT, at BIGINT NOT NULL)
            """,
            "CREATE INDEX install_reports_by_rollout ON install_reports (rollout_id, at)",
            """
            CREATE TABLE rollout_results (
                rollout_id TEXT NOT NULL REFERENCES rollouts(id), device_id TEXT NOT NULL REFERENCES devices(id), state TEXT NOT NULL,
                PRIMARY KEY (rollout_id, device_id))
            """,
        ]
    }
}

extension Schema {
    /// Serials of units sold through the store, recorded when their order ships: a device that
    /// registers with one of them is linked to its owner, order and warranty start.
    static func deviceSales(_ backend: SQLStore.Backend) -> [String] {
        [
            """
            CREATE TABLE device_sales (
                serial TEXT PRIMARY KEY, order_id TEXT NOT NULL REFERENCES orders(id), account_id TEXT NOT NULL REFERENCES accounts(id),
                shipped_at BIGINT NOT NULL)
            """,
            "CREATE INDEX devices_by_owner ON devices (owner_account_id)",
        ]
    }
}

extension Schema {
    /// A number for each device token in the order the tokens were issued, so every node keeps
    /// its device index in step by reading only the tokens numbered after the last it read.
    static func deviceTokenIndex(_ backend: SQLStore.Backend) -> [String] {
        switch backend {
        case .sqlite:
            [
                "ALTER TABLE devices ADD COLUMN token_seq BIGINT NOT NULL DEFAULT 0",
                "UPDATE devices SET token_seq = rowid",
                "CREATE INDEX devices_by_token_seq ON devices (token_seq)",
            ]
        case .postgres:
            [
                "CREATE SEQUENCE IF NOT EXISTS device_token_seq",
                "ALTER TABLE devices ADD COLUMN token_seq BIGINT NOT NULL DEFAULT 0",
                "UPDATE devices SET token_seq = nextval('device_token_seq')",
                "CREATE INDEX devices_by_token_seq ON devices (token_seq)",
            ]
        }
    }
}

extension Schema {
    /// An account's orders are found through the `(account_id, idempotency_key)` unique index and
    /// sorted there; a second index by account cost every order one more randomly placed page
    /// written, and a flash sale writes thousands of orders a second.
    static func ordersByAccountIndexDropped(_ backend: SQLStore.Backend) -> [String] {
        ["DROP INDEX orders_by_account"]
    }
}

extension Schema {
    /// What a check-in changes, a device's version and when it was last seen, moves from the wide
    /// `devices` row to `device_state`, keyed by a small number each device gets once. A second's
    /// check-ins from a million devices then rewrite a few thousand pages of a 15 MB table instead
    /// of tens of thousands of pages of `devices`, each found through its text id.
    static func deviceState(_ backend: SQLStore.Backend) -> [String] {
        let numbered: [String] = switch backend {
        case .sqlite:
            ["ALTER TABLE devices ADD COLUMN number BIGINT NOT NULL DEFAULT 0", "UPDATE devices SET number = rowid"]
        case .postgres:
            [
                "CREATE SEQUENCE device_number_seq",
                "ALTER TABLE devices ADD COLUMN number BIGINT NOT NULL DEFAULT 0",
                "UPDATE devices SET number = nextval('device_number_seq')",
            ]
        }
        // `INTEGER PRIMARY KEY` makes the number SQLite's own row key: one B-tree, no second index.
        let key = backend == .sqlite ? "INTEGER" : "BIGINT"
        return numbered + [
            "CREATE UNIQUE INDEX devices_by_number ON devices (number)",
            """
            CREATE TABLE device_state (
                number \(key) PRIMARY KEY REFERENCES devices(number), version TEXT NOT NULL, last_seen_at BIGINT)
            """,
            "INSERT INTO device_state (number, version, last_seen_at) SELECT number, version, last_seen_at FROM devices",
            "DROP INDEX devices_by_model",
            "ALTER TABLE devices DROP COLUMN version",
            "ALTER TABLE devices DROP COLUMN last_seen_at",
            "CREATE INDEX devices_by_model ON devices (model_id, market_code)",
        ]
    }

    /// Log-outs and account changes in the order they were written, so every node drops the
    /// sessions they end from memory within a second. `AUTOINCREMENT` keeps SQLite from handing
    /// out a number again after old rows are deleted.
    static func sessionRevocations(_ backend: SQLStore.Backend) -> [String] {
        let seq = backend == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        return [
            """
            CREATE TABLE session_revocations (
                seq \(seq), token_hash TEXT, account_id TEXT, revoked_at BIGINT NOT NULL,
                CHECK ((token_hash IS NULL) <> (account_id IS NULL)))
            """,
            "CREATE INDEX session_revocations_by_time ON session_revocations (revoked_at)",
        ]
    }
}
