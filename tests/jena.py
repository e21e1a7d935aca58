"""Test helper: Apache Jena 4.5 from Debian's ``libapache-jena-java`` (ARQ and Jena SHACL)
as a third engine beside rdflib and Oxigraph.

Debian's jars do not start as packaged: jena-core.jar holds Xerces' message bundles under
``org/apache/jena/ext/xerces/impl/...`` while its relocated classes look them up under
``xerces/impl/...``. :func:`classpath` copies them to that path in a directory placed first
on the classpath, and lists the jars one by one (Debian's /usr/share/java holds several
SLF4J bindings that must not all be on it). :func:`run_batch` runs many queries and
validations in one JVM (``tests/data/jena/Batch.java``, started with java's single-file
source launcher, which needs a JDK). Tests skip when Java or Jena is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

JAVA_DIR = Path("/usr/share/java")
BATCH = Path(__file__).parent / "data" / "jena" / "Batch.java"
# Jena's own jars, then what libapache-jena-java depends on (one SLF4J binding: nop).
JARS = (
    "jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
    "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2",
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
    "dexx.collection", "gson", "guava", "httpclient", "httpcore", "jackson-annotations",
    "jackson-core", "jackson-databind", "jsonld-java", "jakarta.json-api", "protobuf", "thrift",
    "titanium-json-ld", "slf4j-api", "slf4j-nop",
)
RELOCATED = "org/apache/jena/ext/xerces/"
TIMEOUT = 600.0  # seconds for one batch; the bundled graph and all fixtures take ~20 s


def require_jena() -> None:
    """Skip the calling test unless Java (with its compiler, for the source launcher) and
    Debian's Jena are installed."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        pytest.skip("no Java development kit: apt-get install default-jdk-headless")
    missing = [j for j in JARS if not (JAVA_DIR / f"{j}.jar").exists()]
    if missing:
        pytest.skip(f"Apache Jena is not installed ({missing[0]}.jar missing): apt-get install libapache-jena-java")


def classpath(workdir: Path) -> str:
    """The classpath for Debian's Jena, with the Xerces bundles at their relocated path."""
    fix = workdir / "jena-xerces-fix"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(RELOCATED) and name.endswith(".properties"):
                target = fix / "xerces" / name[len(RELOCATED):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([str(fix), *(str(JAVA_DIR / f"{j}.jar") for j in JARS)])


def run_batch(tasks: list[tuple[str, Path, Path, Path]], workdir: Path) -> None:
    """Run (kind, data, query-or-shapes, out) tasks in one JVM; kind is sparql or shacl."""
    listing = workdir / "tasks.tsv"
    listing.write_text("".join("\t".join(map(str, t)) + "\n" for t in tasks), encoding="utf-8")
    done = subprocess.run(["java", "-cp", classpath(workdir), str(BATCH), str(listing)],
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-3000:]


def read_output(path: Path) -> bytes:
    """A task's output; a task that failed in Jena fails the test with Jena's message."""
    data = path.read_bytes()
    assert not data.startswith(b"ERROR "), data.decode("utf-8", "replace")
    return data
