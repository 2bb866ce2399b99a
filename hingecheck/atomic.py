"""Atomic output: write to a temporary file beside the target, then rename.

A crash, Ctrl-C or an error midway never leaves a partial file, and never
destroys a file the user already had at that path.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .errors import HingecheckError


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early, with a one-line error, if ``path`` cannot be written.

    Checks that the parent directory exists and is writable, and that the
    path is not a directory. Creates nothing.
    """
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise HingecheckError(f"cannot write {p}: it is a directory")
    if not parent.is_dir():
        raise HingecheckError(f"cannot write {p}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise HingecheckError(f"cannot write {p}: directory {parent} is not writable")
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place on success.

    On any exception the temporary file is removed and ``path`` is untouched.
    ``suffix`` defaults to the target's suffix (video writers choose their
    container from it).
    """
    target = check_writable(path)
    sfx = target.suffix if suffix is None else suffix
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{sfx}",
                                   dir=target.parent if str(target.parent) else ".")
    except OSError as exc:
        raise HingecheckError(f"cannot write {target}: {exc.strerror}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise HingecheckError(f"cannot write {path}: {exc.strerror}") from None
