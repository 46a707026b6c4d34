extension Migration {
    /// Inbox messages say what they are about and keep their template's values, so pages can
    /// show them in the reader's language.
    static let inboxKinds = Migration(version: 8, name: "inbox_kinds", statements: { _ in
        ["ALTER TABLE inbox ADD COLUMN kind TEXT", "ALTER TABLE inbox ADD COLUMN params TEXT"]
    })
}
