import Foundation
@testable import MilletCore
import Testing

/// The rules of a product made to the buyer's choice: a definition staff may save, a buyer's
/// choices, engraving text, prices with options, and the build list's tally.
struct ProductOptionsTests {
    let gb = DemoMarkets.all.first { $0.code == "GB" }!
    let cost = CostBasis(billOfMaterials: 900, logistics: 100, duty: 0)

    func price(_ amount: Int64, _ market: String = "GB") -> OptionPrice { OptionPrice(marketCode: market, price: amount, cost: amount == 0 ? CostBasis(billOfMaterials: 0, logistics: 0, duty: 0) : cost) }

    var definition: ProductOptions {
        ProductOptions(productId: "p", options: [
            ProductOption(code: "back-cover", kind: .choice, names: ["en": "Back cover", "zh-Hans": "后盖"], required: true, choices: [
                OptionChoice(code: "glass", names: ["en": "Glass"], swatch: "#111111", prices: [price(0), price(0, "CN")]),
                OptionChoice(code: "walnut", names: ["en": "Walnut", "zh-Hans": "胡桃木"], swatch: "#7C4A21", prices: [price(1_200)]),
            ]),
            ProductOption(code: "engraving", kind: .text, names: ["en": "Engraving"], required: false,
                          text: TextRule(maxLength: 10, blockedWords: ["Sample"]), prices: [price(1_200)]),
        ])
    }

    @Test func aWellFormedDefinitionWithinTheMarginCapIsAccepted() throws {
        try definition.validate(markets: DemoMarkets.all, pricing: PricingPolicy())
    }

    @Test func aMalformedDefinitionIsRefusedNamingTheField() {
        let cases: [(ProductOption, String)] = [
            (ProductOption(code: "Back Cover", kind: .choice, names: ["en": "x"], required: false, choices: [OptionChoice(code: "a", names: ["en": "a"], prices: [])]), "options[0].code"),
            (ProductOption(code: "cover", kind: .choice, names: ["es": "x"], required: false, choices: [OptionChoice(code: "a", names: ["en": "a"], prices: [])]), "options[0].names"),
            (ProductOption(code: "cover", kind: .choice, names: ["en": "x"], required: false), "options[0].choices"),
            (ProductOption(code: "cover", kind: .choice, names: ["en": "x"], required: false,
                           choices: [OptionChoice(code: "a", names: ["en": "a"], swatch: "red", prices: [])]), "options[0].choices[0].swatch"),
            (ProductOption(code: "cover", kind: .choice, names: ["en": "x"], required: false,
                           choices: [OptionChoice(code: "a", names: ["en": "a"], prices: [price(10, "XX")])]), "options[0].choices[0].prices.XX"),
            (ProductOption(code: "cover", kind: .choice, names: ["en": "x"], required: false,
                           choices: [OptionChoice(code: "a", names: ["en": "a"], prices: [price(-1)])]), "options[0].choices[0].prices.GB.price"),
            (ProductOption(code: "words", kind: .text, names: ["en": "x"], required: false), "options[0].text.maxLength"),
            (ProductOption(code: "words", kind: .text, names: ["en": "x"], required: false, text: TextRule(maxLength: 41)), "options[0].text.maxLength"),
        ]
        for (option, field) in cases {
            #expect(throws: DomainError.self) { try ProductOptions(productId: "p", options: [option]).validate(markets: DemoMarkets.all, pricing: PricingPolicy()) }
            do {
                try ProductOptions(productId: "p", options: [option]).validate(markets: DemoMarkets.all, pricing: PricingPolicy())
            } catch let DomainError.invalidInput(_, fields) {
                #expect(fields.keys.contains(field), "\(fields.keys.sorted()) should name \(field)")
            } catch {
                Issue.record("\(error)")
            }
        }
        let twice = definition.options[0]
        #expect(throws: DomainError.self) { try ProductOptions(productId: "p", options: [twice, twice]).validate(markets: DemoMarkets.all, pricing: PricingPolicy()) }
    }

    @Test func anOptionPricedAboveTheMarginCapIsRefusedLikeAUnit() {
        let greedy = ProductOption(code: "bundle", kind: .choice, names: ["en": "Bundle"], required: false,
                                   choices: [OptionChoice(code: "gold", names: ["en": "Gold"], prices: [price(2_000)])])
        #expect {
            try ProductOptions(productId: "p", options: [greedy]).validate(markets: DemoMarkets.all, pricing: PricingPolicy())
        } throws: { error in
            guard case DomainError.conflict(let code, let message) = error else { return false }
            return code == "margin_cap_exceeded" && message.hasPrefix("bundle/gold in GB:")
        }
    }

    @Test func choicesAreCheckedPricedAndNamedInTheBuyersLanguage() throws {
        let chosen = try definition.configure(["back-cover": "walnut", "engraving": " 李雷 & Ana "], marketCode: "GB", language: "zh-Hans")
        #expect(chosen.map(\.value) == ["walnut", "李雷 & Ana"] && chosen.map(\.name) == ["后盖", "Engraving"] && chosen.map(\.label) == ["胡桃木", "“李雷 & Ana”"])
        #expect(chosen.price == 2_400 && chosen.summary == "后盖: 胡桃木; Engraving: “李雷 & Ana”")
        // Left-out optional options add nothing.
        #expect(try definition.configure(["back-cover": "glass"], marketCode: "GB", language: "en").price == 0)
        let refusals: [([String: String], String, String)] = [
            ([:], "options.back-cover", "is required"),
            (["back-cover": "oak"], "options.back-cover", "no such choice"),
            (["back-cover": "glass", "colour": "red"], "options.colour", "this product has no such option"),
            (["back-cover": "glass", "engraving": "Ada Lovelace!"], "options.engraving", "at most 10 characters"),
            (["back-cover": "glass", "engraving": "Ada  Love"], "options.engraving", "one space between words"),
            (["back-cover": "glass", "engraving": "Ada 🚀"], "options.engraving", "letters, digits, spaces and . , ' & ! ? - only"),
            (["back-cover": "glass", "engraving": "a<b>"], "options.engraving", "letters, digits, spaces and . , ' & ! ? - only"),
            (["back-cover": "glass", "engraving": "my SAMPLE"], "options.engraving", "the word \"Sample\" cannot be engraved"),
        ]
        for (selection, field, message) in refusals {
            #expect(throws: DomainError.invalid(field: field, message)) { try definition.configure(selection, marketCode: "GB", language: "en") }
        }
        // Walnut is not sold in China, nor is the engraving.
        #expect(throws: DomainError.invalid(field: "options.back-cover", "not sold in CN")) {
            try definition.configure(["back-cover": "walnut"], marketCode: "CN", language: "en")
        }
        #expect(definition.offered(in: "CN").map(\.code) == ["back-cover"] && definition.offered(in: "CN")[0].choices.map(\.code) == ["glass"])
    }

    @Test func aConfiguredUnitPaysItsOptionsWithTheBalanceOrAllAtOnce() throws {
        let options = try definition.configure(["back-cover": "walnut"], marketCode: "GB", language: "en")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let address = try ShippingAddress(name: "A", line1: "1 Road", city: "Leeds", postcode: "", phone: "+44 113 496 0000")
        func batch(deposit: Int64?) throws -> ProductionBatch {
            try BatchPlan(skuId: "s", marketCode: "GB", units: 5, shipFrom: now.addingTimeInterval(86_400), shipTo: now.addingTimeInterval(7 * 86_400),
                          deposit: deposit).batch(price: 30_000, currency: "GBP", number: 1, now: now)
        }
        let preorder = Preorder(id: "p", batchId: "b", accountId: "a", depositOrderId: "d", balanceOrderId: nil, status: .reserved, address: address,
                                createdAt: now, options: options)
        let withDeposit = try batch(deposit: 5_000), full = try batch(deposit: nil)
        #expect(preorder.unitPrice(in: withDeposit) == 31_200 && preorder.deposit(in: withDeposit) == 5_000 && preorder.balance(in: withDeposit) == 26_200)
        #expect(preorder.deposit(in: full) == 31_200 && preorder.balance(in: full) == 0)
        // The configured unit's cost breakdown adds the options' costs to the unit's.
        let unit = SKUPrice(skuId: "s", marketCode: "GB", shelfPrice: 30_000, cost: CostBasis(billOfMaterials: 20_000, logistics: 3_000, duty: 1_000)).adding(options)
        #expect(unit.shelfPrice == 31_200 && unit.cost == CostBasis(billOfMaterials: 20_900, logistics: 3_100, duty: 1_000))
    }

    @Test func theBuildListCountsEachOptionValueAcrossItsUnits() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let address = try ShippingAddress(name: "A", line1: "1 Road", city: "Leeds", postcode: "", phone: "+44 113 496 0000")
        let batch = try BatchPlan(skuId: "s", marketCode: "GB", units: 5, shipFrom: now.addingTimeInterval(86_400), shipTo: now.addingTimeInterval(86_400),
                                  deposit: nil).batch(price: 30_000, currency: "GBP", number: 1, now: now)
        let units = try [["back-cover": "walnut"], ["back-cover": "walnut", "engraving": "Ana"], ["back-cover": "glass"]].enumerated().map { index, selection in
            Preorder(id: "p\(index)", batchId: batch.id, accountId: "a", depositOrderId: "d\(index)", balanceOrderId: nil, status: .reserved,
                     address: address, createdAt: now, options: try definition.configure(selection, marketCode: "GB", language: "en"))
        }
        let parts = BatchBuildList(batch: batch, units: units).parts
        #expect(parts.map { "\($0.option)=\($0.value)×\($0.units)" } == ["back-cover=walnut×2", "back-cover=glass×1", "engraving=×1"])
    }

    @Test func anEngravingIsWhatPeopleSeeWithNothingHiddenInIt() throws {
        let rule = TextRule(maxLength: 10, blockedWords: ["official", "官方"])
        // Accents, vowel signs and other scripts are letters; compatibility forms fold to plain ones.
        #expect(try rule.accept("Zoë", option: "e") == "Zoë")
        #expect(try rule.accept("प्रिया", option: "e") == "प्रिया")
        #expect(try rule.accept("O\u{2019}Brien", option: "e") == "O'Brien")
        #expect(try rule.accept("ＡＮＡ\u{3000}7", option: "e") == "ANA 7")
        let refused: [(String, OptionRefusal.Reason)] = [
            ("A" + String(repeating: "\u{301}", count: 60), .tooLong),
            ("Ana\u{200D}Bo", .characters), ("Ana\u{FE0F}", .characters), ("Ana\u{E0041}", .characters), ("1\u{FE0F}\u{20E3}", .characters),
            ("\u{301}Ana", .characters), ("Ana\u{202E}", .characters), ("a<b>", .characters),
            ("offi-cial", .blockedWord), ("OFFICIAL", .blockedWord), ("ＯＦＦＩＣＩＡＬ", .blockedWord), ("offícial", .blockedWord), ("小米官方店", .blockedWord),
            ("", .empty), ("   ", .empty), ("Ana  Bo", .spaces),
        ]
        for (text, reason) in refused {
            #expect(throws: OptionRefusal(option: "e", reason: reason, detail: reason == .tooLong ? "10" : reason == .blockedWord ? (text.contains("官") ? "官方" : "official") : "")) {
                try rule.accept(text, option: "e")
            }
        }
        // A blocked Latin word is a word: "unofficial" is someone's own.
        #expect(try rule.accept("unofficial", option: "e") == "unofficial")
    }

    @Test func aDefinitionStaffTypeIsReadStrictly() throws {
        let decoder = JSONDecoder()
        let good = #"[{"code": "engraving", "kind": "text", "names": {"en": "Engraving"}, "text": {"maxLength": 12}, "prices": []}]"#
        #expect(try decoder.decode([ProductOption].self, from: Data(good.utf8)).first?.text == TextRule(maxLength: 12))
        for typo in [#"[{"code": "a", "kind": "text", "names": {"en": "A"}, "require": true}]"#,
                     ##"[{"code": "a", "kind": "choice", "names": {"en": "A"}, "choices": [{"code": "b", "names": {"en": "B"}, "prices": [], "colour": "#000000"}]}]"##,
                     #"[{"code": "a", "kind": "text", "names": {"en": "A"}, "text": {"maxLength": 5, "blocked": []}}]"#] {
            #expect(throws: DecodingError.self) { try decoder.decode([ProductOption].self, from: Data(typo.utf8)) }
        }
        let cases: [(ProductOption, String)] = [
            (ProductOption(code: "1", kind: .text, names: ["en": "x"], required: false, text: TextRule(maxLength: 5)), "options[0].code"),
            (ProductOption(code: "words", kind: .text, names: ["en": "x", "EN": "y"], required: false, text: TextRule(maxLength: 5)), "options[0].names"),
            (ProductOption(code: "words", kind: .text, names: ["en": "x"], required: false, text: TextRule(maxLength: 5, blockedWords: ["two words"])),
             "options[0].text.blockedWords"),
            (ProductOption(code: "cover", kind: .choice, names: ["en": "x"], required: false,
                           choices: [OptionChoice(code: "a", names: ["en": "a"], swatch: "#ＡＢＣ１２３", prices: [])]), "options[0].choices[0].swatch"),
        ]
        for (option, field) in cases {
            do {
                try ProductOptions(productId: "p", options: [option]).validate(markets: DemoMarkets.all, pricing: PricingPolicy())
                Issue.record("\(field) should be refused")
            } catch let DomainError.invalidInput(_, fields) {
                #expect(fields.keys.contains(field), "\(fields.keys.sorted()) should name \(field)")
            }
        }
    }

    @Test func aRequiredOptionNotSoldInAMarketIsNotRequiredThereAndReadsInTheReadersLanguage() throws {
        // The cover is required, but only walnut is sold in India: an Indian unit may go without it.
        let indian = ProductOptions(productId: "p", options: [ProductOption(code: "back-cover", kind: .choice, names: ["en": "Back cover", "hi": "पिछला कवर"],
                                                                            required: true, choices: [definition.options[0].choices[1]])])
        #expect(try indian.configure([:], marketCode: "IN", language: "en").isEmpty)
        #expect(throws: DomainError.invalid(field: "options.back-cover", "is required")) { try indian.configure([:], marketCode: "GB", language: "en") }
        let chosen = try definition.configure(["back-cover": "walnut"], marketCode: "GB", language: "en")
        #expect(definition.wording(of: chosen[0], in: "zh-Hans") == ("后盖", "胡桃木"))
        // Demo options keep the brand's margin in every market: never below cost, never above the cap.
        var warehouses: [String: Warehouse] = [:]
        for market in DemoMarkets.all {
            warehouses[market.code] = Warehouse(id: market.code, marketCode: market.code, name: market.code, isLocalFactory: ["IN", "ID"].contains(market.code))
        }
        let demo = DemoOptions.note3(productId: "p", warehouses: warehouses)
        try demo.validate(markets: DemoMarkets.all, pricing: PricingPolicy())
        for option in demo.options {
            for price in option.prices + option.choices.flatMap(\.prices) where price.price > 0 {
                let market = try #require(DemoMarkets.all.first { $0.code == price.marketCode })
                let margin = PricingPolicy().breakdown(of: SKUPrice(skuId: "s", marketCode: market.code, shelfPrice: price.price, cost: price.cost), tax: market.tax).margin
                #expect(margin >= 0, "\(option.code) in \(market.code)")
            }
        }
    }
}
