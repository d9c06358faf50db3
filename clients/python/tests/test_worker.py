"""The work() helper against a real schedulerd: lease, heartbeat, Complete or Fail."""

from __future__ import annotations

import threading
import time

import pytest

from scheduler_client import PublishError, WorkItem, v1

from conftest import now_ms


def due(client, project, content, **fields):
    fields.setdefault("platforms", ["twitter", "linkedin"])
    return client.enqueue(project_id=project, content_id=content, scheduled_for_ms=now_ms() - 1000, **fields).schedule


def test_work_drains_due_items_and_completes_them(client, project):
    ids = [due(client, project, f"post-{i}").id for i in range(4)]
    seen = []
    lock = threading.Lock()
    running = 0
    most = 0

    def handler(item: WorkItem):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            seen.append(item)
        time.sleep(0.1)
        with lock:
            running -= 1
        return {p: f"https://{p.lower()}.example/{item.schedule.content_id}" for p in item.platforms}

    handled = client.work(project, handler, concurrency=2, stop_when_idle=True, poll_interval=0.1)
    assert handled == 4
    assert sorted(i.schedule.id for i in seen) == sorted(ids)
    assert most == 2
    assert all(i.attempt == 1 and i.idempotency_key and i.platforms == ["TWITTER", "LINKEDIN"] for i in seen)
    for sid in ids:
        s = client.get(project_id=project, schedule_id=sid).schedule
        assert s.queue_status == v1.QUEUE_STATUS_COMPLETED
        assert {r.platform: r.published_url for r in s.results} == {
            "TWITTER": f"https://twitter.example/{s.content_id}",
            "LINKEDIN": f"https://linkedin.example/{s.content_id}",
        }
    assert client.stats(project_id=project).stats.completed == 4


def test_work_fails_items_whose_handler_raises(client, project):
    retry = due(client, project, "flaky", max_retries=2, retry_delay_seconds=600).id
    final = due(client, project, "doomed").id
    partial = due(client, project, "half", max_retries=0).id

    def handler(item: WorkItem):
        if item.schedule.content_id == "flaky":
            raise RuntimeError("platform timed out")
        if item.schedule.content_id == "doomed":
            raise PublishError("content rejected", retryable=False)
        return [v1.PlatformResult(platform="TWITTER", success=True, published_url="https://t/1"),
                {"platform": "LINKEDIN", "success": False, "error": "quota"}]

    assert client.work(project, handler, concurrency=3, stop_when_idle=True, poll_interval=0.1) == 3
    s = client.get(project_id=project, schedule_id=retry).schedule
    assert s.queue_status == v1.QUEUE_STATUS_PENDING and s.retry_count == 1  # retried later
    assert "RuntimeError: platform timed out" in s.attempts[-1].error
    s = client.get(project_id=project, schedule_id=final).schedule
    assert s.queue_status == v1.QUEUE_STATUS_FAILED and "content rejected" in s.attempts[-1].error
    s = client.get(project_id=project, schedule_id=partial).schedule
    assert s.queue_status != v1.QUEUE_STATUS_PENDING
    assert {r.platform: r.success for r in s.results} == {"TWITTER": True, "LINKEDIN": False}


def test_work_heartbeats_while_the_handler_runs(server, project):
    with server.client() as client:
        sid = due(client, project, "slow").id
        beats = []
        original = client.heartbeat

        def counting_heartbeat(*args, **kwargs):
            r = original(*args, **kwargs)
            beats.append(r.lease_expires_at_ms)
            return r

        client.heartbeat = counting_heartbeat

        def handler(item: WorkItem):
            # Hold the item until two heartbeats went through (bounded).
            end = time.monotonic() + 10
            while len(beats) < 2 and time.monotonic() < end:
                time.sleep(0.02)
            return None

        assert client.work(project, handler, lease_seconds=30, heartbeat_interval=0.1, stop_when_idle=True) == 1
        assert len(beats) >= 2 and beats[-1] > now_ms() + 20_000
        assert client.get(project_id=project, schedule_id=sid).schedule.queue_status == v1.QUEUE_STATUS_COMPLETED


def test_work_stops_on_request(client, project):
    stop = threading.Event()
    result = []
    t = threading.Thread(target=lambda: result.append(client.work(project, lambda item: None, poll_interval=0.05,
                                                                  stop=stop)))
    t.start()
    time.sleep(0.2)
    due(client, project, "late")
    end = time.monotonic() + 10
    while client.stats(project_id=project).stats.completed < 1 and time.monotonic() < end:
        time.sleep(0.05)
    stop.set()
    t.join(10)
    assert not t.is_alive() and result == [1]
    with pytest.raises(ValueError):
        client.work(project, lambda item: None, concurrency=0)


class _CountingClient:
    """The real client, counting the calls the worker loop makes by method."""

    def __init__(self, client):
        self._client = client
        self.calls = {}
        self.acknowledged = []
        self.carried = []
        self.brief = []
        self.results = []

    def __getattr__(self, name):
        target = getattr(self._client, name)
        if not callable(target):
            return target

        def counted(*args, **kwargs):
            self.calls[name] = self.calls.get(name, 0) + 1
            if name == "acknowledge":
                self.acknowledged.append(len(kwargs.get("items", [])))
            if name == "dequeue":
                self.carried.append(len(kwargs.get("acknowledge", [])))
                self.brief.append(kwargs.get("brief_acknowledgements", False))
                response = target(*args, **kwargs)
                self.results.extend(response.acknowledged)
                return response
            return target(*args, **kwargs)

        return counted


def test_work_reports_what_finished_on_the_next_dequeue(client, project):
    from scheduler_client.worker import work

    # Three minutes apart in the past: due now, and no more than the concurrent-publish limit at once.
    ids = [client.enqueue(project_id=project, content_id=f"batch-{i}", platforms=["medium"],
                          scheduled_for_ms=now_ms() - 1000 - i * 180_000).schedule.id for i in range(8)]
    counting = _CountingClient(client)
    gate = threading.Barrier(4)

    def handler(item: WorkItem):
        gate.wait(timeout=10)  # the four in flight finish together
        return {"MEDIUM": f"https://medium.example/{item.schedule.content_id}"}

    handled = work(counting, project, handler, concurrency=4, stop_when_idle=True, poll_interval=0.05)
    assert handled == 8
    for sid in ids:
        assert client.get(project_id=project, schedule_id=sid).schedule.queue_status == v1.QUEUE_STATUS_COMPLETED
    # Eight items, four at a time: every report rode on a Dequeue, with several per call; no
    # Acknowledge, Complete or Fail of its own.
    assert sum(counting.carried) == 8
    assert max(counting.carried) > 1, counting.carried
    assert counting.calls.get("dequeue", 0) < 8, counting.calls
    assert "acknowledge" not in counting.calls, counting.calls
    assert "complete" not in counting.calls and "fail" not in counting.calls
    # Brief results: each carried report answered "applied", without its schedule.
    assert all(counting.brief), counting.brief
    assert len(counting.results) == 8
    assert all(r.applied and not r.HasField("completed") for r in counting.results)


class _OlderServer(_CountingClient):
    """A server older than carried reports: Dequeue's ``acknowledge`` is an unknown field, dropped."""

    def __getattr__(self, name):
        if name != "dequeue":
            return super().__getattr__(name)

        def dequeue(**kwargs):
            self.carried.append(len(kwargs.pop("acknowledge", [])))
            self.calls["dequeue"] = self.calls.get("dequeue", 0) + 1
            return self._client.dequeue(**kwargs)

        return dequeue


def test_work_falls_back_to_acknowledge_when_the_server_answers_no_reports(client, project):
    from scheduler_client.worker import work

    ids = [client.enqueue(project_id=project, content_id=f"old-{i}", platforms=["medium"],
                          scheduled_for_ms=now_ms() - 1000 - i * 180_000).schedule.id for i in range(5)]
    older = _OlderServer(client)
    handled = work(older, project, lambda item: None, concurrency=2, stop_when_idle=True, poll_interval=0.05)
    assert handled == 5
    for sid in ids:
        assert client.get(project_id=project, schedule_id=sid).schedule.queue_status == v1.QUEUE_STATUS_COMPLETED
    assert sum(older.carried) == 5 and sum(older.acknowledged) == 5, (older.carried, older.acknowledged)
