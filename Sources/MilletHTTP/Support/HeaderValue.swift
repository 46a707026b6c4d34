import HTTPTypes

extension HTTPFields {
    /// The value of a header, found without building a string: `fields[name]` joins the values
    /// of every field with that name through a lazy map, on every request that asks. A header
    /// sent more than once still answers all its values joined, exactly as that subscript does.
    func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }
}

extension HTTPField.Name {
    /// The header that makes a purchase safe to send again.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
