"""A fault-injection harness for the I/O edges: full and read-only filesystems,
an encoder that loses frames, writes that hit ENOSPC part-way, a history held
locked by another process, and a tiny clip for fast end-to-end runs.

The real filesystems (a small tmpfs, a read-only mount) need root and a kernel
that lets the test mount; where it cannot, those tests skip with the reason. The
injected variants (:class:`LosingEncoder`, :func:`enospc_on`) run anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np
import pytest
from assets import REPO_ROOT

_REAL_WRITER = cv2.VideoWriter  # kept: tests patch cv2.VideoWriter with LosingEncoder


@contextlib.contextmanager
def tmpfs(path: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of ``size_kb`` KB mounted on ``path`` (made), unmounted afterwards;
    skips the test when mounting is not permitted (not root, no CAP_SYS_ADMIN)."""
    path.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({p.stderr.strip() or p.returncode}); "
                    "the injected-fault variants cover this unprivileged")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_read_only(path: Path) -> None:
    """Make the tmpfs mounted on ``path`` (see :func:`tmpfs`) read-only."""
    p = subprocess.run(["mount", "-o", "remount,ro", str(path)], capture_output=True, text=True)
    assert p.returncode == 0, f"cannot remount {path} read-only: {p.stderr.strip()}"


@contextlib.contextmanager
def read_only_folder(path: Path, size_kb: int = 4096) -> Iterator[Path]:
    """``path`` as a folder that cannot be written: a read-only tmpfs as root (root
    ignores permission bits), else mode 0555. Files made by ``prepare`` beforehand stay.
    Yields the folder, writable until :func:`seal` is called on it."""
    if os.geteuid() == 0:
        with tmpfs(path, size_kb):
            yield path
    else:
        path.mkdir(parents=True, exist_ok=True)
        try:
            yield path
        finally:
            for p in [path, *path.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)


def seal(path: Path) -> None:
    """Make the folder of :func:`read_only_folder` (and its files) read-only."""
    if os.geteuid() == 0:
        remount_read_only(path)
    else:
        for p in [*path.rglob("*"), path]:
            p.chmod(0o555 if p.is_dir() else 0o444)


class LosingEncoder:
    """Stand-in for ``cv2.VideoWriter`` that fails as FFmpeg does on a full disk:
    every ``write`` returns normally, but only the first ``keep`` frames are encoded and
    the file is cut short on ``release`` (no index). Install with
    ``monkeypatch.setattr(hingecheck.io.video.cv2, "VideoWriter", LosingEncoder.factory(30))``."""

    def __init__(self, keep: int, path: str, *args):
        self._real = _REAL_WRITER(path, *args)
        self._path, self._keep, self._n = path, keep, 0

    @classmethod
    def factory(cls, keep: int):
        return lambda path, *args: cls(keep, path, *args)

    def isOpened(self) -> bool:  # noqa: N802 - OpenCV's name
        return self._real.isOpened()

    def write(self, frame) -> None:
        self._n += 1
        if self._n <= self._keep:
            self._real.write(frame)

    def release(self) -> None:
        self._real.release()
        size = os.path.getsize(self._path)
        with open(self._path, "r+b") as fh:
            fh.truncate(size // 2)


@contextlib.contextmanager
def enospc_on(monkeypatch, needle: str) -> Iterator[list[str]]:
    """Writes (``Path.write_text`` / ``write_bytes``) to a file whose name holds ``needle``
    put half their data on the disk and then raise ``ENOSPC``, as a full disk does.
    Yields the list of paths that failed."""
    failed: list[str] = []
    real_text, real_bytes = pathlib.Path.write_text, pathlib.Path.write_bytes

    def fail(self, data, real, *a, **k):
        if needle in self.name:
            real(self, data[: len(data) // 2], *a, **k)
            failed.append(str(self))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data, *a, **k)

    monkeypatch.setattr(pathlib.Path, "write_text", lambda self, d, *a, **k: fail(self, d, real_text, *a, **k))
    monkeypatch.setattr(pathlib.Path, "write_bytes", lambda self, d, *a, **k: fail(self, d, real_bytes, *a, **k))
    yield failed


LOCKER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
c.execute("ROLLBACK")
"""


@contextlib.contextmanager
def history_locked(db: Path) -> Iterator[subprocess.Popen]:
    """Another process holding ``BEGIN EXCLUSIVE`` on the SQLite file ``db`` until the block ends."""
    p = subprocess.Popen([sys.executable, "-c", LOCKER, str(db)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "locked"
        yield p
    finally:
        p.stdin.close()
        p.wait(timeout=30)


def tiny_clip(path: Path, frames: int = 90, size: tuple[int, int] = (320, 240),
              source: Path = REPO_ROOT / "sample_videos" / "good_hinge.mp4") -> Path:
    """The first ``frames`` frames of a committed sample, shrunk to ``size``: a fast analyze."""
    cap = cv2.VideoCapture(str(source))
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, size)
    for _ in range(frames):
        ok, f = cap.read()
        assert ok, source
        w.write(cv2.resize(f, size, interpolation=cv2.INTER_AREA))
    w.release()
    cap.release()
    return path


def noise_frames(n: int, size: tuple[int, int] = (320, 240), seed: int = 0) -> Iterator[np.ndarray]:
    """Frames of random pixels (they do not compress: a few fill a small disk)."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        yield rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)


def tmp_files(folder: Path) -> list[str]:
    """Temporary files (``.NAME.*.tmp*``) left in ``folder``."""
    return sorted(p.name for p in folder.rglob("*") if ".tmp" in p.name)
