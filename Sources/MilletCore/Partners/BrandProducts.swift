import Foundation

/// Where an eco-chain brand's product stands with the brand's staff.
public struct ProductReview: Hashable, Sendable {
    public enum Status: String, Sendable, Codable {
        /// Waiting for staff; the product is not for sale.
        case submitted
        /// Published in the store.
        case approved
        /// Sent back with a note; the brand may submit again.
        case rejected
    }

    public let productId: String
    public let organisationId: String
    public var status: Status
    public var note: String
    public let submittedAt: Date
    public var decidedAt: Date?

    public init(productId: String, organisationId: String, status: Status, note: String, submittedAt: Date, decidedAt: Date?) {
        self.productId = productId
        self.organisationId = organisationId
        self.status = status
        self.note = note
        self.submittedAt = submittedAt
        self.decidedAt = decidedAt
    }
}

/// What an eco-chain brand submits: a product with its texts, and its SKUs priced per market
/// with their costs, held to the store's margin cap like the brand's own.
public struct ProductSubmission: Sendable {
    public struct Variant: Sendable {
        public let code: String
        public let colour: String
        public let storage: String
        public let weightGrams: Int
        public let prices: [(marketCode: String, price: Int64, cost: CostBasis)]

        public init(code: String, colour: String, storage: String, weightGrams: Int, prices: [(marketCode: String, price: Int64, cost: CostBasis)]) {
            self.code = code
            self.colour = colour
            self.storage = storage
            self.weightGrams = weightGrams
            self.prices = prices
        }
    }

    public let slug: String
    public let texts: [String: ProductText]
    public let variants: [Variant]

    public init(slug: String, texts: [String: ProductText], variants: [Variant]) {
        self.slug = slug
        self.texts = texts
        self.variants = variants
    }
}

extension PartnerDesk {
    /// The caller's organisation when it is an eco-chain brand and its key has `scope`;
    /// `forbidden` otherwise, saying what only a brand does.
    public func ecoBrand(_ caller: PartnerCaller, scope: PartnerScope, doing: String) async throws -> String {
        try caller.require(scope)
        guard try await organisation(id: caller.organisationId).kind == .ecoBrand else {
            throw DomainError.forbidden(message: "only an eco-chain brand \(doing)")
        }
        return caller.organisationId
    }

    /// The caller's eco-chain brand when it may run service centres (`service:write`).
    public func serviceBrand(_ caller: PartnerCaller) async throws -> String {
        try await ecoBrand(caller, scope: .serviceWrite, doing: "runs service centres for its products")
    }

    /// The picture of a product an eco-chain brand submits, until staff give it one.
    public static let brandProductImage = "/static/img/eco-product.svg"

    /// Submits a product of the caller's eco-chain brand for review, in one transaction: stored
    /// unpublished with its SKUs and prices, each price held to the margin cap. `forbidden` for a
    /// partner that is not an eco-chain brand; `invalid` naming each wrong field.
    public func submitProduct(_ submission: ProductSubmission, for caller: PartnerCaller) async throws -> (Product, ProductReview) {
        let brandId = try await ecoBrand(caller, scope: .catalogWrite, doing: "submits products")
        let markets = try await self.markets.markets()
        var check = Validator()
        check.require((3...60).contains(submission.slug.count) && submission.slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" },
                      "slug", "3 to 60 of a-z, 0-9 and -")
        check.require(submission.texts["en"] != nil, "texts", "an English name and description are required")
        for (language, text) in submission.texts {
            check.require(markets.contains { $0.languages.contains(language) } || language == "en", "texts.\(language)", "not a language of the store")
            check.requireLength(text.name.trimmed, 1...100, "texts.\(language).name", "1 to 100 characters")
            check.requireLength(text.description.trimmed, 0...2_000, "texts.\(language).description", "at most 2000 characters")
        }
        check.require((1...10).contains(submission.variants.count), "skus", "1 to 10 SKUs")
        check.require(Set(submission.variants.map(\.code)).count == submission.variants.count, "skus", "each SKU needs its own code")
        for (index, variant) in submission.variants.enumerated() {
            check.require((3...40).contains(variant.code.count) && variant.code.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "-") },
                          "skus[\(index)].code", "3 to 40 of A-Z, 0-9 and -")
            check.requireLength(variant.colour, 1...30, "skus[\(index)].colour", "1 to 30 characters")
            check.requireLength(variant.storage, 1...30, "skus[\(index)].storage", "1 to 30 characters")
            check.require((1...100_000).contains(variant.weightGrams), "skus[\(index)].weightGrams", "1 to 100000")
            check.require(!variant.prices.isEmpty, "skus[\(index)].prices", "a price in at least one market")
            check.require(Set(variant.prices.map { $0.marketCode.uppercased() }).count == variant.prices.count, "skus[\(index)].prices", "one price per market")
        }
        try check.check()
        guard try await catalog.product(slug: submission.slug) == nil else { throw DomainError.conflict(code: "slug_taken", message: "another product has \(submission.slug)") }
        let productId = Identifier.make(), now = clock.now()
        let skus = submission.variants.map { SKU(id: Identifier.make(), productId: productId, code: $0.code, colour: $0.colour, storage: $0.storage, weightGrams: $0.weightGrams) }
        var prices: [SKUPrice] = []
        for (sku, variant) in zip(skus, submission.variants) {
            for entry in variant.prices {
                guard let market = markets.first(where: { $0.code == entry.marketCode.uppercased() }) else {
                    throw DomainError.invalid(field: "skus[\(submission.variants.firstIndex { $0.code == variant.code } ?? 0)].prices", "\(entry.marketCode) is not a market")
                }
                let price = SKUPrice(skuId: sku.id, marketCode: market.code, shelfPrice: entry.price, cost: entry.cost)
                try pricing.check(price, tax: market.tax)
                prices.append(price)
            }
        }
        let product = Product(id: productId, slug: submission.slug, published: false, imagePath: Self.brandProductImage,
                              texts: submission.texts.mapValues { ProductText(name: $0.name.trimmed, description: $0.description.trimmed) }, skus: skus,
                              brandId: brandId)
        let review = ProductReview(productId: productId, organisationId: brandId, status: .submitted, note: "", submittedAt: now, decidedAt: nil)
        let stored = prices
        try await store.transaction { tx in try await tx.submit(product, prices: stored, review: review) }
        return (product, review)
    }

    /// Staff decide a submitted product in one transaction: approved, it is published (its prices
    /// checked against the margin cap of the day); rejected, it is unpublished with the note for the brand. `conflict(review_decided)` when it is
    /// not waiting for a decision.
    public func decide(productId: String, approve: Bool, note: String) async throws -> ProductReview {
        guard Identifier.isWellFormed(productId), var review = try await partners.review(productId: productId) else { throw DomainError.notFound(what: "product") }
        guard review.status == .submitted else { throw DomainError.conflict(code: "review_decided", message: "the product was \(review.status.rawValue) already") }
        var check = Validator()
        check.requireLength(note.trimmed, approve ? 0...500 : 1...500, "note", approve ? "at most 500 characters" : "say what the brand should change (1 to 500 characters)")
        try check.check()
        if approve, let product = try await catalog.product(id: productId) {
            // Published under the rules of the day, as any product is (``CatalogDesk/setPublished(productId:_:)``).
            for market in try await markets.markets() {
                for price in try await catalog.prices(productId: product.id, marketCode: market.code) { try pricing.check(price, tax: market.tax) }
            }
        }
        review.status = approve ? .approved : .rejected
        review.note = note.trimmed
        review.decidedAt = clock.now()
        let decided = review
        try await store.transaction { tx in try await tx.decide(decided) }
        return decided
    }

    /// The caller brand's products with their reviews.
    public func brandProducts(for caller: PartnerCaller) async throws -> [(Product, ProductReview)] {
        var found: [(Product, ProductReview)] = []
        for review in try await partners.reviews(organisationId: caller.organisationId, status: nil) {
            if let product = try await catalog.product(id: review.productId) { found.append((product, review)) }
        }
        return found
    }

    /// The caller brand's product, or `not_found` (also for another brand's).
    public func brandProduct(id: String, for caller: PartnerCaller) async throws -> (Product, ProductReview) {
        guard Identifier.isWellFormed(id), let review = try await partners.review(productId: id), review.organisationId == caller.organisationId,
              let product = try await catalog.product(id: id) else { throw DomainError.notFound(what: "product") }
        return (product, review)
    }

    /// Products waiting for staff, oldest first.
    public func waitingReviews() async throws -> [(Product, ProductReview)] {
        var found: [(Product, ProductReview)] = []
        for review in try await partners.reviews(organisationId: nil, status: .submitted) {
            if let product = try await catalog.product(id: review.productId) { found.append((product, review)) }
        }
        return found
    }
}
