"""One TLS connection carrying many concurrent calls (docs/PROTOCOL.md sections 1-9).

All TLS work after the handshake happens on the connection's I/O thread: OpenSSL objects must not
be read and written from two threads at once, so the TLS session is an ``ssl.SSLObject`` over
memory BIOs that only that thread touches. Callers hand it frames through a queue and wait for
their response on an event; the I/O thread matches responses to calls by call id, answers pings,
and handles go-away and a lost connection.
"""

from __future__ import annotations

import math
import os
import select
import socket
import ssl
import threading
import time
from typing import Dict, List, Optional, Sequence, Tuple

from ._proto import frame_pb2
from .errors import CODE_NAMES, SchedulerError

ALPN_PROTOCOL = "scheduler/1"
DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024
# Keep-alive while calls are in flight (section 8): ping after 60 s without a frame from the
# server; no pong within 20 s means a dead peer.
PING_AFTER_SILENCE = 60.0
PONG_TIMEOUT = 20.0

GO_AWAY_GRACEFUL = (0, 14)  # OK, UNAVAILABLE: draining; anything else is a protocol error


def encode_frame(frame: frame_pb2.Frame, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> bytes:
    body = frame.SerializeToString()
    if len(body) > max_frame_size:
        raise SchedulerError(
            "RESOURCE_EXHAUSTED",
            f"request too large: frame of {len(body)} bytes over the {max_frame_size}-byte limit",
            not_sent=True,
            retryable=False,
        )
    return len(body).to_bytes(4, "big") + body


class FrameDecoder:
    """Incremental: append bytes, take complete frames. Errors are final (the stream lost sync)."""

    def __init__(self, max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> None:
        self.max_frame_size = max_frame_size
        self._buf = bytearray()

    def feed(self, data: bytes) -> List[frame_pb2.Frame]:
        """The frames completed by ``data``; raises ``ValueError`` (with a status name) on a bad one."""
        self._buf += data
        frames = []
        while len(self._buf) >= 4:
            n = int.from_bytes(self._buf[:4], "big")
            # The length is checked before the body is buffered (section 2).
            if n == 0:
                raise ValueError("INVALID_ARGUMENT", "empty frame (N = 0)")
            if n > self.max_frame_size:
                raise ValueError("RESOURCE_EXHAUSTED", f"frame of {n} bytes over the {self.max_frame_size}-byte limit")
            if len(self._buf) < 4 + n:
                break
            body = bytes(self._buf[4 : 4 + n])
            del self._buf[: 4 + n]
            frame = frame_pb2.Frame()
            try:
                frame.ParseFromString(body)
            except Exception as e:  # google.protobuf.message.DecodeError and friends
                raise ValueError("INVALID_ARGUMENT", f"undecodable frame: {e}") from None
            if frame.WhichOneof("kind") is None:
                raise ValueError("INVALID_ARGUMENT", "frame without a kind")
            frames.append(frame)
        return frames


class _Call:
    __slots__ = ("call_id", "done", "response", "error", "sent")

    def __init__(self, call_id: int) -> None:
        self.call_id = call_id
        self.done = threading.Event()
        self.response: Optional[frame_pb2.Response] = None
        self.error: Optional[SchedulerError] = None
        self.sent = False  # written to the TLS session: the server may have seen it

    def finish(self, response=None, error=None) -> None:
        if self.done.is_set():
            return
        self.response = response
        self.error = error
        self.done.set()


def _remaining(deadline: float) -> float:
    return deadline - time.monotonic()


def _deadline_error(what: str) -> SchedulerError:
    return SchedulerError("DEADLINE_EXCEEDED", f"deadline exceeded {what}", not_sent=True, retryable=False)


class Connection:
    """A connected, handshaken TLS connection with its I/O thread. Thread-safe."""

    def __init__(self, sock: socket.socket, tls: ssl.SSLObject, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO,
                 max_frame_size: int, peer: str) -> None:
        self._sock = sock
        self._tls = tls
        self._in = incoming
        self._out = outgoing
        self._max_frame_size = max_frame_size
        self.peer = peer
        self._lock = threading.Lock()
        self._next_call_id = 1
        self._pending: Dict[int, _Call] = {}
        self._sendq: List[Tuple[Optional[_Call], bytes]] = []
        self._closed = False
        self._closing = False
        self.close_reason: Optional[str] = None
        self.go_away: Optional[frame_pb2.GoAway] = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._thread = threading.Thread(target=self._run, name=f"scheduler-client {peer}", daemon=True)
        self._thread.start()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, host: str, port: int, context: ssl.SSLContext, server_name: Optional[str], deadline: float,
             max_frame_size: int = DEFAULT_MAX_FRAME_SIZE) -> "Connection":
        """TCP connect and TLS handshake within ``deadline``. Failures are UNAVAILABLE "not sent"
        (safe to retry), DEADLINE_EXCEEDED when the deadline passes, and not retryable when the
        server's certificate or protocol is refused."""
        peer = f"{host}:{port}" if ":" not in host else f"[{host}]:{port}"
        remaining = _remaining(deadline)
        if remaining <= 0:
            raise _deadline_error(f"before connecting to {peer}")
        try:
            sock = socket.create_connection((host, port), timeout=remaining)
        except socket.timeout:
            raise _deadline_error(f"connecting to {peer}") from None
        except OSError as e:
            raise SchedulerError("UNAVAILABLE", f"cannot connect to {peer} (call not sent): {e}", not_sent=True) from None
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
            tls = context.wrap_bio(incoming, outgoing, server_side=False, server_hostname=server_name)
            while True:
                try:
                    tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    pending = outgoing.read()
                    remaining = _remaining(deadline)
                    if remaining <= 0:
                        raise socket.timeout()
                    sock.settimeout(remaining)
                    if pending:
                        sock.sendall(pending)
                    data = sock.recv(65536)
                    if not data:
                        raise ConnectionError("the server closed the connection during the TLS handshake")
                    incoming.write(data)
            pending = outgoing.read()
            if pending:
                sock.settimeout(max(_remaining(deadline), 0.001))
                sock.sendall(pending)
            selected = tls.selected_alpn_protocol()
            if selected != ALPN_PROTOCOL:
                raise SchedulerError(
                    "UNAVAILABLE",
                    f"{peer} did not select ALPN {ALPN_PROTOCOL!r} (selected {selected!r}): not a scheduler/1 server "
                    "(call not sent)",
                    not_sent=True,
                    retryable=False,
                )
        except socket.timeout:
            sock.close()
            raise _deadline_error(f"during the TLS handshake with {peer}") from None
        except ssl.SSLCertVerificationError as e:
            sock.close()
            raise SchedulerError("UNAVAILABLE", f"TLS handshake with {peer} failed (call not sent): {e}",
                                 not_sent=True, retryable=False) from None
        except SchedulerError:
            sock.close()
            raise
        except (OSError, ssl.SSLError) as e:
            sock.close()
            raise SchedulerError("UNAVAILABLE", f"TLS handshake with {peer} failed (call not sent): {e}",
                                 not_sent=True) from None
        sock.setblocking(False)
        return cls(sock, tls, incoming, outgoing, max_frame_size, peer)

    # -- state -----------------------------------------------------------------------------

    @property
    def usable(self) -> bool:
        """Open, not closing, and no go-away from the server: new calls may start here."""
        with self._lock:
            return not self._closed and not self._closing and self.go_away is None

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed

    # -- calls -----------------------------------------------------------------------------

    def call(self, method: str, payload: bytes, metadata: Sequence[Tuple[str, str]], deadline: float) -> frame_pb2.Response:
        """Sends one request and waits for its response until ``deadline`` (monotonic seconds).

        On the deadline the call is abandoned with a Cancel frame for its id and DEADLINE_EXCEEDED
        is raised. A lost connection or a go-away raise UNAVAILABLE (``not_sent`` when the server
        never processed the call)."""
        remaining = _remaining(deadline)
        if remaining <= 0:
            raise _deadline_error("before the call was sent")
        with self._lock:
            if self._closed:
                raise SchedulerError("UNAVAILABLE", f"connection closed (call not sent): {self.close_reason}", not_sent=True)
            if self.go_away is not None:
                raise SchedulerError("UNAVAILABLE", f"server sent go-away (call not sent): {self.go_away.reason}", not_sent=True)
            if self._closing:
                raise SchedulerError("UNAVAILABLE", "connection is closing (call not sent)", not_sent=True)
            call_id = self._next_call_id
            frame = frame_pb2.Frame(call_id=call_id)
            req = frame.request
            req.method = method
            for key, value in metadata:
                req.metadata.add(key=key, value=value)
            req.timeout_ms = max(1, math.ceil(remaining * 1000))
            req.payload = payload
            data = encode_frame(frame, self._max_frame_size)  # raises before taking the id
            self._next_call_id += 1
            call = _Call(call_id)
            self._pending[call_id] = call
            # Enqueued under the lock that picked the id: requests go out in call id order.
            self._sendq.append((call, data))
        self._wake()
        if call.done.wait(max(0.0, _remaining(deadline))):
            return self._result(call)
        with self._lock:
            abandoned = self._pending.pop(call_id, None) is not None
            if abandoned and not self._closed:
                cancel = frame_pb2.Frame(call_id=call_id)
                cancel.cancel.reason = "deadline exceeded"
                self._sendq.append((None, encode_frame(cancel)))
        if not abandoned:  # answered (or failed) just as the deadline passed
            call.done.wait()
            return self._result(call)
        self._wake()
        raise SchedulerError("DEADLINE_EXCEEDED", f"deadline exceeded waiting for {method} (call {call_id}); cancelled",
                             retryable=False)

    @staticmethod
    def _result(call: _Call) -> frame_pb2.Response:
        if call.error is not None:
            raise call.error
        assert call.response is not None
        return call.response

    def close(self, wait: float = 5.0) -> None:
        """Says go-away (no new calls), lets in-flight calls finish, then closes (within ``wait`` s)."""
        with self._lock:
            if self._closed:
                return
            self._closing = True
            g = frame_pb2.Frame(call_id=0)
            g.go_away.last_call_id = self._next_call_id - 1
            g.go_away.reason = "client closing"
            self._sendq.append((None, encode_frame(g)))
        self._wake()
        self._thread.join(wait)
        if self._thread.is_alive():
            self.abort("client closed with calls still in flight")
            self._thread.join(1.0)

    def abort(self, reason: str = "aborted by the client") -> None:
        """Closes at once; pending calls fail with UNAVAILABLE."""
        with self._lock:
            if self._closed:
                return
            self._closing = True
            self.close_reason = self.close_reason or reason
        self._wake(b"x")

    def _wake(self, what: bytes = b"w") -> None:
        try:
            self._wake_w.send(what)
        except OSError:
            pass  # the buffer is full (the thread will wake anyway) or the thread is gone

    # -- the I/O thread --------------------------------------------------------------------

    def _run(self) -> None:
        decoder = FrameDecoder(self._max_frame_size)
        outbuf = bytearray()
        last_rx = time.monotonic()
        ping_nonce: Optional[int] = None
        ping_sent_at = 0.0
        reason = "closed"
        try:
            while True:
                with self._lock:
                    queued, self._sendq = self._sendq, []
                    for call, data in queued:
                        self._tls.write(data)
                        if call is not None:
                            call.sent = True
                    has_pending = bool(self._pending)
                    finished = (self._closing or self.go_away is not None) and not has_pending
                    aborted = self._closing and self.close_reason is not None
                outbuf += self._out.read()
                if aborted:
                    reason = self.close_reason or "aborted"
                    return
                if finished and not outbuf:
                    reason = "closed after the last call" if self._closing else "server go-away"
                    return
                now = time.monotonic()
                if ping_nonce is not None and now - ping_sent_at > PONG_TIMEOUT:
                    reason = f"no pong within {PONG_TIMEOUT:.0f} s: the server is unreachable"
                    return
                if ping_nonce is None and has_pending and now - last_rx > PING_AFTER_SILENCE:
                    ping_nonce = int.from_bytes(os.urandom(8), "big") or 1
                    ping_sent_at = now
                    p = frame_pb2.Frame(call_id=0)
                    p.ping.nonce = ping_nonce
                    self._tls.write(encode_frame(p))
                    outbuf += self._out.read()
                readable, writable, _ = select.select(
                    [self._sock, self._wake_r], [self._sock] if outbuf else [], [], 1.0)
                if self._wake_r in readable:
                    try:
                        while self._wake_r.recv(4096):
                            pass
                    except (BlockingIOError, InterruptedError):
                        pass
                if self._sock in readable:
                    try:
                        data = self._sock.recv(65536)
                    except (BlockingIOError, InterruptedError, ssl.SSLWantReadError):
                        data = None
                    if data == b"":
                        reason = "the server closed the connection"
                        return
                    if data:
                        last_rx = time.monotonic()
                        self._in.write(data)
                        plain = bytearray()
                        try:
                            while True:
                                chunk = self._tls.read(65536)
                                if not chunk:
                                    break
                                plain += chunk
                        except ssl.SSLWantReadError:
                            pass
                        except ssl.SSLZeroReturnError:
                            reason = "the server closed the TLS session"
                            return
                        outbuf += self._out.read()  # TLS 1.3 post-handshake messages
                        if plain:
                            try:
                                frames = decoder.feed(bytes(plain))
                            except ValueError as e:
                                code, why = e.args
                                self._send_go_away_now(code, why)
                                reason = f"bad frame from the server: {why}"
                                return
                            for frame in frames:
                                pong = self._dispatch(frame)
                                if pong is not None:
                                    self._tls.write(pong)
                                    outbuf += self._out.read()
                                elif frame.WhichOneof("kind") == "pong" and frame.pong.nonce == ping_nonce:
                                    ping_nonce = None
                if outbuf:  # non-blocking: whatever the socket takes now, the rest when writable
                    try:
                        n = self._sock.send(outbuf)
                        del outbuf[:n]
                    except (BlockingIOError, InterruptedError):
                        pass
        except (OSError, ssl.SSLError) as e:
            reason = f"connection lost: {e}"
        except Exception as e:  # never leave callers waiting
            reason = f"client I/O error: {e!r}"
        finally:
            self._shutdown(reason)

    def _dispatch(self, frame: frame_pb2.Frame) -> Optional[bytes]:
        kind = frame.WhichOneof("kind")
        if kind == "response":
            with self._lock:
                call = self._pending.pop(frame.call_id, None)
            if call is None:
                return None  # abandoned (deadline) or already failed by a go-away
            r = frame.response
            g = self.go_away
            if r.code == 14 and g is not None and g.code in GO_AWAY_GRACEFUL and frame.call_id > g.last_call_id:
                # A draining server answers the calls it will not process with UNAVAILABLE.
                call.finish(error=SchedulerError(
                    "UNAVAILABLE", f"{r.message} (call not sent: after the go-away's last call id)", not_sent=True))
            else:
                call.finish(response=r)
        elif kind == "ping":
            pong = frame_pb2.Frame(call_id=0)
            pong.pong.nonce = frame.ping.nonce
            return encode_frame(pong)
        elif kind == "go_away":
            g = frame.go_away
            with self._lock:
                self.go_away = g
                # Calls after last_call_id were never processed: safe to send again elsewhere.
                later = [cid for cid in self._pending if cid > g.last_call_id]
                calls = [self._pending.pop(cid) for cid in later]
            graceful = g.code in GO_AWAY_GRACEFUL
            for call in calls:
                call.finish(error=SchedulerError(
                    "UNAVAILABLE",
                    f"server sent go-away before processing the call (call not sent): {g.reason}",
                    not_sent=True,
                    retryable=graceful,
                ))
        # request, cancel: servers do not send them; pong: handled by the caller
        return None

    def _send_go_away_now(self, code: str, reason: str) -> None:
        g = frame_pb2.Frame(call_id=0)
        g.go_away.reason = reason
        g.go_away.code = CODE_NAMES.index(code)
        with self._lock:
            g.go_away.last_call_id = self._next_call_id - 1
        try:
            self._tls.write(encode_frame(g))
            data = self._out.read()
            self._sock.setblocking(True)
            self._sock.settimeout(1.0)
            self._sock.sendall(data)
        except (OSError, ssl.SSLError):
            pass

    def _shutdown(self, reason: str) -> None:
        with self._lock:
            self._closed = True
            self.close_reason = self.close_reason or reason
            pending, self._pending = self._pending, {}
            self._sendq = []
        for call in pending.values():
            if call.sent:
                err = SchedulerError("UNAVAILABLE", f"connection lost: {self.close_reason}")
            else:
                err = SchedulerError("UNAVAILABLE", f"connection lost (call not sent): {self.close_reason}", not_sent=True)
            call.finish(error=err)
        for s in (self._sock, self._wake_r, self._wake_w):
            try:
                s.close()
            except OSError:
                pass
