"""Test helpers: a real Oxigraph server from the PyPI package, a real Virtuoso from Debian's
virtuoso-opensource (its own temporary database and ini; skipped where virtuoso-t is absent),
and a tiny stdlib HTTP server that misbehaves on purpose. Loopback addresses only; every loop
is bounded; every process started here is stopped by its pid."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rusgraph.remote.server import stop_process as stop_pid  # SIGTERM by pid, SIGKILL after a bounded wait

HOST = "127.0.0.1"
START_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def oxigraph_program() -> str:
    from rusgraph.remote.server import find_oxigraph

    return find_oxigraph()


def wait_until_up(url: str, process: subprocess.Popen | None = None, timeout: float = START_TIMEOUT) -> None:
    """Poll ``url`` (a GET with a 1 s timeout) until it answers 200, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); look at its state where /proc exists.
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().split(") ", 1)[1][0] != "Z"
        except (OSError, IndexError):
            return True
    return True


@dataclass
class Oxigraph:
    process: subprocess.Popen
    port: int

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def query(self) -> str:
        return self.base + "/query"

    @property
    def update(self) -> str:
        return self.base + "/update"

    @property
    def store(self) -> str:
        return self.base + "/store"


@contextmanager
def oxigraph_server(location: Path, *, read_only: bool = False) -> Iterator[Oxigraph]:
    """``oxigraph serve --location DIR --bind 127.0.0.1:<free port>``, stopped by pid."""
    port = free_port()
    mode = "serve-read-only" if read_only else "serve"
    log = open(location.parent / f"oxigraph-{port}.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen([oxigraph_program(), mode, "--location", str(location), "--bind", f"{HOST}:{port}"],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        server = Oxigraph(process, port)
        wait_until_up(server.query + "?query=ASK%7B%7D", process)
        yield server
    finally:
        stop_pid(process)
        log.close()


# ------------------------------------------------------------------ a misbehaving server


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False  # close the connection without answering


@dataclass
class FakeStore:
    """A stdlib HTTP server on 127.0.0.1 answering with ``respond(method, path, body)``."""

    respond: Callable[[str, str, bytes], Reply]
    server: ThreadingHTTPServer | None = None
    requests: list[tuple[str, str, bytes, dict[str, str]]] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://{HOST}:{self.server.server_address[1]}"


@contextmanager
def fake_store(respond: Callable[[str, str, bytes], Reply]) -> Iterator[FakeStore]:
    fake = FakeStore(respond)

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fake.requests.append((self.command, self.path, body, dict(self.headers)))
            reply = fake.respond(self.command, self.path, body)
            if reply.delay:
                fake.stop_event.wait(reply.delay)  # bounded, and cut short at teardown
            if reply.drop:
                self.close_connection = True
                return
            try:
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    fake.server = server
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.stop_event.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def json_reply(doc: str, status: int = 200, **headers: str) -> Reply:
    return Reply(status, doc.encode("utf-8"), {"Content-Type": "application/sparql-results+json", **headers})



# ------------------------------------------------------------- a listener that must stay silent


@dataclass
class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it (and answers none)."""

    port: int
    connections: list[tuple[str, int]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/sparql"


@contextmanager
def listener() -> Iterator[Listener]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    sock.listen(16)
    sock.settimeout(0.05)
    found = Listener(int(sock.getsockname()[1]))
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, addr = sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            found.connections.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        done.set()
        thread.join(timeout=5)
        sock.close()


# ------------------------------------------------------------------ Virtuoso (Debian package)

VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = {host}:{sql_port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
CaseMode                 = 2
AllowOSCalls             = 0
DirsAllowed              = ., {db}
ThreadsPerQuery          = 2
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
MaxQueryMem              = 1G

[HTTPServer]
ServerPort                  = {host}:{http_port}
ServerRoot                  = {db}
MaxClientConnections        = 10
ServerThreads               = 10
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
Charset                     = UTF-8

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
"""


def virtuoso_program() -> str | None:
    """The Debian package's server binary, or None where it is not installed."""
    import shutil

    return shutil.which("virtuoso-t")


@dataclass
class Virtuoso:
    process: subprocess.Popen
    http_port: int
    sql_port: int
    user: str
    password: str
    location: Path

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def query(self) -> str:
        return self.base + "/sparql"

    @property
    def update(self) -> str:
        """SPARQL Update with authentication (Digest)."""
        return self.base + "/sparql-auth"

    @property
    def store(self) -> str:
        """The Graph Store Protocol with authentication (Digest)."""
        return self.base + "/sparql-graph-crud-auth"

    def isql(self, sql: str, timeout: float = 60) -> str:
        """Run SQL through Debian's isql-vt as dba (the test's own database only)."""
        import shutil

        isql = shutil.which("isql-vt") or shutil.which("isql")
        if isql is None:
            raise RuntimeError("isql-vt not found beside virtuoso-t")
        done = subprocess.run([isql, f"{HOST}:{self.sql_port}", self.user, self.password, "VERBOSE=OFF",
                               "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT", f"EXEC={sql}"],
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout} {done.stderr}")
        return done.stdout


@contextmanager
def virtuoso_server(location: Path, *, password: str = "rusgraph-test-pw") -> Iterator[Virtuoso]:
    """Debian's ``virtuoso-t`` on a fresh database in ``location``: an ini of our own binds the
    SQL and HTTP listeners to 127.0.0.1 on free ports; the dba password is changed from the
    default before the test sees the server; stopped by pid (SIGTERM makes it checkpoint and
    exit). Skips the test where the package is not installed."""
    import pytest

    program = virtuoso_program()
    if program is None:
        pytest.skip("virtuoso-t not installed (Debian package virtuoso-opensource; .ci/run installs it)")
    location.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = location / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=location, host=HOST, sql_port=sql_port, http_port=http_port),
                   encoding="utf-8")
    log = open(location / "stdout.log", "wb")  # noqa: SIM115 - closed below
    # -f: stay in the foreground, so the pid we hold is the server's own.
    process = subprocess.Popen([program, "-f", "-c", str(ini)], cwd=location,
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        server = Virtuoso(process, http_port, sql_port, "dba", "dba", location)
        wait_until_up(server.query + "?query=ASK%7B%7D", process, timeout=120)
        server.isql(f"USER_SET_PASSWORD('dba', '{password}')")
        server.password = password
        yield server
    finally:
        stop_pid(process, timeout=60)
        log.close()
