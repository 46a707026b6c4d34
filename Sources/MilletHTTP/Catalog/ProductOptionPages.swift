import Foundation
import Hummingbird
import MilletCore

/// The staff console's page for a product made to the buyer's choice: every option with each
/// choice's price and cost per market, and the whole definition to edit as JSON (the same
/// document the API takes), refused with the field named and the text kept when a rule is broken.
struct ProductOptionPages {
    let pages: PageKit
    let desk: CatalogDesk
    let catalog: any CatalogRepository

    struct DefinitionForm: Decodable {
        let definition: String
    }

    func addRoutes(to groups: RouteGroups) {
        groups.staff.get("staff/products/:id/options") { request, context in
            let chrome = try await pages.chrome(request, context)
            let product = try await product(try context.parameters.require("id"))
            let options = try await catalog.options(productId: product.id).options
            return try page(product, options: options, text: try Self.pretty(options), saved: request.uri.queryParameters["saved"] != nil, error: nil, chrome: chrome)
        }
        groups.staff.post("staff/products/:id/options") { request, context in
            let chrome = try await pages.chrome(request, context)
            let product = try await product(try context.parameters.require("id"))
            let typed = try await request.decodeForm(DefinitionForm.self, context: context)
            do {
                let options: [ProductOption]
                do {
                    options = try JSONDecoder().decode([ProductOption].self, from: Data(typed.definition.utf8))
                } catch {
                    throw DomainError.invalid(field: "definition", "must be a JSON list of options like the one shown: \(Self.reason(error))")
                }
                _ = try await desk.setOptions(productId: product.id, options)
                return redirect("/staff/products/\(product.id)/options?saved=1")
            } catch let error as DomainError {
                let current = try await catalog.options(productId: product.id).options
                return try page(product, options: current, text: typed.definition, saved: false, error: error, chrome: chrome)
            }
        }
    }

    private func product(_ id: String) async throws -> Product {
        guard Identifier.isWellFormed(id), let product = try await catalog.product(id: id) else { throw DomainError.notFound(what: "product") }
        return product
    }

    private func page(_ product: Product, options: [ProductOption], text: String, saved: Bool, error: DomainError?, chrome: PageChrome) throws -> Response {
        let language = chrome.preferences.language
        var rows: [[String: Any]] = []
        for option in options {
            let priced = option.kind == .text ? [(option.name(in: language), option.prices)] : option.choices.map { ($0.name(in: language), $0.prices) }
            for (label, prices) in priced {
                rows.append(["option": option.name(in: language), "code": option.code, "kind": option.kind.rawValue, "required": option.required,
                             "choice": label, "prices": prices.map { price -> [String: Any] in
                                 let market = chrome.markets.first { $0.code == price.marketCode }
                                 let money = { (minor: Int64) in
                                     chrome.format.money(minor, currency: market?.currency.code ?? "", minorDigits: market?.currency.minorDigits ?? 2)
                                 }
                                 return ["market": price.marketCode, "price": money(price.price), "cost": money(price.cost.total)]
                             }])
            }
        }
        var data: [String: Any] = ["id": product.id, "name": product.text(in: language).name, "rows": rows, "empty": rows.isEmpty,
                                   "definition": text, "saved": saved]
        if let error { data["error"] = PageKit.refusal(error, strings: pages.strings(language)) }
        return pages.page("staff-product-options", data, chrome: chrome, status: error.map { APIError($0).status } ?? .ok)
    }

    /// The definition as staff edit it: indented, keys sorted.
    static func pretty(_ options: [ProductOption]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(options), as: UTF8.self)
    }

    /// Where a JSON document went wrong, in a few words.
    private static func reason(_ error: any Error) -> String {
        let path = { (context: DecodingError.Context) in context.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return context.codingPath.isEmpty ? "the whole text must be a list [ ... ]" : "\(path(context)) has the wrong type"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
        default: return "not valid JSON"
        }
    }
}
