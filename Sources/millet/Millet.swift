import ArgumentParser

/// `millet serve | migrate | bench | devices`.
@main
struct Millet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "millet",
        abstract: "Run an internet-first hardware brand: direct store, orders, payments.",
        subcommands: [Serve.self, Migrate.self, Bench.self, Devices.self],
        defaultSubcommand: Serve.self)
}

/// Where the database is: `--database`, then `MILLET_DATABASE`, then `./millet.sqlite`.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "SQLite file path or postgres://user:pass@host:port/db (env MILLET_DATABASE).")
    var database: String?

    var location: String {
        database ?? Environment.value("MILLET_DATABASE") ?? "millet.sqlite"
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
