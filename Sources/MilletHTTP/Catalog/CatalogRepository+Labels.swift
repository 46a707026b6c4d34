import MilletCore

extension CatalogRepository {
    /// "Millet Note 3 · MN3-BLK-128" by SKU id, for the console's and the partner pages' lists and pickers.
    func skuLabels(language: String, includeUnpublished: Bool) async throws -> [String: String] {
        var names: [String: String] = [:]
        for product in try await products(includeUnpublished: includeUnpublished, offset: 0, limit: 200) {
            for sku in product.skus { names[sku.id] = "\(product.text(in: language).name) · \(sku.code)" }
        }
        return names
    }
}
