"""SIGKILL at random moments, and a check that every output is whole or absent.

:class:`Zygote` is a helper process that imports hingecheck (and mediapipe, cv2,
matplotlib) once and then forks one child per run, which calls the command line's
``main``; the test kills that child with SIGKILL. Forking from a single-threaded
process that has only imported (never run) the pose model is safe, and a run then
costs its own work, not the interpreter's start-up (several seconds on a busy
machine), so fifty kills fit in a test.

:func:`broken_outputs` lists every output in a folder that is present but not whole:
JSON that does not parse, HTML without its end, a video whose container is unreadable
or holds the wrong frame count, a CSV cut mid-row, a history that fails ``PRAGMA
integrity_check``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from assets import REPO_ROOT

ZYGOTE = r"""
import json, os, sys
import cv2, mediapipe, matplotlib.figure, numpy                      # noqa: F401  (paid once)
import hingecheck.apps.cli as cli
import hingecheck.io.pose, hingecheck.outputs.htmlreport, hingecheck.scoring.batch  # noqa: F401
print("ready", flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd["op"] == "run":
        pid = os.fork()
        if pid == 0:
            os.chdir(cmd["cwd"])
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1); os.dup2(null, 2)
            rc = 1
            try:
                rc = cli.main(cmd["argv"])
            finally:
                os._exit(rc)
        print(pid, flush=True)
    elif cmd["op"] == "wait":
        _, status = os.waitpid(cmd["pid"], 0)
        print(-os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status), flush=True)
"""


class Zygote:
    """A process that forks runs of ``hingecheck`` (see the module); use as a context manager."""

    def __init__(self, env: dict[str, str]):
        self._p = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT), **env})
        assert self._p.stdout.readline().strip() == "ready", "the zygote did not start"

    def _ask(self, **cmd) -> int:
        self._p.stdin.write(json.dumps(cmd) + "\n")
        self._p.stdin.flush()
        return int(self._p.stdout.readline())

    def run(self, argv: list[str], cwd: Path, kill_after: float | None = None) -> tuple[int, float]:
        """Run ``hingecheck argv`` in ``cwd``; SIGKILL it ``kill_after`` seconds after it started
        (if still running). (exit status, or minus the signal; seconds it ran)."""
        t0 = time.perf_counter()
        pid = self._ask(op="run", argv=argv, cwd=str(cwd))
        if kill_after is not None:
            while time.perf_counter() - t0 < kill_after and not _finished(pid):
                time.sleep(0.005)  # waiting for the moment of the kill (any moment is a valid test)
            if not _finished(pid):
                os.kill(pid, signal.SIGKILL)
        rc = self._ask(op="wait", pid=pid)
        return rc, time.perf_counter() - t0

    def __enter__(self) -> "Zygote":
        return self

    def __exit__(self, *exc) -> None:
        self._p.stdin.close()
        self._p.wait(timeout=60)


def _finished(pid: int) -> bool:
    """A child of the zygote has exited (a zombie) or is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


def _check_json(p: Path) -> str | None:
    try:
        json.loads(p.read_text(encoding="utf-8"))
    except ValueError as exc:
        return f"{p.name}: not whole JSON ({exc})"
    return None


def _check_html(p: Path) -> str | None:
    return None if p.read_text(encoding="utf-8").rstrip().endswith("</html>") else f"{p.name}: HTML cut short"


def _check_csv(p: Path) -> str | None:
    text = p.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if not text.endswith("\n") or not rows or any(len(r) != len(rows[0]) for r in rows):
        return f"{p.name}: CSV cut short"
    return None


def _check_video(p: Path, frames: int | None) -> str | None:
    from hingecheck.core.errors import HingecheckError
    from hingecheck.io.videocheck import count_frames
    try:
        n, _ = count_frames(p)
    except HingecheckError as exc:
        return f"{p.name}: unreadable video ({exc})"
    return None if frames is None or n == frames else f"{p.name}: {n} of {frames} frames"


def check_history(db: Path) -> str | None:
    """None if the history database is absent or passes ``PRAGMA integrity_check``
    and every session's reps are all there or all absent."""
    if not db.exists():
        return None
    c = sqlite3.connect(db)
    try:
        if c.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            return f"{db.name}: integrity check failed"
        orphans = c.execute("SELECT count(*) FROM reps WHERE session_id NOT IN (SELECT id FROM sessions)").fetchone()
        if orphans[0]:
            return f"{db.name}: {orphans[0]} reps without their session"
    finally:
        c.close()
    return None


def broken_outputs(folder: Path, video_frames: int | None = None) -> list[str]:
    """Every output under ``folder`` (temporary files aside) that is present but not whole."""
    problems = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or ".tmp" in p.name or p.name.startswith("."):
            continue
        check = {".json": _check_json, ".html": _check_html, ".csv": _check_csv}.get(p.suffix)
        if p.suffix == ".mp4" and ".annotated" in p.name:
            problems.append(_check_video(p, video_frames))
        elif check is not None:
            problems.append(check(p))
        elif p.suffix == ".sqlite":
            problems.append(check_history(p))
    return [x for x in problems if x]


def temporary_files(folder: Path) -> int:
    """Temporary files a SIGKILL left (``.NAME.*.tmp*``: never at an output's own name)."""
    return sum(1 for p in folder.rglob("*") if ".tmp" in p.name)
