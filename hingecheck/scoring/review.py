"""``hingecheck review DIR``: every clip of a folder with its full outputs, in parallel, cached.

The batch machinery of ``score`` runs it: :func:`~hingecheck.scoring.plan.plan_batch`
settles what its cache holds (same keys: the clip, the model, the thresholds,
the exercise, the analysis rate), :class:`ReviewPlan` gives each task the arguments of
:func:`review_clip` (the JSON report, the HTML report with stills, the
annotated video, a still of the worst rep), and :func:`~hingecheck.scoring.runner.run_plan`
runs the tasks with :func:`review_clip` as the worker on the crash-isolated local
workers or on Dask. A clip whose cache entry is there
but whose outputs are not (deleted, or the video wanted now) runs again.
Each clip that ran is added to the training history with its athlete.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from hingecheck.core.config import Thresholds
from hingecheck.io.atomic import atomic_path
from hingecheck.io.videoanalysis import analyze_video
from hingecheck.outputs.history import append, history_path, session_record
from hingecheck.outputs.htmlreport import peak_frame, worst_rep, write_html
from hingecheck.outputs.records import ClipRecord
from hingecheck.outputs.render import render_annotated
from hingecheck.outputs.report import report_dict, write_json
from hingecheck.outputs.reviewed import clip_outputs
from hingecheck.outputs.serialize import clip_result, json_safe
from hingecheck.outputs.stills import StillKeeper, render_still
from hingecheck.scoring.cache import write_cache_entry
from hingecheck.scoring.clipworker import guarded
from hingecheck.scoring.layout import entry_file
from hingecheck.scoring.plan import BatchPlan, ClipTask, plan_batch


@dataclass
class ReviewPlan(BatchPlan):
    """A :class:`BatchPlan` whose tasks write a clip's full outputs (:func:`review_clip`)."""
    video: bool = True
    video_height: int | None = None

    def task_args(self, task: ClipTask, cache_file: str | None) -> tuple:
        """The arguments of :func:`review_clip` for ``task``."""
        path, exercise, th, model, cache_file, meta, _pose, analysis = super().task_args(task, cache_file)
        outs = {k: str(v) for k, v in clip_outputs(self.out, task.job.clip).items()
                if k != "video" or self.video}
        return path, exercise, th, model, cache_file, meta, outs, analysis, self.video_height


def _thumbnail(analysis, stills) -> bytes | None:
    """The worst rep's still with its faults drawn (else the first whole rep's bottom)."""
    v = worst_rep(analysis) or next((v for v in analysis.reps if v.rep.complete), None)
    if v is None:
        return None
    frame = peak_frame(max(v.findings, key=lambda f: f.severity), v.rep.bottom) if v.findings else v.rep.bottom
    still = stills.nearest(frame)
    return None if still is None else render_still(still, analysis.side, list(v.faults))


def _write_outputs(video: str, model: str, va, stills, outs: dict[str, str], video_height: int | None) -> None:
    Path(outs["json"]).parent.mkdir(parents=True, exist_ok=True)
    write_json(Path(outs["json"]), report_dict(va.analysis, video, model, {"timing": va.timing()}))
    write_html(outs["html"], va.analysis, video, model, stills)
    if "video" in outs:
        render_annotated(video, va.run.pose, va.analysis, Path(outs["video"]), progress=False, height=video_height,
                         back_contour=va.run.back_contour)
    jpeg = _thumbnail(va.analysis, stills)
    if jpeg is not None:
        with atomic_path(outs["thumb"]) as tmp:
            tmp.write_bytes(jpeg)
    else:
        Path(outs["thumb"]).unlink(missing_ok=True)


def review_clip(path: str, exercise: str, thresholds: dict, model: str, cache_file: str | None, meta: dict,
                outs: dict[str, str], analysis: tuple[float, int], video_height: int | None = None) -> ClipRecord:
    """Analyse one clip and write its outputs ``outs`` (in a worker process); never raises.

    Returns the clip's record as :func:`~hingecheck.scoring.clipworker.process_clip` does, with
    ``history``: the set's history record (the caller adds the athlete and appends it). The
    cache entry is written last, so an entry means the outputs are there. ``analysis``: the
    analysis rate (frames per second) and long side (pixels).
    """
    meta = {"clip": Path(path).name, "exercise": exercise, "key": None, **meta}

    def work() -> ClipRecord:
        stills = StillKeeper()
        va = analyze_video(path, exercise, Thresholds(**thresholds), model, on_pose=stills.on_pose,
                           analysis_fps=analysis[0], long_side=analysis[1])
        _write_outputs(path, model, va, stills, outs, video_height)
        reports = {k: v for k, v in outs.items() if k != "thumb"}
        history = session_record(va.analysis, source=str(Path(path).resolve()), model=model, kind="review",
                                 reports=reports)
        rec = ClipRecord(meta["clip"], meta["exercise"], key=meta.get("key"), result=clip_result(va.analysis),
                         timing=json_safe(va.timing()), history=json_safe(history))
        if cache_file:
            write_cache_entry(cache_file, rec)
        return rec
    return guarded(work, meta)


def _outputs_missing(plan: ReviewPlan, clip: str) -> bool:
    paths = clip_outputs(plan.out, clip)
    return not all(paths[k].is_file() for k in ("json", "html", *(("video",) if plan.video else ())))


def plan_review(jobs, out: Path, *, model: str, config, progress: bool, retry_failed: bool,
                analysis: tuple[float, int], video: bool, video_height: int | None) -> ReviewPlan:
    """:func:`plan_batch`, as a :class:`ReviewPlan`; a cached clip whose outputs are missing runs again."""
    base = plan_batch(jobs, out, model, config, progress, retry_failed, analysis)
    plan = ReviewPlan(**{f.name: getattr(base, f.name) for f in fields(BatchPlan)}, video=video,
                      video_height=video_height)
    for i, rec in list(plan.records.items()):
        if not rec.failed and rec.key and _outputs_missing(plan, jobs[i].clip):
            del plan.records[i]
            plan.todo.append(ClipTask(i, jobs[i], rec.key, str(entry_file(plan.out / "cache", rec.key))))
    return plan


def add_to_history(jobs, records: dict[int, ClipRecord]) -> list[str]:
    """Append every clip that ran now (not from the cache) to the history, with its athlete."""
    path, lines = history_path(), []
    for i, rec in sorted(records.items()):
        if rec.history and not rec.cached:
            sid = append(path, {**rec.history, "athlete": jobs[i].athlete})
            lines.append(f"history: session {sid} ({jobs[i].clip})")
    return lines
