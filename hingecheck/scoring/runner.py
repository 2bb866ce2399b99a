"""The worker processes of ``hingecheck score``: one clip's crash costs only that clip.

:func:`run_tasks` runs :func:`hingecheck.scoring.batch.process_clip` for each task in
a small set of worker processes (spawn context: mediapipe and fork do not
mix), one clip at a time per worker, and knows which worker runs which clip.
So when a worker dies (segfault, killed, out of memory) only its own clip is
affected: it is retried once in a fresh worker, then recorded as failed with
the signal, and the rest of the batch goes on.

Workers die with their parent: on Linux the kernel sends them SIGKILL when
the parent dies (``PR_SET_PDEATHSIG``), and everywhere a watchdog thread
exits the worker once its parent pid changes. Ctrl-C and SIGTERM in the
parent stop the workers at once and return what finished.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Callable

#: a clip whose worker died is run once more in a fresh worker, then recorded as failed
MAX_ATTEMPTS = 2
_STOP_GRACE_S = 1.0


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: ``signum`` says which (the exit status is 128 + signum);
    ``doc``, when set, is what was written of the work done before it."""

    def __init__(self, signum: int = signal.SIGINT, doc: dict | None = None):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)
        self.doc = doc


_TERM_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _raise_interrupted(signum, _frame):
    raise Interrupted(signum)


def catch_sigterm() -> dict:
    """Turn SIGTERM (and SIGHUP) into :class:`Interrupted`, so ``finally`` blocks and
    temporary-file cleanup run as they do for Ctrl-C. Main thread only; returns the
    handlers it replaced, for :func:`restore_signals`."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, _raise_interrupted) for sig in _TERM_SIGNALS}


def restore_signals(saved: dict) -> None:
    for sig, handler in saved.items():
        signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def end_set_on_signal():
    """For ``live``: the first Ctrl-C or SIGTERM sets the yielded Event (the set ends as with q);
    a second one interrupts. Main thread only (elsewhere the Event is never set)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, _frame):
        if stop.is_set():
            raise Interrupted(signum)
        stop.set()
    saved = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, *_TERM_SIGNALS)}
    try:
        yield stop
    finally:
        restore_signals(saved)


def signal_text(exitcode: int | None) -> str:
    """How a worker ended, in words: ``killed by SIGSEGV``, ``exit status 1``."""
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


# --------------------------------------------------------------- in the worker

def _die_with_parent(parent_pid: int) -> None:
    """Never outlive the parent: PR_SET_PDEATHSIG on Linux, and a watchdog thread."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):  # pragma: no cover - no libc: the watchdog still works
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch():
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="parent-watchdog").start()


def _exit_on_sigterm(signum, _frame):
    raise SystemExit(128 + signum)  # unwinds: temporary files are removed


def worker_main(conn, parent_pid: int, fn: Callable) -> None:
    """A worker's loop: receive ``(index, args)``, send ``(index, fn(*args))``; None ends it."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, args = msg
        conn.send((index, fn(*args)))


# --------------------------------------------------------------- in the parent

@dataclass
class _Worker:
    proc: object
    conn: object
    task: int | None = None   # index of the task it runs


@dataclass
class _Pool:
    ctx: object
    fn: Callable
    size: int
    workers: list[_Worker] = field(default_factory=list)

    def start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=worker_main, args=(child, os.getpid(), self.fn), daemon=True)
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        self.workers.append(w)
        return w

    def retire(self, w: _Worker) -> None:
        self.workers.remove(w)
        w.conn.close()
        w.proc.join(timeout=_STOP_GRACE_S)

    def stop(self) -> None:
        """End every worker now: SIGTERM, a short grace, then SIGKILL."""
        for w in self.workers:
            if w.proc.is_alive():
                w.proc.terminate()
        deadline = time.monotonic() + _STOP_GRACE_S
        for w in self.workers:
            w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=_STOP_GRACE_S)
            w.conn.close()
        self.workers.clear()


def _give(pool: _Pool, w: _Worker, queue: list[int], args_of: Callable[[int], tuple]) -> None:
    w.task = queue.pop(0)
    try:
        w.conn.send((w.task, args_of(w.task)))
    except OSError:  # it died idle: its death is collected, the task goes back without an attempt
        queue.insert(0, w.task)
        w.task = None


def _assign(pool: _Pool, queue: list[int], args_of: Callable[[int], tuple]) -> None:
    """Give every idle worker a task; start workers up to the pool's size while tasks wait."""
    for w in [w for w in pool.workers if w.task is None and w.proc.is_alive()]:
        if not queue:
            with contextlib.suppress(OSError):
                w.conn.send(None)
            pool.retire(w)
            continue
        _give(pool, w, queue, args_of)
    while queue and len(pool.workers) < pool.size:
        _give(pool, pool.start(), queue, args_of)


def run_tasks(n_tasks: int, args_of: Callable[[int], tuple], fn: Callable, on_done: Callable[[int, dict], None],
              workers: int) -> None:
    """Run ``fn(*args_of(i))`` for ``i`` in ``range(n_tasks)`` in ``workers`` processes.

    ``on_done(i, record)`` gets each task's return value, or ``{"error": ...,
    "worker_died": True}`` for a task whose worker died twice. Ctrl-C or
    SIGTERM (see :func:`catch_sigterm`) stop every worker at once and
    propagate as :class:`Interrupted`; what was done has been reported.
    """
    import multiprocessing as mp
    pool = _Pool(mp.get_context("spawn"), fn, max(1, min(workers, n_tasks)))
    queue, attempts, left = list(range(n_tasks)), [0] * n_tasks, n_tasks
    try:
        while left:
            _assign(pool, queue, args_of)
            ready = wait([w.conn for w in pool.workers] + [w.proc.sentinel for w in pool.workers])
            for w in list(pool.workers):
                left -= _settle(pool, w, ready, queue, attempts, on_done)
    finally:
        pool.stop()


def _settle(pool: _Pool, w: _Worker, ready, queue: list[int], attempts: list[int],
            on_done: Callable[[int, dict], None]) -> int:
    """Collect ``w``'s result or death; 1 if a task was settled, else 0."""
    if w.conn in ready:
        try:
            index, rec = w.conn.recv()
        except (EOFError, OSError):
            pass  # the pipe closed: it died; handled below
        else:
            w.task = None
            on_done(index, rec)
            return 1
    elif w.proc.sentinel not in ready:
        return 0
    w.proc.join(timeout=5)
    index, w.task = w.task, None
    pool.workers.remove(w)
    w.conn.close()
    if index is None:
        return 0
    attempts[index] += 1
    if attempts[index] < MAX_ATTEMPTS:
        queue.insert(0, index)  # once more, in a fresh worker
        return 0
    on_done(index, {"error": f"worker died ({signal_text(w.proc.exitcode)}), twice", "worker_died": True})
    return 1


def check_model_loads(model_path) -> None:
    """Raise the one-line HingecheckError now if the pose model cannot load (before any worker starts)."""
    from hingecheck.io.pose import PoseEstimator
    with PoseEstimator(model_path, segmentation=False):
        pass


def run_plan(plan, workers: int | None, progress: bool) -> tuple[dict[int, dict], int | None]:
    """Run a :class:`~hingecheck.scoring.batch.BatchPlan`'s tasks; the records of every settled clip,
    and the signal that stopped the run (None: it ran to the end)."""
    from hingecheck.scoring.batch import process_clip
    from hingecheck.scoring.cache import record_outcome

    records = dict(plan.records)
    if not plan.todo:
        return records, None
    check_model_loads(plan.model_path)
    bar = plan.progress_bar("scoring", progress)

    def done(i: int, rec: dict) -> None:
        record_outcome(plan, plan.todo[i], rec, records, cache_results=False)
        bar.update(1)
    try:
        run_tasks(len(plan.todo), lambda i: plan.task_args(plan.todo[i], plan.todo[i].cache_file),
                  process_clip, done, workers or os.cpu_count() or 1)
    except KeyboardInterrupt as exc:
        _collect_written(plan, records)
        return records, getattr(exc, "signum", int(signal.SIGINT))
    finally:
        bar.close()
    return records, None


def _collect_written(plan, records: dict[int, dict]) -> None:
    """Stopped: a clip whose worker wrote its result but had not sent it yet counts as finished."""
    from pathlib import Path

    from hingecheck.scoring.batch import task_record
    from hingecheck.scoring.cache import read_cache
    for task in plan.todo:
        if task.index not in records:
            hit = read_cache(Path(task.cache_file))
            if hit is not None and not hit.get("failed"):
                records[task.index] = task_record(task, hit)


__all__ = ["run_tasks", "run_plan", "check_model_loads", "catch_sigterm", "restore_signals", "end_set_on_signal", "Interrupted", "signal_text", "MAX_ATTEMPTS"]
