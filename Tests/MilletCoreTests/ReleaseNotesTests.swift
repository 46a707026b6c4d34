import Foundation
import MilletCore
import Testing

/// Release notes group by kind and credit the fans; weekly releases default to Friday.
struct ReleaseNotesTests {
    @Test func notesGroupByKindMostVotedFirstAndCreditTheReporter() {
        let notes = ReleaseNotes.write(version: "14.0.7", channel: .stable, lines: [
            ReleaseNoteLine(kind: .idea, title: "Dark mode in settings", reporter: "Ravi", votes: 1),
            ReleaseNoteLine(kind: .bug, title: "Wi-Fi drops", reporter: "Asha", votes: 12),
            ReleaseNoteLine(kind: .bug, title: "Camera freezes", reporter: "Mei", votes: 40),
        ])
        #expect(notes == """
            Version 14.0.7 (stable)

            Fixed
            - Camera freezes (reported by Mei, 40 votes)
            - Wi-Fi drops (reported by Asha, 12 votes)

            New
            - Dark mode in settings (reported by Ravi, 1 vote)

            """)
    }

    @Test func theWeeklyReleaseDefaultsToTheNextFriday() {
        // 2026-11-24 is a Tuesday; a Friday gives the Friday after.
        let tuesday = Date(timeIntervalSince1970: 1_795_514_400)  // 2026-11-24T10:00:00Z
        let friday = Release.nextFriday(after: tuesday)
        #expect(ISO8601DateFormatter().string(from: friday) == "2026-11-27T00:00:00Z")
        #expect(ISO8601DateFormatter().string(from: Release.nextFriday(after: friday.addingTimeInterval(3600))) == "2026-12-04T00:00:00Z")
    }
}
