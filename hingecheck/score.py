"""Batch scoring: run the checker over many clips, compare with labels, report.

``score_batch`` reads a labels CSV (:func:`read_labels`) or lists the videos
of a folder (:func:`find_videos`), runs each clip in a worker process
(:func:`process_clip`: extract_pose → check_complete → analyze_pose), caches
each clip's result in ``OUT/cache/<key>.json`` the moment it is done, and
writes ``scores.json``, ``scores.csv``, ``metrics.json`` (with labels) and
``report.html`` into ``OUT``, every file atomically.

It is three steps, which :func:`hingecheck.distributed.score_on_dask` shares:
:func:`plan_batch` (create ``OUT/cache``, resolve and hash the model, settle
missing, unreadable and cached clips, list the rest as ClipTask items),
running the tasks (here: a process pool), and :func:`write_outputs`.

The cache key hashes the clip's bytes, the model's bytes, the exercise's
thresholds, the exercise and the hingecheck version: change any of them and
the clip is run again; change none and a rerun does no inference at all.
"""

from __future__ import annotations

import base64
import csv
import dataclasses
import hashlib
import io
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .atomic import atomic_path, write_text_atomic
from .config import EXERCISES, Config
from .errors import HingecheckError
from .faults import FAULTS
from .metrics import Label, Prediction, compute_metrics, parse_fault_list

VIDEO_EXTS = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".gif")
REQUIRED_COLUMNS = ("clip", "exercise", "view", "reps", "faults")
OPTIONAL_COLUMNS = ("optional_faults",)
VIEWS = ("side", "oblique", "front", "")
SIGNALS = ("hip_flexion", "knee_flexion", "trunk_angle")
SIGNAL_STEP = 2          # keep every 2nd frame of the signals in the cache
CACHE_FORMAT = 1


@dataclass
class ClipJob:
    clip: str                 # as written in the CSV (or the file name)
    path: Path
    exercise: str
    label: Label | None = None


# --------------------------------------------------------------------- inputs

def read_labels(csv_path: str | os.PathLike) -> list[ClipJob]:
    """Parse and validate a labels CSV; clip paths are relative to the CSV.

    Raises HingecheckError (one line, with the line number) for a missing
    column, an unknown exercise, view or fault id, a bad rep count, or a
    duplicate clip. A clip file that does not exist is *not* an error here:
    it is reported as that clip's error in the results.
    """
    p = Path(csv_path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise HingecheckError(f"labels file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HingecheckError(f"cannot read labels {p}: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    cols = [c.strip() for c in (reader.fieldnames or [])]
    reader.fieldnames = cols
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise HingecheckError(f"labels {p}: missing column(s) {', '.join(missing)}; "
                              f"expected header: {','.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")
    jobs: list[ClipJob] = []
    seen: set[str] = set()
    needed = max(cols.index(c) for c in REQUIRED_COLUMNS) + 1  # trailing optional columns may be left out
    for row in reader:
        line = reader.line_num
        where = f"labels {p} line {line}"
        n_fields = _field_count(row)
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(row.values()):
            continue
        if not needed <= n_fields <= len(cols):
            raise HingecheckError(f"{where} has {n_fields} fields, expected {len(cols)}")
        clip = row["clip"]
        if not clip:
            raise HingecheckError(f"{where}: empty clip")
        if clip in seen:
            raise HingecheckError(f"{where}: clip {clip!r} listed twice")
        seen.add(clip)
        ex = row["exercise"]
        if ex not in EXERCISES:
            raise HingecheckError(f"{where}: unknown exercise {ex!r}; choose one of: {', '.join(EXERCISES)}")
        view = row["view"]
        if view not in VIEWS:
            raise HingecheckError(f"{where}: unknown view {view!r}; use side, oblique or front")
        reps_txt = row["reps"]
        reps = int(reps_txt) if reps_txt.isdecimal() else None if not reps_txt else -1
        if reps is not None and reps < 0:
            raise HingecheckError(f"{where}: reps must be a whole number >= 0 or empty, got {reps_txt!r}")
        faults, any_fault = parse_fault_list(row["faults"], f"{where}: faults")
        optional, _ = parse_fault_list(row.get("optional_faults", ""), f"{where}: optional_faults",
                                       allow_special=False)
        label = Label(clip, ex, view, reps, faults, any_fault, optional)
        path = Path(clip) if Path(clip).is_absolute() else p.parent / clip
        jobs.append(ClipJob(clip, path, ex, label))
    if not jobs:
        raise HingecheckError(f"labels {p}: no clips listed")
    return jobs


def _field_count(row: dict) -> int:
    """How many fields a csv.DictReader row really had (missing ones are None, extra ones under None)."""
    return sum(1 for k, v in row.items() if k is not None and v is not None) + len(row.get(None) or [])


def read_label_files(paths: list[Path]) -> list[ClipJob]:
    """:func:`read_labels` of every file, in order; a clip listed in two files is an error."""
    jobs: list[ClipJob] = []
    seen: dict[Path, Path] = {}
    for p in paths:
        for job in read_labels(p):
            key = job.path.resolve()
            if key in seen:
                raise HingecheckError(f"clip {job.clip!r} is listed in both {seen[key]} and {p}")
            seen[key] = p
            jobs.append(job)
    return jobs


def read_sources(path: str | os.PathLike, jobs: list[ClipJob]) -> dict[str, str]:
    """clip -> source from a ``clip,source`` CSV; every job's clip must be listed."""
    p = Path(path)
    try:
        rows = list(csv.DictReader(io.StringIO(p.read_text(encoding="utf-8-sig"))))
    except FileNotFoundError:
        raise HingecheckError(f"sources file not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise HingecheckError(f"cannot read sources {p}: {exc}") from None
    if not rows or not {"clip", "source"} <= set(rows[0]):
        raise HingecheckError(f"sources {p}: expected a header clip,source and one row per clip")
    table = {(r["clip"] or "").strip(): (r["source"] or "").strip() for r in rows}
    missing = [j.clip for j in jobs if not table.get(j.clip)]
    if missing:
        raise HingecheckError(f"sources {p}: no source for {', '.join(missing[:5])}"
                              + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    return {j.clip: table[j.clip] for j in jobs}


def find_videos(folder: str | os.PathLike, exercise: str = "hip_hinge") -> list[ClipJob]:
    """Every video file directly in ``folder`` (no labels)."""
    d = Path(folder)
    if not d.is_dir():
        raise HingecheckError(f"not a folder: {d}")
    files = sorted(f for f in d.iterdir() if f.is_file() and f.suffix.lower() in VIDEO_EXTS
                   and not f.name.startswith("."))
    if not files:
        raise HingecheckError(f"no video files in {d} (looked for {', '.join(VIDEO_EXTS)})")
    return [ClipJob(f.name, f, exercise) for f in files]


# ---------------------------------------------------------------------- cache

def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_key(clip_hash: str, model_hash: str, thresholds, exercise: str) -> str:
    th = dataclasses.asdict(thresholds) if dataclasses.is_dataclass(thresholds) else dict(thresholds)
    blob = json.dumps({"clip": clip_hash, "model": model_hash, "thresholds": th, "exercise": exercise,
                       "version": __version__, "format": CACHE_FORMAT, "segmentation": True},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def pose_key(clip_hash: str, model_hash: str) -> str:
    """Key of a clip's landmarks in ``OUT/cache/pose``: the clip, the model and the extraction format
    (not the thresholds, so re-judging with other thresholds needs no pose model)."""
    from .pipeline import POSE_CACHE_FORMAT
    blob = json.dumps({"clip": clip_hash, "model": model_hash, "pose_format": POSE_CACHE_FORMAT,
                       "segmentation": True}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def read_cache(path: Path) -> dict | None:
    """A valid cache entry (a result, or a failure with ``"failed": true``), else None."""
    from .scorecache import valid_entry
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if valid_entry(data, CACHE_FORMAT) else None


def _clean(o):
    """JSON-safe: numpy scalars to Python, non-finite floats to None."""
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        try:
            o = o.item()
        except (TypeError, ValueError):
            pass
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


def _dump(data: dict) -> str:
    return json.dumps(_clean(data), indent=1, allow_nan=False) + "\n"


# --------------------------------------------------------------------- worker

def _rounded(values, step: int) -> list:
    out = []
    for v in list(values)[::step]:
        v = float(v)
        out.append(round(v, 1) if math.isfinite(v) else None)
    return out


def result_record(analysis) -> dict:
    """What a clip's cache entry keeps of an Analysis: verdicts and thin signals."""
    t = analysis.timestamps
    reps = []
    for v in analysis.reps:
        r = v.rep
        reps.append({
            "index": r.index, "complete": r.complete, "judged": v.judged,
            "start": r.start, "end": r.end, "bottom": r.bottom,
            "t_start": round(float(t[r.start]), 3), "t_end": round(float(t[r.end]), 3),
            "depth_deg": round(float(r.depth_deg), 1),
            "faults": v.faults,
            "fault_spans": [{"fault": f.fault, "t0": round(float(t[f.frames[0]]), 3),
                             "t1": round(float(t[f.frames[1]]), 3), "severity": round(f.severity, 2)}
                            for f in v.findings],
            "cant_judge": dict(v.cant_judge),
        })
    judged = sum(1 for v in analysis.reps if v.judged)
    sig = analysis.signals
    return {
        "frames": int(t.size),
        "duration_s": round(float(t[-1]), 3) if t.size else 0.0,
        "fps": round(analysis.fps, 2),
        "view": analysis.view, "side": analysis.side,
        "side_on_ratio": round(analysis.side_on, 3),
        "person_detected_fraction": round(analysis.detected_fraction, 3),
        "rep_count": analysis.rep_count,
        "reps_found": len(analysis.reps),
        "judged_reps": judged,
        "cant_judge": judged == 0,
        "clip_faults": analysis.clip_faults(),
        "reps": reps,
        "signals": {"step": SIGNAL_STEP, "t": [round(float(x), 3) for x in t[::SIGNAL_STEP]],
                    **{name: _rounded(getattr(sig, name), SIGNAL_STEP) for name in SIGNALS}},
    }


def pose_run_for(path: str, model: str, pose_file: str | None):
    """The clip's landmarks: from ``pose_file`` when it holds them, else from
    the pose model (and then kept in ``pose_file``)."""
    from .models import resolve_model
    from .pipeline import extract_pose, load_pose_run, save_pose_run

    run = load_pose_run(pose_file) if pose_file and Path(pose_file).is_file() else None
    if run is None:
        model_path = resolve_model(model, download=False, progress=False)
        run = extract_pose(path, model_path, progress=False)
        if pose_file:
            Path(pose_file).parent.mkdir(parents=True, exist_ok=True)
            save_pose_run(pose_file, run)
    return run


def process_clip(path: str, exercise: str, thresholds: dict, model: str, cache_file: str | None,
                 meta: dict | None = None, pose_file: str | None = None) -> dict:
    """Run one clip (in a worker process); never raises.

    Returns ``{"result": ..., "timing": ...}`` or ``{"error": "<one line>"}``;
    a result is also written atomically to ``cache_file``. Landmarks are
    read from (or kept in) ``pose_file`` when one is given.
    """
    import warnings
    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    try:
        from .analysis import analyze_pose
        from .config import Thresholds
        from .pipeline import check_complete

        th = Thresholds(**thresholds)
        run = pose_run_for(path, model, pose_file)
        check_complete(run, path)
        t_pose = time.perf_counter() - t0
        analysis = analyze_pose(run.pose, exercise, th)
        t_an = time.perf_counter() - t0 - t_pose
        rec = {"format": CACHE_FORMAT, **(meta or {}),
               "result": result_record(analysis),
               "timing": {"pose_s": round(t_pose, 3), "analysis_s": round(t_an, 4),
                          "total_s": round(time.perf_counter() - t0, 3),
                          "fps": round(len(run.pose) / max(time.perf_counter() - t0, 1e-9), 1)}}
        if cache_file:
            write_cache_entry(cache_file, rec)
            # the report's plot, drawn here so that workers draw in parallel
            write_plot(plot_path(cache_file), rec["result"], (meta or {}).get("clip", Path(path).name))
        return _clean(rec)
    except HingecheckError as exc:
        return {"error": " ".join(str(exc).split())}
    except BaseException as exc:  # noqa: BLE001 - a worker never takes the batch down
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):  # stopped: nothing to report
            raise
        return {"error": " ".join(f"internal error: {type(exc).__name__}: {exc}".split())}


# ---------------------------------------------------------------------- batch

def _prediction(job: ClipJob, rec: dict) -> Prediction:
    if rec.get("error"):
        return Prediction(job.clip, error=rec["error"])
    r = rec["result"]
    return Prediction(job.clip, frozenset(r["clip_faults"]), r["rep_count"], r["judged_reps"], r["reps_found"])


def write_cache_entry(cache_file: str | os.PathLike, rec: dict) -> None:
    """Write one clip's cache entry (what :func:`process_clip` returns) atomically."""
    write_text_atomic(cache_file, _dump(rec))


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

    def task_args(self, task: ClipTask, cache_file: str | None) -> tuple:
        """The arguments of :func:`process_clip` for ``task`` (``cache_file`` None: the caller caches)."""
        job = task.job
        th = dataclasses.asdict(self.config.for_exercise(job.exercise))
        meta = {"clip": job.clip, "exercise": job.exercise, "key": task.key}
        pose_file = task.pose_file if cache_file is not None and task.pose_file else None
        return (str(job.path), job.exercise, th, str(self.model_path), cache_file, meta, pose_file)

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
    return {**base, "result": rec["result"], "timing": rec["timing"]}


def plan_batch(jobs: list[ClipJob], out_dir: str | os.PathLike, model: str = "full",
               config: Config | None = None, progress: bool = True, retry_failed: bool = False) -> BatchPlan:
    """Create ``OUT/cache``, resolve and hash the model, and sort ``jobs`` into settled and to-run.

    A clip whose file is missing or unreadable gets its error record, a clip
    whose cache entry is valid gets its cached record; every other clip is a
    :class:`ClipTask` with its cache key and cache file. A clip cached as
    failed is settled too, unless ``retry_failed``.
    """
    from .models import resolve_model
    from .scorecache import cached_record

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
            key = cache_key(clip_hash, model_hash, th, job.exercise)
        except OSError as exc:
            records[i] = {**base, "cached": False, "error": f"cannot read clip {job.path}: {exc.strerror}"}
            continue
        hit = read_cache(cache / f"{key}.json")
        if hit is not None and not (retry_failed and hit.get("failed")):
            records[i] = cached_record(base, key, hit)
        else:
            todo.append(ClipTask(i, job, key, str(cache / f"{key}.json"),
                                 str(cache / "pose" / f"{pose_key(clip_hash, model_hash)}.npz")))
    # longest first: the last clips to start are short ones, so the workers
    # finish together instead of one waiting on a long tail
    todo.sort(key=lambda task: -_frame_count(task.job.path))
    return BatchPlan(list(jobs), out, config, model_path, model_hash, records, todo, t_start)


def _frame_count(path: Path) -> int:
    """The container's frame count (0 if unknown): the work a clip will take."""
    from .video import probe
    try:
        return max(probe(path).frame_count, 0)
    except HingecheckError:
        return 0


def score_batch(jobs: list[ClipJob], out_dir: str | os.PathLike, *, model: str = "full",
                config: Config | None = None, workers: int | None = None, progress: bool = True,
                labelled: bool = True, source: str | None = None, sources: dict[str, str] | None = None,
                retry_failed: bool = False) -> dict:
    """Score ``jobs``; write every output into ``out_dir``; return the scores document.
    With ``sources`` (clip -> source), the metrics have a ``by_source`` breakdown.

    A clip whose worker dies is retried once, then recorded (and cached) as
    failed; clips cached as failed are not run again unless ``retry_failed``.
    Interrupted (Ctrl-C, SIGTERM), it stops the workers at once, writes the
    outputs of the clips that finished and raises
    :class:`~hingecheck.batchrun.Interrupted` with that document as ``doc``.
    """
    from .batchrun import run_plan
    plan = plan_batch(jobs, out_dir, model, config, progress, retry_failed)
    records, stopped = run_plan(plan, workers, progress)
    return finish_outputs(plan, records, stopped, labelled=labelled, source=source, sources=sources)


def finish_outputs(plan: BatchPlan, records: dict[int, dict], stopped: int | None, **kw) -> dict:
    """:func:`write_outputs` of a batch that ran; of one stopped by signal ``stopped``, write
    the clips that finished (the document says ``interrupted`` and ``clips_listed``) and raise
    :class:`~hingecheck.batchrun.Interrupted` with it."""
    if stopped is None:
        return write_outputs(plan, records, wall_s=plan.wall_s(), **kw)
    import signal

    from .batchrun import Interrupted
    done = sorted(records)
    doc = write_outputs([plan.jobs[i] for i in done], {k: records[i] for k, i in enumerate(done)},
                        plan.out, plan.model_path, plan.model_hash, wall_s=plan.wall_s(),
                        extra={"interrupted": signal.Signals(stopped).name, "clips_listed": len(plan.jobs)}, **kw)
    raise Interrupted(stopped, doc)


def write_outputs(plan_or_jobs: BatchPlan | list[ClipJob], records: dict[int, dict],
                  out_dir: str | os.PathLike | None = None, model_path=None, model_hash: str | None = None, *,
                  wall_s: float, labelled: bool, source: str | None,
                  sources: dict[str, str] | None = None, extra: dict | None = None) -> dict:
    """Write scores.json, scores.csv, metrics.json (if ``labelled``) and report.html; return the document.

    ``records`` holds one record per job index. Given a :class:`BatchPlan`,
    the jobs, output folder and model come from it; given a list of jobs,
    pass ``out_dir``, ``model_path`` and ``model_hash``. Prints nothing.
    """
    if isinstance(plan_or_jobs, BatchPlan):
        plan = plan_or_jobs
        jobs, out_dir, model_path, model_hash = plan.jobs, plan.out, plan.model_path, plan.model_hash
    else:
        jobs = plan_or_jobs
        if out_dir is None or model_path is None or model_hash is None:
            raise TypeError("write_outputs: with a list of jobs, pass out_dir, model_path and model_hash")
    out = Path(out_dir)
    clips = []
    for i, job in enumerate(jobs):
        rec = records[i]
        entry = {k: v for k, v in rec.items() if k != "result"}
        entry["error"] = rec.get("error")
        if "result" in rec:
            entry["result"] = {k: v for k, v in rec["result"].items() if k != "signals"}
        if job.label is not None:
            lab = job.label
            entry["label"] = {"reps": lab.reps,
                              "faults": None if lab.faults is None else ("any" if lab.any_fault else sorted(lab.faults)),
                              "optional_faults": sorted(lab.optional), "view": lab.view}
        clips.append(entry)
    doc = {"tool": "hingecheck", "version": __version__, "source": source, "model": str(model_path),
           "model_sha256": model_hash, "wall_s": round(wall_s, 3),
           "clips_total": len(jobs), "clips_cached": sum(1 for r in records.values() if r.get("cached")),
           "clips_failed": sum(1 for r in records.values() if r.get("error")), **(extra or {}), "clips": clips}
    metrics = None
    if labelled:
        preds = {jobs[i].clip: _prediction(jobs[i], records[i]) for i in range(len(jobs))}
        labels = [j.label for j in jobs if j.label is not None]
        metrics = compute_metrics(preds, labels)
        if sources:
            metrics["by_source"] = {s: compute_metrics(preds, [lab for lab in labels if sources.get(lab.clip) == s],
                                                       by_view=False)
                                    for s in sorted(set(sources.values()))}
        doc["metrics"] = metrics
    write_text_atomic(out / "scores.json", _dump(doc))
    write_text_atomic(out / "scores.csv", scores_csv(jobs, records))
    if metrics is not None:
        write_text_atomic(out / "metrics.json", _dump({"tool": "hingecheck", "version": __version__,
                                                       "source": source, "model": str(model_path),
                                                       **metrics}))
    write_text_atomic(out / "report.html", html_report(jobs, records, metrics, source, str(model_path),
                                                       out / "cache"))
    return doc


def scores_csv(jobs: list[ClipJob], records: dict[int, dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["clip", "exercise", "status", "cached", "reps_found", "reps_label", "clip_faults",
                "label_faults", "optional_faults", "judged_reps", "cant_judge", "view", "total_s", "error"])
    for i, job in enumerate(jobs):
        rec = records[i]
        r = rec.get("result") or {}
        lab = job.label
        lf = "" if lab is None else "?" if lab.faults is None else "any" if lab.any_fault else \
            ";".join(sorted(lab.faults)) or "none"
        w.writerow([job.clip, job.exercise, "error" if rec.get("error") else "ok",
                    "yes" if rec.get("cached") else "no", r.get("rep_count", ""),
                    "" if lab is None or lab.reps is None else lab.reps,
                    ";".join(r.get("clip_faults", [])) if r else "", lf,
                    "" if lab is None else ";".join(sorted(lab.optional)),
                    r.get("judged_reps", ""), ("yes" if r.get("cant_judge") else "no") if r else "",
                    r.get("view", ""), (rec.get("timing") or {}).get("total_s", ""),
                    rec.get("error") or ""])
    return buf.getvalue()


# --------------------------------------------------------------------- report

FAULT_COLORS = {"squatting": "#e41a1c", "rounded_back": "#377eb8", "hyperextension": "#4daf4a",
                "dropped_head": "#984ea3", "hips_rise_first": "#ff7f00", "excess_knee_bend": "#a65628",
                "incomplete_lockout": "#f781bf"}


def angle_plot_png(result: dict, title: str) -> bytes:
    """Hip flexion, knee flexion and trunk angle over time; fault spans shaded."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    sig = result.get("signals") or {}
    t = sig.get("t", [])
    fig = Figure(figsize=(9.5, 2.6), dpi=90)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    nan = float("nan")
    for name, color in zip(SIGNALS, ("#1b9e77", "#d95f02", "#7570b3")):
        ys = [nan if v is None else v for v in sig.get(name, [])]
        if ys:
            ax.plot(t[:len(ys)], ys, color=color, lw=1.3, label=name.replace("_", " "))
    seen = set()
    for rep in result.get("reps", []):
        if not rep["judged"]:
            ax.axvspan(rep["t_start"], rep["t_end"], color="#bbbbbb", alpha=0.25, lw=0)
            seen.add("can't judge")
        for span in rep["fault_spans"]:
            ax.axvspan(span["t0"], max(span["t1"], span["t0"] + 0.02), color=FAULT_COLORS.get(span["fault"], "k"),
                       alpha=0.22, lw=0)
            seen.add(span["fault"])
        ax.axvline(rep["t_start"], color="#999999", lw=0.5, ls=":")
    handles, _ = ax.get_legend_handles_labels()
    for k in sorted(seen):
        handles.append(Patch(color="#bbbbbb" if k == "can't judge" else FAULT_COLORS.get(k, "k"), alpha=0.4, label=k))
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), framealpha=0.7)
    ax.set_xlabel("time (s)", fontsize=8)
    ax.set_ylabel("degrees", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def plot_path(cache_file: str | os.PathLike) -> Path:
    """Where the angle plot of a cache entry is kept: beside it, as .png."""
    return Path(cache_file).with_suffix(".png")


def write_plot(path: Path, result: dict, title: str) -> bytes | None:
    """Draw :func:`angle_plot_png` and keep it at ``path`` (atomically);
    None if drawing or writing failed (a plot never sinks a clip)."""
    try:
        png = angle_plot_png(result, title)
        with atomic_path(path) as tmp:
            tmp.write_bytes(png)
        return png
    except Exception:  # noqa: BLE001
        return None


def _plot_for(rec: dict, title: str, cache_dir: Path | None) -> bytes:
    """The clip's plot: the one its worker kept in the cache, else drawn now."""
    if cache_dir is not None and rec.get("key"):
        kept = plot_path(cache_dir / f"{rec['key']}.json")
        if kept.is_file():
            return kept.read_bytes()
        png = write_plot(kept, rec["result"], title)
        if png is not None:
            return png
    return angle_plot_png(rec["result"], title)


def _esc(s) -> str:
    import html
    return html.escape(str(s))


def html_report(jobs: list[ClipJob], records: dict[int, dict], metrics: dict | None,
                source: str | None, model: str, cache_dir: Path | None = None) -> str:
    from .metrics import metrics_table
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>hingecheck scores</title>",
             "<style>body{font-family:sans-serif;margin:1.5em;max-width:1000px}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}"
             ".err{color:#b00}.ok{color:#070}.miss{color:#b60}pre{background:#f6f6f6;padding:.6em}</style>",
             "</head><body>",
             f"<h1>hingecheck scores</h1><p>source: {_esc(source or '')}<br>model: {_esc(model)}<br>"
             f"hingecheck {_esc(__version__)}</p>"]
    if metrics is not None:
        parts.append(f"<h2>Metrics</h2><pre>{_esc(metrics_table(metrics))}</pre>")
    parts.append("<h2>Clips</h2>")
    for i, job in enumerate(jobs):
        rec = records[i]
        parts.append(f"<h3 id='clip{i}'>{_esc(job.clip)} <small>({_esc(job.exercise)})</small></h3>")
        lab = job.label
        if lab is not None:
            lf = "?" if lab.faults is None else "any" if lab.any_fault else ", ".join(sorted(lab.faults)) or "none"
            parts.append(f"<p>label: reps {lab.reps if lab.reps is not None else '--'}, faults {_esc(lf)}"
                         + (f", optional {_esc(', '.join(sorted(lab.optional)))}" if lab.optional else "") + "</p>")
        if rec.get("error"):
            parts.append(f"<p class='err'>error: {_esc(rec['error'])}</p>")
            continue
        r = rec["result"]
        verdict = ", ".join(r["clip_faults"]) or ("can't judge" if r["cant_judge"] else "no fault")
        parts.append(f"<p>verdict: <b>{_esc(verdict)}</b>; {r['rep_count']} whole reps, {r['reps_found']} movements, "
                     f"{r['judged_reps']} judged; view {_esc(r['view'])}"
                     f"{' (cached)' if rec.get('cached') else ''}</p>")
        if r["reps"]:
            parts.append("<table><tr><th>rep</th><th>time</th><th>faults</th><th>can't judge</th></tr>")
            for rp in r["reps"]:
                name = rp["index"] if rp["complete"] else "part"
                cj = "; ".join(f"{k}: {v}" for k, v in rp["cant_judge"].items())
                parts.append(f"<tr><td>{name}</td><td>{rp['t_start']:.1f}-{rp['t_end']:.1f}s</td>"
                             f"<td>{_esc(', '.join(rp['faults']))}</td><td>{_esc(cj)}</td></tr>")
            parts.append("</table>")
        try:
            png = _plot_for(rec, job.clip, cache_dir)
            parts.append(f"<p><img alt='angles of {_esc(job.clip)}' "
                         f"src='data:image/png;base64,{base64.b64encode(png).decode()}'></p>")
        except Exception as exc:  # noqa: BLE001 - a plot never sinks the report
            parts.append(f"<p class='err'>plot failed: {_esc(type(exc).__name__)}: {_esc(exc)}</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


__all__ = ["ClipJob", "ClipTask", "BatchPlan", "read_labels", "read_label_files", "read_sources", "find_videos", "plan_batch", "score_batch",
           "write_outputs", "task_record", "write_cache_entry", "process_clip", "cache_key",
           "file_sha256", "html_report", "scores_csv", "FAULTS"]
