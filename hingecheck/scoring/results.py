"""The outputs of a batch: scores.json, scores.csv, metrics.json and report.html."""

from __future__ import annotations

import base64
import csv
import io
import os
from pathlib import Path

from hingecheck import __version__
from hingecheck.io.atomic import write_text_atomic
from hingecheck.outputs.outcome import Outcome
from hingecheck.outputs.plots import angle_plot_png, write_plot
from hingecheck.outputs.serialize import dump_json
from hingecheck.scoring.cache import plot_path
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.metrics import Label, Prediction, compute_metrics


def label_faults_text(lab: Label, sep: str) -> str:
    """A label's faults as the CSV writes them: ``?`` unknown, ``any``, ``none``, or the ids joined by ``sep``."""
    if lab.faults is None:
        return "?"
    if lab.any_fault:
        return "any"
    return sep.join(sorted(lab.faults)) or "none"


def prediction(job: ClipJob, rec: dict) -> Prediction:
    """What the metrics compare with ``job``'s label: a clip record's verdict (or its error)."""
    if rec.get("error"):
        return Prediction(job.clip, error=rec["error"])
    r = rec["result"]
    return Prediction(job.clip, frozenset(r["clip_faults"]), r["rep_count"], r["judged_reps"], r["reps_found"])


def write_outputs(jobs: list[ClipJob], records: dict[int, dict], out_dir: str | os.PathLike,
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
        out / "report.html", html_report(jobs, records, metrics, source, str(model_path), out / "cache")))
    if outcome.failed:
        doc["outputs_not_written"] = dict(outcome.failed)
    outcome.attempt("scores.json", out / "scores.json", lambda: write_text_atomic(out / "scores.json", dump_json(doc)))
    if outcome.failed:
        doc["outputs_not_written"] = dict(outcome.failed)  # scores.json's own failure too, for the caller
        doc["outputs_summary"] = outcome.summary()
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
        lf = "" if lab is None else label_faults_text(lab, ";")
        w.writerow([job.clip, job.exercise, "error" if rec.get("error") else "ok",
                    "yes" if rec.get("cached") else "no", r.get("rep_count", ""),
                    "" if lab is None or lab.reps is None else lab.reps,
                    ";".join(r.get("clip_faults", [])) if r else "", lf,
                    "" if lab is None else ";".join(sorted(lab.optional)),
                    r.get("judged_reps", ""), ("yes" if r.get("cant_judge") else "no") if r else "",
                    r.get("view", ""), (rec.get("timing") or {}).get("total_s", ""),
                    rec.get("error") or ""])
    return buf.getvalue()


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
    from hingecheck.scoring.metrics import metrics_table
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
            lf = label_faults_text(lab, ", ")
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
