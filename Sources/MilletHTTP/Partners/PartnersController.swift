import Foundation
import Hummingbird
import MilletCore

/// Partners over the API. Staff set up organisations, stores and keys and allocate units; a
/// partner's key (`Authorization: Bearer mpk_…`) reads its own organisation, stores and
/// allocations under `/partner/`, and another partner's are a 404 there, by list or by id.
struct PartnersController: Sendable {
    let desk: PartnerDesk

    struct OrganisationBody: Decodable {
        let name, kind: String
    }

    struct StoreBody: Decodable {
        let name, address, city, phone, market: String
    }

    struct KeyBody: Decodable {
        let name: String
        let scopes: [String]
    }

    struct AllocationBody: Decodable {
        let storeId, skuId, week, warehouseId: String
        let units: Int64
    }

    struct ReturnBody: Decodable {
        let units: Int64
    }

    struct ProductBody: Decodable {
        struct Text: Decodable {
            let name, description: String
        }

        struct Price: Decodable {
            let market: String
            let price, billOfMaterials, logistics, duty: Int64
        }

        struct Variant: Decodable {
            let code, colour, storage: String
            let weightGrams: Int
            let prices: [Price]
        }

        let slug: String
        let texts: [String: Text]
        let skus: [Variant]
    }

    struct CommissionBody: Decodable {
        let basisPoints: Int
    }

    struct DecisionBody: Decodable {
        let approve: Bool
        let note: String?
    }

    struct MemberBody: Decodable {
        let email, role: String
    }

    struct MinimumBody: Decodable {
        let skuId, market, startsAt: String
        let price: Int64
        let endsAt: String?
    }

    struct AdvertisedBody: Decodable {
        let storeId, skuId: String
        let price: Int64
    }

    struct SellThroughBody: Decodable {
        struct Line: Decodable {
            let storeId, skuId, day: String
            let sold, onHand, returned: Int64
        }

        let items: [Line]
    }

    struct SaleBody: Decodable {
        struct Customer: Decodable {
            let email, name: String
        }

        let storeId, skuId: String
        let serials: [String]
        let unitPrice: Int64
        let customer: Customer
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/partners") { _, _ in
            OrganisationList(items: try await desk.organisations().map(OrganisationDTO.init))
        }
        groups.staff.post("staff/partners") { request, context in
            let body = try await request.decodeJSON(OrganisationBody.self, context: context)
            guard let kind = PartnerKind(rawValue: body.kind) else {
                throw DomainError.invalid(field: "kind", "one of \(PartnerKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return OrganisationDTO(try await desk.createOrganisation(name: body.name, kind: kind)).with(status: .created)
        }
        groups.staff.get("staff/partners/:id") { _, context in
            let organisation = try await desk.organisation(id: try context.parameters.require("id"))
            return OrganisationDetailDTO(
                organisation: OrganisationDTO(organisation), stores: try await desk.stores(organisationId: organisation.id).map(PartnerStoreDTO.init),
                keys: try await desk.keys(organisationId: organisation.id).map(PartnerKeyDTO.init),
                members: try await desk.members(organisationId: organisation.id).map { PartnerMemberDTO(member: $0.member, email: $0.account.email) },
                allocations: try await desk.allocations(organisationId: organisation.id).map(AllocationDTO.init))
        }
        groups.staff.post("staff/partners/:id/stores") { request, context in
            let body = try await request.decodeJSON(StoreBody.self, context: context)
            let store = try await desk.addStore(organisationId: try context.parameters.require("id"), name: body.name, address: body.address,
                                                city: body.city, phone: body.phone, marketCode: body.market)
            return PartnerStoreDTO(store).with(status: .created)
        }
        groups.staff.post("staff/partners/:id/keys") { request, context in
            let body = try await request.decodeJSON(KeyBody.self, context: context)
            let (key, token) = try await desk.issueKey(organisationId: try context.parameters.require("id"), name: body.name,
                                                       scopes: try Self.scopes(body.scopes))
            return IssuedKeyDTO(key: PartnerKeyDTO(key), token: token).with(status: .created)
        }
        groups.staff.post("staff/partners/:id/keys/:keyId/revoke") { _, context in
            try await desk.revokeKey(organisationId: try context.parameters.require("id"), keyId: try context.parameters.require("keyId"))
            return Response(status: .noContent)
        }
        groups.staff.post("staff/partners/:id/members") { request, context in
            let body = try await request.decodeJSON(MemberBody.self, context: context)
            guard let role = PartnerMember.Role(rawValue: body.role) else { throw DomainError.invalid(field: "role", "manager or clerk") }
            let member = try await desk.addMember(organisationId: try context.parameters.require("id"), email: body.email, role: role)
            return PartnerMemberDTO(member: member, email: Registration.normalise(email: body.email)).with(status: .created)
        }
        groups.staff.delete("staff/partners/:id/members/:accountId") { _, context in
            try await desk.removeMember(organisationId: try context.parameters.require("id"), accountId: try context.parameters.require("accountId"))
            return Response(status: .noContent)
        }
        groups.staff.post("staff/allocations") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(AllocationBody.self, context: context)
            let allocation = try await desk.allocate(storeId: body.storeId, skuId: body.skuId, week: body.week, warehouseId: body.warehouseId,
                                                     units: body.units, by: staff)
            return AllocationDTO(allocation).with(status: .created)
        }
        groups.staff.post("staff/allocations/:id/return") { request, context in
            let staff = try context.requireAccount()
            let body = try await request.decodeJSON(ReturnBody.self, context: context)
            return AllocationDTO(try await desk.returnUnits(allocationId: try context.parameters.require("id"), units: body.units, by: staff))
        }

        groups.partners.get("partner/organisation") { _, context in
            let caller = try context.requirePartner()
            let organisation = try await desk.organisation(id: caller.organisationId)
            return PartnerSelfDTO(organisation: OrganisationDTO(organisation), scopes: caller.scopes.map(\.rawValue).sorted())
        }
        groups.partners.get("partner/stores") { _, context in
            let caller = try context.requirePartner()
            return PartnerStoreList(items: try await desk.stores(organisationId: caller.organisationId).map(PartnerStoreDTO.init))
        }
        groups.partners.get("partner/stores/:id") { _, context in
            PartnerStoreDTO(try await desk.store(id: try context.parameters.require("id"), for: try context.requirePartner()))
        }
        groups.partners.get("partner/allocations") { request, context in
            let caller = try context.requirePartner(.stockRead)
            let storeId = try await ownStore(request, caller)
            let items = try await desk.allocations(organisationId: caller.organisationId).filter { storeId == nil || $0.storeId == storeId }
            return AllocationList(items: items.map(AllocationDTO.init))
        }
        groups.partners.get("partner/allocations/:id") { _, context in
            let (allocation, moves) = try await desk.allocation(id: try context.parameters.require("id"), for: try context.requirePartner(.stockRead))
            // A partner sees who moved units as the brand or itself, never the brand's staff accounts.
            return AllocationDetailDTO(allocation: AllocationDTO(allocation), moves: moves.map { AllocationMoveDTO($0, seenByPartner: true) })
        }
        addSaleRoutes(to: groups)
        addPriceRoutes(to: groups)
        addSellThroughRoutes(to: groups)
        addBrandProductRoutes(to: groups)
    }

    /// One honest price: staff set minimums, partners advertise at or above them.
    func addPriceRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/minimum-prices") { _, _ in
            MinimumPriceList(items: try await desk.minimumPrices().map(MinimumPriceDTO.init))
        }
        groups.staff.post("staff/minimum-prices") { request, context in
            let body = try await request.decodeJSON(MinimumBody.self, context: context)
            let starts = try PreordersController.date(body.startsAt, field: "startsAt")
            let ends = try body.endsAt.map { try PreordersController.date($0, field: "endsAt") }
            return MinimumPriceDTO(try await desk.setMinimumPrice(skuId: body.skuId, marketCode: body.market, price: body.price, startsAt: starts, endsAt: ends))
                .with(status: .created)
        }
        groups.staff.post("staff/minimum-prices/:id/end") { _, context in
            MinimumPriceDTO(try await desk.endMinimumPrice(id: try context.parameters.require("id")))
        }
        groups.staff.get("staff/price-refusals") { request, _ in
            let organisationId = request.uri.queryParameters["organisationId"].map(String.init)
            return PriceRefusalList(items: try await desk.priceRefusals(organisationId: organisationId).map(PriceRefusalDTO.init))
        }
        groups.partners.put("partner/prices") { request, context in
            let caller = try context.requirePartner(.salesWrite)
            let body = try await request.decodeJSON(AdvertisedBody.self, context: context)
            return AdvertisedPriceDTO(try await desk.advertise(storeId: body.storeId, skuId: body.skuId, price: body.price, for: caller))
        }
        groups.partners.get("partner/prices") { _, context in
            AdvertisedPriceList(items: try await desk.advertisedPrices(for: try context.requirePartner(.salesWrite)).map(AdvertisedPriceDTO.init))
        }
    }

    /// Eco-chain brands' products: submitted by the brand, decided by staff.
    func addBrandProductRoutes(to groups: RouteGroups) {
        groups.partners.post("partner/products") { request, context in
            let caller = try context.requirePartner(.catalogWrite)
            let body = try await request.decodeJSON(ProductBody.self, context: context)
            let submission = ProductSubmission(
                slug: body.slug, texts: body.texts.mapValues { ProductText(name: $0.name, description: $0.description) },
                variants: body.skus.map { variant in
                    ProductSubmission.Variant(code: variant.code, colour: variant.colour, storage: variant.storage, weightGrams: variant.weightGrams,
                                              prices: variant.prices.map { ($0.market, $0.price, CostBasis(billOfMaterials: $0.billOfMaterials, logistics: $0.logistics, duty: $0.duty)) })
                })
            let (product, review) = try await desk.submitProduct(submission, for: caller)
            return BrandProductDTO(product, review).with(status: .created)
        }
        groups.partners.get("partner/products") { _, context in
            BrandProductList(items: try await desk.brandProducts(for: try context.requirePartner(.catalogWrite)).map(BrandProductDTO.init))
        }
        groups.partners.get("partner/products/:id") { _, context in
            let (product, review) = try await desk.brandProduct(id: try context.parameters.require("id"), for: try context.requirePartner(.catalogWrite))
            return BrandProductDTO(product, review)
        }
        groups.staff.put("staff/partners/:id/commission") { request, context in
            let body = try await request.decodeJSON(CommissionBody.self, context: context)
            return OrganisationDTO(try await desk.setCommission(organisationId: try context.parameters.require("id"), basisPoints: body.basisPoints))
        }
        groups.staff.get("staff/partners/:id/settlement") { request, context in
            let (from, to) = try Self.period(request, now: desk.now())
            return SettlementDTO(try await desk.settlement(organisationId: try context.parameters.require("id"), from: from, to: to))
        }
        groups.partners.get("partner/settlement") { request, context in
            let caller = try context.requirePartner(.catalogWrite)
            let (from, to) = try Self.period(request, now: desk.now())
            return SettlementDTO(try await desk.settlement(organisationId: caller.organisationId, from: from, to: to))
        }
        groups.staff.get("staff/product-reviews") { _, _ in
            BrandProductList(items: try await desk.waitingReviews().map(BrandProductDTO.init))
        }
        groups.staff.post("staff/product-reviews/:productId") { request, context in
            let body = try await request.decodeJSON(DecisionBody.self, context: context)
            let review = try await desk.decide(productId: try context.parameters.require("productId"), approve: body.approve, note: body.note ?? "")
            return ReviewDTO(review)
        }
    }

    /// Daily sell-through: stores report it by JSON or CSV, staff read the report.
    func addSellThroughRoutes(to groups: RouteGroups) {
        groups.partners.post("partner/sellthrough") { request, context in
            let caller = try context.requirePartner(.sellthroughWrite)
            let body = try await request.decodeJSON(SellThroughBody.self, context: context)
            let days = try await desk.reportSellThrough(body.items.map { ($0.storeId, $0.skuId, $0.day, $0.sold, $0.onHand, $0.returned) }, for: caller)
            return SellThroughReceipt(lines: days.count).with(status: .created)
        }
        groups.partners.post("partner/sellthrough/csv") { request, context in
            let caller = try context.requirePartner(.sellthroughWrite)
            let media = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard media == "text/csv" else {
                throw APIError(status: .unsupportedMediaType, code: "unsupported_media_type", message: "send the file as text/csv")
            }
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else { throw DomainError.invalid(field: "csv", "must be UTF-8 text") }
            let days = try await desk.reportSellThrough(try PartnerDesk.sellThroughLines(csv: text), for: caller)
            return SellThroughReceipt(lines: days.count).with(status: .created)
        }
        groups.staff.get("staff/sellthrough") { request, _ in
            let days = try Self.days(request)
            let organisationId = request.uri.queryParameters["organisationId"].map(String.init)
            let (lines, daily) = try await desk.sellThrough(organisationId: organisationId, days: days)
            return SellThroughReportDTO(days: days, lines: lines.map(SellThroughLineDTO.init),
                                        daily: daily.map { SellThroughReportDTO.Day(day: $0.day, sold: $0.sold) })
        }
    }

    /// The `storeId` a list is narrowed to: the caller's store, or `not_found` for another's.
    func ownStore(_ request: Request, _ caller: PartnerCaller) async throws -> String? {
        guard let storeId = request.uri.queryParameters["storeId"].map(String.init) else { return nil }
        return try await desk.store(id: storeId, for: caller).id
    }

    /// A statement's period: `from` and `to` dates (`to` exclusive), the current calendar month by default.
    static func period(_ request: Request, now: Date) throws -> (Date, Date) {
        let month = SettlementStatement.month(of: now)
        let from = try request.uri.queryParameters["from"].map { try PreordersController.date(String($0), field: "from") } ?? month.start
        let to = try request.uri.queryParameters["to"].map { try PreordersController.date(String($0), field: "to") } ?? month.end
        return (from, to)
    }

    /// The report's period, `days` (28 by default, 7 to 365).
    static func days(_ request: Request) throws -> Int {
        let text = request.uri.queryParameters["days"].map(String.init) ?? "28"
        guard let days = Int(text), (7...365).contains(days) else { throw DomainError.invalid(field: "days", "a whole number from 7 to 365") }
        return days
    }

    struct SaleReturnBody: Decodable {
        let serials: [String]
        let reason: String
    }

    /// Store sales over the partner API.
    func addSaleRoutes(to groups: RouteGroups) {
        groups.partners.post("partner/sales") { request, context in
            let caller = try context.requirePartner(.salesWrite)
            let key = try Checkout.validate(idempotencyKey: request.headers.value(.idempotencyKey))
            let body = try await request.decodeJSON(SaleBody.self, context: context)
            let sale = try await desk.sell(StoreSaleRequest(storeId: body.storeId, skuId: body.skuId, serials: body.serials, unitPrice: body.unitPrice,
                                                            customerEmail: body.customer.email, customerName: body.customer.name),
                                           idempotencyKey: key, for: caller)
            return StoreSaleDTO(sale).with(status: .created)
        }
        groups.partners.get("partner/sales") { request, context in
            let caller = try context.requirePartner(.salesWrite)
            let storeId = try await ownStore(request, caller)
            return StoreSaleList(items: try await desk.storeSales(for: caller).filter { storeId == nil || $0.storeId == storeId }.map(StoreSaleDTO.init))
        }
        groups.partners.get("partner/sales/:id") { _, context in
            StoreSaleDTO(try await desk.storeSale(id: try context.parameters.require("id"), for: try context.requirePartner(.salesWrite)))
        }
        groups.partners.post("partner/sales/:id/returns") { request, context in
            let caller = try context.requirePartner(.salesWrite)
            let body = try await request.decodeJSON(SaleReturnBody.self, context: context)
            return StoreSaleDTO(try await desk.returnSale(id: try context.parameters.require("id"), serials: body.serials, reason: body.reason, for: caller))
        }
    }

    /// Scopes by name, or `invalid` naming the unknown one.
    static func scopes(_ names: [String]) throws -> Set<PartnerScope> {
        Set(try names.map { name in
            guard let scope = PartnerScope(rawValue: name) else {
                throw DomainError.invalid(field: "scopes", "\(name) is not one of \(PartnerScope.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return scope
        })
    }
}
