"""Atomic output: write to a temporary file beside the target, then rename.

A crash, Ctrl-C or an error midway never leaves a partial file, and never
destroys a file the user already had at that path. An output that is not a
regular file (``/dev/null``, a FIFO, a terminal, or a symlink to anything) is
written to directly, never renamed over; ``-`` (and ``/dev/stdout``) is the
standard output.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from hingecheck.core.errors import HingecheckError

STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def is_stdout(path: str | os.PathLike | None) -> bool:
    """``-`` or a name of the standard output: written through ``sys.stdout``."""
    return path is not None and str(path) in STDOUT_NAMES


def in_place(path: str | os.PathLike) -> bool:
    """True for an output written to directly: a symlink, or an existing non-regular file."""
    p = Path(path)
    return is_stdout(p) or p.is_symlink() or (p.exists() and not p.is_dir() and not p.is_file())


def check_distinct(outputs: dict[str, str | os.PathLike | None]) -> None:
    """Refuse two outputs (option name -> path) that name the same regular file."""
    seen: dict[Path, str] = {}
    for name, path in outputs.items():
        if path is None or in_place(path):
            continue
        key = Path(path).resolve()
        if key in seen:
            raise HingecheckError(f"{seen[key]} and {name} name the same file {path}: give each its own")
        seen[key] = name


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early, with a one-line error, if ``path`` cannot be written.

    Checks that the parent directory exists and is writable, and that the
    path is not a directory (an output written in place: that it is
    writable). Creates nothing.
    """
    p = Path(path)
    if is_stdout(p):
        return p
    if in_place(p):
        if p.exists():
            if not os.access(p, os.W_OK):
                raise HingecheckError(f"cannot write {p}: permission denied")
            return p
        p = Path(os.path.realpath(p))  # a symlink to a file still to be made: check where it points
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise HingecheckError(f"cannot write {p}: it is a directory")
    if not parent.is_dir():
        raise HingecheckError(f"cannot write {p}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise HingecheckError(f"cannot write {p}: directory {parent} is not writable")
    return p


@contextlib.contextmanager
def _copied_in(target: Path, suffix: str) -> Iterator[Path]:
    """A temporary file in the system's temporary folder, copied into ``target`` on success
    (for writers that must seek or pick a format from the name: a video to /dev/null or a FIFO)."""
    fd, tmp = tempfile.mkstemp(prefix=".hingecheck.", suffix=f".tmp{suffix or '.mp4'}")
    tmp_path = Path(tmp)
    try:
        os.close(fd)
        yield tmp_path
        import shutil
        try:
            with open(tmp_path, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        except OSError as exc:
            raise HingecheckError(f"cannot write {target}: {exc.strerror}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None, copy_in_place: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success.

    On any exception the temporary file is removed and ``path`` is untouched.
    ``suffix`` defaults to the target's suffix (video writers choose their
    container from it). An output written in place (see :func:`in_place`)
    is yielded as it is, or with ``copy_in_place`` written to a temporary
    file elsewhere first and then copied into it.
    """
    target = check_writable(path)
    if in_place(target):
        if copy_in_place:
            with _copied_in(target, target.suffix if suffix is None else suffix) as tmp:
                yield tmp
        else:
            yield target
        return
    sfx = target.suffix if suffix is None else suffix
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{sfx}",
                                   dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise HingecheckError(f"cannot write {target}: {exc.strerror}") from None
    tmp_path = Path(tmp)
    try:  # from here on, whatever happens (a signal too) removes the temporary file
        os.close(fd)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
        yield tmp_path
        _sync(tmp_path, target)  # a full disk shows here at the latest, before anything is replaced
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _sync(tmp: Path, target: Path) -> None:
    """Flush ``tmp`` to the disk (``fsync``): a write the filesystem could not
    keep (no space left, an I/O error) fails here, and the rename then
    publishes a whole file, also after a power cut."""
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise HingecheckError(f"cannot write {target}: {exc.strerror}") from None


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (``-``: to the standard output)."""
    if is_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with atomic_path(path) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise HingecheckError(f"cannot write {path}: {exc.strerror}") from None
