import Foundation
import ScheduleStore
import SchedulingCore
import Testing
import WireProtocol

@testable import SchedulerServer

/// The field a store error names reaches the caller as a path in the method's request message.
@Suite("Store fields map to the request messages' field paths")
struct FieldPathTests {
    /// The request message of each method, by its snake_case name.
    static let requestMessages: [String: String] = Dictionary(
        uniqueKeysWithValues: SchedulerV1.Scheduler.methods.map { (Wire.snake($0.name), $0.requestMessageName) })

    @Test("every path in the table is a field of its method's request message (generated descriptors)")
    func tableNamesRealFields() {
        #expect(!FieldPaths.table.isEmpty)
        for (method, entries) in FieldPaths.table {
            guard let message = Self.requestMessages[method] else {
                Issue.record("\(method) is not a method of scheduler.v1.Scheduler")
                continue
            }
            for (storeField, target) in entries {
                let paths: [String]
                switch target {
                case .path(let p): paths = [p.replacingOccurrences(of: "[]", with: "[0]")]
                case .requestTime: paths = ["local_time", "scheduled_for_ms"]
                }
                for p in paths {
                    #expect(
                        ContractIntrospection.fieldPathExists(p, inMessage: message),
                        "\(method): store field \(storeField) → \(p) is not a field of \(message)")
                }
            }
        }
    }

    /// Every field name the store can put in a StoreError, read from its sources: the literal
    /// names of `invalidArgument(…)`, `checkID(…, "…")` and `field: "…"`, with indexes as `[]`.
    static func storeFields() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/ScheduleStore")
        var text = ""
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
        for case let url as URL in files where url.pathExtension == "swift" {
            text += try String(contentsOf: url, encoding: .utf8) + "\n"
        }
        func captures(_ pattern: String) -> [String] {
            let re = try! NSRegularExpression(pattern: pattern)
            return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
                String(text[Range($0.range(at: 1), in: text)!])
            }
        }
        let literals =
            captures(#"invalidArgument\(\s*"([^"]*)""#) + captures(#"checkID\([^,()]+,\s*"([^"]*)"\)"#)
            + captures(#"field: (?:String = )?"([^"]*)""#)
        // The keys the shorthand config reads with int("…") (the `recurringConfig.\(key)` errors).
        let configKeys = captures(#"try int\("([A-Za-z]+)"\)"#)
        #expect(!configKeys.isEmpty)
        var fields = Set<String>()
        for literal in literals {
            let f = literal.replacingOccurrences(of: #"\[\\\([^)]*\)\]"#, with: "[]", options: .regularExpression)
            if f == #"\(field)[]"# {
                fields.insert("platforms[]")  // platforms(_:project:field:), the one indexed helper
            } else if f == #"recurringConfig.\(key)"# {
                for k in configKeys { fields.insert("recurringConfig.\(k)") }
            } else if f.contains(#"\("#) {
                Issue.record("a store field this test cannot expand: \(literal)")
            } else {
                fields.insert(f)
            }
        }
        return fields
    }

    @Test("every field the store names is mapped for some method, or is one no request carries")
    func everyStoreFieldIsAccountedFor() throws {
        let fields = try Self.storeFields()
        // A sanity check of the scan itself.
        #expect(fields.isSuperset(of: ["metadata", "timeZone", "time", "recurringUntil", "platforms[]", "leaseToken"]))
        let mapped = Set(FieldPaths.table.values.flatMap(\.keys))
        for f in fields.sorted() where !mapped.contains(f) && !FieldPaths.notFromRequests.contains(f) {
            Issue.record("the store's field \"\(f)\" is in no method's table (FieldPaths.table)")
        }
        for f in mapped.union(FieldPaths.notFromRequests).sorted() where !fields.contains(f) {
            Issue.record("the table names \"\(f)\", which the store never throws")
        }
    }

    @Test(
        "Wire.error names the request's field, or none when the request has no such field",
        arguments: [
            (StoreError.invalidArgument("metadata", "not valid JSON"), "enqueue", nil, "enqueue.metadata_json", "enqueue.metadata_json: not valid JSON"),
            (.invalidArgument("timeZone", "unknown time zone \"Mars/Olympus\""), "validate", nil, "validate.timezone", "validate.timezone: unknown time zone \"Mars/Olympus\""),
            (.invalidArgument("recurringUntil", "must be after the first occurrence"), "enqueue", nil, "enqueue.recurring_until_ms", "enqueue.recurring_until_ms: must be after the first occurrence"),
            (.invalidArgument("platforms[1]", "unknown platform \"x\""), "update", nil, "update.platforms[1]", "update.platforms[1]: unknown platform \"x\""),
            (.invalidArgument("results[2].platform", "not a platform"), "complete", nil, "complete.results[2].platform", "complete.results[2].platform: not a platform"),
            (.invalidArgument("recurringConfig.hour", "expected an integer"), "enqueue", nil, "enqueue.recurrence.shorthand.hour", "enqueue.recurrence.shorthand.hour: expected an integer"),
            (.invalidArgument("leaseSeconds", "must be 1…86400"), "heartbeat", nil, "heartbeat.extend_seconds", "heartbeat.extend_seconds: must be 1…86400"),
            (.invalidArgument("from", "must not be after 'to'"), "list", nil, "list.from_ms", "list.from_ms: must not be after 'to'"),
            (.invalidArgument("scheduleIDs", "must not be empty"), "batch_cancel", nil, "batch_cancel.schedule_ids", "batch_cancel.schedule_ids: must not be empty"),
            (.invalidArgument("time", "outside the supported range (years 1900–9999)"), "enqueue", "local", "enqueue.local_time", "enqueue.local_time: outside the supported range (years 1900–9999)"),
            (.invalidArgument("time", "outside the supported range (years 1900–9999)"), "reschedule", "ms", "reschedule.scheduled_for_ms", "reschedule.scheduled_for_ms: outside the supported range (years 1900–9999)"),
            (StoreError(code: .failedPrecondition, message: "schedule conflicts detected", field: "time"), "validate", "ms", "validate.scheduled_for_ms", "schedule conflicts detected"),
            // Update without a time: the conflict is not about a field the caller sent.
            (StoreError(code: .failedPrecondition, message: "schedule conflicts detected", field: "time"), "update", nil, nil, "schedule conflicts detected"),
            // The zone stored with the schedule is not part of PublishNowRequest.
            (.invalidArgument("timeZone", "unknown time zone \"Old/Zone\""), "publish_now", nil, nil, "unknown time zone \"Old/Zone\""),
            (.staleLease(.initial), "start", nil, "start.lease_token", "lease token does not match the current lease (schedule is \(ScheduleState.initial))"),
            (.invalidArgument("publishedAt", "must not be in the future"), "confirm_outcome", nil, "confirm_outcome.published_at_ms", "confirm_outcome.published_at_ms: must not be in the future"),
            (StoreError(code: .failedPrecondition, message: "already confirmed", field: "published"), "confirm_outcome", nil, "confirm_outcome.published", "already confirmed"),
            // Who confirmed is the caller's principal, not a request field.
            (.invalidArgument("confirmedBy", "at most 256 bytes"), "confirm_outcome", nil, nil, "at most 256 bytes"),
        ] as [(StoreError, String, String?, String?, String)])
    func mapping(_ error: StoreError, _ method: String, _ time: String?, _ field: String?, _ message: String) {
        let request: (any WireMessage)?
        switch (method, time) {
        case ("enqueue", "local"): request = SchedulerV1.EnqueueRequest(projectID: "p", contentID: "c", localTime: "1800-01-01T00:00:00", timezone: "UTC", platforms: ["x"])
        case ("reschedule", "ms"): request = SchedulerV1.RescheduleRequest(projectID: "p", scheduleID: "s", scheduledForMs: 1)
        case ("validate", "ms"): request = SchedulerV1.ValidateRequest(projectID: "p", scheduledForMs: 1, platforms: ["x"])
        case ("update", _): request = SchedulerV1.UpdateRequest(projectID: "p", scheduleID: "s", platforms: ["x"])
        default: request = nil
        }
        let e = Wire.error(error, method: method, request: request)
        #expect(e.details.fieldViolations.first?.field == field)
        #expect(e.details.fieldViolations.count == (field == nil ? 0 : 1))
        #expect(e.message == message)
        if let field {
            let message = try! #require(Self.requestMessages[method])
            #expect(ContractIntrospection.fieldPathExists(String(field.dropFirst(method.count + 1)), inMessage: message))
        }
    }

    @Test("the store's size limits are the wire's, so the server never refuses a value twice with different limits")
    func storeLimitsAreTheWireLimits() {
        #expect(StoreLimits.maxIDBytes == Limits.maxIDBytes)
        #expect(StoreLimits.maxTextBytes == Limits.maxTextBytes)
    }
}
