import Foundation

/// The demo store `millet serve` loads into an empty database: five markets with a standard and
/// an express shipping method each, their service rules, centres, repair price list and service plans, three products with
/// prices at most 5% over cost in every market (the Note 3 also made to the buyer's choice of
/// cover, engraving and bundle), stock in every market's warehouse, and one
/// account per role.
public struct DemoData: Sendable {
    /// Log-ins printed at start-up so a newcomer can try every role.
    public static let logins: [(email: String, password: String, role: Role)] = [
        ("admin@millet.test", "millet-admin", .admin),
        ("staff@millet.test", "millet-staff", .staff),
        ("moderator@millet.test", "millet-moderator", .moderator),
        ("fan@millet.test", "millet-fan", .customer),
    ]

    /// Units of each SKU received into each market's warehouse.
    public static let unitsPerWarehouse: Int64 = 100

    public init() {}

    /// Loads everything; call once, on an empty database.
    public func load(
        markets: any MarketRepository, accounts: any AccountRepository, catalog: any CatalogRepository,
        inventory: any InventoryRepository, shipping: any ShippingMethodRepository, service: any ServiceRuleRepository & ServiceCentreRepository & SparePartRepository & ServicePlanRepository,
        hasher: any PasswordHasher, now: Date
    ) async throws {
        for market in DemoMarkets.all { try await markets.save(market) }
        for method in try DemoMarkets.shippingMethods() { try await shipping.save(method) }
        for market in DemoMarkets.all {
            for rule in DemoServiceRules.rules(marketCode: market.code) { try await service.save(rule) }
            for part in DemoSpareParts.parts(marketCode: market.code) { try await service.save(part) }
            for plan in DemoServicePlans.plans(marketCode: market.code) { try await service.save(plan) }
            for centre in DemoServiceCentres.centres(marketCode: market.code) {
                try await service.save(centre)
                for part in DemoSpareParts.parts(marketCode: market.code) where part.stocked {
                    try await service.setSparePartStock(centreId: centre.id, code: part.code, quantity: 10)
                }
            }
        }
        for login in Self.logins {
            let name = login.email.split(separator: "@")[0].capitalized
            try await accounts.create(Account(
                id: Identifier.make(), email: login.email, displayName: name, role: login.role,
                passwordHash: try await hasher.hash(login.password), createdAt: now, emailVerifiedAt: now))
        }
        var warehouses: [String: Warehouse] = [:]
        for (market, name, factory) in [
            ("CN", "Shenzhen", false), ("IN", "Sri City factory", true), ("ES", "Madrid", false),
            ("GB", "Daventry", false), ("ID", "Batam factory", true),
        ] {
            let warehouse = Warehouse(id: Identifier.make(), marketCode: market, name: name, isLocalFactory: factory)
            try await inventory.save(warehouse)
            warehouses[market] = warehouse
        }
        let policy = PricingPolicy()
        for item in Self.products {
            let productId = Identifier.make()
            let skus = item.variants.map { variant in
                SKU(id: Identifier.make(), productId: productId, code: variant.code, colour: variant.colour, storage: variant.storage,
                    weightGrams: item.grams)
            }
            try await catalog.save(Product(
                id: productId, slug: item.slug, published: true, imagePath: item.image, texts: item.texts, skus: skus))
            for (sku, variant) in zip(skus, item.variants) {
                for market in DemoMarkets.all {
                    let price = Self.price(costInFen: variant.costInFen, market: market, localFactory: warehouses[market.code]!.isLocalFactory)
                    try policy.check(SKUPrice(skuId: sku.id, marketCode: market.code, shelfPrice: price.shelf, cost: price.cost), tax: market.tax)
                    try await catalog.setPrice(SKUPrice(skuId: sku.id, marketCode: market.code, shelfPrice: price.shelf, cost: price.cost))
                    _ = try await inventory.receive(skuId: sku.id, warehouseId: warehouses[market.code]!.id, quantity: Self.unitsPerWarehouse)
                }
            }
            if item.slug == "millet-note-3" {
                let options = DemoOptions.note3(productId: productId, warehouses: warehouses)
                try options.validate(markets: DemoMarkets.all, pricing: policy)
                try await catalog.setOptions(options)
            }
        }
    }

    /// Fixed demo exchange rates: minor units of each currency per CNY fen, times 1000.
    static let ratePerThousandFen: [String: Int64] = ["CNY": 1000, "INR": 11_700, "EUR": 130, "GBP": 110, "IDR": 22_000]

    /// A shelf price about 4% over cost plus tax, rounded down to a round figure (to a tenth of
    /// that with `fine`, so a small amount such as an option's keeps its margin).
    static func price(costInFen: Int64, market: Market, localFactory: Bool, fine: Bool = false) -> (shelf: Int64, cost: CostBasis) {
        let local = MinorUnitMath.scale(costInFen, by: ratePerThousandFen[market.currency.code]!, over: 1000)
        let bom = MinorUnitMath.scale(local, by: 88, over: 100)
        let logistics = local - bom
        let duty = localFactory || market.code == "CN" ? 0 : MinorUnitMath.scale(local, by: 10, over: 100)
        let cost = CostBasis(billOfMaterials: bom, logistics: logistics, duty: duty)
        let net = MinorUnitMath.scale(cost.total, by: 104, over: 100)
        let gross = market.tax.pricesIncludeTax ? MinorUnitMath.scale(net, by: 10_000 + Int64(market.tax.rateBasisPoints), over: 10_000) : net
        let step: Int64 = (market.currency.minorDigits == 0 ? 1000 : 100) / (fine ? 10 : 1)
        return (gross / step * step, cost)
    }

    struct Variant {
        let code: String, colour: String, storage: String, costInFen: Int64
    }

    struct Item {
        let slug: String, image: String, texts: [String: ProductText], variants: [Variant]
        /// Boxed weight of each variant.
        let grams: Int
    }

    static let products: [Item] = [
        Item(
            slug: "millet-note-3", image: "/static/img/note-3.svg",
            texts: [
                "en": ProductText(name: "Millet Note 3", description: "A 6.5-inch phone with a two-day battery, sold at close to what it costs to make."),
                "zh-Hans": ProductText(name: "小米粒 Note 3", description: "6.5 英寸屏幕，两天续航，价格接近成本。"),
                "hi": ProductText(name: "मिलेट नोट 3", description: "6.5 इंच का फ़ोन, दो दिन की बैटरी, लागत के करीब दाम पर।"),
                "es": ProductText(name: "Millet Note 3", description: "Un teléfono de 6,5 pulgadas con batería para dos días, a un precio cercano a su coste."),
                "id": ProductText(name: "Millet Note 3", description: "Ponsel 6,5 inci dengan baterai dua hari, dijual mendekati biaya produksinya."),
            ],
            variants: [
                Variant(code: "MN3-BLK-128", colour: "black", storage: "128GB", costInFen: 119_900),
                Variant(code: "MN3-BLK-256", colour: "black", storage: "256GB", costInFen: 139_900),
                Variant(code: "MN3-BLU-128", colour: "blue", storage: "128GB", costInFen: 119_900),
                Variant(code: "MN3-BLU-256", colour: "blue", storage: "256GB", costInFen: 139_900),
            ], grams: 420),
        Item(
            slug: "millet-band-2", image: "/static/img/band-2.svg",
            texts: [
                "en": ProductText(name: "Millet Band 2", description: "A fitness band with heart rate and a 20-day battery."),
                "zh-Hans": ProductText(name: "小米粒手环 2", description: "心率监测，20 天续航的运动手环。"),
                "hi": ProductText(name: "मिलेट बैंड 2", description: "हृदय गति और 20 दिन की बैटरी वाला फ़िटनेस बैंड।"),
                "es": ProductText(name: "Millet Band 2", description: "Pulsera de actividad con pulso y 20 días de batería."),
                "id": ProductText(name: "Millet Band 2", description: "Gelang kebugaran dengan detak jantung dan baterai 20 hari."),
            ],
            variants: [Variant(code: "MB2-BLK", colour: "black", storage: "-", costInFen: 14_900)], grams: 150),
        Item(
            slug: "millet-router-ax", image: "/static/img/router-ax.svg",
            texts: [
                "en": ProductText(name: "Millet Router AX", description: "A Wi-Fi 6 router for the whole home."),
                "zh-Hans": ProductText(name: "小米粒路由器 AX", description: "覆盖全屋的 Wi-Fi 6 路由器。"),
                "hi": ProductText(name: "मिलेट राउटर AX", description: "पूरे घर के लिए Wi-Fi 6 राउटर।"),
                "es": ProductText(name: "Millet Router AX", description: "Un router Wi-Fi 6 para toda la casa."),
                "id": ProductText(name: "Millet Router AX", description: "Router Wi-Fi 6 untuk seluruh rumah."),
            ],
            variants: [Variant(code: "MRAX-WHT", colour: "white", storage: "-", costInFen: 29_900)], grams: 1_100),
    ]
}
