import WireProtocol

/// Names and colours shown for wire enums and platforms.
enum Labels {
    /// `QUEUE_STATUS_PENDING` → `pending`.
    static func status(_ s: SchedulerV1.QueueStatus) -> String {
        strip(s.protoName, "QUEUE_STATUS_")
    }

    /// `CONFLICT_TYPE_RATE_LIMIT` → `rate limit`.
    static func conflictType(_ t: SchedulerV1.ConflictType) -> String {
        strip(t.protoName, "CONFLICT_TYPE_").replacingOccurrences(of: "_", with: " ")
    }

    /// `CONFLICT_SEVERITY_ERROR` → `error`.
    static func severity(_ s: SchedulerV1.ConflictSeverity) -> String {
        strip(s.protoName, "CONFLICT_SEVERITY_")
    }

    /// A schedule's recurrence: `RRULE FREQ=WEEKLY;BYDAY=MO`, `cron 0 9 * * 1`, or `once`.
    static func recurrence(_ r: SchedulerV1.Recurrence?) -> String {
        switch r {
        case .rrule(let rule): "RRULE " + rule
        case .cron(let cron): "cron " + cron
        case .shorthand: "the series’ pattern"
        case nil: "once"
        }
    }

    private static func strip(_ name: String, _ prefix: String) -> String {
        (name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name).lowercased()
    }

    /// Platforms with a fixed colour class; any other platform gets one of these by a stable hash.
    static let knownPlatforms = ["twitter", "linkedin", "facebook", "reddit", "hashnode", "devto", "medium", "wordpress", "ghost", "instagram"]

    /// A platform as shown: the server's canonical `TWITTER` as `twitter`.
    static func platform(_ name: String) -> String { name.lowercased() }

    /// The CSS colour class of a platform: `p0`…`p9`.
    static func platformClass(_ platform: String) -> String {
        if let i = knownPlatforms.firstIndex(of: platform.lowercased()) { return "p\(i)" }
        var h: UInt32 = 2_166_136_261  // FNV-1a: stable across runs, unlike Hasher
        for b in platform.lowercased().utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        return "p\(h % 10)"
    }

    /// Whether Reschedule accepts a schedule in this state (the lifecycle table's `reschedule` row).
    static func canReschedule(_ s: SchedulerV1.QueueStatus) -> Bool {
        [.pending, .queued, .paused, .failed, .cancelled].contains(s)
    }
}
