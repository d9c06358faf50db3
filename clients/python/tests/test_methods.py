"""Every RPC of scheduler.v1.Scheduler against a real schedulerd, and the errors it raises."""

from __future__ import annotations

import re
import time

import pytest

from scheduler_client import SchedulerClient, SchedulerError, v1

from conftest import now_ms

FUTURE = "2031-06-02T09:00:00"  # far enough ahead that no test's schedule becomes due


def enqueue(client, project, content="post", local_time=FUTURE, **fields):
    fields.setdefault("platforms", ["twitter"])
    return client.enqueue(project_id=project, content_id=content, local_time=local_time, timezone="Europe/Berlin",
                          **fields)


def test_health(client):
    assert client.health().status == v1.SERVING_STATUS_SERVING
    assert client.health(v1.HealthRequest(service="scheduler.v1.Scheduler")).status == v1.SERVING_STATUS_SERVING


def test_enqueue_generates_an_idempotency_key_and_get_returns_the_schedule(client, project):
    created = enqueue(client, project, platforms=["twitter", "linkedin"], priority=7, max_retries=0, notes="n")
    s = created.schedule
    assert re.fullmatch(r"auto-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", s.idempotency_key)
    assert s.local_time == FUTURE and s.timezone == "Europe/Berlin" and list(s.platforms) == ["TWITTER", "LINKEDIN"]  # the server normalizes platform ids
    assert s.priority == 7 and s.max_retries == 0  # max_retries=0 became Int32Value(value=0), not "unset"
    assert s.queue_status == v1.QUEUE_STATUS_PENDING
    got = client.get(project_id=project, schedule_id=s.id).schedule
    assert got.id == s.id and got.scheduled_for_ms == s.scheduled_for_ms


def test_enqueue_with_a_request_message_and_the_same_key_returns_the_first_schedule(client, project):
    request = v1.EnqueueRequest(project_id=project, content_id="c", local_time=FUTURE, timezone="UTC",
                                platforms=["medium"], idempotency_key="my-key-1")
    first = client.enqueue(request)
    again = client.enqueue(request)
    assert again.schedule.id == first.schedule.id
    assert first.schedule.idempotency_key == "my-key-1"
    # Keywords on top of a message win; the message passed in is not changed.
    other = client.enqueue(request, idempotency_key="my-key-2", content_id="c2")
    assert other.schedule.id != first.schedule.id and other.schedule.content_id == "c2"
    assert request.content_id == "c"


def test_list_update_pause_resume_cancel(client, project):
    a = enqueue(client, project, "a", "2031-06-02T09:00:00").schedule
    b = enqueue(client, project, "b", "2031-06-03T09:00:00").schedule
    page = client.list(project_id=project, sort_by=v1.SORT_FIELD_SCHEDULED_FOR, sort_order="SORT_ORDER_DESC", limit=10)
    assert [s.id for s in page.items] == [b.id, a.id]
    assert page.pagination.total == 2

    updated = client.update(project_id=project, schedule_id=a.id, priority=9, notes="", platforms=["medium"])
    assert updated.schedule.priority == 9 and list(updated.schedule.platforms) == ["MEDIUM"]

    assert client.pause(project_id=project, schedule_id=a.id).schedule.queue_status == v1.QUEUE_STATUS_PAUSED
    paused = client.list(project_id=project, status=v1.QUEUE_STATUS_PAUSED)
    assert [s.id for s in paused.items] == [a.id]
    assert client.resume(project_id=project, schedule_id=a.id).schedule.queue_status == v1.QUEUE_STATUS_PENDING
    cancelled = client.cancel(project_id=project, schedule_id=b.id, reason="not needed").schedule
    assert cancelled.queue_status == v1.QUEUE_STATUS_CANCELLED


def test_batch_pause_resume_cancel(client, project):
    ids = [enqueue(client, project, f"b{i}", f"2031-07-0{i + 1}T10:00:00").schedule.id for i in range(3)]
    r = client.batch_pause(project_id=project, schedule_ids=ids + ["sch_missing"])
    assert r.affected == 3 and list(r.skipped_ids) == ["sch_missing"]
    r = client.batch_resume(v1.BatchResumeRequest(project_id=project, schedule_ids=ids[:2]))
    assert r.affected == 2 and not r.skipped_ids
    r = client.batch_cancel(project_id=project, schedule_ids=ids, reason="campaign dropped")
    assert r.affected == 3
    assert client.get(project_id=project, schedule_id=ids[2]).schedule.queue_status == v1.QUEUE_STATUS_CANCELLED


def test_publish_now_and_reschedule(client, project):
    s = enqueue(client, project).schedule
    moved = client.reschedule(project_id=project, schedule_id=s.id, local_time="2031-08-01T08:30:00")
    assert moved.schedule.local_time == "2031-08-01T08:30:00" and moved.schedule.timezone == "Europe/Berlin"
    now = client.publish_now(project_id=project, schedule_id=s.id)
    assert now.schedule.scheduled_for_ms <= now_ms() + 1000


def test_confirm_outcome_of_a_lease_lost_mid_publish(client, project):
    s = client.enqueue(project_id=project, content_id="lost", platforms=["twitter", "medium"],
                       scheduled_for_ms=now_ms() - 1000).schedule
    leased = client.dequeue(project_id=project, worker_id="py-lost", limit=1, lease_seconds=1, start=True).items
    assert [i.schedule.id for i in leased] == [s.id]
    # The server's reaper (every second) holds it as "outcome unknown" once the lease has run out.
    deadline = time.monotonic() + 15
    while client.get(project_id=project, schedule_id=s.id).schedule.queue_status != v1.QUEUE_STATUS_FAILED:
        assert time.monotonic() < deadline, "the lost lease was not reaped"
        time.sleep(0.1)
    held = client.get(project_id=project, schedule_id=s.id).schedule
    assert held.attempts[-1].outcome == v1.ATTEMPT_OUTCOME_OUTCOME_UNKNOWN
    assert not held.attempts[-1].HasField("confirmation")

    done = client.confirm_outcome(project_id=project, schedule_id=s.id, published=True, note="seen by py",
                                  results=[{"platform": "TWITTER", "success": True,
                                            "published_url": "https://t.example/9"}])
    assert done.schedule.queue_status == v1.QUEUE_STATUS_COMPLETED
    got = client.get(project_id=project, schedule_id=s.id).schedule
    attempt = got.attempts[-1]
    assert attempt.outcome == v1.ATTEMPT_OUTCOME_OUTCOME_UNKNOWN  # what the server knew stays
    assert attempt.confirmation.published and attempt.confirmation.note == "seen by py"
    assert attempt.confirmation.confirmed_by.startswith("tok_")
    assert [(r.platform, r.published_url) for r in got.results] == [("TWITTER", "https://t.example/9"), ("MEDIUM", "")]

    # The same answer again changes nothing; the other answer is refused, naming the field.
    assert client.confirm_outcome(project_id=project, schedule_id=s.id, published=True).schedule == done.schedule
    with pytest.raises(SchedulerError) as refused:
        client.confirm_outcome(project_id=project, schedule_id=s.id, published=False)
    assert refused.value.code == "FAILED_PRECONDITION" and refused.value.field == "confirm_outcome.published"
    # A schedule that is not held, and a time given without published.
    pending = enqueue(client, project).schedule
    with pytest.raises(SchedulerError) as not_held:
        client.confirm_outcome(project_id=project, schedule_id=pending.id, published=True)
    assert not_held.value.code == "FAILED_PRECONDITION" and "not held for confirmation" in not_held.value.message
    with pytest.raises(SchedulerError) as bad:
        client.confirm_outcome(project_id=project, schedule_id=pending.id, published=False, published_at_ms=now_ms())
    assert bad.value.code == "INVALID_ARGUMENT" and bad.value.field == "confirm_outcome.published_at_ms"


def test_validate_stats_and_preview_occurrences(client, project):
    v = client.validate(project_id=project, local_time=FUTURE, timezone="UTC", platforms=["twitter"])
    assert v.valid and v.scheduled_for_ms > 0
    enqueue(client, project)
    stats = client.stats(project_id=project)
    assert stats.stats.pending == 1 and len(stats.platforms) == 0
    by_platform = client.stats(project_id=project, by_platform=True).platforms
    assert [(p.platform, p.pending, p.completed) for p in by_platform] == [("TWITTER", 1, 0)]
    preview = client.preview_occurrences(recurrence={"rrule": "FREQ=DAILY"}, start_local_time="2027-03-13T09:00:00",
                                         timezone="America/New_York", count=3)
    # 09:00 New York stays 09:00 across the DST change: 14:00Z, then 13:00Z.
    assert [o.abbreviation for o in preview.occurrences] == ["EST", "EDT", "EDT"]
    assert [o.at_ms % 86_400_000 // 3_600_000 for o in preview.occurrences] == [14, 13, 13]


def test_list_conflicts_and_resolve_conflict(client, project):
    first = enqueue(client, project, "x", "2031-09-01T12:00:00").schedule
    second = enqueue(client, project, "y", "2031-09-01T12:00:00")
    assert any(c.type == v1.CONFLICT_TYPE_SAME_TIME for c in second.conflicts)
    listed = client.list_conflicts(project_id=project, schedule_id=first.id)
    assert listed.pagination.total >= 1
    conflict = listed.conflicts[0]
    assert {conflict.schedule1_id, conflict.schedule2_id} == {first.id, second.schedule.id}
    resolved = client.resolve_conflict(project_id=project, conflict_id=conflict.id, resolution="both are fine")
    assert resolved.conflict.resolved and resolved.conflict.resolution == "both are fine"
    assert client.list_conflicts(project_id=project, schedule_id=first.id).pagination.total == 0
    assert client.list_conflicts(project_id=project, include_resolved=True).pagination.total >= 1


def test_worker_calls_dequeue_start_heartbeat_complete_fail(client, project):
    due = now_ms() - 1000
    a = client.enqueue(project_id=project, content_id="a", platforms=["twitter"], scheduled_for_ms=due, priority=9)
    assert a.past_due
    b = client.enqueue(project_id=project, content_id="b", platforms=["twitter"], scheduled_for_ms=due, max_retries=0)
    leased = client.dequeue(project_id=project, worker_id="py-worker", limit=5, lease_seconds=60).items
    assert [i.schedule.id for i in leased] == [a.schedule.id, b.schedule.id]  # priority first
    first, second = leased
    assert first.attempt == 1 and first.attempt_idempotency_key and first.schedule.lease.owner == "py-worker"

    started = client.start(project_id=project, schedule_id=first.schedule.id, lease_token=first.lease_token)
    assert started.schedule.queue_status == v1.QUEUE_STATUS_PROCESSING
    beat = client.heartbeat(project_id=project, schedule_id=first.schedule.id, lease_token=first.lease_token,
                            extend_seconds=120)
    assert beat.lease_expires_at_ms > now_ms() + 100_000
    done = client.complete(project_id=project, schedule_id=first.schedule.id, lease_token=first.lease_token,
                           results=[{"platform": "TWITTER", "success": True, "published_url": "https://t.example/1"}])
    assert done.schedule.queue_status == v1.QUEUE_STATUS_COMPLETED
    # Read back with Get: the schedule in Complete's response carries no published URLs (server).
    got = client.get(project_id=project, schedule_id=first.schedule.id).schedule
    assert [(r.platform, r.published_url) for r in got.results] == [("TWITTER", "https://t.example/1")]

    client.start(project_id=project, schedule_id=second.schedule.id, lease_token=second.lease_token)
    failed = client.fail(project_id=project, schedule_id=second.schedule.id, lease_token=second.lease_token,
                         error="platform said no", retryable=True)
    assert not failed.will_retry  # max_retries 0
    assert failed.schedule.queue_status == v1.QUEUE_STATUS_FAILED


def test_enqueue_batch_and_acknowledge_answer_per_item(client, project):
    due = now_ms() - 1000
    items = [v1.EnqueueRequest(project_id=project, content_id=f"b{i}", platforms=["twitter"], scheduled_for_ms=due + i)
             for i in range(3)]
    items.append(v1.EnqueueRequest(project_id=project, content_id="bad", platforms=["myspace"], scheduled_for_ms=due))
    batch = client.enqueue_batch(items=items)
    assert [r.HasField("created") for r in batch.results] == [True, True, True, False]
    assert all(r.created.schedule.idempotency_key.startswith("auto-") for r in batch.results[:3])
    bad = batch.results[3].error
    assert bad.code == 3 and bad.field == "enqueue_batch.items[3].platforms[0]"

    leased = client.dequeue(project_id=project, worker_id="py-batch", limit=3, lease_seconds=60, start=True).items
    assert len(leased) == 3
    acks = [v1.Acknowledgement(complete=v1.CompleteRequest(project_id=project, schedule_id=leased[0].schedule.id,
                                                           lease_token=leased[0].lease_token)),
            v1.Acknowledgement(fail=v1.FailRequest(project_id=project, schedule_id=leased[1].schedule.id,
                                                   lease_token=leased[1].lease_token, error="HTTP 503", retryable=True)),
            v1.Acknowledgement(complete=v1.CompleteRequest(project_id=project, schedule_id=leased[2].schedule.id,
                                                           lease_token="0" * 32))]
    results = client.acknowledge(items=acks).results
    assert results[0].completed.schedule.queue_status == v1.QUEUE_STATUS_COMPLETED
    assert results[1].failed.will_retry
    assert results[2].error.code == 9 and results[2].error.field == "acknowledge.items[2].complete.lease_token"
    # A repeat (an answer lost) gets the same answers for the applied items.
    again = client.acknowledge(items=acks[:2]).results
    assert again[0].completed.schedule.id == leased[0].schedule.id
    assert again[1].failed.next_attempt_at_ms == results[1].failed.next_attempt_at_ms


# -- errors ---------------------------------------------------------------------------------


def test_invalid_argument_names_the_field(client, project):
    with pytest.raises(SchedulerError) as e:
        enqueue(client, project, platforms=["twitter", ""])
    assert e.value.code == "INVALID_ARGUMENT" and e.value.code_number == 3
    assert e.value.field == "enqueue.platforms[1]"
    assert e.value.message == "enqueue.platforms[1]: empty"
    assert e.value.field_violations[0].description == "empty"
    with pytest.raises(SchedulerError) as e:
        enqueue(client, project, priority=11)
    assert e.value.field == "enqueue.priority"


def test_refused_enqueue_carries_its_conflicts(client, project):
    # Five posts at one minute fill the publish capacity; the sixth is refused.
    for i in range(5):
        enqueue(client, project, f"burst-{i}", "2031-10-02T12:00:00")
    with pytest.raises(SchedulerError) as e:
        enqueue(client, project, "burst-6", "2031-10-02T12:00:00")
    err = e.value
    assert err.code == "FAILED_PRECONDITION"
    assert err.field == "enqueue.local_time"
    assert err.conflicts and all(isinstance(c, v1.Conflict) for c in err.conflicts)
    assert any(c.severity in (v1.CONFLICT_SEVERITY_ERROR, v1.CONFLICT_SEVERITY_CRITICAL) for c in err.conflicts)
    # auto_resolve moves it instead.
    moved = enqueue(client, project, "burst-6", "2031-10-02T12:00:00", auto_resolve=True)
    assert moved.adjusted and moved.adjusted_time_ms > moved.original_time_ms


def test_not_found_unauthenticated_and_unknown_fields(server, client, project):
    with pytest.raises(SchedulerError) as e:
        client.get(project_id=project, schedule_id="sch_nope")
    assert e.value.code == "NOT_FOUND"
    with pytest.raises(SchedulerError) as e:
        client.resume(project_id=project, schedule_id=enqueue(client, project).schedule.id)
    assert e.value.code == "FAILED_PRECONDITION"
    with SchedulerClient(server.address, ca_file=server.ca_file, timeout=5) as anonymous:
        assert anonymous.health().status == v1.SERVING_STATUS_SERVING
        with pytest.raises(SchedulerError) as e:
            anonymous.list(project_id=project)
        assert e.value.code == "UNAUTHENTICATED"
    with SchedulerClient(server.address, ca_file=server.ca_file, token="st_bogus_secret", timeout=5) as bad:
        with pytest.raises(SchedulerError) as e:
            bad.list(project_id=project)
        assert e.value.code == "UNAUTHENTICATED"
    with pytest.raises(TypeError):
        client.get(project_id=project, schedule="x")


def test_client_certificate_for_mutual_tls(own_server):
    # Dev mode with --client-ca: the handshake needs a certificate the dev CA issued.
    s = own_server(extra_args=["--client-ca", ".scheduler/ca.pem"])
    d = s.directory / ".scheduler"
    with s.client(cert_file=str(d / "client.pem"), key_file=str(d / "client.key")) as c:
        assert c.health().status == v1.SERVING_STATUS_SERVING
        assert c.list(project_id="blog").pagination.total == 0
    with s.client(timeout=3, max_attempts=1) as c:
        with pytest.raises(SchedulerError) as e:
            c.health()
        assert e.value.code == "UNAVAILABLE"


def test_list_alerts(client, project):
    # The test server sends no alerts for this project: the call answers an empty list.
    assert list(client.list_alerts(project_id=project, limit=5).alerts) == []
