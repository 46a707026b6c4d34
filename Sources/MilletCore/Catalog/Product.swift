import Foundation

/// A product fans can buy, such as a phone model, with its variants.
public struct Product: Hashable, Sendable, Codable {
    public let id: String
    /// The URL name, for example `millet-note-3`.
    public let slug: String
    public var published: Bool
    /// Path of the product image under `/static`.
    public let imagePath: String
    /// Name and description per language.
    public var texts: [String: ProductText]
    public var skus: [SKU]
    /// The eco-chain brand (a partner organisation) that makes it; `nil` for the brand's own.
    public let brandId: String?

    public init(id: String, slug: String, published: Bool, imagePath: String, texts: [String: ProductText], skus: [SKU], brandId: String? = nil) {
        self.brandId = brandId
        self.id = id
        self.slug = slug
        self.published = published
        self.imagePath = imagePath
        self.texts = texts
        self.skus = skus
    }

    /// The text in `language`, falling back to English, then to any text there is.
    public func text(in language: String) -> ProductText {
        texts[language] ?? texts["en"] ?? texts.values.first ?? ProductText(name: slug, description: "")
    }
}

/// A product's name and description in one language.
public struct ProductText: Hashable, Sendable, Codable {
    public let name: String
    public let description: String

    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}

/// One sellable variant of a product (a colour and storage size), the unit stock is counted in.
public struct SKU: Hashable, Sendable, Codable {
    public let id: String
    public let productId: String
    /// The stock-keeping code printed on the box, for example `MN3-BLK-128`.
    public let code: String
    public let colour: String
    public let storage: String
    /// Boxed weight, which prices shipping by weight.
    public let weightGrams: Int

    public init(id: String, productId: String, code: String, colour: String, storage: String, weightGrams: Int = 0) {
        self.id = id
        self.productId = productId
        self.code = code
        self.colour = colour
        self.storage = storage
        self.weightGrams = weightGrams
    }
}
