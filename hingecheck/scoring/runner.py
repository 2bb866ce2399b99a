"""Running ``hingecheck score``'s clips: one batch loop over any ``concurrent.futures.Executor``,
and the signal handling of every command.

:func:`run_batch` submits :func:`hingecheck.scoring.batch.process_clip` for
every clip a :class:`~hingecheck.scoring.batch.BatchPlan` has to run and
settles the futures as they complete (``concurrent.futures.as_completed``):
each outcome is recorded (and cached, when the executor's workers cannot
write the cache) the moment it lands; Ctrl-C or SIGTERM cancel what is left
and keep what finished. :func:`run_plan` wraps it for one run: model check,
executor, progress bar. Locally the executor is
:class:`~hingecheck.scoring.workers.CrashIsolatingExecutor` (:func:`run_local`:
a dying worker costs only its clip); on Dask it is ``Client.get_executor()``
(:mod:`hingecheck.scoring.daskrun`); any other Executor fits too.

SIGTERM is turned into :class:`Interrupted` (:func:`catch_sigterm`), so every
command unwinds from it as from Ctrl-C.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import signal
import threading
from typing import Callable, ContextManager

from hingecheck.scoring.workers import (
    MAX_ATTEMPTS,
    CrashIsolatingExecutor,
    WorkerDied,
    signal_text,
)


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
    """Put back the handlers :func:`catch_sigterm` replaced."""
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


# --------------------------------------------------------------- the batch loop

def _failure(exc: BaseException) -> dict:
    """The record of a clip whose call raised: its worker died (or the task was lost on Dask)."""
    if isinstance(exc, WorkerDied):
        return {"error": str(exc)}
    return {"error": " ".join(f"worker died: {type(exc).__name__}: {exc}".split())}


def run_batch(plan, executor: cf.Executor, records: dict[int, dict], bar, *,
              worker_writes_cache: bool = True) -> int | None:
    """Run every task of ``plan`` on ``executor``; put each clip's record in ``records`` as it lands.

    Each task is ``process_clip(*plan.task_args(...))``, submitted at once and
    settled with ``concurrent.futures.as_completed``; ``bar.update(1)`` per
    clip. With ``worker_writes_cache`` the worker writes a result's cache entry
    (and landmarks, plot) itself; without, ``OUT`` may be out of the workers'
    sight and the entry is written here. A failure is cached here either way.
    Ctrl-C or SIGTERM cancel what is left; the signal's number is returned
    (None: every task settled).
    """
    from hingecheck.scoring.cache import record_outcome

    futs: dict[cf.Future, object] = {}
    try:
        for task in plan.todo:
            args = plan.task_args(task, task.cache_file if worker_writes_cache else None)
            futs[executor.submit(plan.worker(), *args)] = task
        for fut in cf.as_completed(list(futs)):
            task = futs.pop(fut)
            exc = fut.exception()
            rec = fut.result() if exc is None else _failure(exc)
            record_outcome(plan, task, rec, records, cache_results=not worker_writes_cache)
            bar.update(1)
    except KeyboardInterrupt as exc:
        for fut in futs:
            fut.cancel()
        return getattr(exc, "signum", int(signal.SIGINT))
    return None


def run_plan(plan, open_executor: Callable[[], ContextManager[cf.Executor]], *, progress: bool,
             desc: str = "scoring", worker_writes_cache: bool = True) -> tuple[dict[int, dict], int | None]:
    """Run a :class:`~hingecheck.scoring.batch.BatchPlan`'s tasks with :func:`run_batch` on the executor
    ``open_executor()`` gives (a context manager: entered after the model loads, left before returning);
    the records of every settled clip, and the signal that stopped the run (None: it ran to the end).
    Nothing is opened when every clip is settled already."""
    records = dict(plan.records)
    if not plan.todo:
        return records, None
    check_model_loads(plan.model_path)
    try:
        with open_executor() as executor, plan.progress_bar(desc, progress) as bar:
            stopped = run_batch(plan, executor, records, bar, worker_writes_cache=worker_writes_cache)
    except KeyboardInterrupt as exc:  # while the executor started or stopped
        stopped = getattr(exc, "signum", int(signal.SIGINT))
    if stopped is not None and worker_writes_cache:
        _collect_written(plan, records)
    return records, stopped


def run_local(plan, workers: int | None, progress: bool) -> tuple[dict[int, dict], int | None]:
    """:func:`run_plan` on a :class:`CrashIsolatingExecutor` of ``workers`` processes (default: one a CPU)."""
    return run_plan(plan, lambda: CrashIsolatingExecutor(workers), progress=progress)


def check_model_loads(model_path) -> None:
    """Raise the one-line HingecheckError now if the pose model cannot load (before any worker starts)."""
    from hingecheck.io.pose import PoseEstimator
    with PoseEstimator(model_path, segmentation=False):
        pass


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


__all__ = ["run_batch", "run_plan", "run_local", "CrashIsolatingExecutor", "WorkerDied", "check_model_loads",
           "catch_sigterm", "restore_signals", "end_set_on_signal", "Interrupted", "signal_text", "MAX_ATTEMPTS"]
