"""Deadlines, cancel, dropped connections, go-away, reconnection, multiplexing and ping."""

from __future__ import annotations

import threading
import time

import pytest

from scheduler_client import SchedulerClient, SchedulerError, v1


def scripted_client(srv, server, **options) -> SchedulerClient:
    options.setdefault("timeout", 5.0)
    return SchedulerClient(srv.address, ca_file=server.ca_file, token="st_test_token", **options)


def test_deadline_during_a_handshake_that_never_completes(plain_listener):
    # A TCP listener that accepts and never answers: the TLS handshake hangs.
    with SchedulerClient(f"127.0.0.1:{plain_listener.port}", timeout=0.4) as c:
        t = time.monotonic()
        with pytest.raises(SchedulerError) as e:
            c.health()
        elapsed = time.monotonic() - t
    assert e.value.code == "DEADLINE_EXCEEDED"
    assert 0.35 < elapsed < 2.0
    assert plain_listener.accepted  # it did connect


def test_deadline_on_a_call_never_answered_sends_cancel(server, scripted_server):
    seen = []

    def silent(conn):
        # Handshake done; read the request and then the client's cancel; never answer.
        while True:
            f = conn.read_frame(timeout=5)
            if f is None:
                return
            seen.append(f)

    srv = scripted_server(silent)
    with scripted_client(srv, server, timeout=0.3) as c:
        t = time.monotonic()
        with pytest.raises(SchedulerError) as e:
            c.pause(project_id="p", schedule_id="sch_1")
        elapsed = time.monotonic() - t
        assert e.value.code == "DEADLINE_EXCEEDED"
        assert 0.25 < elapsed < 1.5
        # The cancel reaches the server (bounded wait).
        end = time.monotonic() + 3
        while len(seen) < 2 and time.monotonic() < end:
            time.sleep(0.01)
    request, cancel = seen[0], seen[1]
    assert request.WhichOneof("kind") == "request" and request.call_id == 1
    assert request.request.method == "scheduler.v1.Scheduler/Pause"
    assert 1 <= request.request.timeout_ms <= 300  # the deadline travels with the call
    assert [(m.key, m.value) for m in request.request.metadata] == [("authorization", "Bearer st_test_token")]
    assert v1.PauseRequest.FromString(request.request.payload).schedule_id == "sch_1"
    assert cancel.WhichOneof("kind") == "cancel" and cancel.call_id == 1


def test_deadline_on_a_real_server_call_the_server_cannot_finish_in_time(client, project):
    # A 0.1 ms deadline: whichever side notices first, the caller sees DEADLINE_EXCEEDED, and the
    # connection stays usable for the next call.
    with pytest.raises(SchedulerError) as e:
        client.list(project_id=project, timeout=0.0001)
    assert e.value.code == "DEADLINE_EXCEEDED"
    assert client.health().status == v1.SERVING_STATUS_SERVING


def test_a_server_that_does_not_select_alpn_is_refused(server, scripted_server):
    srv = scripted_server(lambda conn: conn.read_frame(timeout=2), alpn=None)
    with scripted_client(srv, server) as c:
        with pytest.raises(SchedulerError) as e:
            c.health()
    assert e.value.code == "UNAVAILABLE" and "ALPN" in e.value.message
    assert srv.accepted == 1  # not retried: another attempt cannot fix it


def test_dropped_connection_mid_call(server, scripted_server):
    # Connection 0 reads each request and drops; later connections answer.
    requests = []

    def script(conn):
        while True:
            f = conn.read_frame(timeout=5)
            if f is None or f.WhichOneof("kind") != "request":
                return  # closed, or the client's go-away
            requests.append((conn.index, f.request.method))
            if conn.index == 0 or f.request.method.endswith("/Pause") and conn.index == 1:
                return  # drop the connection with the call in flight
            method = f.request.method.rsplit("/", 1)[1]
            conn.respond(f.call_id, getattr(v1, f"{method}Response")())

    srv = scripted_server(script)
    with scripted_client(srv, server, initial_backoff=0.01) as c:
        # A read is safe to repeat: retried on a new connection.
        assert c.get(project_id="p", schedule_id="sch_1") == v1.GetResponse()
        assert requests == [(0, "scheduler.v1.Scheduler/Get"), (1, "scheduler.v1.Scheduler/Get")]
        # Pause may have been processed before the drop: not repeated, UNAVAILABLE.
        with pytest.raises(SchedulerError) as e:
            c.pause(project_id="p", schedule_id="sch_1")
        assert e.value.code == "UNAVAILABLE" and not e.value.not_sent
        assert requests[2:] == [(1, "scheduler.v1.Scheduler/Pause")]
        # The next call reconnects.
        assert c.health() == v1.HealthResponse()
        assert c.connections_opened == 3


def test_enqueue_is_retried_with_the_same_idempotency_key(server, scripted_server):
    keys = []

    def script(conn):
        f = conn.read_frame(timeout=5)
        if f is None:
            return
        keys.append(v1.EnqueueRequest.FromString(f.request.payload).idempotency_key)
        if conn.index == 0:
            return  # dropped: outcome unknown, but Enqueue is idempotent
        conn.respond(f.call_id, v1.EnqueueResponse(schedule=v1.Schedule(id="sch_x")))
        conn.read_frame(timeout=5)

    srv = scripted_server(script)
    with scripted_client(srv, server, initial_backoff=0.01) as c:
        r = c.enqueue(project_id="p", content_id="c", platforms=["twitter"], scheduled_for_ms=1)
    assert r.schedule.id == "sch_x"
    assert len(keys) == 2 and keys[0] == keys[1] and keys[0].startswith("auto-")


def test_go_away_before_processing_a_call_is_retried_even_when_not_idempotent(server, scripted_server):
    def script(conn):
        f = conn.read_frame(timeout=5)
        if f is None:
            return
        if conn.index == 0:
            g = v1.Frame(call_id=0)
            g.go_away.last_call_id = f.call_id - 1  # "I did not process your call"
            g.go_away.reason = "draining"
            g.go_away.code = 14
            conn.send_frame(g)
            conn.read_frame(timeout=5)  # until the client closes
            return
        conn.respond(f.call_id, v1.PauseResponse(schedule=v1.Schedule(id="sch_1")))
        conn.read_frame(timeout=5)

    srv = scripted_server(script)
    with scripted_client(srv, server, initial_backoff=0.01) as c:
        assert c.pause(project_id="p", schedule_id="sch_1").schedule.id == "sch_1"
        assert c.connections_opened == 2


def test_responses_out_of_order_reach_their_callers(server, scripted_server):
    # Three calls at once; the server answers them in reverse order, each with its own id.
    def script(conn):
        frames = [conn.read_frame(timeout=5) for _ in range(3)]
        for f in reversed(frames):
            req = v1.GetRequest.FromString(f.request.payload)
            conn.respond(f.call_id, v1.GetResponse(schedule=v1.Schedule(id=req.schedule_id)))
        conn.read_frame(timeout=5)

    srv = scripted_server(script)
    results = {}
    with scripted_client(srv, server) as c:
        def call(i):
            results[i] = c.get(project_id="p", schedule_id=f"sch_{i}").schedule.id

        threads = [threading.Thread(target=call, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert c.connections_opened == 1
    assert results == {0: "sch_0", 1: "sch_1", 2: "sch_2"}


def test_server_ping_is_answered_with_pong(server, scripted_server):
    pongs = []

    def script(conn):
        f = conn.read_frame(timeout=5)
        p = v1.Frame(call_id=0)
        p.ping.nonce = 0xDEADBEEF
        conn.send_frame(p)
        pong = conn.read_frame(timeout=5)
        pongs.append(pong)
        conn.respond(f.call_id, v1.HealthResponse(status=v1.SERVING_STATUS_SERVING))
        conn.read_frame(timeout=5)

    srv = scripted_server(script)
    with scripted_client(srv, server) as c:
        assert c.health().status == v1.SERVING_STATUS_SERVING
    assert pongs[0].call_id == 0 and pongs[0].pong.nonce == 0xDEADBEEF


def test_many_threads_share_one_connection(server, project):
    with server.client() as c:
        c.enqueue(project_id=project, content_id="x", platforms=["twitter"], local_time="2031-01-01T10:00:00",
                  timezone="UTC")
        errors = []

        def worker():
            try:
                for _ in range(25):
                    assert c.list(project_id=project).pagination.total == 1
            except BaseException as e:
                errors.append(e)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors and c.connections_opened == 1


def test_server_restart_on_the_same_port_the_next_call_reconnects(own_server, project):
    first = own_server()
    with first.client(initial_backoff=0.05) as c:
        created = c.enqueue(project_id=project, content_id="x", platforms=["twitter"],
                            local_time="2031-01-01T10:00:00", timezone="UTC").schedule
        assert first.stop() == 0  # SIGTERM: go-away, drain, exit 0
        with pytest.raises(SchedulerError) as e:
            c.get(project_id=project, schedule_id=created.id, timeout=1.0)
        assert e.value.code == "UNAVAILABLE" and e.value.not_sent  # nobody listening
        second = own_server(port=first.port)  # same directory, same database, same port
        assert c.get(project_id=project, schedule_id=created.id).schedule.id == created.id
        assert c.connections_opened == 2
        # A server killed outright (no go-away): the next call still reconnects.
        second.process.kill()
        second.process.wait(10)
        third = own_server(port=first.port)
        assert c.get(project_id=project, schedule_id=created.id).schedule.id == created.id
        assert c.connections_opened == 3
        third.stop()


def test_a_client_dropped_without_close_closes_its_connection(server):
    import gc

    def use_and_drop():
        c = server.client()
        assert c.health().status == v1.SERVING_STATUS_SERVING
        return c._conn

    conn = use_and_drop()
    gc.collect()
    end = time.monotonic() + 5
    while not conn.closed and time.monotonic() < end:
        time.sleep(0.01)
    assert conn.closed
    conn._thread.join(2)
    assert not conn._thread.is_alive()


def test_close_says_go_away_and_later_calls_fail(server):
    c = server.client()
    assert c.health().status == v1.SERVING_STATUS_SERVING
    conn = c._conn
    c.close()
    assert conn.closed
    with pytest.raises(SchedulerError) as e:
        c.health()
    assert e.value.code == "UNAVAILABLE" and e.value.not_sent


def test_calls_accepted_before_a_go_away_are_answered_on_the_old_connection(server, scripted_server):
    # Connection 0 takes two Pause calls, says go-away after the first, answers the first; the
    # second (not processed) is sent again on connection 1.
    answered_on = {}

    def script(conn):
        if conn.index == 0:
            a, b = conn.read_frame(timeout=5), conn.read_frame(timeout=5)
            g = v1.Frame(call_id=0)
            g.go_away.last_call_id = a.call_id
            g.go_away.reason = "draining"
            conn.send_frame(g)
            time.sleep(0.1)
            conn.respond(a.call_id, v1.PauseResponse(schedule=v1.Schedule(id="first")))
            conn.read_frame(timeout=5)
            return
        f = conn.read_frame(timeout=5)
        conn.respond(f.call_id, v1.PauseResponse(schedule=v1.Schedule(id="second")))
        conn.read_frame(timeout=5)

    srv = scripted_server(script)
    with scripted_client(srv, server, initial_backoff=0.01) as c:
        c._connection(time.monotonic() + 5)  # connect first, so both calls use connection 0
        results = {}

        def call(sid):
            results[sid] = c.pause(project_id="p", schedule_id=sid).schedule.id

        t1 = threading.Thread(target=call, args=("a",))
        t1.start()
        time.sleep(0.05)  # call 1 before call 2
        t2 = threading.Thread(target=call, args=("b",))
        t2.start()
        t1.join(10)
        t2.join(10)
        assert sorted(results.values()) == ["first", "second"] and results["a"] == "first"
        assert c.connections_opened == 2


def test_rate_limited_calls_wait_as_told_and_retry(server, scripted_server):
    def script(conn):
        f = conn.read_frame(timeout=5)
        r = v1.Frame(call_id=f.call_id)
        r.response.code = 8  # RESOURCE_EXHAUSTED from the rate limiter
        r.response.message = "rate limit"
        r.response.retry_info.retry_delay_ms = 150
        conn.send_frame(r)
        f = conn.read_frame(timeout=5)
        conn.respond(f.call_id, v1.CancelResponse(schedule=v1.Schedule(id="sch_1")))
        conn.read_frame(timeout=5)

    srv = scripted_server(script)
    with scripted_client(srv, server) as c:
        t = time.monotonic()
        assert c.cancel(project_id="p", schedule_id="sch_1").schedule.id == "sch_1"
        assert time.monotonic() - t >= 0.15
        assert c.connections_opened == 1
