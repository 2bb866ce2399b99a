"""The outputs of a batch: scores.json, scores.csv, metrics.json and report.html."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from hingecheck import __version__
from hingecheck.core.signals import CantJudge
from hingecheck.core.states import RepFacts, VerdictState, clip_state
from hingecheck.io.atomic import write_text_atomic
from hingecheck.outputs.outcome import Outcome
from hingecheck.outputs.plots import angle_plot_png, write_plot
from hingecheck.outputs.records import ClipRecord, ClipResult
from hingecheck.outputs.scorereport import build_report, clip_page, clip_page_name
from hingecheck.outputs.serialize import dump_json
from hingecheck.outputs.wording import plural
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.layout import cache_dir as cache_dir_of
from hingecheck.scoring.layout import plot_file
from hingecheck.scoring.metrics import Label, Prediction, compute_metrics


def label_faults_text(lab: Label, sep: str) -> str:
    """A label's faults as the CSV writes them: ``?`` unknown, ``any``, ``none``, or the ids joined by ``sep``."""
    if lab.faults is None:
        return "?"
    if lab.any_fault:
        return "any"
    return sep.join(sorted(lab.faults)) or "none"


def rep_facts(result: ClipResult) -> list[RepFacts]:
    """What the verdict states read of each rep of a result."""
    return [RepFacts(r.complete, tuple(r.faults), {k: CantJudge.recorded(text) for k, text in r.cant_judge.items()})
            for r in result.reps]


def prediction(job: ClipJob, rec: ClipRecord) -> Prediction:
    """What the metrics compare with ``job``'s label: a clip record's verdict (or its error)."""
    if rec.error is not None or rec.result is None:
        return Prediction(job.clip, error=rec.error or "no result")
    r = rec.result
    state = clip_state(rep_facts(r), r.clip_faults, job.exercise).state
    return Prediction(job.clip, frozenset(r.clip_faults), r.rep_count, r.judged_reps, r.reps_found, state=state)


def verdict_text(r: ClipResult, exercise: str | None = None) -> str:
    """A clip's verdict in a few words: its recurring faults, or its state
    (clean only when every check ran; see :mod:`hingecheck.core.states`)."""
    if r.clip_faults:
        return ", ".join(r.clip_faults)
    if r.cant_judge:
        return "can't judge"
    state = clip_state(rep_facts(r), (), exercise).state
    return {VerdictState.CLEAN: "clean", VerdictState.FAULTS: "no recurring fault"}.get(
        state, f"no fault found, {str(state).replace('_', ' ')}")


def clip_line(c: dict) -> str:
    """One line of ``score``'s output for a clip entry of ``scores.json`` (:meth:`ClipRecord.scores_entry`)."""
    if c.get("error"):
        return f"{c['clip']}: error: {c['error']}"
    r = ClipResult.from_json(c["result"])
    return (f"{c['clip']}: {plural(r.rep_count, 'rep')}, {r.judged_reps}/{r.reps_found} judged: "
            f"{verdict_text(r, c.get('exercise'))}" + (" (cached)" if c.get("cached") else ""))


def write_outputs(jobs: list[ClipJob], records: dict[int, ClipRecord], out_dir: str | os.PathLike,
                  model_path, model_hash: str, *,
                  wall_s: float, labelled: bool, source: str | None,
                  sources: dict[str, str] | None = None, extra: dict | None = None) -> dict:
    """Write scores.json, scores.csv, metrics.json (if ``labelled``) and report.html; return the document.

    ``records`` holds one record per job index (``jobs[i]`` -> ``records[i]``).
    A file that cannot be written is a warning and costs only itself: the document's
    ``outputs_not_written`` (file -> reason) and ``outputs_summary`` say which.
    """
    out = Path(out_dir)
    clips = []
    for i, job in enumerate(jobs):
        entry = records[i].scores_entry()
        if job.label is not None:
            lab = job.label
            entry["label"] = {"reps": lab.reps,
                              "faults": None if lab.faults is None else ("any" if lab.any_fault else sorted(lab.faults)),
                              "optional_faults": sorted(lab.optional), "view": lab.view}
        clips.append(entry)
    doc = {"tool": "hingecheck", "version": __version__, "source": source, "model": str(model_path),
           "model_sha256": model_hash, "wall_s": round(wall_s, 3),
           "clips_total": len(jobs), "clips_cached": sum(1 for r in records.values() if r.cached),
           "clips_failed": sum(1 for r in records.values() if r.failed), **(extra or {}), "clips": clips}
    metrics = None
    if labelled:
        preds = {jobs[i].clip: prediction(jobs[i], records[i]) for i in range(len(jobs))}
        labels = [j.label for j in jobs if j.label is not None]
        metrics = compute_metrics(preds, labels)
        if sources:
            metrics["by_source"] = {s: compute_metrics(preds, [lab for lab in labels if sources.get(lab.clip) == s],
                                                       by_view=False)
                                    for s in sorted(set(sources.values()))}
        doc["metrics"] = metrics
    # each file on its own (one that cannot be written costs only itself); scores.json last,
    # naming the ones that failed
    outcome = Outcome()
    outcome.attempt("scores.csv", out / "scores.csv",
                    lambda: write_text_atomic(out / "scores.csv", scores_csv(jobs, records)))
    if metrics is not None:
        outcome.attempt("metrics.json", out / "metrics.json", lambda: write_text_atomic(
            out / "metrics.json", dump_json({"tool": "hingecheck", "version": __version__, "source": source,
                                             "model": str(model_path), **metrics})))
    outcome.attempt("report.html", out / "report.html", lambda: write_text_atomic(
        out / "report.html", html_report(jobs, records, metrics, source, str(model_path), cache_dir_of(out))))
    outcome.attempt("clip pages", out / "clips", lambda: write_clip_pages(out, jobs, records) or True)
    if outcome.failed:
        doc["outputs_not_written"] = dict(outcome.failed)
    outcome.attempt("scores.json", out / "scores.json", lambda: write_text_atomic(out / "scores.json", dump_json(doc)))
    if outcome.failed:
        doc["outputs_not_written"] = dict(outcome.failed)  # scores.json's own failure too, for the caller
        doc["outputs_summary"] = outcome.summary()
    return doc


def scores_csv(jobs: list[ClipJob], records: dict[int, ClipRecord]) -> str:
    """``scores.csv``: a row per clip (times in seconds)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["clip", "exercise", "status", "cached", "reps_found", "reps_label", "clip_faults",
                "label_faults", "optional_faults", "judged_reps", "cant_judge", "view", "total_s", "error"])
    for i, job in enumerate(jobs):
        rec = records[i]
        r = rec.result if not rec.failed else None
        lab = job.label
        w.writerow([job.clip, job.exercise, "error" if rec.failed else "ok", "yes" if rec.cached else "no",
                    "" if r is None else r.rep_count,
                    "" if lab is None or lab.reps is None else lab.reps,
                    "" if r is None else ";".join(r.clip_faults),
                    "" if lab is None else label_faults_text(lab, ";"),
                    "" if lab is None else ";".join(sorted(lab.optional)),
                    "" if r is None else r.judged_reps, "" if r is None else ("yes" if r.cant_judge else "no"),
                    "" if r is None else r.view, rec.timing.get("total_s", ""), rec.error or ""])
    return buf.getvalue()


def _plot_for(rec: ClipRecord, title: str, cache: Path | None) -> bytes:
    """The clip's plot: the one kept in the cache, else drawn now (and kept there for the next run)."""
    if cache is not None and rec.key:
        kept = plot_file(cache, rec.key)
        if kept.is_file():
            return kept.read_bytes()
        png = write_plot(kept, rec.result, title)
        if png is not None:
            return png
    return angle_plot_png(rec.result, title)


def _plots(jobs: list[ClipJob], records: dict[int, ClipRecord], cache: Path | None):
    """``plot_for(i)``: clip ``i``'s angle plot PNG, or None (a failed clip). A plot that cannot be
    kept is a warning (:func:`~hingecheck.outputs.plots.write_plot`), drawn all the same."""
    def plot_for(i: int) -> bytes | None:
        rec = records[i]
        return None if rec.failed or rec.result is None else _plot_for(rec, jobs[i].clip, cache)
    return plot_for


def html_report(jobs: list[ClipJob], records: dict[int, ClipRecord], metrics: dict | None,
                source: str | None, model: str, cache: Path | None = None) -> str:
    """The page (:func:`hingecheck.outputs.scorereport.build_report`) with each clip's angle plot."""
    return build_report(jobs, records, metrics, source, model, _plots(jobs, records, cache))


def write_clip_pages(out: Path, jobs: list[ClipJob], records: dict[int, ClipRecord]) -> None:
    """Each clip's own page (:func:`hingecheck.outputs.scorereport.clip_page`) in ``OUT/clips``."""
    if not jobs:
        return
    plot_for = _plots(jobs, records, cache_dir_of(out))
    (out / "clips").mkdir(parents=True, exist_ok=True)
    for i, job in enumerate(jobs):
        write_text_atomic(out / clip_page_name(job), clip_page(job, records[i], plot_for(i)))
