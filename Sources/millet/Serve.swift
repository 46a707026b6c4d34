import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MilletCore
import MilletHTTP
import MilletStorage
import ServiceLifecycle

/// Starts the server; on an empty database creates the schema and loads the demo store.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Millet server.")

    @OptionGroup var database: DatabaseOption

    @Option(help: "Address to listen on (env MILLET_HOST).")
    var host: String?

    @Option(help: "Port to listen on (env MILLET_PORT).")
    var port: Int?

    @Flag(help: "Do not load demo data into an empty database.")
    var noDemo = false

    @Option(help: "Where the store is reached from outside, such as https://shop.example (env MILLET_PUBLIC_URL): links in messages, the origin pages' forms may come from, and with https, Secure cookies and HSTS.")
    var publicURL: String?

    @Option(help: "Reverse proxies in front of the store, whose X-Forwarded-For names the client: addresses or networks, comma-separated, such as 10.0.0.0/8,::1 (env MILLET_TRUSTED_PROXIES; default: none).")
    var trustedProxies: String?

    @Option(help: "Directory for firmware images (env MILLET_FILES; default: beside the SQLite file, or ./millet-files).")
    var files: String?

    func run() async throws {
        let level = Environment.value("MILLET_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { MilletLogHandler(.standardOutput(label: $0), level: level) }
        let logger = Logger(label: "millet")
        let store = try await SQLStore.open(database.location, logger: logger)
        do {
            try await serve(store: store, logger: logger)
        } catch {
            logger.critical("stopped", metadata: ["error": "\(String(reflecting: error))"])
            await store.close()
            throw error
        }
        await store.close()
    }

    /// The HMAC secret of the sandbox's payment webhooks (and of carriers' unless they have their
    /// own): `MILLET_SANDBOX_SECRET`; else, in demo mode, the random one this database keeps,
    /// made on first start; with `--no-demo` there is no default and serve refuses to start.
    private func sandboxSecret(store: SQLStore, logger: Logger) async throws -> String {
        if let secret = Environment.value("MILLET_SANDBOX_SECRET") { return secret }
        if let secret = try await store.setting("sandbox_secret") { return secret }
        guard !noDemo else {
            throw ValidationError("set MILLET_SANDBOX_SECRET: without the demo there is no default webhook secret")
        }
        return try await kept("sandbox_secret", store: store, logger: logger, what: "sandbox webhook secret; set MILLET_SANDBOX_SECRET to choose one")
    }

    /// A 32-byte signing key (known-device tokens, form tokens): random, made on first start and
    /// kept in the database, so every node and every restart accepts the same tokens.
    private func key(_ name: String, what: String, store: SQLStore, logger: Logger) async throws -> [UInt8] {
        let hex = try await kept(name, store: store, logger: logger, what: what)
        guard let bytes = Secrets.unhex(hex), bytes.count == 32 else {
            throw ValidationError("the setting \(name) must be 64 hex digits")
        }
        return bytes
    }

    /// The key hotspot passwords are sealed with: `MILLET_HOTSPOT_KEY` (64 hex digits), so a copy
    /// of the database alone does not open them; without it, a random key made on first start
    /// and kept in the database.
    private func hotspotKey(store: SQLStore, logger: Logger) async throws -> [UInt8] {
        if let hex = Environment.value("MILLET_HOTSPOT_KEY") {
            guard let bytes = Secrets.unhex(hex), bytes.count == 32 else { throw ValidationError("MILLET_HOTSPOT_KEY must be 64 hex digits") }
            return bytes
        }
        return try await key("hotspot_key", what: "hotspot password key; set MILLET_HOTSPOT_KEY to keep it out of the database", store: store, logger: logger)
    }

    /// The bearer token `/metrics` asks for: `MILLET_METRICS_TOKEN`, or a random one made on first
    /// start and kept in the database.
    private func metricsToken(store: SQLStore, logger: Logger) async throws -> String {
        if let token = Environment.value("MILLET_METRICS_TOKEN") { return token }
        return try await kept("metrics_token", store: store, logger: logger, what: "/metrics token; set MILLET_METRICS_TOKEN to choose one")
    }

    /// A random secret the database keeps in its settings table under `name`, made on first start.
    private func kept(_ name: String, store: SQLStore, logger: Logger, what: String) async throws -> String {
        if let value = try await store.setting(name) { return value }
        let value = try await store.keepSetting(name, Secrets.hex(bytes: 32))
        logger.notice("made a random \(what) and keeps it in the database (table settings, name \(name))")
        return value
    }

    private func serve(store: SQLStore, logger: Logger) async throws {
        let fresh = try await store.schemaVersion() == 0
        let applied = try await store.migrate()
        if !applied.isEmpty { logger.info("migrated", metadata: ["applied": "\(applied.joined(separator: ","))"]) }
        let secret = try await sandboxSecret(store: store, logger: logger)
        let resolvedHost = host ?? Environment.value("MILLET_HOST") ?? "127.0.0.1"
        let resolvedPort = port ?? Environment.value("MILLET_PORT").flatMap(Int.init) ?? 8080
        var email: (any EmailTransport)?
        if let url = Environment.value("MILLET_SMTP_URL") {
            guard let smtp = SMTPTransport(url: url, from: Environment.value("MILLET_MAIL_FROM") ?? "Millet <no-reply@millet.test>") else {
                throw ValidationError("MILLET_SMTP_URL must look like smtp://[user:password@]host[:port]")
            }
            email = smtp
            logger.info("email goes to \(smtp.host):\(smtp.port)")
        } else {
            logger.info("email and SMS go to the sandbox: /admin/sandbox/messages")
        }
        let services = MilletServices(
            store: store, clock: SystemClock(), sandboxSecret: secret, carrierSecret: Environment.value("MILLET_CARRIER_SECRET"),
            firmwareDirectory: firmwareDirectory, email: email,
            publicURL: publicURL ?? Environment.value("MILLET_PUBLIC_URL") ?? "http://\(resolvedHost):\(resolvedPort)",
            deviceKey: try await key("login_device_key", what: "known-device key", store: store, logger: logger),
            registrationsPerHour: Environment.value("MILLET_REGISTRATIONS_PER_IP_HOUR").flatMap(Int.init) ?? 20,
            metricsToken: try await metricsToken(store: store, logger: logger),
            allowPrivateReceivers: Environment.value("MILLET_WEBHOOKS_ALLOW_PRIVATE") == "1",
            trustedProxies: try TrustedProxies(trustedProxies ?? Environment.value("MILLET_TRUSTED_PROXIES") ?? ""),
            formKey: try await key("form_token_key", what: "form-token key", store: store, logger: logger),
            ddiTenant: Environment.value("MILLET_DDI_TENANT") ?? "DEFAULT",
            hotspotKey: try await hotspotKey(store: store, logger: logger))
        if fresh && !noDemo {
            try await DemoData().load(
                markets: store, accounts: store, catalog: store, inventory: store, shipping: store, service: store, hasher: BcryptHasher(), now: Date())
            try await scheduleDemoSale(store: store, services: services)
            try await scheduleDemoAuction(services: services)
            try await openDemoBatches(store: store, services: services)
            try await DemoPartners(
                partners: services.partners, service: services.serviceDesk, centres: store, inventory: store, catalog: store, accounts: store, markets: store
            ).load(hasher: BcryptHasher(), now: Date())
            try await openDemoBoards(store: store)
            try await DemoData().tagDemoNumbers(store, now: Date())
            logger.info("loaded demo data", metadata: ["logins": "\((DemoData.logins.map { ($0.email, $0.password) } + DemoPartners.logins.map { ($0.email, $0.password) }).map { "\($0.0) / \($0.1)" }.joined(separator: ", "))"])
        }
        let app = try await buildApplication(services, host: resolvedHost, port: resolvedPort, logger: logger)
        logger.info("Millet is at http://\(resolvedHost):\(resolvedPort) (database: \(store.backend.rawValue))")
        try await app.runService()
    }

    /// Where firmware images go: `--files`, `MILLET_FILES`, or `<database>-files` beside an SQLite file.
    private var firmwareDirectory: String {
        if let files = files ?? Environment.value("MILLET_FILES") { return files }
        let location = database.location
        if location.hasPrefix("postgres") || location == ":memory:" { return "millet-files" }
        return (location.hasSuffix(".sqlite") ? String(location.dropLast(7)) : location) + "-files"
    }

    /// A launch in India ten minutes after the demo store first starts, so `/sales` has something
    /// to reserve, count down and sell.
    private func scheduleDemoSale(store: SQLStore, services: MilletServices) async throws {
        guard let note = try await store.product(slug: "millet-note-3") else { return }
        let now = Date()
        _ = try await SaleScheduler(
            catalog: store, inventory: store, markets: store, sales: store, pricing: services.pricing, clock: SystemClock()
        ).schedule(SaleRequest(
            title: "Millet Note 3 launch", skuId: note.skus[0].id, marketCode: "IN", startsAt: now.addingTimeInterval(600),
            endsAt: now.addingTimeInterval(600 + 2 * 3600), units: 20))
    }

    /// An auction of the first Note 3 off the line, open for three days from the demo store's
    /// first start, so `/auctions` has something to bid on.
    private func scheduleDemoAuction(services: MilletServices) async throws {
        let now = Date()
        _ = try await services.auctions.schedule(
            AuctionPlan(title: "Millet Note 3, serial 000001, signed by the team", skuId: nil, marketCode: "GB", currency: "GBP",
                        startPrice: 19_900, reservePrice: 29_900, startsAt: now, endsAt: now.addingTimeInterval(3 * 86_400)),
            incrementsGiven: false, by: "demo")
    }

    /// A batch of the black 128 GB Note 3 in every market, shipping in five to seven weeks for a
    /// tenth of the price down, so a newcomer can make one to their choice and pre-order it.
    private func openDemoBatches(store: SQLStore, services: MilletServices) async throws {
        guard let note = try await store.product(slug: "millet-note-3") else { return }
        let now = Date()
        for market in try await store.markets() {
            guard let price = try await store.price(skuId: note.skus[0].id, marketCode: market.code) else { continue }
            _ = try await services.preorders.open(BatchPlan(
                skuId: note.skus[0].id, marketCode: market.code, units: 500, shipFrom: now.addingTimeInterval(35 * 86_400),
                shipTo: now.addingTimeInterval(49 * 86_400), deposit: max(1, price.shelfPrice / 10)))
        }
    }

    /// One community board per demo product line and a general one, with two posts from the demo
    /// fan, one of them on the roadmap, so the community has something to read and vote on.
    private func openDemoBoards(store: SQLStore) async throws {
        var phones: Board?
        for (slug, name, line) in [("phones", "Phones", "phones"), ("wearables", "Wearables", "wearables"), ("routers", "Routers", "routers"),
                                   ("general", "General", nil)] as [(String, String, String?)] {
            let board = Board(id: Identifier.make(), slug: slug, name: name, productLine: line, createdAt: Date())
            try await store.createBoard(board)
            if slug == "phones" { phones = board }
        }
        guard let phones, let fan = try await store.account(email: "fan@millet.test"),
              let staff = try await store.account(email: "staff@millet.test") else { return }
        let now = Date()
        let bug = try await store.createPost(
            id: Identifier.make(), boardId: phones.id, authorId: fan.id,
            draft: try PostDraft(kind: .bug, title: "Wi-Fi drops when the screen turns off", body: "Since 14.0.6 the phone loses Wi-Fi a minute after the screen goes dark.",
                                 firmwareVersion: "14.0.6", deviceModel: "Millet Note 3"), now: now)
        _ = try await store.changeStatus(postId: bug.id, .acknowledge, actor: "account:\(staff.id)", now: now)
        _ = try await store.changeStatus(postId: bug.id, .plan, actor: "account:\(staff.id)", now: now)
        _ = try await store.createPost(
            id: Identifier.make(), boardId: phones.id, authorId: fan.id,
            draft: try PostDraft(kind: .idea, title: "Schedule the battery saver", body: "Let the battery saver turn itself on at night.",
                                 firmwareVersion: nil, deviceModel: nil), now: now)
    }
}
