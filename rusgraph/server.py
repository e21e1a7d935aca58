"""Serve the graph over SPARQL with the real Oxigraph server, read-only.

Owns: writing the dataset (one named graph for the ontology, one per data part, and the
inferred graph when there is one) as N-Quads, bulk-loading it with ``oxigraph load``, and
running ``oxigraph serve-read-only --union-default-graph`` on it; finding the ``oxigraph``
program (the PyPI package ``oxigraph``, the ``serve`` extra); stopping the server by its
process id. It must not answer HTTP itself: no home-made server, ever.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EndpointError
from .graph import KnowledgeGraph

log = logging.getLogger(__name__)

INSTALL_HINT = "install it with: pip install 'rusgraph[serve]' (the PyPI package oxigraph)"


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


def port_free(host: str, port: int) -> bool:
    """Whether ``host:port`` can be bound now (checked before starting, for a clear error)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        # As the server itself binds: connections in TIME_WAIT do not make the port busy.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Server:
    """A running ``oxigraph serve-read-only`` process and where it listens."""

    process: subprocess.Popen
    host: str
    port: int
    location: Path
    log_path: Path
    _cleanup: list[Path] = field(default_factory=list, repr=False)

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

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Poll the query URL until the server answers, it exits, or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        probe = self.query_url + "?query=ASK%7B%7D"
        answered: float | None = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EndpointError(f"the oxigraph server stopped at start (exit code {self.process.returncode}): "
                                    f"{self.output()[-400:] or 'no output'}", where=self.url,
                                    hint="is the port already in use? pick another with --port")
            try:
                with urllib.request.urlopen(probe, timeout=1) as resp:
                    if resp.status == 200:
                        # Only ours if it says so (or is still up a moment later): another
                        # process on the port would answer too while ours fails to bind.
                        answered = answered or time.monotonic()
                        if "Listening for requests" in self.output() or time.monotonic() - answered > 0.5:
                            return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise EndpointError(f"the oxigraph server did not answer within {timeout:g} s", where=self.url)

    def wait(self) -> int:
        """Block until the server exits (the CLI interrupts this with Ctrl-C)."""
        return self.process.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM by pid, then SIGKILL after ``timeout`` seconds; remove temporary files."""
        if self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=timeout)
            except ProcessLookupError:
                pass
        for path in self._cleanup:
            shutil.rmtree(path, ignore_errors=True)
        self._cleanup.clear()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(kg: KnowledgeGraph, host: str = "127.0.0.1", port: int = 7878, location: str | Path | None = None,
          *, allow_remote: bool = False, ready_timeout: float = 20.0) -> Server:
    """Load ``kg`` into an Oxigraph store and serve it read-only; returns once it answers.

    The store lives in a temporary directory (removed by :meth:`Server.stop`) unless
    ``location`` names a new or empty directory to keep it in. Queries see the union of
    all graphs as their default graph, and ``GRAPH`` patterns see each named graph. A host
    that is not a loopback address is refused unless ``allow_remote`` (the server has no
    authentication: anyone who can reach the port can read the graph).
    """
    if not is_loopback(host):
        if not allow_remote:
            raise EndpointError(f"refusing to serve on {host}, which is not a loopback address",
                                hint="anyone who can reach it could read the graph; pass --allow-remote if you mean it")
        log.warning("serving on %s: anyone who can reach port %d can read the graph (no authentication)", host, port)
    if not 0 < port < 65536:
        raise EndpointError(f"the port must be between 1 and 65535, got {port}")
    program = find_oxigraph()
    if not port_free(host, port):
        raise EndpointError(f"port {port} on {host} is in use", hint="pick another with --port")
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
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        with log_path.open("wb") as out:
            # A session of its own: Ctrl-C in the terminal reaches rusgraph, which stops the server by pid.
            process = subprocess.Popen([program, "serve-read-only", "--location", str(store), "--bind", bind,
                                        "--union-default-graph"], stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
    except BaseException:
        for path in cleanup:
            shutil.rmtree(path, ignore_errors=True)
        raise
    server = Server(process=process, host=host, port=port, location=store, log_path=log_path, _cleanup=cleanup)
    try:
        server.wait_ready(ready_timeout)
    except BaseException:
        server.stop()
        raise
    log.info("oxigraph (pid %d) serves %s from %s", server.pid, server.query_url, store)
    return server
