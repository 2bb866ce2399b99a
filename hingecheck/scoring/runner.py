"""Running a batch's clips: one loop over any ``concurrent.futures.Executor``.

:func:`run_batch` submits the worker function it is given (``score``:
:func:`hingecheck.scoring.clipworker.process_clip`; ``review``:
:func:`hingecheck.scoring.review.review_clip`; a test: its own) for every clip a
:class:`~hingecheck.scoring.plan.BatchPlan` has to run and settles the futures as they
complete (``concurrent.futures.as_completed``): each outcome is recorded (and cached, when
the executor's workers cannot write the cache) the moment it lands; Ctrl-C or SIGTERM
(:class:`~hingecheck.io.signals.Interrupted`) cancel what is left and keep what finished.
:func:`run_plan` wraps it for one run: model check, executor, progress bar. Locally the
executor is :class:`~hingecheck.scoring.workers.CrashIsolatingExecutor` (:func:`run_local`:
a dying worker costs only its clip); on Dask it is ``Client.get_executor()``
(:mod:`hingecheck.scoring.daskrun`); any other Executor fits too.
"""

from __future__ import annotations

import concurrent.futures as cf
from typing import Callable, ContextManager

from hingecheck.io.pose import PoseEstimator
from hingecheck.io.signals import signum_of
from hingecheck.outputs.records import ClipRecord
from hingecheck.scoring.cache import keep_cache_entry, read_cache
from hingecheck.scoring.plan import BatchPlan, ClipTask
from hingecheck.scoring.workers import CrashIsolatingExecutor, WorkerDied

#: a worker function: called with ``plan.task_args(task, cache_file)``, returns the clip's record
Worker = Callable[..., ClipRecord]


# --------------------------------------------------------------- the batch loop

def _failure(task: ClipTask, exc: BaseException) -> ClipRecord:
    """The record of a task whose call raised: its worker died (or the task was lost on Dask)."""
    text = str(exc) if isinstance(exc, WorkerDied) else " ".join(f"worker died: {type(exc).__name__}: {exc}".split())
    return ClipRecord(task.job.clip, task.job.exercise, key=task.key, error=text)


def record_outcome(task: ClipTask, rec: ClipRecord, records: dict[int, ClipRecord], *, cache_results: bool) -> None:
    """Keep what a task returned: its record in ``records``, a failure in the cache
    (and the result too with ``cache_results``, when the worker could not write it)."""
    settled = task.settle(rec)
    if settled.failed or cache_results:
        keep_cache_entry(task.cache_file, settled)
    records[task.index] = settled


def run_batch(plan: BatchPlan, executor: cf.Executor, records: dict[int, ClipRecord], bar, *,
              worker: Worker, worker_writes_cache: bool = True) -> int | None:
    """Run every task of ``plan`` on ``executor``; put each clip's record in ``records`` as it lands.

    Each task is ``worker(*plan.task_args(...))``, submitted at once and
    settled with ``concurrent.futures.as_completed``; ``bar.update(1)`` per
    clip. With ``worker_writes_cache`` the worker writes a result's cache entry
    (and landmarks, plot) itself; without, ``OUT`` may be out of the workers'
    sight and the entry is written here. A failure is cached here either way.
    Ctrl-C or SIGTERM cancel what is left; the signal's number is returned
    (None: every task settled).
    """
    futs: dict[cf.Future, ClipTask] = {}
    try:
        for task in plan.todo:
            args = plan.task_args(task, task.cache_file if worker_writes_cache else None)
            futs[executor.submit(worker, *args)] = task
        for fut in cf.as_completed(list(futs)):
            task = futs.pop(fut)
            exc = fut.exception()
            rec = fut.result() if exc is None else _failure(task, exc)
            record_outcome(task, rec, records, cache_results=not worker_writes_cache)
            bar.update(1)
    except KeyboardInterrupt as exc:
        for fut in futs:
            fut.cancel()
        return signum_of(exc)
    return None


def run_plan(plan: BatchPlan, open_executor: Callable[[], ContextManager[cf.Executor]], *, worker: Worker,
             progress: bool, desc: str = "scoring",
             worker_writes_cache: bool = True) -> tuple[dict[int, ClipRecord], int | None]:
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
            stopped = run_batch(plan, executor, records, bar, worker=worker, worker_writes_cache=worker_writes_cache)
    except KeyboardInterrupt as exc:  # while the executor started or stopped
        stopped = signum_of(exc)
    if stopped is not None and worker_writes_cache:
        _collect_written(plan, records)
    return records, stopped


def run_local(plan: BatchPlan, workers: int | None, progress: bool, *, worker: Worker,
              desc: str = "scoring") -> tuple[dict[int, ClipRecord], int | None]:
    """:func:`run_plan` on a :class:`CrashIsolatingExecutor` of ``workers`` processes (default: one a CPU)."""
    return run_plan(plan, lambda: CrashIsolatingExecutor(workers), worker=worker, progress=progress, desc=desc)


def check_model_loads(model_path) -> None:
    """Raise the one-line HingecheckError now if the pose model cannot load (before any worker starts)."""
    with PoseEstimator(model_path, segmentation=False):
        pass


def _collect_written(plan: BatchPlan, records: dict[int, ClipRecord]) -> None:
    """Stopped: a clip whose worker wrote its result but had not sent it yet counts as finished."""
    for task in plan.todo:
        if task.index not in records:
            hit = read_cache(task.cache_file)
            if hit is not None and not hit.failed:
                records[task.index] = task.settle(hit)


__all__ = ["run_batch", "run_plan", "run_local", "record_outcome", "check_model_loads", "Worker"]
