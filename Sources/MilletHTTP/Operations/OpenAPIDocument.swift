import Foundation

/// The OpenAPI document served at `/openapi.yaml`, written as one file per feature in
/// `Resources/openapi/` and put together when the router is built.
///
/// `head.yaml` holds `openapi`, `info`, `servers` and `components`, ending with
/// `components.schemas` and the schemas many features share (`Error`, `Page`, ...). Every other
/// `.yaml` file is a feature, named as its folder under `Sources/MilletHTTP` (`orders.yaml`), with
/// two top-level keys: `schemas:` (entries indented four spaces, as under `components.schemas`)
/// and `paths:` (entries indented two spaces, as under `paths`); either may be `{}`. Because every
/// entry already sits at its place in the whole document, assembling is text work: the head, every
/// feature's schemas appended under `components.schemas`, then `paths:` and every feature's paths,
/// features in file-name order. No YAML parser is involved; a schema or path defined twice is refused.
enum OpenAPIDocument {
    /// A file that does not follow the layout above.
    struct LayoutError: Error, CustomStringConvertible {
        let file: String
        let reason: String
        var description: String { "OpenAPI \(file): \(reason)" }
    }

    /// Reads `head.yaml` and every other `.yaml` file in `directory` (sorted by name) and answers
    /// the one document they make.
    static func assemble(directory: String) throws -> String {
        let features = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".yaml") && $0 != "head.yaml" }
            .sorted()
        let head = try lines(of: directory + "/head.yaml")
        var schemaOwners: [Substring: String] = [:]
        for name in try sharedSchemaNames(head) {
            guard schemaOwners.updateValue("head.yaml", forKey: name) == nil else {
                throw LayoutError(file: "head.yaml", reason: "schema \(name) is defined twice")
            }
        }
        var pathOwners: [Substring: String] = [:]
        var schemas: [Substring] = []
        var paths: [Substring] = []
        for file in features {
            let feature = try sections(of: try lines(of: directory + "/" + file), file: file)
            for name in keys(in: feature.schemas, indent: 4) {
                if let owner = schemaOwners.updateValue(file, forKey: name) {
                    throw LayoutError(file: file, reason: "schema \(name) is already defined in \(owner)")
                }
            }
            for path in keys(in: feature.paths, indent: 2) {
                if let owner = pathOwners.updateValue(file, forKey: path) {
                    throw LayoutError(file: file, reason: "path \(path) is already defined in \(owner)")
                }
            }
            schemas += feature.schemas
            paths += feature.paths
        }
        return (head + schemas + ["paths:"] + paths).joined(separator: "\n") + "\n"
    }

    /// The path keys of a document (`/api/v1/orders/{id}`), in the order written: the lines
    /// `  /...:` under the top-level `paths:`.
    static func paths(in document: String) -> [String] {
        var inPaths = false
        var found: [String] = []
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if isTopLevel(line) {
                inPaths = line == "paths:"
            } else if inPaths, line.hasPrefix("  /"), line.hasSuffix(":") {
                found.append(String(line.dropFirst(2).dropLast()))
            }
        }
        return found
    }

    // MARK: - Text

    /// A file's lines without the trailing blank ones.
    private static func lines(of path: String) throws -> [Substring] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while let last = lines.last, isBlank(last) { lines.removeLast() }
        return lines
    }

    /// The shared schemas' names, checking that the head ends with `components.schemas` (the
    /// features' schemas are appended to it) and has no `paths:` of its own.
    private static func sharedSchemaNames(_ head: [Substring]) throws -> [Substring] {
        guard !head.contains(where: { $0 == "paths:" }) else {
            throw LayoutError(file: "head.yaml", reason: "paths belong in the feature files")
        }
        guard let start = head.firstIndex(of: "  schemas:") else {
            throw LayoutError(file: "head.yaml", reason: "components must end with \"  schemas:\"")
        }
        let entries = head[(start + 1)...]
        if let stray = entries.first(where: { !isBlank($0) && !isComment($0) && !$0.hasPrefix("    ") }) {
            throw LayoutError(file: "head.yaml", reason: "\"\(stray)\" follows components.schemas, which must come last")
        }
        return keys(in: Array(entries), indent: 4)
    }

    /// A feature file's entries under `schemas:` and under `paths:`. Blank and comment lines before
    /// the first key are skipped.
    private static func sections(of lines: [Substring], file: String) throws -> (schemas: [Substring], paths: [Substring]) {
        enum Section { case none, empty, schemas, paths }
        var section = Section.none
        var seen: Set<Substring> = []
        var schemas: [Substring] = []
        var paths: [Substring] = []
        for line in lines {
            if isTopLevel(line) {
                let key = line.hasSuffix(" {}") ? line.dropLast(3) : line
                guard key == "schemas:" || key == "paths:" else {
                    throw LayoutError(file: file, reason: "\"\(line)\": a feature file has only schemas: and paths:")
                }
                guard seen.insert(key).inserted else { throw LayoutError(file: file, reason: "\(key) appears twice") }
                section = key.count < line.count ? .empty : key == "schemas:" ? .schemas : .paths
                continue
            }
            if isBlank(line) || isComment(line) {
                if section == .schemas { schemas.append(line) } else if section == .paths { paths.append(line) }
                continue
            }
            switch section {
            case .schemas where line.hasPrefix("    "): schemas.append(line)
            case .paths where line.hasPrefix("  "): paths.append(line)
            case .none: throw LayoutError(file: file, reason: "\"\(line)\" comes before schemas: or paths:")
            case .empty: throw LayoutError(file: file, reason: "\"\(line)\" follows a section written {}")
            case .schemas: throw LayoutError(file: file, reason: "\"\(line)\": schema entries are indented four spaces")
            case .paths: throw LayoutError(file: file, reason: "\"\(line)\": path entries are indented two spaces")
            }
        }
        while let last = schemas.last, isBlank(last) || isComment(last) { schemas.removeLast() }
        while let last = paths.last, isBlank(last) || isComment(last) { paths.removeLast() }
        return (schemas, paths)
    }

    /// The keys of the mapping whose entries start `indent` spaces in: `    Order:` gives `Order`.
    private static func keys(in lines: [Substring], indent: Int) -> [Substring] {
        lines.compactMap { line in
            let rest = line.dropFirst(indent)
            guard line.prefix(indent).allSatisfy({ $0 == " " }), let first = rest.first, first != " ", first != "#",
                let colon = rest.firstIndex(of: ":")
            else { return nil }
            return rest[..<colon]
        }
    }

    /// A line that starts a top-level key (no indentation, not a comment).
    private static func isTopLevel(_ line: Substring) -> Bool {
        guard let first = line.first else { return false }
        return first != " " && first != "#"
    }

    private static func isBlank(_ line: Substring) -> Bool { line.allSatisfy { $0 == " " || $0 == "\r" } }

    private static func isComment(_ line: Substring) -> Bool { line.drop { $0 == " " }.hasPrefix("#") }
}
