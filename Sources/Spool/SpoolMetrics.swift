import Metrics

/// The spool's metrics (swift-metrics, so `/metrics` shows them once a backend is bootstrapped):
/// `fsync` latency recorded by the writer on every sync, refusals counted as they happen, and the
/// gauges set from `Spool.stats` by `publish` (the forwarder calls it about once a second).
struct SpoolMetrics {
    let syncDuration = Timer(label: "faultline_spool_fsync_seconds")
    let fullRefusals = Counter(label: "faultline_spool_full_total")
    private let bytes = Gauge(label: "faultline_spool_bytes")
    private let records = Gauge(label: "faultline_spool_records")
    private let unforwarded = Gauge(label: "faultline_spool_unforwarded_records")
    private let oldestUnforwardedAge = Gauge(label: "faultline_spool_oldest_unforwarded_seconds")

    func publish(_ stats: SpoolStats) {
        bytes.record(stats.bytes)
        records.record(Int64(clamping: stats.records))
        unforwarded.record(Int64(clamping: stats.durableSequence &- min(stats.forwardedSequence, stats.durableSequence)))
        oldestUnforwardedAge.record(stats.oldestUnforwardedAge)
    }
}
