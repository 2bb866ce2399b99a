"""Batch scoring: run the checker over many clips, compare with labels, report.

``score_batch`` reads a labels CSV (:func:`~hingecheck.scoring.labels.read_labels`) or
lists the videos of a folder (:func:`~hingecheck.scoring.labels.find_videos`), runs
each clip in a worker process (:func:`~hingecheck.scoring.clipworker.process_clip`),
caches each clip's record in ``OUT/cache/<key>.json`` the moment it is done, and writes
``scores.json``, ``scores.csv``, ``metrics.json`` (with labels) and ``report.html`` into
``OUT``, every file atomically.

It is three steps, which :func:`hingecheck.scoring.daskrun.score_on_dask` shares:
:func:`~hingecheck.scoring.plan.plan_batch` (what is settled, what must run), running the
tasks (:func:`hingecheck.scoring.runner.run_plan`, here on a pool of crash-isolated
worker processes), and :func:`finish_outputs`
(:func:`~hingecheck.scoring.results.write_outputs`).
"""

from __future__ import annotations

import os
import signal

from hingecheck.core.config import Config
from hingecheck.io.signals import Interrupted
from hingecheck.outputs.records import ClipRecord
from hingecheck.scoring.clipworker import process_clip
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.plan import DEFAULT_ANALYSIS, BatchPlan, plan_batch
from hingecheck.scoring.results import write_outputs
from hingecheck.scoring.runner import Worker, run_local


def score_batch(jobs: list[ClipJob], out_dir: str | os.PathLike, *, model: str = "full",
                config: Config | None = None, workers: int | None = None, progress: bool = True,
                labelled: bool = True, source: str | None = None, sources: dict[str, str] | None = None,
                retry_failed: bool = False, analysis: tuple[float, int] = DEFAULT_ANALYSIS,
                worker: Worker = process_clip) -> dict:
    """Score ``jobs``; write every output into ``out_dir``; return the scores document.
    ``analysis``: the analysis rate (frames per second, 0: every frame) and long side
    (pixels, 0: the source's size). ``workers``: processes (default: one a CPU).
    With ``sources`` (clip -> source), the metrics have a ``by_source`` breakdown.
    ``worker``: the function each clip runs in a worker process (called with
    :meth:`~hingecheck.scoring.plan.BatchPlan.task_args`).

    A clip whose worker dies is retried once, then recorded (and cached) as
    failed; clips cached as failed are not run again unless ``retry_failed``.
    Interrupted (Ctrl-C, SIGTERM), it stops the workers at once, writes the
    outputs of the clips that finished and raises
    :class:`~hingecheck.io.signals.Interrupted` with that document as ``doc``.
    """
    plan = plan_batch(jobs, out_dir, model, config, progress, retry_failed, analysis)
    records, stopped = run_local(plan, workers, progress, worker=worker)
    return finish_outputs(plan, records, stopped, labelled=labelled, source=source, sources=sources)


def finish_outputs(plan: BatchPlan, records: dict[int, ClipRecord], stopped: int | None, **kw) -> dict:
    """:func:`write_outputs` of a batch that ran; of one stopped by signal ``stopped``, write
    the clips that finished (the document says ``interrupted`` and ``clips_listed``) and raise
    :class:`~hingecheck.io.signals.Interrupted` with it."""
    if stopped is None:
        return write_outputs(plan.jobs, records, plan.out, plan.model_path, plan.model_hash, wall_s=plan.wall_s(), **kw)
    done = sorted(records)
    doc = write_outputs([plan.jobs[i] for i in done], {k: records[i] for k, i in enumerate(done)},
                        plan.out, plan.model_path, plan.model_hash, wall_s=plan.wall_s(),
                        extra={"interrupted": signal.Signals(stopped).name, "clips_listed": len(plan.jobs)}, **kw)
    raise Interrupted(stopped, doc)


__all__ = ["score_batch", "finish_outputs"]
