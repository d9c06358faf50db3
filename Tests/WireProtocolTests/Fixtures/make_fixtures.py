#!/usr/bin/env python3
"""Builds the golden frame fixtures with protoc (an implementation independent of ours).

For each fixture: the payload is written in protobuf text format and encoded with
`protoc --encode=<PayloadType>`, embedded as bytes into a Frame written in text format, which is
encoded with `protoc --encode=scheduler.v1.Frame`. Outputs, per fixture NAME:
  NAME.bin          4-byte big-endian length + the serialized Frame (what goes on the wire)
  NAME.txt          `protoc --decode=scheduler.v1.Frame` of the frame (checked by the tests)
  NAME.payload.txt  `protoc --decode=<PayloadType>` of the payload, when there is one
Run from anywhere: python3 Tests/WireProtocolTests/Fixtures/make_fixtures.py
The Swift tests check that our encoder produces NAME.bin byte for byte from the expected values.
"""
import os, struct, subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PROTOS = sorted("scheduler/v1/" + f for f in os.listdir(os.path.join(ROOT, "proto/scheduler/v1")) if f.endswith(".proto"))

def protoc(mode, type_, data):
    return subprocess.run(["protoc", f"--{mode}=scheduler.v1.{type_}", "-I", "proto", *PROTOS],
                          cwd=ROOT, input=data, capture_output=True, check=True).stdout

def escape(b):
    return "".join(chr(c) if 32 <= c < 127 and chr(c) not in "\"\\'" else "\\%03o" % c for c in b)

M = "scheduler.v1.Scheduler/"
SCHEDULE = '''id: "sch_01" project_id: "prj_1" content_id: "cnt_42" scheduled_for_ms: 1737381600000
  local_time: "2025-01-20T09:00:00" timezone: "America/New_York" platforms: "twitter" platforms: "linkedin"
  priority: 5 queue_status: QUEUE_STATUS_PENDING status: SCHEDULE_STATUS_SCHEDULED is_recurring: true
  recurrence { shorthand { pattern: RECURRENCE_PATTERN_WEEKLY days_of_week: 1 days_of_week: 3 days_of_week: 5 hour: 9 } }
  series_id: "ser_7" max_retries: 3 retry_delay_seconds: 300 idempotency_key: "enq-2025-01-20"
  notes: "Weekly post" created_at_ms: 1737000000000 updated_at_ms: 1737000000000'''

FIXTURES = [
    # name, call_id, kind text (with {payload}), payload type, payload text
    ("enqueue_request", 1,
     'request { method: "%sEnqueue" metadata { key: "authorization" value: "Bearer st_abc_secret" } '
     'metadata { key: "traceparent" value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } '
     'metadata { key: "idempotency-key" value: "enq-2025-01-20" } timeout_ms: 5000 payload: "{payload}" }' % M,
     "EnqueueRequest",
     'project_id: "prj_1" content_id: "cnt_42" local_time: "2025-01-20T09:00:00" timezone: "America/New_York" '
     'platforms: "twitter" platforms: "linkedin" priority: 5 '
     'recurrence { shorthand { pattern: RECURRENCE_PATTERN_WEEKLY days_of_week: 1 days_of_week: 3 days_of_week: 5 hour: 9 } } '
     'max_retries { } notes: "Weekly post" auto_resolve: true idempotency_key: "enq-2025-01-20"'),
    ("enqueue_response", 1, 'response { payload: "{payload}" }', "EnqueueResponse",
     'schedule { %s } adjusted: true original_time_ms: 1737381600000 adjusted_time_ms: 1737382500000 '
     'conflicts { type: CONFLICT_TYPE_SAME_TIME severity: CONFLICT_SEVERITY_WARNING '
     'reason: "Another schedule exists within 1 minute" suggestion: "Space schedules at least 5 minutes apart" '
     'conflicting_schedule_id: "sch_00" conflict_time_ms: 1737381600000 } '
     'warning: "Schedule time adjusted to avoid conflicts"' % SCHEDULE),
    ("enqueue_conflict_error", 2,
     'response { code: 9 message: "Schedule conflicts detected" conflicts { type: CONFLICT_TYPE_RATE_LIMIT '
     'severity: CONFLICT_SEVERITY_ERROR reason: "Twitter rate limit (100/hour) would be exceeded" '
     'suggestion: "Schedule for different time or reduce posts" platform: "twitter" conflict_time_ms: 1737381600000 } }',
     None, None),
    ("invalid_argument_error", 3,
     'response { code: 3 message: "enqueue.platforms[1]: empty" '
     'field_violations { field: "enqueue.platforms[1]" description: "empty" } }', None, None),
    ("dequeue_request", 4,
     'request { method: "%sDequeue" metadata { key: "authorization" value: "Bearer st_wrk_secret" } '
     'timeout_ms: 30000 payload: "{payload}" }' % M, "DequeueRequest",
     'project_id: "prj_1" limit: 10 lease_seconds: 120 worker_id: "worker-a"'),
    ("dequeue_response", 4, 'response { payload: "{payload}" }', "DequeueResponse",
     'items { schedule { %s lease { owner: "worker-a" token: "lt_9f2c" expires_at_ms: 1737381720000 } } '
     'lease_token: "lt_9f2c" lease_expires_at_ms: 1737381720000 attempt_idempotency_key: "sch_01#1" attempt: 1 }'
     % SCHEDULE.replace("QUEUE_STATUS_PENDING", "QUEUE_STATUS_QUEUED")),
    ("fail_request", 5, 'request { method: "%sFail" payload: "{payload}" }' % M, "FailRequest",
     'schedule_id: "sch_01" lease_token: "lt_9f2c" error: "HTTP 503 from api.twitter.com" retryable: true '
     'results { platform: "twitter" error: "HTTP 503" } '
     'results { platform: "linkedin" success: true published_url: "https://www.linkedin.com/feed/update/1" } '
     'project_id: "blog"'),
    ("fail_response", 5, 'response { payload: "{payload}" }', "FailResponse",
     'will_retry: true next_attempt_at_ms: 1737381900000 schedule { id: "sch_01" retry_count: 1 '
     'queue_status: QUEUE_STATUS_PENDING status: SCHEDULE_STATUS_SCHEDULED }'),
    ("stats_response", 6, 'response { payload: "{payload}" }', "StatsResponse",
     'stats { pending: 12 queued: 2 processing: 1 completed: 145 failed: 3 cancelled: 5 '
     'avg_wait_seconds { value: 45 } avg_processing_seconds { value: 12 } success_rate { value: 97.3 } peak_queue_length: 8 } '
     'metrics { id: "met_15" project_id: "prj_1" period_start_ms: 1736899200000 period_end_ms: 1736985599999 '
     'total_queued: 15 total_processed: 14 total_completed: 13 total_failed: 1 avg_wait_seconds { value: 50 } '
     'avg_processing_seconds { value: 15 } peak_queue_length: 5 success_rate { value: 92.9 } } '
     'metrics { project_id: "prj_1" period_start_ms: 1736985600000 period_end_ms: 1737071999999 } '
     'pending_schedules: 15 max_pending_schedules: 100000'),
    ("health_request", 7, 'request { method: "%sHealth" payload: "" }' % M, "HealthRequest", ''),
    ("health_response", 7, 'response { payload: "{payload}" }', "HealthResponse", 'status: SERVING_STATUS_SERVING'),
    ("cancel", 4, 'cancel { reason: "client gave up" }', None, None),
    ("ping", 0, 'ping { nonce: 42 }', None, None),
    ("pong", 0, 'pong { nonce: 42 }', None, None),
    ("go_away", 0, 'go_away { last_call_id: 7 reason: "server draining" }', None, None),
]

for name, call_id, kind, ptype, ptext in FIXTURES:
    text = ""
    if call_id:
        text += "call_id: %d " % call_id
    if ptype is not None:
        payload = protoc("encode", ptype, ptext.encode())
        text += kind.replace("{payload}", escape(payload))
        with open(os.path.join(HERE, name + ".payload.txt"), "wb") as f:
            f.write(protoc("decode", ptype, payload))
    else:
        text += kind
    frame = protoc("encode", "Frame", text.encode())
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(struct.pack(">I", len(frame)) + frame)
    with open(os.path.join(HERE, name + ".txt"), "wb") as f:
        f.write(protoc("decode", "Frame", frame))
    print("%-24s %5d bytes" % (name, len(frame) + 4))
