import Hummingbird
import MilletCore

/// Products made to the buyer's choice over the API: anyone reads a product's options as a market
/// sells them; staff read and replace the whole definition, held to the margin cap (``CatalogDesk``).
struct ProductOptionsController {
    let desk: CatalogDesk
    let catalog: any CatalogRepository
    let markets: any MarketRepository
    let storefront: Storefront

    struct DefinitionBody: Decodable {
        let options: [ProductOption]
    }

    func addRoutes(to groups: RouteGroups) {
        groups.open.get("products/:key/options") { request, context in
            let market = try await markets.requireMarket(try request.query("market"))
            let language = request.uri.queryParameters["language"].map(String.init) ?? market.defaultLanguage
            let product = try await storefront.product(try context.parameters.require("key"))
            let options = try await catalog.options(productId: product.id)
            return OfferedOptionsDTO(productId: product.id, market: market, language: language, options: options.offered(in: market.code))
        }
        groups.staff.get("staff/products/:id/options") { _, context in
            let product = try await storefront.product(try context.parameters.require("id"), includeUnpublished: true)
            return DefinitionDTO(productId: product.id, options: try await catalog.options(productId: product.id).options)
        }
        groups.staff.put("staff/products/:id/options") { request, context in
            let body = try await request.decodeJSON(DefinitionBody.self, context: context)
            let product = try await storefront.product(try context.parameters.require("id"), includeUnpublished: true)
            let saved = try await desk.setOptions(productId: product.id, body.options)
            return DefinitionDTO(productId: saved.productId, options: saved.options)
        }
    }
}

/// A product's options as one market buys them, named in one language.
struct OfferedOptionsDTO: ResponseEncodable, Sendable {
    struct Choice: Encodable, Sendable {
        let code, name: String
        let swatch: String?
        let price: MoneyDTO
    }

    struct Option: Encodable, Sendable {
        let code, kind, name: String
        let required: Bool
        /// A text option: its longest text and its price.
        let maxLength: Int?
        let price: MoneyDTO?
        let choices: [Choice]
    }

    let productId, market: String
    let options: [Option]

    init(productId: String, market: Market, language: String, options: [ProductOption]) {
        self.productId = productId
        self.market = market.code
        let money = { (prices: [OptionPrice]) in prices.first { $0.marketCode == market.code }.map { MoneyDTO(amount: $0.price, currency: market.currency.code) } }
        self.options = options.map { option in
            Option(code: option.code, kind: option.kind.rawValue, name: option.name(in: language), required: option.required,
                   maxLength: option.text?.maxLength, price: money(option.prices),
                   choices: option.choices.compactMap { choice in
                       money(choice.prices).map { Choice(code: choice.code, name: choice.name(in: language), swatch: choice.swatch, price: $0) }
                   })
        }
    }
}

/// A product's whole option definition, as staff set it.
struct DefinitionDTO: ResponseEncodable, Sendable {
    let productId: String
    let options: [ProductOption]
}

/// One option as a buyer chose it.
struct ChosenOptionDTO: Encodable, Sendable {
    let option, name, value, label: String
    let price: Int64

    init(_ chosen: ChosenOption) {
        option = chosen.option
        name = chosen.name
        value = chosen.value
        label = chosen.label
        price = chosen.price
    }
}
