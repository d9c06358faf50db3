import Foundation
import ScheduleStore
import SchedulerServer
import Transport

/// The config file's `alerts` section (docs/OPERATIONS.md, "Alerts"): webhooks, which alerts,
/// thresholds, delivery settings; per project under `projects`.
struct AlertsSection: Decodable {
    struct Webhook: Decodable {
        var url: String
        var secretFile: String
        var caFile: String?
        static let keys: Set<String> = ["url", "secretFile", "caFile"]
    }

    /// The alert rules, global or one project's (nil = inherit).
    struct Rules: Decodable {
        var webhook: Webhook?
        var scheduleFailed: Bool?
        var outcomeUnknown: Bool?
        var dueWaitingSeconds: Int64?
        var platformLimitFraction: Double?
        static let keys: Set<String> = [
            "webhook", "scheduleFailed", "outcomeUnknown", "dueWaitingSeconds", "platformLimitFraction",
        ]
    }

    var rules: Rules
    var projects: [String: Rules] = [:]
    var thresholdWindowSeconds: Int64?
    var intervalMs: Int64?
    var timeoutMs: Int64?
    var retryBaseMs: Int64?
    var retryMaxMs: Int64?
    var maxAttempts: Int?
    var backlogCheckIntervalMs: Int64?

    static let keys: Set<String> = Rules.keys.union([
        "projects", "thresholdWindowSeconds", "intervalMs", "timeoutMs", "retryBaseMs", "retryMaxMs", "maxAttempts",
        "backlogCheckIntervalMs",
    ])

    enum CodingKeys: String, CodingKey {
        case projects, thresholdWindowSeconds, intervalMs, timeoutMs, retryBaseMs, retryMaxMs, maxAttempts
        case backlogCheckIntervalMs
    }

    init(from decoder: Decoder) throws {
        rules = try Rules(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        projects = try c.decodeIfPresent([String: Rules].self, forKey: .projects) ?? [:]
        thresholdWindowSeconds = try c.decodeIfPresent(Int64.self, forKey: .thresholdWindowSeconds)
        intervalMs = try c.decodeIfPresent(Int64.self, forKey: .intervalMs)
        timeoutMs = try c.decodeIfPresent(Int64.self, forKey: .timeoutMs)
        retryBaseMs = try c.decodeIfPresent(Int64.self, forKey: .retryBaseMs)
        retryMaxMs = try c.decodeIfPresent(Int64.self, forKey: .retryMaxMs)
        maxAttempts = try c.decodeIfPresent(Int.self, forKey: .maxAttempts)
        backlogCheckIntervalMs = try c.decodeIfPresent(Int64.self, forKey: .backlogCheckIntervalMs)
    }

    /// Refuses keys the section does not know, at every level, naming the key.
    static func checkKeys(_ object: [String: Any]) throws {
        func check(_ o: [String: Any], _ known: Set<String>, _ prefix: String) throws {
            for key in o.keys.sorted() where !known.contains(key) {
                throw ServerFileConfig.ConfigError(
                    "unknown key \"\(prefix)\(key)\" (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        func checkRules(_ o: [String: Any], _ prefix: String, known: Set<String>) throws {
            try check(o, known, prefix)
            if let w = o["webhook"] as? [String: Any] { try check(w, Webhook.keys, prefix + "webhook.") }
        }
        try checkRules(object, "alerts.", known: keys)
        for (project, value) in (object["projects"] as? [String: Any]) ?? [:] {
            if let o = value as? [String: Any] { try checkRules(o, "alerts.projects.\(project).", known: Rules.keys) }
        }
    }

    private static func target(_ url: String, key: String) throws -> HTTPTarget {
        do { return try HTTPTarget(parsing: url) } catch { throw ServerFileConfig.ConfigError("\(key): \(error)") }
    }

    private static func contents(_ path: String, key: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServerFileConfig.ConfigError("\(key): cannot read \(path)")
        }
        return Array(data)
    }

    /// The store's policy and the dispatcher's settings. Reads the secret files; a value out of
    /// range, a project with no webhook, an unreadable or empty secret, or a bad URL is an error
    /// naming its key.
    func resolve() throws -> (AlertPolicy, AlertDispatcher.Configuration) {
        typealias E = ServerFileConfig.ConfigError
        func webhook(_ w: Webhook, _ key: String) throws -> AlertWebhook {
            let target = try Self.target(w.url, key: key + ".url")
            var secret = try Self.contents(w.secretFile, key: key + ".secretFile")
            while let last = secret.last, last == 10 || last == 13 || last == 32 { secret.removeLast() }
            guard secret.count >= 16 else { throw E("\(key).secretFile: the secret must be at least 16 bytes") }
            if let ca = w.caFile, !FileManager.default.isReadableFile(atPath: ca) {
                throw E("\(key).caFile: cannot read \(ca)")
            }
            return AlertWebhook(target: target, secret: secret, trustRootsFile: w.caFile)
        }
        func check(_ r: Rules, _ key: String) throws {
            if let s = r.dueWaitingSeconds, !(1...31_536_000).contains(s) {
                throw E("\(key).dueWaitingSeconds: must be 1…31536000 (got \(s))")
            }
            if let f = r.platformLimitFraction, !(f > 0 && f <= 1) {
                throw E("\(key).platformLimitFraction: must be above 0 and at most 1 (got \(f))")
            }
        }
        func merged(_ p: Rules) -> AlertRules {
            AlertRules(
                scheduleFailed: p.scheduleFailed ?? rules.scheduleFailed ?? true,
                outcomeUnknown: p.outcomeUnknown ?? rules.outcomeUnknown ?? true,
                dueWaitingSeconds: p.dueWaitingSeconds ?? rules.dueWaitingSeconds,
                platformLimitFraction: p.platformLimitFraction ?? rules.platformLimitFraction)
        }
        var policy = AlertPolicy()
        var dispatch = AlertDispatcher.Configuration()
        try check(rules, "alerts")
        if let w = rules.webhook {
            dispatch.webhook = try webhook(w, "alerts.webhook")
            policy.global = merged(Rules())
        }
        for (project, p) in projects {
            let key = "alerts.projects.\(project)"
            try check(p, key)
            if let w = p.webhook {
                dispatch.projectWebhooks[project] = try webhook(w, key + ".webhook")
            } else if rules.webhook == nil {
                throw E("\(key): no webhook (give \(key).webhook or alerts.webhook)")
            }
            policy.projects[project] = merged(p)
        }
        let times: [(String, Int64?)] = [
            ("thresholdWindowSeconds", thresholdWindowSeconds), ("intervalMs", intervalMs), ("timeoutMs", timeoutMs),
            ("retryBaseMs", retryBaseMs), ("retryMaxMs", retryMaxMs), ("backlogCheckIntervalMs", backlogCheckIntervalMs),
        ]
        for (key, v) in times { if let v, v < 1 { throw E("alerts.\(key): must be at least 1 (got \(v))") } }
        if let m = maxAttempts, m < 1 { throw E("alerts.maxAttempts: must be at least 1 (got \(m))") }
        if let v = thresholdWindowSeconds { policy.thresholdWindowSeconds = v }
        if let v = intervalMs { dispatch.intervalMilliseconds = v }
        if let v = timeoutMs { dispatch.timeoutMilliseconds = v }
        if let v = retryBaseMs { dispatch.retryBaseMilliseconds = v }
        if let v = retryMaxMs { dispatch.retryMaxMilliseconds = v }
        if let v = maxAttempts { dispatch.maxAttempts = v }
        if let v = backlogCheckIntervalMs { dispatch.backlogCheckIntervalMilliseconds = v }
        dispatch.watchesBacklog = policy.watchesBacklog
        return (policy, dispatch)
    }
}
