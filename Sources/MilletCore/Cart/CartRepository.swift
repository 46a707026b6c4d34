/// Who a cart belongs to: an account, or a guest known by a cookie token.
public enum CartOwner: Hashable, Sendable {
    case account(String)
    case guest(String)
}

/// Stored carts.
public protocol CartRepository: Sendable {
    /// The owner's cart in a market, created empty if there is none. A cart found in another
    /// market is switched to this one (its items kept; they are priced at checkout).
    func cart(for owner: CartOwner, marketCode: String) async throws -> Cart
    /// Sets a SKU's quantity; 0 removes it.
    func setQuantity(cartId: String, skuId: String, quantity: Int) async throws
    /// Moves a guest's items into the account's cart and deletes the guest cart.
    func mergeGuestCart(token: String, into accountId: String, marketCode: String) async throws
}
