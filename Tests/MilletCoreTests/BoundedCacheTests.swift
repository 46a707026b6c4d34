import MilletCore
import Testing

struct BoundedCacheTests {
    /// It keeps what it was given until it holds `limit` entries and a new key comes; then it
    /// starts over with that key. A key it holds is replaced without starting over.
    @Test func aFullCacheStartsOverOnlyForANewKey() {
        let cache = BoundedCache<String, Int>(limit: 2)
        cache.store(1, for: "a")
        cache.store(2, for: "b")
        cache.store(20, for: "b")
        #expect(cache["a"] == 1 && cache["b"] == 20)
        cache.store(3, for: "c")
        #expect(cache["a"] == nil && cache["b"] == nil && cache["c"] == 3)
    }
}
