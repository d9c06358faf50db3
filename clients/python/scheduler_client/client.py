"""SchedulerClient: every RPC of scheduler.v1.Scheduler as a blocking, thread-safe method."""

from __future__ import annotations

import random
import ssl
import threading
import time
import uuid
import weakref
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Type

from google.protobuf.message import Message

from . import v1
from ._connection import ALPN_PROTOCOL, DEFAULT_MAX_FRAME_SIZE, Connection
from .errors import SchedulerError

SERVICE = "scheduler.v1.Scheduler"

# Methods that change nothing, or whose repetition is harmless (the Swift client's list): retried
# after UNAVAILABLE even when the server may have seen the call. Enqueue and EnqueueBatch are
# among them because their items always carry idempotency keys, and the worker calls because they
# are idempotent per lease token (a repeat gets the original answer). Every other method is
# retried only when it certainly was not processed ("not sent": no connection, or later than a
# go-away's last_call_id).
SAFE_TO_RETRY = frozenset(
    {"Get", "List", "Validate", "Stats", "ListConflicts", "PreviewOccurrences", "Health", "Enqueue", "EnqueueBatch",
     "Heartbeat", "Start", "Complete", "Fail", "Acknowledge", "ListAlerts", "ConfirmOutcome"}
)

_WRAPPERS = {
    "scheduler.v1.Int32Value": "value",
    "scheduler.v1.Int64Value": "value",
    "scheduler.v1.DoubleValue": "value",
    "scheduler.v1.StringValue": "value",
    "scheduler.v1.StringList": "values",
}


def parse_address(address: str) -> Tuple[str, int]:
    """``"HOST:PORT"`` or ``"[V6]:PORT"``."""
    if address.startswith("["):
        host, sep, rest = address[1:].partition("]")
        if not sep or not rest.startswith(":"):
            raise ValueError(f"address {address!r}: expected [V6]:PORT")
        port = rest[1:]
    else:
        host, sep, port = address.rpartition(":")
        if not sep or not host:
            raise ValueError(f"address {address!r}: expected HOST:PORT")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"address {address!r}: bad port")
    return host, int(port)


def build_request(cls: Type[Message], request: Optional[Message], fields: Mapping[str, Any]) -> Message:
    """``request`` (copied) with ``fields`` set on top. Wrapper fields (``max_retries``,
    ``priority`` in Update, …) also take a plain value: ``max_retries=0`` means ``Int32Value(value=0)``;
    a ``StringList`` takes a list. Message fields take a message or a dict; enums a value or name."""
    if request is not None and not isinstance(request, cls):
        raise TypeError(f"expected a {cls.DESCRIPTOR.full_name}, got {type(request).__name__}")
    msg = cls()
    if request is not None:
        msg.CopyFrom(request)
    for name, value in fields.items():
        fd = cls.DESCRIPTOR.fields_by_name.get(name)
        if fd is None:
            raise TypeError(f"{cls.DESCRIPTOR.full_name} has no field {name!r}")
        if fd.message_type is not None and fd.message_type.full_name in _WRAPPERS:
            if value is not None and not isinstance(value, (Message, dict)):
                value = {_WRAPPERS[fd.message_type.full_name]: value}
        msg.ClearField(name)
        if value is None:
            continue
        msg.MergeFrom(cls(**{name: value}))
    return msg


def _abort_slot(slot: Dict[str, Optional[Connection]]) -> None:
    conn = slot.get("conn")
    if conn is not None:
        conn.abort("the client was garbage-collected")


class SchedulerClient:
    """A client of the scheduler service over one multiplexed TLS connection.

    Thread-safe: any number of threads may call at once; a reader thread matches responses to
    calls by call id. The connection is opened on the first call and replaced after a go-away or
    when it drops. Calls are retried with exponential backoff and full jitter after UNAVAILABLE
    when that is safe (the methods of ``SAFE_TO_RETRY``, or any call the server certainly did not
    process), and after RESOURCE_EXHAUSTED from the rate limiter (it processed nothing), always
    within the call's deadline.

    Each RPC method takes a request message or keyword arguments (or both: keywords win) and
    returns the response message; an error status raises ``SchedulerError``. ``timeout`` (seconds,
    default ``timeout`` of the client) is the call's deadline, sent to the server and enforced
    locally: when it passes, the call is cancelled (a Cancel frame) and DEADLINE_EXCEEDED raised.

        with SchedulerClient("127.0.0.1:7443", ca_file=".scheduler/ca.pem", token=token) as client:
            created = client.enqueue(project_id="blog", content_id="post-1", platforms=["twitter"],
                                     local_time="2026-12-01T09:00:00", timezone="Europe/Berlin")
    """

    def __init__(
        self,
        address: str = "127.0.0.1:7443",
        *,
        ca_file: Optional[str] = None,
        token: Optional[str] = None,
        cert_file: Optional[str] = None,
        key_file: Optional[str] = None,
        timeout: float = 10.0,
        server_name: Optional[str] = None,
        max_attempts: int = 4,
        initial_backoff: float = 0.1,
        max_backoff: float = 2.0,
        max_frame_size: int = DEFAULT_MAX_FRAME_SIZE,
    ) -> None:
        """
        :param address: ``HOST:PORT`` or ``[V6]:PORT``.
        :param ca_file: PEM file of the CA that signed the server's certificate; None = system store.
        :param token: bearer token, sent as ``authorization: Bearer <token>`` on every call.
        :param cert_file: client certificate (PEM) for mutual TLS, with ``key_file``.
        :param timeout: default deadline of a call in seconds.
        :param server_name: name checked against the server certificate (and sent as SNI);
            default: the host of ``address``.
        :param max_attempts: attempts in all for a retryable call, the first included.
        """
        self.address = address
        self._host, self._port = parse_address(address)
        self._server_name = server_name or self._host
        self.token = token.strip() if token else None
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self._max_frame_size = max_frame_size
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies the certificate and the host name
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        if ca_file:
            ctx.load_verify_locations(cafile=ca_file)
        else:
            ctx.load_default_certs()
        if cert_file:
            ctx.load_cert_chain(cert_file, key_file)
        elif key_file:
            raise ValueError("key_file without cert_file")
        ctx.set_alpn_protocols([ALPN_PROTOCOL])
        self._context = ctx
        self._lock = threading.Lock()
        self._connect_lock = threading.Lock()
        self._slot: Dict[str, Optional[Connection]] = {"conn": None}
        # A client dropped without close() does not leave its connection open until the idle timeout.
        weakref.finalize(self, _abort_slot, self._slot)
        self._closed = False
        self.connections_opened = 0  # how many TLS connections this client has made

    @property
    def _conn(self) -> Optional[Connection]:
        return self._slot["conn"]

    @_conn.setter
    def _conn(self, conn: Optional[Connection]) -> None:
        self._slot["conn"] = conn

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "SchedulerClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self, wait: float = 5.0) -> None:
        """Says go-away to the server and closes the connection once its calls are answered
        (at most ``wait`` seconds). Later calls raise UNAVAILABLE."""
        with self._lock:
            self._closed = True
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close(wait)

    # -- calls -----------------------------------------------------------------------------

    def call(
        self,
        method: str,
        request: Message,
        response_type: Type[Message],
        *,
        timeout: Optional[float] = None,
        metadata: Iterable[Tuple[str, str]] = (),
    ) -> Message:
        """Calls ``scheduler.v1.Scheduler/<method>`` with ``request``; retries per the policy."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        headers = list(metadata)
        if self.token:
            headers.append(("authorization", f"Bearer {self.token}"))
        payload = request.SerializeToString()
        path = f"{SERVICE}/{method}"
        attempt = 0
        while True:
            attempt += 1
            try:
                conn = self._connection(deadline)
                response = conn.call(path, payload, headers, deadline)
                if response.code != 0:
                    raise SchedulerError.from_response(response)
                out = response_type()
                out.ParseFromString(response.payload)
                return out
            except SchedulerError as e:
                wait = self._retry_wait(method, e, attempt)
                if wait is None or time.monotonic() + wait >= deadline:
                    raise
                time.sleep(wait)

    def _retry_wait(self, method: str, e: SchedulerError, attempt: int) -> Optional[float]:
        """Seconds to wait before the next attempt, or None when the error is final."""
        if attempt >= self.max_attempts or self._closed or not e._retryable:
            return None
        if e.code == "UNAVAILABLE" and (method in SAFE_TO_RETRY or e.not_sent):
            cap = min(self.max_backoff, self.initial_backoff * (2 ** (attempt - 1)))
            return random.uniform(0, cap)
        if e.code == "RESOURCE_EXHAUSTED" and e.retry_delay is not None:
            # The rate limiter refused the call before doing anything: wait as told.
            return e.retry_delay
        return None

    def _connection(self, deadline: float) -> Connection:
        with self._lock:
            if self._closed:
                raise SchedulerError("UNAVAILABLE", "the client is closed (call not sent)", not_sent=True, retryable=False)
            conn = self._conn
        if conn is not None and conn.usable:
            return conn
        # One connect at a time; the others wait for it (within their deadline) and share it.
        if not self._connect_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise SchedulerError("DEADLINE_EXCEEDED", "deadline exceeded waiting for a connection", not_sent=True,
                                 retryable=False)
        try:
            with self._lock:
                conn = self._conn
            if conn is not None and conn.usable:
                return conn
            # The old connection, if any, is closed or going away: it closes by itself once the
            # calls the server accepted before its go-away are answered.
            new = Connection.open(self._host, self._port, self._context, self._server_name, deadline,
                                  self._max_frame_size)
            with self._lock:
                if self._closed:
                    new.abort("the client is closed")
                    raise SchedulerError("UNAVAILABLE", "the client is closed (call not sent)", not_sent=True,
                                         retryable=False)
                self._conn = new
                self.connections_opened += 1
            return new
        finally:
            self._connect_lock.release()

    def _rpc(self, method: str, request: Optional[Message], fields: Mapping[str, Any], timeout: Optional[float],
             metadata: Iterable[Tuple[str, str]]) -> Any:
        req_cls = getattr(v1, f"{method}Request")
        resp_cls = getattr(v1, f"{method}Response")
        return self.call(method, build_request(req_cls, request, fields), resp_cls, timeout=timeout,
                         metadata=metadata)

    # -- the 27 RPCs -----------------------------------------------------------------------

    def enqueue(self, request: Optional[v1.EnqueueRequest] = None, /, *, timeout: Optional[float] = None,
                metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.EnqueueResponse:
        """Creates a schedule. The request always carries an idempotency key (``auto-<uuid4>``
        when the caller gives none), so a retry after a lost connection cannot create a second
        schedule."""
        req = build_request(v1.EnqueueRequest, request, fields)
        if not req.idempotency_key:
            req.idempotency_key = "auto-" + str(uuid.uuid4())
        return self.call("Enqueue", req, v1.EnqueueResponse, timeout=timeout, metadata=metadata)

    def enqueue_batch(self, request: Optional[v1.EnqueueBatchRequest] = None, /, *, timeout: Optional[float] = None,
                      metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.EnqueueBatchResponse:
        """Creates up to 500 schedules in one call (``items``: EnqueueRequests), one result per
        item in order: ``created`` or ``error`` (an ItemError naming the item's field). Items without
        an idempotency key get one, so the call is retried safely."""
        req = build_request(v1.EnqueueBatchRequest, request, fields)
        for item in req.items:
            if not item.idempotency_key:
                item.idempotency_key = "auto-" + str(uuid.uuid4())
        return self.call("EnqueueBatch", req, v1.EnqueueBatchResponse, timeout=timeout, metadata=metadata)

    def acknowledge(self, request: Optional[v1.AcknowledgeRequest] = None, /, *, timeout: Optional[float] = None,
                    metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.AcknowledgeResponse:
        """Completes and fails up to 500 leased items in one call (``items``: Acknowledgements, each
        a ``complete`` or a ``fail``), one result per item in order."""
        return self._rpc("Acknowledge", request, fields, timeout, metadata)

    def dequeue(self, request: Optional[v1.DequeueRequest] = None, /, *, timeout: Optional[float] = None,
                metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.DequeueResponse:
        """Leases due items to ``worker_id`` (``start=True``: already PROCESSING)."""
        return self._rpc("Dequeue", request, fields, timeout, metadata)

    def start(self, request: Optional[v1.StartRequest] = None, /, *, timeout: Optional[float] = None,
              metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.StartResponse:
        return self._rpc("Start", request, fields, timeout, metadata)

    def heartbeat(self, request: Optional[v1.HeartbeatRequest] = None, /, *, timeout: Optional[float] = None,
                  metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.HeartbeatResponse:
        return self._rpc("Heartbeat", request, fields, timeout, metadata)

    def complete(self, request: Optional[v1.CompleteRequest] = None, /, *, timeout: Optional[float] = None,
                 metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.CompleteResponse:
        return self._rpc("Complete", request, fields, timeout, metadata)

    def fail(self, request: Optional[v1.FailRequest] = None, /, *, timeout: Optional[float] = None,
             metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.FailResponse:
        return self._rpc("Fail", request, fields, timeout, metadata)

    def get(self, request: Optional[v1.GetRequest] = None, /, *, timeout: Optional[float] = None,
            metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.GetResponse:
        return self._rpc("Get", request, fields, timeout, metadata)

    def list(self, request: Optional[v1.ListRequest] = None, /, *, timeout: Optional[float] = None,
             metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.ListResponse:
        return self._rpc("List", request, fields, timeout, metadata)

    def update(self, request: Optional[v1.UpdateRequest] = None, /, *, timeout: Optional[float] = None,
               metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.UpdateResponse:
        """Partial update: only the given wrapper fields change (``priority=7`` is ``Int32Value(7)``)."""
        return self._rpc("Update", request, fields, timeout, metadata)

    def cancel(self, request: Optional[v1.CancelRequest] = None, /, *, timeout: Optional[float] = None,
               metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.CancelResponse:
        return self._rpc("Cancel", request, fields, timeout, metadata)

    def pause(self, request: Optional[v1.PauseRequest] = None, /, *, timeout: Optional[float] = None,
              metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.PauseResponse:
        return self._rpc("Pause", request, fields, timeout, metadata)

    def resume(self, request: Optional[v1.ResumeRequest] = None, /, *, timeout: Optional[float] = None,
               metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.ResumeResponse:
        return self._rpc("Resume", request, fields, timeout, metadata)

    def batch_pause(self, request: Optional[v1.BatchPauseRequest] = None, /, *, timeout: Optional[float] = None,
                    metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.BatchPauseResponse:
        return self._rpc("BatchPause", request, fields, timeout, metadata)

    def batch_resume(self, request: Optional[v1.BatchResumeRequest] = None, /, *, timeout: Optional[float] = None,
                     metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.BatchResumeResponse:
        return self._rpc("BatchResume", request, fields, timeout, metadata)

    def batch_cancel(self, request: Optional[v1.BatchCancelRequest] = None, /, *, timeout: Optional[float] = None,
                     metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.BatchCancelResponse:
        return self._rpc("BatchCancel", request, fields, timeout, metadata)

    def publish_now(self, request: Optional[v1.PublishNowRequest] = None, /, *, timeout: Optional[float] = None,
                    metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.PublishNowResponse:
        return self._rpc("PublishNow", request, fields, timeout, metadata)

    def confirm_outcome(self, request: Optional[v1.ConfirmOutcomeRequest] = None, /, *,
                        timeout: Optional[float] = None, metadata: Sequence[Tuple[str, str]] = (),
                        **fields: Any) -> v1.ConfirmOutcomeResponse:
        """Records what a person found for a schedule held as "outcome unknown" (its worker's lease
        ran out while publishing): ``published=True`` completes it (``results`` with the platforms'
        ``published_url``, ``published_at_ms``; 0 = now), ``published=False`` makes it due now as
        ``publish_now`` would. ``note`` is kept with the confirmation. A repeat of the same answer
        returns the schedule unchanged, so the call is retried safely; the other answer is
        FAILED_PRECONDITION naming ``confirm_outcome.published``."""
        return self._rpc("ConfirmOutcome", request, fields, timeout, metadata)

    def reschedule(self, request: Optional[v1.RescheduleRequest] = None, /, *, timeout: Optional[float] = None,
                   metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.RescheduleResponse:
        return self._rpc("Reschedule", request, fields, timeout, metadata)

    def validate(self, request: Optional[v1.ValidateRequest] = None, /, *, timeout: Optional[float] = None,
                 metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.ValidateResponse:
        return self._rpc("Validate", request, fields, timeout, metadata)

    def stats(self, request: Optional[v1.StatsRequest] = None, /, *, timeout: Optional[float] = None,
              metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.StatsResponse:
        return self._rpc("Stats", request, fields, timeout, metadata)

    def list_conflicts(self, request: Optional[v1.ListConflictsRequest] = None, /, *,
                       timeout: Optional[float] = None, metadata: Sequence[Tuple[str, str]] = (),
                       **fields: Any) -> v1.ListConflictsResponse:
        return self._rpc("ListConflicts", request, fields, timeout, metadata)

    def list_alerts(self, request: Optional[v1.ListAlertsRequest] = None, /, *,
                    timeout: Optional[float] = None, metadata: Sequence[Tuple[str, str]] = (),
                    **fields: Any) -> v1.ListAlertsResponse:
        """A project's recent webhook alerts, newest first, with their delivery state."""
        return self._rpc("ListAlerts", request, fields, timeout, metadata)

    def resolve_conflict(self, request: Optional[v1.ResolveConflictRequest] = None, /, *,
                         timeout: Optional[float] = None, metadata: Sequence[Tuple[str, str]] = (),
                         **fields: Any) -> v1.ResolveConflictResponse:
        return self._rpc("ResolveConflict", request, fields, timeout, metadata)

    def preview_occurrences(self, request: Optional[v1.PreviewOccurrencesRequest] = None, /, *,
                            timeout: Optional[float] = None, metadata: Sequence[Tuple[str, str]] = (),
                            **fields: Any) -> v1.PreviewOccurrencesResponse:
        return self._rpc("PreviewOccurrences", request, fields, timeout, metadata)

    def health(self, request: Optional[v1.HealthRequest] = None, /, *, timeout: Optional[float] = None,
               metadata: Sequence[Tuple[str, str]] = (), **fields: Any) -> v1.HealthResponse:
        """SERVING or NOT_SERVING (needs no token; the client sends it anyway)."""
        return self._rpc("Health", request, fields, timeout, metadata)

    # -- worker ----------------------------------------------------------------------------

    def work(self, project: str, handler, concurrency: int = 1, **options: Any) -> int:
        """Runs a worker loop; see ``scheduler_client.worker.work``. Returns the items handled."""
        from .worker import work

        return work(self, project, handler, concurrency=concurrency, **options)
