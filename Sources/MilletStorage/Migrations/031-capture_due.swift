extension Migration {
    /// When an authorized payment's capture became due, kept while its attempts move
    /// `capture_next_at`: the capture outbox's age counts from it, not from when the fan opened
    /// the pay page. Payments authorized before take their creation time.
    static let captureDue = Migration(version: 31, name: "capture_due", statements: { _ in
        [
            "ALTER TABLE payments ADD COLUMN capture_due_at BIGINT",
            "UPDATE payments SET capture_due_at = created_at WHERE status = 'authorized'",
        ]
    })
}
