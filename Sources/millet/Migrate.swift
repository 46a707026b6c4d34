import ArgumentParser
import MilletStorage

/// Applies pending schema migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOption

    func run() async throws {
        let store = try await SQLStore.open(database.location)
        let applied: [String], version: Int
        do {
            applied = try await store.migrate()
            version = try await store.schemaVersion()
        } catch {
            await store.close()
            throw error
        }
        print(applied.isEmpty ? "schema is up to date at version \(version)" : "applied \(applied.joined(separator: ", ")); now at version \(version)")
        await store.close()
    }
}
