extension Migration {
    /// The photos a fan sends with a service case, by the SHA-256 of the image kept on disk.
    static let serviceCasePhotos = Migration(version: 24, name: "service_case_photos", statements: { _ in
        [
            """
            CREATE TABLE service_case_photos (
                case_id TEXT NOT NULL REFERENCES service_cases(id), seq BIGINT NOT NULL, sha256 TEXT NOT NULL, content_type TEXT NOT NULL,
                size BIGINT NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (case_id, seq))
            """,
        ]
    })
}
