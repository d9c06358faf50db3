"""Fixtures: a real schedulerd in dev mode in a temporary directory, clients of it, and small
local servers (plain TCP, scripted TLS) for the cases a real server cannot produce on demand.

The binary comes from env SCHEDULERD (default: the repository's .build/debug/schedulerd). Every
wait is bounded, everything listens on loopback, and every server is stopped by a finalizer.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, List, Optional

import pytest

from scheduler_client import ALPN_PROTOCOL, SchedulerClient, v1

REPO = Path(__file__).resolve().parents[3]


def schedulerd_binary() -> Path:
    path = Path(os.environ.get("SCHEDULERD") or REPO / ".build" / "debug" / "schedulerd")
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"schedulerd not found at {path}: build it (swift build --product schedulerd) or set SCHEDULERD")
    return path


class ServerProcess:
    """``schedulerd serve`` in dev mode in ``directory`` (which gets ./.scheduler/), stderr to a file."""

    def __init__(self, directory: Path, port: int = 0, extra_args: Optional[List[str]] = None) -> None:
        self.directory = directory
        self.log_path = directory / f"schedulerd-{time.monotonic_ns()}.log"
        self._log = open(self.log_path, "wb")
        args = [str(schedulerd_binary()), "serve", "--listen", f"127.0.0.1:{port}", "--log-level", "info"]
        self.process = subprocess.Popen(
            args + (extra_args or []), cwd=directory, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=self._log)
        try:
            self.port = self._wait_for_port(30.0)
        except BaseException:
            self.stop()
            raise

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_for_port(self, seconds: float) -> int:
        # The "listening listen=127.0.0.1:PORT" line (what Tests/schedctlTests/ServerProcessTests reads).
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            m = re.search(r"listening listen=127\.0\.0\.1:(\d+)", self.log)
            if m:
                return int(m.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"schedulerd exited with {self.process.returncode}:\n{self.log}")
            time.sleep(0.02)
        raise RuntimeError(f"schedulerd did not log its address within {seconds} s:\n{self.log}")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> str:
        return str(self.directory / ".scheduler" / "ca.pem")

    @property
    def token(self) -> str:
        return (self.directory / ".scheduler" / "admin.token").read_text().strip()

    def client(self, **options) -> SchedulerClient:
        options.setdefault("ca_file", self.ca_file)
        options.setdefault("token", self.token)
        options.setdefault("timeout", 10.0)
        return SchedulerClient(self.address, **options)

    def stop(self, timeout: float = 25.0) -> Optional[int]:
        """SIGTERM (drain), then SIGKILL if it is still running after ``timeout``."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log.close()
        return self.process.returncode


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One dev-mode server for the tests that do not stop it."""
    s = ServerProcess(tmp_path_factory.mktemp("schedulerd"))
    yield s
    s.stop()


@pytest.fixture
def own_server(tmp_path):
    """A server of the test's own (for tests that stop and restart it)."""
    servers: List[ServerProcess] = []

    def start(port: int = 0, extra_args: Optional[List[str]] = None) -> ServerProcess:
        s = ServerProcess(tmp_path, port, extra_args)
        servers.append(s)
        return s

    yield start
    for s in servers:
        s.stop()


@pytest.fixture
def client(server):
    with server.client() as c:
        yield c


@pytest.fixture
def project():
    """A project of the test's own, so tests do not see each other's schedules."""
    return f"py-{uuid.uuid4().hex[:12]}"


def now_ms() -> int:
    return int(time.time() * 1000)


# -- local servers -------------------------------------------------------------------------


class PlainListener:
    """Accepts TCP connections and never sends a byte (a TLS handshake that never completes)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted: List[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.accepted.append(conn)
            except OSError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for c in self.accepted:
            c.close()
        self.sock.close()


@pytest.fixture
def plain_listener():
    listener = PlainListener()
    yield listener
    listener.close()


class FakeConnection:
    """The server side of one connection to a ScriptedTLSServer: read frames, send frames."""

    def __init__(self, tls: ssl.SSLSocket, index: int) -> None:
        self.tls = tls
        self.index = index
        self._buf = b""

    def read_frame(self, timeout: float = 5.0) -> Optional[v1.Frame]:
        """The next frame, or None when the client closed the connection."""
        self.tls.settimeout(timeout)
        while True:
            if len(self._buf) >= 4:
                n = int.from_bytes(self._buf[:4], "big")
                if len(self._buf) >= 4 + n:
                    body, self._buf = self._buf[4:4 + n], self._buf[4 + n:]
                    f = v1.Frame()
                    f.ParseFromString(body)
                    return f
            data = self.tls.recv(65536)
            if not data:
                return None
            self._buf += data

    def send_frame(self, frame: v1.Frame) -> None:
        body = frame.SerializeToString()
        self.tls.sendall(len(body).to_bytes(4, "big") + body)

    def respond(self, call_id: int, message=None, code: int = 0, text: str = "") -> None:
        f = v1.Frame(call_id=call_id)
        f.response.code = code
        f.response.message = text
        if message is not None:
            f.response.payload = message.SerializeToString()
        self.send_frame(f)


class ScriptedTLSServer:
    """A TLS server with the dev server's certificate (so clients verify it with the dev CA) whose
    behaviour per connection is ``script(conn)``; frames it received are kept in ``received``."""

    def __init__(self, cert_dir: Path, script: Callable[[FakeConnection], None], alpn: Optional[str] = ALPN_PROTOCOL):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(cert_dir / "server.pem"), str(cert_dir / "server.key"))
        if alpn:
            ctx.set_alpn_protocols([alpn])
        self.ctx = ctx
        self.script = script
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self.connections: List[FakeConnection] = []
        self.accepted = 0  # TCP connections, counted before their handshake
        self.errors: "queue.Queue[BaseException]" = queue.Queue()
        self._stop = threading.Event()
        self._threads: List[threading.Thread] = []
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                raw, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            t = threading.Thread(target=self._serve, args=(raw,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, raw: socket.socket) -> None:
        try:
            raw.settimeout(5)
            tls = self.ctx.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        conn = FakeConnection(tls, len(self.connections))
        self.connections.append(conn)
        try:
            self.script(conn)
        except (OSError, ssl.SSLError):
            pass
        except BaseException as e:  # an assertion in a script: the test reports it
            self.errors.put(e)
        finally:
            try:
                tls.close()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        for c in list(self.connections):
            try:
                c.tls.close()
            except OSError:
                pass
        for t in self._threads:
            t.join(3)
        self.sock.close()
        if not self.errors.empty():
            raise self.errors.get()


@pytest.fixture
def scripted_server(server):
    """Factory: ``scripted_server(script, alpn=...)`` → a ScriptedTLSServer, closed at the end."""
    made: List[ScriptedTLSServer] = []

    def make(script: Callable[[FakeConnection], None], alpn: Optional[str] = ALPN_PROTOCOL) -> ScriptedTLSServer:
        s = ScriptedTLSServer(Path(server.ca_file).parent, script, alpn)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()
