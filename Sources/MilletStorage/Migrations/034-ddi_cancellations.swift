extension Migration {
    /// Staff's requests that DDI agents cancel the open actions of a stopped rollout, and the
    /// answers: `asked`, then `canceled` or `refused`; one per device and rollout.
    static let ddiCancellations = Migration(version: 34, name: "ddi_cancellations", statements: { _ in
        [
            """
            CREATE TABLE ddi_cancellations (
                rollout_id TEXT NOT NULL REFERENCES rollouts(id), device_id TEXT NOT NULL REFERENCES devices(id),
                answer TEXT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (device_id, rollout_id))
            """,
        ]
    })
}
