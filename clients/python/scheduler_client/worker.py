"""The worker loop: lease due items (Dequeue), heartbeat while a handler publishes, then
acknowledge what finished (Complete or Fail, many in one Acknowledge call)."""

from __future__ import annotations

import os
import socket
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from . import v1
from .errors import SchedulerError, code_name

# Acknowledge takes at most this many items per call.
_MAX_ACKNOWLEDGE = 500


@dataclass
class WorkItem:
    """One leased item handed to a handler."""

    schedule: Any  # v1.Schedule
    attempt: int  # 1-based
    idempotency_key: str  # stable per attempt: pass it to the platform's API
    platforms: List[str]  # still to publish (those that succeeded in an earlier attempt left out)
    lease_token: str


class PublishError(Exception):
    """Raise from a handler to fail an item with per-platform results; ``retryable=False`` fails
    it for good. Any other exception fails the item as retryable with its text."""

    def __init__(self, message: str, results: Sequence[Any] = (), retryable: bool = True) -> None:
        super().__init__(message)
        self.results = list(results)
        self.retryable = retryable


HandlerResult = Union[None, Mapping[str, str], Sequence[Any]]


def _results(value: HandlerResult) -> List[Any]:
    """Handler output as PlatformResult messages: None (no details), {platform: url}, or a list of
    PlatformResult messages / dicts."""
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [v1.PlatformResult(platform=p, success=True, published_url=url or "") for p, url in value.items()]
    out = []
    for r in value:
        out.append(r if isinstance(r, v1.PlatformResult) else v1.PlatformResult(**r))
    return out


def work(
    client: Any,
    project: str,
    handler: Callable[[WorkItem], HandlerResult],
    concurrency: int = 1,
    *,
    lease_seconds: int = 300,
    worker_id: Optional[str] = None,
    poll_interval: float = 1.0,
    stop_when_idle: bool = False,
    stop: Optional[threading.Event] = None,
    heartbeat_interval: Optional[float] = None,
) -> int:
    """Runs a worker for ``project`` until ``stop`` is set (or, with ``stop_when_idle``, until
    nothing is due and nothing is in flight). Returns the number of items handled.

    Items are dequeued already started (``Dequeue`` with ``start``, as the Swift client does), at
    most ``concurrency`` at a time, each handled on a thread of a pool. While ``handler(item)``
    runs, the lease is extended every third of ``lease_seconds`` (``heartbeat_interval``). Then:

    * the handler returns per-platform results (None, ``{platform: url}``, or PlatformResult
      messages/dicts): all successful → ``Complete``; any with ``success=False`` → ``Fail``
      (retryable) with those results;
    * the handler raises ``PublishError`` → ``Fail`` with its results and ``retryable``;
    * any other exception → ``Fail``, retryable, with the exception's text.

    What finished rides on the next Dequeue (``DequeueRequest.acknowledge``, up to 500 items,
    applied in the same transaction as the lease), as the Swift client's work loop does: one round
    trip per round of items, not one per item. The results come back brief
    (``brief_acknowledgements``: no schedules, only whether each report took). A server older than that field answers no
    ``acknowledged`` results, and the reports then go in an ``Acknowledge`` call; so do those of a
    Dequeue that failed (a repeat is answered as the first), and what finished after the last
    Dequeue.

    An error from Dequeue or Acknowledge, or an acknowledgement the server refused (as a
    ``SchedulerError`` with that item's code and message), stops the loop (after the items in
    flight are acknowledged) and is raised.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    worker = worker_id or f"worker-{socket.gethostname()}-{os.getpid()}"
    interval = heartbeat_interval if heartbeat_interval is not None else max(1.0, lease_seconds / 3)
    stop = stop or threading.Event()
    handled = 0
    in_flight: Dict[Future, str] = {}
    failure: Optional[BaseException] = None
    finished: List[Any] = []  # v1.Acknowledgement messages waiting for the next Acknowledge

    def refused(results: Any) -> Optional[BaseException]:
        """The first item the server refused, as a SchedulerError."""
        for result in results:
            if result.HasField("error"):
                err = result.error
                return SchedulerError(code_name(err.code), err.message, conflicts=err.conflicts)
        return None

    def acknowledge(keep: int = 0) -> Optional[BaseException]:
        """Sends what finished, all but the last ``keep``, in Acknowledge calls; returns the first
        error (the call's, or a refused item's)."""
        first: Optional[BaseException] = None
        while len(finished) > keep:
            n = min(_MAX_ACKNOWLEDGE, len(finished) - keep)
            batch = finished[:n]
            del finished[:n]
            try:
                response = client.acknowledge(items=batch)
            except BaseException as e:
                return first or e
            first = first or refused(response.results)
        return first

    def dequeue(limit: int) -> List[Any]:
        """Dequeues with what finished carried on the call (at most one Dequeue's worth)."""
        carried = finished[:_MAX_ACKNOWLEDGE]
        del finished[:len(carried)]
        try:
            # Brief results: the loop only needs to know each report took, not the schedules back.
            response = client.dequeue(project_id=project, limit=limit, lease_seconds=lease_seconds, worker_id=worker,
                                      start=True, acknowledge=carried, brief_acknowledgements=True)
        except BaseException:
            finished[:0] = carried  # applied or not: Acknowledge answers a repeat as the first
            raise
        if len(response.acknowledged) != len(carried):
            finished[:0] = carried  # a server older than carried reports applied none of them
            error = acknowledge()
        else:
            error = refused(response.acknowledged)
        if error is not None:
            raise error
        return list(response.items)

    def process(item: Any) -> Any:
        sc = item.schedule
        done_platforms = {r.platform for r in sc.results if r.success}
        work_item = WorkItem(
            schedule=sc,
            attempt=item.attempt,
            idempotency_key=item.attempt_idempotency_key,
            platforms=[p for p in sc.platforms if p not in done_platforms],
            lease_token=item.lease_token,
        )
        done = threading.Event()

        def beat() -> None:
            while not done.wait(interval):
                try:
                    client.heartbeat(project_id=project, schedule_id=sc.id, lease_token=item.lease_token,
                                     extend_seconds=lease_seconds)
                except Exception:
                    pass  # the next beat tries again; Complete/Fail will say if the lease is gone

        beater = threading.Thread(target=beat, name=f"heartbeat {sc.id}", daemon=True)
        beater.start()
        try:
            try:
                results = _results(handler(work_item))
                failed = [r for r in results if not r.success]
                error = "; ".join(f"{r.platform}: {r.error or 'failed'}" for r in failed)
                retryable = True
            except PublishError as e:
                results, failed, error, retryable = _results(e.results), True, str(e) or "failed", e.retryable
            except Exception as e:
                results, failed, error, retryable = [], True, f"{type(e).__name__}: {e}", True
        finally:
            done.set()
            beater.join()
        if failed:
            return v1.Acknowledgement(fail=v1.FailRequest(
                project_id=project, schedule_id=sc.id, lease_token=item.lease_token, error=error or "failed",
                retryable=retryable, results=results))
        return v1.Acknowledgement(complete=v1.CompleteRequest(
            project_id=project, schedule_id=sc.id, lease_token=item.lease_token, results=results))

    def collect(f: Future) -> None:
        nonlocal handled, failure
        handled += 1
        exc = f.exception()
        if exc is not None:
            if failure is None:
                failure = exc
        else:
            finished.append(f.result())

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=f"worker {project}") as pool:
        while not stop.is_set() and failure is None:
            # More than one Dequeue can carry (only with concurrency above 500) goes first.
            failure = acknowledge(keep=_MAX_ACKNOWLEDGE)
            if failure is not None:
                break
            free = concurrency - len(in_flight)
            items: List[Any] = []
            if free > 0:
                try:
                    items = dequeue(min(free, 100))
                except BaseException as e:
                    failure = e
                    break
            for item in items:
                in_flight[pool.submit(process, item)] = item.schedule.id
            if items and len(in_flight) < concurrency:
                continue  # room for more: ask again at once
            if in_flight:
                # Full, or nothing more due: wait for one item to finish (or a stop).
                done, _ = wait(list(in_flight), timeout=poll_interval if not items else None,
                               return_when=FIRST_COMPLETED)
                for f in done:
                    in_flight.pop(f)
                    collect(f)
            elif stop_when_idle:
                break
            else:
                stop.wait(poll_interval)
        for f in list(in_flight):
            f.exception()  # waits
            collect(f)
    # What finished is acknowledged even when the loop stops for an error.
    last = acknowledge()
    if failure is None:
        failure = last
    if failure is not None:
        raise failure
    return handled
