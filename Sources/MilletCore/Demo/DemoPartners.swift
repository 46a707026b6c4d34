import Foundation

/// The partners a demo store starts with, so the partner portal and the console's partner pages
/// have something to show: the brand's own store in Madrid with this week's Note 3 units (its
/// clerk `store@millet.test`), and Roidmi, an eco-chain brand whose cordless vacuum sells in every
/// market and is repaired at its own centre in Shanghai (its manager `brand@millet.test`).
public struct DemoPartners: Sendable {
    /// The portal's log-ins: a clerk of the own store and a manager of the eco-chain brand.
    public static let logins: [(email: String, password: String, organisation: String, role: PartnerMember.Role)] = [
        ("store@millet.test", "millet-store", "Millet Home", .clerk),
        ("brand@millet.test", "millet-brand", "Roidmi", .manager),
    ]

    let partners: PartnerDesk
    let service: ServiceDesk
    let centres: any ServiceCentreRepository
    let inventory: any InventoryRepository
    let catalog: any CatalogRepository
    let accounts: any AccountRepository
    let markets: any MarketRepository

    public init(
        partners: PartnerDesk, service: ServiceDesk, centres: any ServiceCentreRepository, inventory: any InventoryRepository,
        catalog: any CatalogRepository, accounts: any AccountRepository, markets: any MarketRepository
    ) {
        self.partners = partners
        self.service = service
        self.centres = centres
        self.inventory = inventory
        self.catalog = catalog
        self.accounts = accounts
        self.markets = markets
    }

    /// Loads them into a demo store (after ``DemoData``), `now` being its first start.
    public func load(hasher: any PasswordHasher, now: Date) async throws {
        for login in Self.logins {
            try await accounts.create(Account(
                id: Identifier.make(), email: login.email, displayName: login.email.split(separator: "@")[0].capitalized, role: .customer,
                passwordHash: try await hasher.hash(login.password), createdAt: now, emailVerifiedAt: now))
        }
        guard let staff = try await accounts.account(email: "staff@millet.test"), let note = try await catalog.product(slug: "millet-note-3"),
              let madrid = try await inventory.warehouses(marketCode: "ES").first else { return }
        // The own store, with twenty Note 3 for this week.
        let home = try await partners.createOrganisation(name: "Millet Home", kind: .ownStore)
        let store = try await partners.addStore(organisationId: home.id, name: "Millet Home Madrid", address: "Calle de Fuencarral 45", city: "Madrid",
                                                phone: "+34 910 000 000", marketCode: "ES")
        _ = try await partners.allocate(storeId: store.id, skuId: note.skus[0].id, week: Allocation.week(of: now), warehouseId: madrid.id, units: 20, by: staff)
        // The eco-chain brand: its vacuum, approved and stocked in every market, and its centre.
        let roidmi = try await partners.createOrganisation(name: "Roidmi", kind: .ecoBrand)
        _ = try await partners.setCommission(organisationId: roidmi.id, basisPoints: 1_000)
        var prices: [(marketCode: String, price: Int64, cost: CostBasis)] = []
        for market in try await markets.markets() {
            let warehouse = try await inventory.warehouses(marketCode: market.code).first
            let price = DemoData.price(costInFen: 99_900, market: market, localFactory: warehouse?.isLocalFactory ?? false)
            prices.append((market.code, price.shelf, price.cost))
        }
        let (vacuum, _) = try await partners.submitProduct(ProductSubmission(
            slug: "roidmi-cordless-vacuum",
            texts: [
                "en": ProductText(name: "Roidmi Cordless Vacuum", description: "A cordless vacuum by Roidmi, an eco-chain brand, serviced at Roidmi's own centres."),
                "zh-Hans": ProductText(name: "睿米无线吸尘器", description: "生态链品牌睿米的无线吸尘器，由睿米自己的服务中心维修。"),
                "hi": ProductText(name: "रोइडमी कॉर्डलेस वैक्यूम", description: "इको-चेन ब्रांड रोइडमी का कॉर्डलेस वैक्यूम, रोइडमी के अपने केंद्रों पर सर्विस।"),
                "es": ProductText(name: "Aspiradora sin cable Roidmi", description: "Una aspiradora sin cable de Roidmi, marca del ecosistema, reparada en sus propios centros."),
                "id": ProductText(name: "Penyedot Debu Nirkabel Roidmi", description: "Penyedot debu nirkabel dari Roidmi, merek ekosistem, diservis di pusat servis Roidmi sendiri."),
            ],
            variants: [.init(code: "RDM-VAC-WHT", colour: "white", storage: "-", weightGrams: 2_600, prices: prices)]),
            for: PartnerCaller(keyId: "demo", organisationId: roidmi.id, scopes: [.catalogWrite]))
        _ = try await partners.decide(productId: vacuum.id, approve: true, note: "")
        for market in try await markets.markets() {
            guard let warehouse = try await inventory.warehouses(marketCode: market.code).first else { continue }
            _ = try await inventory.receive(skuId: vacuum.skus[0].id, warehouseId: warehouse.id, quantity: 50)
        }
        try await service.saveCentre(try ServiceCentre(
            id: "roidmi-shanghai", marketCode: "CN", name: "睿米上海服务中心", address: "上海市徐汇区漕溪北路 88 号", hours: "周一至周六 10:00–19:00",
            pickupsPerDay: 10, organisationId: roidmi.id), centres: centres)
        for login in Self.logins {
            let organisation = login.organisation == home.name ? home : roidmi
            _ = try await partners.addMember(organisationId: organisation.id, email: login.email, role: login.role)
        }
    }
}
