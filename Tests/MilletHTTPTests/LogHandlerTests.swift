import Logging
@testable import MilletHTTP
import Synchronization
import Testing

/// The server's log handler writes the lines `StreamLogHandler` writes.
struct LogHandlerTests {
    /// Collects written lines, as a stream the handlers can share across threads.
    final class Lines: TextOutputStream, Sendable {
        let lines = Mutex<[String]>([])
        func write(_ string: String) { lines.withLock { $0.append(string) } }
        /// Each line without its leading timestamp, which moves between two writes.
        var untimed: [String] { lines.withLock { $0.map { String($0.drop { $0 != " " }) } } }
    }

    @Test func linesMatchStreamLogHandlerWithTheSameMetadataAndLevel() {
        let mine = Lines(), theirs = Lines()
        var millet = Logger(label: "millet.test") { _ in MilletLogHandler(StreamLogHandler(label: "millet.test", stream: mine), level: .info) }
        var stream = Logger(label: "millet.test") { StreamLogHandler(label: $0, stream: theirs) }
        stream.logLevel = .info
        millet[metadataKey: "hb.request.id"] = "r-1"
        stream[metadataKey: "hb.request.id"] = "r-1"
        #expect(millet[metadataKey: "hb.request.id"] == "r-1" && millet.logLevel == .info)
        for logger in [millet, stream] {
            logger.debug("not written at info")
            logger.info("check-in refused", metadata: ["device": "SN-1"])
            logger.error("flush failed")
        }
        millet[metadataKey: "hb.request.id"] = nil
        stream[metadataKey: "hb.request.id"] = nil
        millet.warning("quiet")
        stream.warning("quiet")
        #expect(mine.untimed.count == 3)
        #expect(mine.untimed == theirs.untimed)
        #expect(mine.untimed.first?.contains("device=SN-1") == true && mine.untimed.first?.contains("hb.request.id=r-1") == true)
    }
}
