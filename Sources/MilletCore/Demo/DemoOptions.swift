import Foundation

/// The Note 3 made to the buyer's choice in the demo store: a back cover other than the
/// variant's glass, an engraving and a bundle, none of them required, each priced in every
/// market about 4% over what it costs, like the phone itself.
enum DemoOptions {
    static func note3(productId: String, warehouses: [String: Warehouse]) -> ProductOptions {
        func prices(_ costInFen: Int64) -> [OptionPrice] {
            DemoMarkets.all.map { market in
                let price = DemoData.price(costInFen: costInFen, market: market, localFactory: warehouses[market.code]?.isLocalFactory ?? false, fine: true)
                return OptionPrice(marketCode: market.code, price: price.shelf, cost: price.cost)
            }
        }
        let cover = ProductOption(
            code: "back-cover", kind: .choice,
            names: ["en": "Back cover", "es": "Tapa trasera", "hi": "पिछला कवर", "id": "Tutup belakang", "zh-Hans": "后盖"], required: false,
            choices: [
                OptionChoice(code: "sunset", names: ["en": "Sunset orange", "es": "Naranja atardecer", "hi": "सूर्यास्त नारंगी", "id": "Oranye senja", "zh-Hans": "落日橙"],
                             swatch: "#c2410c", prices: prices(4_900)),
                OptionChoice(code: "walnut", names: ["en": "Walnut wood", "es": "Madera de nogal", "hi": "अखरोट की लकड़ी", "id": "Kayu walnut", "zh-Hans": "胡桃木"],
                             swatch: "#7c4a21", prices: prices(9_900)),
            ])
        let engraving = ProductOption(
            code: "engraving", kind: .text,
            names: ["en": "Engraving", "es": "Grabado", "hi": "नक़्क़ाशी", "id": "Ukiran", "zh-Hans": "镌刻"], required: false,
            text: TextRule(maxLength: 20, blockedWords: ["official", "sample"]), prices: prices(2_900))
        let bundle = ProductOption(
            code: "bundle", kind: .choice,
            names: ["en": "Bundle", "es": "Pack", "hi": "बंडल", "id": "Paket", "zh-Hans": "套装"], required: false,
            choices: [
                OptionChoice(code: "case-charger", names: ["en": "Case and 33 W charger", "es": "Funda y cargador de 33 W", "hi": "केस और 33 W चार्जर",
                                                           "id": "Casing dan pengisi daya 33 W", "zh-Hans": "保护壳和 33W 充电器"], prices: prices(6_900)),
            ])
        return ProductOptions(productId: productId, options: [cover, engraving, bundle])
    }
}
