"""Serve the graph over SPARQL with the real Oxigraph server, read-only, behind a gate.

Owns: writing the dataset (one named graph for the ontology, one per data part, and the
inferred graph when there is one) as N-Quads, bulk-loading it with ``oxigraph load``, and
running ``oxigraph serve-read-only --union-default-graph --timeout-s N`` on it on a private
loopback address; running :class:`rusgraph.remote.gateway.Gate` (uvicorn) on the address the user
asked for, in front of it; finding the ``oxigraph`` program (the PyPI package ``oxigraph``,
the ``serve`` extra); stopping both by process id and thread. It must not answer HTTP
itself: Oxigraph answers SPARQL, the gate only screens and forwards.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EndpointError
from .gateway import Gate, host_names, is_loopback
from ..graph.knowledge import KnowledgeGraph

log = logging.getLogger(__name__)

INSTALL_HINT = "install it with: pip install 'rusgraph[serve]' (the PyPI packages oxigraph, uvicorn and httpx)"
#: Seconds a query may run on a served store unless told otherwise (``--time-limit``).
TIME_LIMIT = 60


def find_oxigraph() -> str:
    """The ``oxigraph`` program: next to the running Python (a venv's bin/), else on PATH."""
    exe = "oxigraph.exe" if os.name == "nt" else "oxigraph"
    beside = Path(sys.executable).parent / exe
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EndpointError("the oxigraph program was not found", where=str(beside.parent) + " and PATH",
                        hint=INSTALL_HINT)


def private_address() -> tuple[str, int]:
    """A loopback address and free port for the Oxigraph server behind the gate. On Linux
    every 127.x.y.z is loopback, so a random one makes the server hard to find (a web page
    probing 127.0.0.1 through DNS rebinding does not reach it); elsewhere 127.0.0.1."""
    host = "127.0.0.1"
    if sys.platform.startswith("linux"):
        host = f"127.{random.randint(1, 254)}.{random.randint(1, 254)}.{random.randint(2, 254)}"
    for candidate in (host, "127.0.0.1"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind((candidate, 0))
                return candidate, int(s.getsockname()[1])
        except OSError:
            continue
    raise EndpointError("no free loopback port for the Oxigraph server")


@dataclass
class Server:
    """A running ``oxigraph serve-read-only`` process, the gate in front of it, and where
    the gate listens (``host``/``port``: the address clients use)."""

    process: subprocess.Popen
    host: str
    port: int
    location: Path
    log_path: Path
    backend: str = ""
    time_limit: int = TIME_LIMIT
    _gate: Any = field(default=None, repr=False)
    _gate_thread: threading.Thread | None = field(default=None, repr=False)
    _cleanup: list[Path] = field(default_factory=list, repr=False)
    _command: list[str] = field(default_factory=list, repr=False)
    _generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def output(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""

    def generation(self) -> int:
        """Which Oxigraph process serves now (one more each time one is stopped by force)."""
        return self._generation

    def restart_backend(self, generation: int) -> None:
        """Kill the Oxigraph process of ``generation`` (a query ran past the time limit and
        Oxigraph did not stop it) and start a new one on the same store and address."""
        with self._lock:
            if generation != self._generation or not self._command:
                return  # already restarted for another overrunning query
            log.warning("a query ran past the time limit of %d s: restarting the oxigraph server (pid %d)",
                        self.time_limit, self.process.pid)
            stop_process(self.process)
            with self.log_path.open("ab") as out:
                self.process = subprocess.Popen(self._command, stdout=out, stderr=subprocess.STDOUT,
                                                stdin=subprocess.DEVNULL, start_new_session=True)
            self._generation += 1
            try:
                self._backend_ready(time.monotonic() + 20)
            except EndpointError as exc:  # the next request says so (502); the log says why
                log.error("%s", exc)

    def _backend_ready(self, deadline: float) -> None:
        probe = self.backend + "/query?query=ASK%7B%7D"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EndpointError(f"the oxigraph server stopped at start (exit code {self.process.returncode}): "
                                    f"{self.output()[-400:] or 'no output'}", where=self.backend)
            try:
                with urllib.request.urlopen(probe, timeout=1) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise EndpointError("the oxigraph server did not answer in time", where=self.backend)

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Poll Oxigraph until it answers, then the gate until it is up; at most ``timeout``."""
        deadline = time.monotonic() + timeout
        self._backend_ready(deadline)
        while time.monotonic() < deadline:
            if self._gate is not None and self._gate.started:
                return
            if self._gate_thread is not None and not self._gate_thread.is_alive():
                break
            time.sleep(0.05)
        raise EndpointError("the gate in front of the oxigraph server did not start", where=self.url)

    def wait(self) -> int:
        """Block until the server or its gate stops (the CLI interrupts this with Ctrl-C)."""
        while True:
            process = self.process
            try:
                code = process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if self._gate_thread is not None and not self._gate_thread.is_alive():
                    return -1
                continue
            with self._lock:
                if process is self.process:  # not a restart
                    return code

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the gate, then SIGTERM Oxigraph by pid (SIGKILL after ``timeout`` seconds);
        remove temporary files."""
        if self._gate is not None:
            self._gate.should_exit = True
        if self._gate_thread is not None:
            self._gate_thread.join(timeout=timeout)
        with self._lock:
            self._command = []  # no restart after this
            stop_process(self.process, timeout)
        for path in self._cleanup:
            shutil.rmtree(path, ignore_errors=True)
        self._cleanup.clear()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def stop_process(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM by pid, then SIGKILL after ``timeout`` seconds."""
    if process.poll() is not None:
        return
    try:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


def _listen(host: str, port: int) -> socket.socket:
    """The gate's listening socket, bound here so a busy port is a clear error at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise EndpointError(f"port {port} on {host} is in use", hint="pick another with --port") from None
    return sock


def _start_gate(gate: Gate, sock: socket.socket) -> tuple[Any, threading.Thread]:
    try:
        import uvicorn
    except ImportError:
        raise EndpointError("the uvicorn package is not installed", hint=INSTALL_HINT) from None
    config = uvicorn.Config(gate, log_level="warning", lifespan="off", access_log=False, server_header=False,
                            proxy_headers=False, timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="rusgraph-gate", daemon=True)
    thread.start()
    return server, thread


def serve(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 7878, location: str | Path | None = None,
          *, allow_remote: bool = False, ready_timeout: float = 20.0, time_limit: int = TIME_LIMIT,
          allowed_hosts: tuple[str, ...] = ()) -> Server:
    """Load ``kg`` into an Oxigraph store and serve it read-only; returns once it answers.

    The store lives in a temporary directory (removed by :meth:`Server.stop`) unless
    ``location`` names a new or empty directory to keep it in. Queries see the union of
    all graphs as their default graph, and ``GRAPH`` patterns see each named graph. A host
    that is not a loopback address is refused unless ``allow_remote`` (the server has no
    authentication: anyone who can reach the port can read the graph).

    Clients reach Oxigraph only through :class:`rusgraph.remote.gateway.Gate`: no ``SERVICE``
    (the server fetches nothing), no update or ``LOAD``, only requests whose ``Host`` is
    ``host`` (with the loopback names for a loopback host) or one of ``allowed_hosts``,
    and every query stopped after ``time_limit`` seconds.
    """
    if not is_loopback(host):
        if not allow_remote:
            raise EndpointError(f"refusing to serve on {host}, which is not a loopback address",
                                hint="anyone who can reach it could read the graph; pass --allow-remote if you mean it")
        log.warning("serving on %s: anyone who can reach port %d can read the graph (no authentication)", host, port)
    if not 0 < port < 65536:
        raise EndpointError(f"the port must be between 1 and 65535, got {port}")
    if int(time_limit) < 1:
        raise EndpointError(f"the time limit must be at least 1 second, got {time_limit}")
    program = find_oxigraph()
    sock = _listen(host, port)
    work = Path(tempfile.mkdtemp(prefix="rusgraph-serve-"))
    cleanup = [work]
    try:
        if location is None:
            store = work / "store"
        else:
            store = Path(location)
            if store.exists() and (not store.is_dir() or any(store.iterdir())):
                raise EndpointError("the store location must be a new or empty directory", where=str(store),
                                    hint="pick another directory, or leave --location out for a temporary store")
        nquads = work / "rusgraph.nq"
        data = kg.dataset(with_inferred=True).serialize(format="nquads", encoding="utf-8")
        nquads.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        done = subprocess.run([program, "load", "--location", str(store), "--file", str(nquads)],
                              capture_output=True, text=True, timeout=3600, check=False)
        if done.returncode != 0:
            raise EndpointError(f"oxigraph load failed: {' '.join((done.stderr or done.stdout).split())[-400:]}",
                                where=str(store))
        nquads.unlink()
        log_path = work / "oxigraph.log"
        inner_host, inner_port = private_address()
        command = [program, "serve-read-only", "--location", str(store), "--bind", f"{inner_host}:{inner_port}",
                   "--union-default-graph", "--timeout-s", str(int(time_limit))]
        with log_path.open("wb") as out:
            # A session of its own: Ctrl-C in the terminal reaches rusgraph, which stops the server by pid.
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
    except BaseException:
        sock.close()
        for path in cleanup:
            shutil.rmtree(path, ignore_errors=True)
        raise
    backend = f"http://{inner_host}:{inner_port}"
    server = Server(process=process, host=host, port=port, location=store, log_path=log_path, backend=backend,
                    time_limit=int(time_limit), _cleanup=cleanup, _command=command)
    try:
        gate = Gate(backend=backend, hosts=host_names(host, allowed_hosts), ports=frozenset({port}),
                    time_limit=float(time_limit), on_overrun=server.restart_backend, generation=server.generation)
        server._gate, server._gate_thread = _start_gate(gate, sock)
        server.wait_ready(ready_timeout)
    except BaseException:
        server.stop()
        sock.close()
        raise
    log.info("oxigraph (pid %d) serves %s from %s behind the gate at %s", server.pid, backend, store,
             server.query_url)
    return server
