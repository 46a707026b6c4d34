import Foundation
import Testing

/// Every page string exists in every demo language.
struct TranslationTests {
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/MilletHTTP/Resources")

    func strings(_ language: String) throws -> [String: String] {
        try JSONDecoder().decode([String: String].self, from: Data(contentsOf: Self.resources.appendingPathComponent("i18n/\(language).json")))
    }

    @Test(arguments: ["es", "hi", "id", "zh-Hans"]) func everyLanguageHasEveryKey(language: String) throws {
        let english = try strings("en"), other = try strings(language)
        #expect(Set(english.keys).subtracting(other.keys).sorted() == [])
        #expect(Set(other.keys).subtracting(english.keys).sorted() == [])
        #expect(other.values.allSatisfy { !$0.isEmpty })
    }

    /// A key written twice (the decoder keeps one silently) is a string someone changed in vain.
    @Test(arguments: ["en", "es", "hi", "id", "zh-Hans"]) func noLanguageNamesAKeyTwice(language: String) throws {
        let text = try String(contentsOf: Self.resources.appendingPathComponent("i18n/\(language).json"), encoding: .utf8)
        var seen: Set<String> = [], twice: [String] = []
        for match in text.matches(of: /(?m)^\s*"([^"]+)"\s*:/) where !seen.insert(String(match.1)).inserted { twice.append(String(match.1)) }
        #expect(twice == [])
    }

    @Test func everyStringATemplateUsesExists() throws {
        let english = try strings("en")
        let directory = Self.resources.appendingPathComponent("templates")
        var missing: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /\{\{t\.([a-z0-9_]+)\}\}/) where english[String(match.1)] == nil {
                missing.append("\(file): \(match.1)")
            }
        }
        #expect(missing == [])
    }
}
