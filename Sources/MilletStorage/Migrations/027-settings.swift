extension Migration {
    /// Settings the server keeps for itself, such as the sandbox payment secret it generated.
    static let settings = Migration(version: 27, name: "settings", statements: { _ in
        ["CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)"]
    })
}
