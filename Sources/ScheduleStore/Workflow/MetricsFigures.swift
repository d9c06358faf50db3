import SchedulingCore

extension QueueMetrics {
    /// The seed's figures for one project over [from, to] from what every backend reads the same
    /// way: counts, the mean processing time, and the waiting intervals `[due, dequeued]` of the
    /// attempts dequeued in the period (their mean is avgWaitTime, their largest overlap the peak
    /// queue length).
    static func figures(
        project: String, from: Instant, to: Instant, queued: Int, cancelled: Int, processed: Int, completed: Int,
        failed: Int, avgProcessingSeconds: Int?, waits: [(due: Int64, dequeued: Int64)]
    ) -> QueueMetrics {
        let f = from.unixMilliseconds
        var events: [(Int64, Int)] = []
        var waitSum: Int64 = 0
        for (dueAt, deq) in waits {
            let due = max(dueAt, f)
            waitSum += max(0, deq - dueAt)
            if deq >= due {
                events.append((due, 1))
                events.append((deq, -1))
            }
        }
        // Arrivals before departures at the same instant: an item dequeued the moment another
        // became due still overlapped it.
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 > $1.1 }
        var current = 0
        var peak = 0
        for e in events {
            current += e.1
            peak = max(peak, current)
        }
        let rate: Double? =
            completed + failed > 0 ? (Double(completed) * 1000 / Double(completed + failed)).rounded() / 10 : nil
        return QueueMetrics(
            id: "", projectID: project, periodStart: from, periodEnd: to, totalQueued: queued,
            totalProcessed: processed, totalCompleted: completed, totalFailed: failed, totalCancelled: cancelled,
            avgWaitTime: waits.isEmpty ? nil : Int((Double(waitSum) / Double(waits.count) / 1000).rounded()),
            avgProcessingTime: avgProcessingSeconds, peakQueueLength: peak, successRate: rate)
    }
}
