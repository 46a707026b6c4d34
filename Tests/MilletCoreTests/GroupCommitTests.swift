import Foundation
@testable import MilletCore
import Synchronization
import Testing

struct GroupCommitTests {
    /// A commit that holds its first batch until the test lets it go, so the writes that come
    /// meanwhile queue up and go together in the next one.
    final class Gate: Sendable {
        let held = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let batches = Mutex<[[Int]]>([])
    }

    @Test func writesThatArriveDuringACommitShareTheNextAndEachGetsItsOwnOutcome() async throws {
        let gate = Gate()
        let commits = GroupCommit<Int, String>(maxBatch: 500, executor: nil) { entries in
            let first = gate.batches.withLock { batches in
                batches.append(entries)
                return batches.count == 1
            }
            if first { await withCheckedContinuation { held in gate.held.withLock { $0 = held } } }
            if entries.contains(13) { throw DomainError.conflict(code: "unlucky", message: "13 fails its batch") }
            return entries.map { "done \($0)" }
        }
        async let firstOutcome = commits.write(0)
        while gate.held.withLock({ $0 == nil }) { await Task.yield() }
        let later = Task {
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for value in 1...199 where value != 13 { group.addTask { (value, try await commits.write(value)) } }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
        }
        while await commits.waiting < 198 { await Task.yield() }
        gate.held.withLock { $0?.resume() }
        #expect(try await firstOutcome == "done 0")
        let outcomes = try await later.value
        #expect(outcomes.count == 198 && outcomes.allSatisfy { $0.value == "done \($0.key)" })
        let figures = await commits.figures()
        #expect(figures.transactions == 2 && figures.entries == 199)
        #expect(gate.batches.withLock { $0.map(\.count) } == [1, 198])
        // A batch the database refuses fails its own writes only.
        await #expect(throws: DomainError.self) { _ = try await commits.write(13) }
        #expect(try await commits.write(14) == "done 14")
    }
}
