"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Owns: writing to a temporary file in the target's directory, flushing it to disk and
renaming it over the target (for several files, a directory written beside the target
and renamed, or swapped in whole). An output that is not a regular file is written
through, never replaced: a symlink's target is replaced (the link stays), and a device,
FIFO or socket (/dev/null, /dev/stdout, a named pipe) is opened and written as it is.
Nothing else in rusgraph opens an output file for writing.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator, Mapping


@contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary sibling of ``path`` for writing; rename it over ``path`` on success.

    On any exception (including KeyboardInterrupt) the temporary file is removed and the
    old ``path``, if any, is left as it was.
    """
    target = Path(path)
    try:
        special = not stat.S_ISREG(os.stat(target).st_mode)  # follows a symlink
    except FileNotFoundError:
        special = False
    if special:  # a device, FIFO or socket: written through as it is, nothing to rename
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with open(target, mode, **kwargs) as fh:
            yield fh
        return
    if target.is_symlink():  # replace the file the link names; the link stays
        target = Path(os.path.realpath(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.chmod(tmp, _file_mode(target))  # mkstemp makes it 0600; keep the usual mode
        kwargs = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _file_mode(target: Path) -> int:
    """The mode the file would have if written in place: the old file's, else 0666 less the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_umask()


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    with atomic_writer(path, "wb", encoding=None) as fh:
        fh.write(data)


def write_files_atomic(directory: str | os.PathLike[str], contents: Mapping[str, bytes]) -> list[Path]:
    """Write several files into ``directory``; return their paths.

    A directory that does not exist yet appears whole: the files are written into a
    temporary sibling directory, flushed, and that directory is renamed to ``directory``.
    In an existing directory each file is replaced atomically (other files are left
    alone). An interruption leaves no half-written file either way.
    """
    target = Path(directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700; the result is an ordinary directory
        for name, data in contents.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if not target.exists():
            try:
                os.rename(tmp, target)
                return [target / name for name in contents]
            except OSError:
                if not target.is_dir():  # raced with someone creating a file there
                    raise
        for name in contents:
            os.replace(tmp / name, target / name)
        return [target / name for name in contents]
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def replace_dir_atomic(directory: str | os.PathLike[str], contents: Mapping[str, bytes],
                       replaceable: Callable[[str], bool]) -> list[Path]:
    """Make ``directory`` hold exactly ``contents``, all old or all new at every moment.

    The files are written into a temporary sibling directory, flushed, and that directory
    is swapped with the old one in one step (Linux renameat2 RENAME_EXCHANGE; elsewhere two
    renames, with a moment when the name is missing but never a mix). Only a directory
    whose every entry ``replaceable(name)`` accepts is replaced: one that holds anything
    else is refused (FileExistsError), since swapping it would drop those files.
    """
    target = Path(directory)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    if target.exists():
        if not target.is_dir():
            raise NotADirectoryError(f"{target} is not a directory")
        other = sorted(n for n in os.listdir(target) if not replaceable(n))
        if other:
            raise FileExistsError(f"{target} holds files rusgraph does not write here ({', '.join(other[:5])}"
                                  f"{', ...' if len(other) > 5 else ''}); give a new or empty directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        for name, data in contents.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if not target.exists():
            os.rename(tmp, target)
        elif _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old directory
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            os.rename(target, old / "d")
            os.rename(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        return [target / name for name in contents]
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step where the system can (Linux renameat2); False where not."""
    import ctypes
    import errno
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel or a file system without it
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def atomic_directory(directory: str | os.PathLike[str], *, replace_if: str | None = None) -> Iterator[Path]:
    """Yield a temporary sibling of ``directory`` to fill; on success it takes the place of
    ``directory`` whole, so a reader never sees half a tree. An existing ``directory`` is
    replaced only when it is empty or holds the file ``replace_if`` (a marker that an
    earlier run wrote it); otherwise nothing is touched and FileExistsError is raised.
    Files in the tree are not fsynced one by one (tens of thousands of pages): the rename
    is the commit point."""
    target = Path(directory)
    if target.is_symlink():  # written through: the link stays, the tree it names is replaced
        target = Path(os.path.realpath(target))
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not (replace_if and (target / replace_if).is_file()):
        raise FileExistsError(f"{target} is not empty and was not written by this command")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    old: Path | None = None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        if not target.exists():
            os.rename(tmp, target)
        elif _exchange(tmp, target):
            shutil.rmtree(tmp, ignore_errors=True)  # now the earlier tree
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            os.rename(target, old / "site")
            try:
                os.rename(tmp, target)
            except BaseException:
                os.rename(old / "site", target)  # put the earlier tree back
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
