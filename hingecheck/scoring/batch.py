"""Batch scoring: run the checker over many clips, compare with labels, report.

``score_batch`` reads a labels CSV (:func:`read_labels`) or lists the videos
of a folder (:func:`find_videos`), runs each clip in a worker process
(:func:`process_clip`: :func:`~hingecheck.io.videoanalysis.analyze_video`), caches
each clip's result in ``OUT/cache/<key>.json`` the moment it is done, and
writes ``scores.json``, ``scores.csv``, ``metrics.json`` (with labels) and
``report.html`` into ``OUT``, every file atomically.

The inputs are :mod:`~hingecheck.scoring.labels`, the cache
:mod:`~hingecheck.scoring.cache`, the outputs :mod:`~hingecheck.scoring.results`.
It is three steps, which :func:`hingecheck.scoring.daskrun.score_on_dask` shares:
:func:`plan_batch` (create ``OUT/cache``, resolve and hash the model, settle
missing, unreadable and cached clips, list the rest as ClipTask items),
running the tasks (:func:`hingecheck.scoring.runner.run_plan`, here on a pool of
crash-isolated worker processes), and :func:`write_outputs`.

The cache key hashes the clip's bytes, the model's bytes, the exercise's
thresholds, the exercise, the analysis rate and size and the hingecheck version: change any of them and
the clip is run again; change none and a rerun does no inference at all.
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path

from hingecheck.core.config import Config
from hingecheck.core.errors import HingecheckError
from hingecheck.io.framerate import (
    DEFAULT_ANALYSIS_FPS,
    DEFAULT_ANALYSIS_LONG_SIDE,
    check_analysis_fps,
    check_long_side,
)
from hingecheck.outputs.plots import write_plot
from hingecheck.outputs.serialize import json_safe, result_record
from hingecheck.scoring.cache import (
    CACHE_FORMAT,
    cache_key,
    file_sha256,
    keep_cache_entry,
    plot_path,
    pose_key,
    read_cache,
)
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.results import write_outputs

# ---------------------------------------------------------------------- cache


# --------------------------------------------------------------------- worker


#: numpy's warnings on a clip's stretches without a person (NaN-only slices): expected,
#: handled by the NaN-aware code, and once per worker they would bury the progress bar
EXPECTED_WARNINGS = r"(Mean of empty slice|All-NaN slice encountered|Degrees of freedom <= 0)"


def _quiet_expected_warnings() -> None:
    """Silence in a worker only numpy's expected NaN-slice warnings; any other warning is shown."""
    import warnings
    warnings.filterwarnings("ignore", message=EXPECTED_WARNINGS, category=RuntimeWarning)


def _keep_cache_entry(cache_file: str, rec: dict, title: str) -> None:
    """Write the clip's cache entry and (drawn here, so that workers draw in parallel) its
    plot; a cache that cannot be written costs only the cache, with a warning."""
    if keep_cache_entry(cache_file, rec):
        write_plot(plot_path(cache_file), rec["result"], title)


def process_clip(path: str, exercise: str, thresholds: dict, model: str, cache_file: str | None,
                 meta: dict | None = None, pose_file: str | None = None,
                 analysis: tuple[float, int] = (DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE)) -> dict:
    """Run one clip (in a worker process); never raises.

    Returns ``{"result": ..., "timing": ...}`` or ``{"error": "<one line>"}``;
    a result is also written atomically to ``cache_file``. Landmarks are
    read from (or kept in) ``pose_file`` when one is given. ``analysis``:
    the analysis rate (frames per second, 0: every frame) and long side
    (pixels, 0: the source's size).
    """
    def work() -> dict:
        from hingecheck.core.config import Thresholds
        from hingecheck.io.videoanalysis import analyze_video

        va = analyze_video(path, exercise, Thresholds(**thresholds), model, pose_file=pose_file,
                           analysis_fps=analysis[0], long_side=analysis[1])
        rec = {"format": CACHE_FORMAT, **(meta or {}), "result": result_record(va.analysis), "timing": va.timing()}
        if cache_file:
            _keep_cache_entry(cache_file, rec, (meta or {}).get("clip", Path(path).name))
        return json_safe(rec)
    return guarded(work)


def guarded(work) -> dict:
    """``work()`` in a worker, never raising: its record, or ``{"error": "<one line>"}``."""
    _quiet_expected_warnings()
    try:
        return work()
    except HingecheckError as exc:
        return {"error": " ".join(str(exc).split())}
    except BaseException as exc:  # noqa: BLE001 - a worker never takes the batch down
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):  # stopped: nothing to report
            raise
        return {"error": " ".join(f"internal error: {type(exc).__name__}: {exc}".split())}


# ---------------------------------------------------------------------- batch


@dataclass
class ClipTask:
    """A clip the cache does not hold: it has to run."""
    index: int                # into BatchPlan.jobs
    job: ClipJob
    key: str                  # its cache key
    cache_file: str           # OUT/cache/<key>.json
    pose_file: str = ""       # OUT/cache/pose/<pose key>.npz: its landmarks


@dataclass
class BatchPlan:
    """What :func:`plan_batch` found: what is settled already and what still has to run."""
    jobs: list[ClipJob]
    out: Path
    config: Config
    model_path: Path
    model_hash: str
    records: dict[int, dict]  # job index -> record, for cached clips and clips that cannot run
    todo: list[ClipTask]
    t_start: float            # perf_counter once the model is resolved and hashed
    analysis: tuple[float, int] = (DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE)  # (fps, long side px)

    def task_args(self, task: ClipTask, cache_file: str | None) -> tuple:
        """The arguments of :func:`process_clip` for ``task`` (``cache_file`` None: the caller caches)."""
        job = task.job
        th = dataclasses.asdict(self.config.for_exercise(job.exercise))
        meta = {"clip": job.clip, "exercise": job.exercise, "key": task.key}
        pose_file = task.pose_file if cache_file is not None and task.pose_file else None
        return (str(job.path), job.exercise, th, str(self.model_path), cache_file, meta, pose_file, self.analysis)

    def worker(self):
        """The function each task runs in a worker process, called with :meth:`task_args`."""
        return process_clip

    def progress_bar(self, desc: str, progress: bool):
        from tqdm import tqdm
        return tqdm(total=len(self.jobs), initial=len(self.records), unit="clip", desc=desc,
                    disable=None if progress else True, dynamic_ncols=True)

    def wall_s(self) -> float:
        return time.perf_counter() - self.t_start


def _job_base(job: ClipJob) -> dict:
    return {"clip": job.clip, "path": str(job.path), "exercise": job.exercise}


def task_record(task: ClipTask, rec: dict) -> dict:
    """A run clip's record, from what :func:`process_clip` returned (a result or an error)."""
    base = {**_job_base(task.job), "key": task.key, "cached": False}
    if rec.get("error"):
        return {**base, "error": rec["error"]}
    return {**base, "result": rec["result"], "timing": rec["timing"],
            **({"history": rec["history"]} if rec.get("history") else {})}


def plan_batch(jobs: list[ClipJob], out_dir: str | os.PathLike, model: str = "full",
               config: Config | None = None, progress: bool = True, retry_failed: bool = False,
               analysis: tuple[float, int] = (DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE)) -> BatchPlan:
    """Create ``OUT/cache``, resolve and hash the model, and sort ``jobs`` into settled and to-run.
    ``analysis``: the analysis rate (frames per second, 0: every frame) and long side (pixels,
    0: the source's size), part of every cache key.

    A clip whose file is missing or unreadable gets its error record, a clip
    whose cache entry is valid gets its cached record; every other clip is a
    :class:`ClipTask` with its cache key and cache file. A clip cached as
    failed is settled too, unless ``retry_failed``.
    """
    from hingecheck.io.bundles import resolve_model
    from hingecheck.scoring.cache import cached_record

    config = config or Config()
    out = Path(out_dir)
    cache = out / "cache"
    model_path = resolve_model(model, progress=progress)  # before creating anything
    model_hash = file_sha256(model_path)
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HingecheckError(f"cannot create {cache}: {exc.strerror}") from None
    t_start = time.perf_counter()

    records: dict[int, dict] = {}
    todo: list[ClipTask] = []
    rate = {"analysis_fps": check_analysis_fps(analysis[0]), "long_side": check_long_side(analysis[1])}
    for i, job in enumerate(jobs):
        th = config.for_exercise(job.exercise)
        base = _job_base(job)
        if not job.path.is_file():
            err = (f"clip {job.path} is a folder, not a video file" if job.path.is_dir()
                   else f"clip file not found: {job.path}")
            records[i] = {**base, "cached": False, "error": err}
            continue
        try:
            clip_hash = file_sha256(job.path)
            key = cache_key(clip_hash, model_hash, th, job.exercise, **rate)
        except OSError as exc:
            records[i] = {**base, "cached": False, "error": f"cannot read clip {job.path}: {exc.strerror}"}
            continue
        hit = read_cache(cache / f"{key}.json")
        if hit is not None and not (retry_failed and hit.get("failed")):
            records[i] = cached_record(base, key, hit)
        else:
            todo.append(ClipTask(i, job, key, str(cache / f"{key}.json"),
                                 str(cache / "pose" / f"{pose_key(clip_hash, model_hash, **rate)}.npz")))
    # longest first: the last clips to start are short ones, so the workers
    # finish together instead of one waiting on a long tail
    todo.sort(key=lambda task: -_frame_count(task.job.path))
    return BatchPlan(list(jobs), out, config, model_path, model_hash, records, todo, t_start,
                     (rate["analysis_fps"], rate["long_side"]))


def _frame_count(path: Path) -> int:
    """The container's frame count (0 if unknown): the work a clip will take."""
    from hingecheck.io.video import probe
    try:
        return max(probe(path).frame_count, 0)
    except HingecheckError:
        return 0


def score_batch(jobs: list[ClipJob], out_dir: str | os.PathLike, *, model: str = "full",
                config: Config | None = None, workers: int | None = None, progress: bool = True,
                labelled: bool = True, source: str | None = None, sources: dict[str, str] | None = None,
                retry_failed: bool = False,
                analysis: tuple[float, int] = (DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE)) -> dict:
    """Score ``jobs``; write every output into ``out_dir``; return the scores document.
    ``analysis``: the analysis rate (frames per second, 0: every frame) and long side
    (pixels, 0: the source's size).
    With ``sources`` (clip -> source), the metrics have a ``by_source`` breakdown.

    A clip whose worker dies is retried once, then recorded (and cached) as
    failed; clips cached as failed are not run again unless ``retry_failed``.
    Interrupted (Ctrl-C, SIGTERM), it stops the workers at once, writes the
    outputs of the clips that finished and raises
    :class:`~hingecheck.scoring.runner.Interrupted` with that document as ``doc``.
    """
    from hingecheck.scoring.runner import run_local
    plan = plan_batch(jobs, out_dir, model, config, progress, retry_failed, analysis)
    records, stopped = run_local(plan, workers, progress)
    return finish_outputs(plan, records, stopped, labelled=labelled, source=source, sources=sources)


def finish_outputs(plan: BatchPlan, records: dict[int, dict], stopped: int | None, **kw) -> dict:
    """:func:`write_outputs` of a batch that ran; of one stopped by signal ``stopped``, write
    the clips that finished (the document says ``interrupted`` and ``clips_listed``) and raise
    :class:`~hingecheck.scoring.runner.Interrupted` with it."""
    if stopped is None:
        return write_outputs(plan.jobs, records, plan.out, plan.model_path, plan.model_hash, wall_s=plan.wall_s(), **kw)
    import signal

    from hingecheck.scoring.runner import Interrupted
    done = sorted(records)
    doc = write_outputs([plan.jobs[i] for i in done], {k: records[i] for k, i in enumerate(done)},
                        plan.out, plan.model_path, plan.model_hash, wall_s=plan.wall_s(),
                        extra={"interrupted": signal.Signals(stopped).name, "clips_listed": len(plan.jobs)}, **kw)
    raise Interrupted(stopped, doc)


# --------------------------------------------------------------------- report


