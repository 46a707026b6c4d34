import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The process's own figures, for `/metrics` (Prometheus' standard `process_*` names) and the
/// benchmarks.
public enum ProcessFigures {
    /// When this process started, as the clock read it when the module was first used.
    public static let startedAt = Date()

    /// CPU time this process has used, user and system, in nanoseconds. Unlike the wall clock it
    /// hardly moves when other tenants of the machine take its cores, so the ratio of two phases'
    /// CPU per request is the steadier figure for comparing two versions of the code.
    public static func cpuNanos() -> UInt64 {
        var usage = rusage()
        #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func nanos(_ t: timeval) -> UInt64 { UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_usec) * 1_000 }
        return nanos(usage.ru_utime) + nanos(usage.ru_stime)
    }

    /// Resident memory of this process in bytes, from `/proc/self/statm` (0 where there is none).
    public static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The figures in the Prometheus text format, with help and type lines.
    static func exposition() -> String {
        """
        # HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
        # TYPE process_cpu_seconds_total counter
        process_cpu_seconds_total \(Double(cpuNanos()) / 1e9)
        # HELP process_resident_memory_bytes Resident memory size in bytes.
        # TYPE process_resident_memory_bytes gauge
        process_resident_memory_bytes \(residentBytes())
        # HELP process_start_time_seconds Start time of the process since unix epoch in seconds.
        # TYPE process_start_time_seconds gauge
        process_start_time_seconds \(startedAt.timeIntervalSince1970)

        """
    }
}
