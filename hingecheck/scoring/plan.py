"""Planning a batch: which clips are settled already (cached, missing, unreadable) and which must run.

:func:`plan_batch` creates ``OUT/cache``, resolves and hashes the model, and sorts the jobs:
a clip whose file is missing or unreadable gets its error record, a clip whose cache entry
is valid gets its cached record, every other clip is a :class:`ClipTask` with its cache key.
``score`` (:mod:`hingecheck.scoring.batch`), Dask (:mod:`hingecheck.scoring.daskrun`) and
``review`` (:mod:`hingecheck.scoring.review`) share it.

The cache key hashes the clip's bytes, the model's bytes, the exercise's thresholds, the
exercise, the analysis rate and size and the hingecheck version: change any of them and
the clip is run again; change none and a rerun does no inference at all.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from hingecheck.core.config import Config
from hingecheck.core.errors import HingecheckError
from hingecheck.io.bundles import resolve_model
from hingecheck.io.framerate import (
    DEFAULT_ANALYSIS_FPS,
    DEFAULT_ANALYSIS_LONG_SIDE,
    check_analysis_fps,
    check_long_side,
)
from hingecheck.io.video import probe
from hingecheck.outputs.records import ClipRecord
from hingecheck.scoring.cache import cache_key, file_sha256, pose_key, read_cache
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.layout import cache_dir, entry_file, pose_file

#: the analysis rate (frames per second, 0: every frame) and long side (pixels, 0: the source's)
DEFAULT_ANALYSIS = (DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE)


@dataclass
class ClipTask:
    """A clip the cache does not hold: it has to run."""
    index: int                # into BatchPlan.jobs
    job: ClipJob
    key: str                  # its cache key
    cache_file: str           # OUT/cache/<key>.json
    pose_file: str = ""       # OUT/cache/pose/<pose key>.npz: its landmarks

    def meta(self) -> dict:
        """What a worker names its record with: the clip, the exercise, the cache key."""
        return {"clip": self.job.clip, "exercise": self.job.exercise, "key": self.key}

    def settle(self, rec: ClipRecord) -> ClipRecord:
        """The batch's record of this task from what its worker returned (a result or an error)."""
        return dataclasses.replace(rec, clip=self.job.clip, exercise=self.job.exercise).settled(
            path=str(self.job.path), key=self.key, cached=False)


@dataclass
class BatchPlan:
    """What :func:`plan_batch` found: what is settled already and what still has to run."""
    jobs: list[ClipJob]
    out: Path
    config: Config
    model_path: Path
    model_hash: str
    records: dict[int, ClipRecord]  # job index -> record, for cached clips and clips that cannot run
    todo: list[ClipTask]
    t_start: float            # perf_counter (seconds) once the model is resolved and hashed
    analysis: tuple[float, int] = DEFAULT_ANALYSIS

    def task_args(self, task: ClipTask, cache_file: str | None) -> tuple:
        """The arguments of :func:`hingecheck.scoring.clipworker.process_clip` for ``task``
        (``cache_file`` None: the caller caches)."""
        job = task.job
        th = dataclasses.asdict(self.config.for_exercise(job.exercise))
        pose = task.pose_file if cache_file is not None and task.pose_file else None
        return (str(job.path), job.exercise, th, str(self.model_path), cache_file, task.meta(), pose, self.analysis)

    def progress_bar(self, desc: str, progress: bool) -> tqdm:
        return tqdm(total=len(self.jobs), initial=len(self.records), unit="clip", desc=desc,
                    disable=None if progress else True, dynamic_ncols=True)

    def wall_s(self) -> float:
        """Seconds since the model was resolved and hashed."""
        return time.perf_counter() - self.t_start


def job_record(job: ClipJob, *, error: str) -> ClipRecord:
    """The record of a clip that cannot run (its file is missing or unreadable)."""
    return ClipRecord(job.clip, job.exercise, path=str(job.path), error=error)


def _unreadable(job: ClipJob) -> str:
    return (f"clip {job.path} is a folder, not a video file" if job.path.is_dir()
            else f"clip file not found: {job.path}")


def plan_batch(jobs: list[ClipJob], out_dir: str | os.PathLike, model: str = "full",
               config: Config | None = None, progress: bool = True, retry_failed: bool = False,
               analysis: tuple[float, int] = DEFAULT_ANALYSIS) -> BatchPlan:
    """Create ``OUT/cache``, resolve and hash the model, and sort ``jobs`` into settled and to-run.
    ``analysis``: the analysis rate (frames per second, 0: every frame) and long side (pixels,
    0: the source's size), part of every cache key. A clip cached as failed is settled too,
    unless ``retry_failed``.
    """
    config = config or Config()
    cache = cache_dir(out_dir)
    model_path = resolve_model(model, progress=progress)  # before creating anything
    model_hash = file_sha256(model_path)
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HingecheckError(f"cannot create {cache}: {exc.strerror}") from None
    t_start = time.perf_counter()

    records: dict[int, ClipRecord] = {}
    todo: list[ClipTask] = []
    rate = {"analysis_fps": check_analysis_fps(analysis[0]), "long_side": check_long_side(analysis[1])}
    for i, job in enumerate(jobs):
        if not job.path.is_file():
            records[i] = job_record(job, error=_unreadable(job))
            continue
        try:
            clip_hash = file_sha256(job.path)
            key = cache_key(clip_hash, model_hash, config.for_exercise(job.exercise), job.exercise, **rate)
        except OSError as exc:
            records[i] = job_record(job, error=f"cannot read clip {job.path}: {exc.strerror}")
            continue
        hit = read_cache(entry_file(cache, key))
        if hit is not None and not (retry_failed and hit.failed):
            records[i] = dataclasses.replace(hit, clip=job.clip, exercise=job.exercise).settled(
                path=str(job.path), key=key, cached=True)
        else:
            todo.append(ClipTask(i, job, key, str(entry_file(cache, key)),
                                 str(pose_file(cache, pose_key(clip_hash, model_hash, **rate)))))
    # longest first: the last clips to start are short ones, so the workers
    # finish together instead of one waiting on a long tail
    todo.sort(key=lambda task: -_frame_count(task.job.path))
    return BatchPlan(list(jobs), Path(out_dir), config, model_path, model_hash, records, todo, t_start,
                     (rate["analysis_fps"], rate["long_side"]))


def _frame_count(path: Path) -> int:
    """The container's frame count (0 if unknown): the work a clip will take."""
    try:
        return max(probe(path).frame_count, 0)
    except HingecheckError:
        return 0


__all__ = ["ClipTask", "BatchPlan", "plan_batch", "job_record", "DEFAULT_ANALYSIS"]
