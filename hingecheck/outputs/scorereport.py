"""``report.html`` of ``hingecheck score``: misses first, then the scores, then a row per clip.

With labels the page opens with the misses (clips whose verdict disagrees
with their label, and clips that could not be scored, in red), then a
summary table (per fault precision, recall and F1; per source and per
camera view), then one row per clip: its angle plot as a thumbnail (click
to enlarge), label against verdict, and a link to the clip's own page
(``OUT/clips/``: label against verdict, the cue of each fault found, the
angle plot, the rep table). Fault names are in words throughout.
"""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass, field
from pathlib import Path

from hingecheck import __version__
from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP
from hingecheck.outputs.records import ClipRecord
from hingecheck.outputs.wording import plural

CSS = """
body{font-family:system-ui,sans-serif;margin:1.2em;max-width:1200px;color:#222}
.meta{color:#666;font-size:13px}
table{border-collapse:collapse;margin:.4em 0 1em}
td,th{border-bottom:1px solid #ddd;padding:4px 8px;font-size:14px;text-align:left;vertical-align:middle}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.miss td{background:#fde8e8}.miss,.err{color:#b00}.ok{color:#14672a}.warn{color:#8a5a00}
#misses{border:2px solid #b00;border-radius:6px;padding:.4em 1em;margin:1em 0}
#misses.none{border-color:#14672a}
img.thumb{width:180px;cursor:zoom-in;display:block}img.thumb.big{width:900px;max-width:95vw;cursor:zoom-out}
"""


def _e(s) -> str:
    return html.escape(str(s), quote=True)


def fault_name(fid: str) -> str:
    return FAULTS[fid].title if fid in FAULTS else fid.replace("_", " ")


def fault_words(ids) -> str:
    """Fault ids in words, comma-separated; ``no fault`` for none."""
    return ", ".join(fault_name(f) for f in ids) or "no fault"


@dataclass(frozen=True)
class LabelOutcome:
    """A labelled clip's faults against its verdict: ``missed`` (labelled, not flagged; ``["any"]``:
    a fault was labelled and none flagged), ``extra`` (flagged, not labelled nor optional), ``error``."""
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def miss(self) -> bool:
        return bool(self.error is not None or self.missed or self.extra)


def outcome(job, rec: ClipRecord) -> LabelOutcome | None:
    """The clip's :class:`LabelOutcome`; None without a (scored) label."""
    lab = job.label
    if lab is None or lab.faults is None:
        return None
    if rec.failed or rec.result is None:
        return LabelOutcome(error=rec.error or "no result")
    got = set(rec.result.clip_faults)
    if lab.any_fault:
        return LabelOutcome(missed=[] if got - set(lab.optional) else ["any"])
    return LabelOutcome(sorted(set(lab.faults) - got), sorted(got - set(lab.faults) - set(lab.optional)))


def outcome_text(o: LabelOutcome) -> str:
    if o.error is not None:
        return f"not scored: {o.error}"
    parts = []
    if o.missed:
        parts.append("missed " + ("a fault" if o.missed == ["any"] else fault_words(o.missed)))
    if o.extra:
        parts.append("flagged " + fault_words(o.extra) + " (not in the label)")
    return "; ".join(parts) or "agrees with the label"


def _f(v) -> str:
    return "--" if v is None else f"{v:.2f}"


def _prf_cells(v: dict) -> str:
    return "".join(f"<td class='n'>{x}</td>" for x in (v["tp"], v["fp"], v["fn"], _f(v["precision"]),
                                                         _f(v["recall"]), _f(v["f1"])))


def fault_table(m: dict) -> str:
    """Per fault (those labelled or flagged), then all faults (micro) and "clip faulty at all"."""
    head = "<tr><th>fault</th><th>tp</th><th>fp</th><th>fn</th><th>precision</th><th>recall</th><th>F1</th></tr>"
    rows = [f"<tr><td>{_e(fault_name(fid))}</td>{_prf_cells(v)}</tr>" for fid, v in m["faults"].items()
            if v["support"] or v["fp"]]
    rows += [f"<tr><th>all faults (micro)</th>{_prf_cells(m['micro'])}</tr>",
             f"<tr><th>clip faulty at all</th>{_prf_cells(m['any_fault'])}</tr>"]
    g, r = m["good_clips"], m["rep_count"]
    notes = (f"<p>macro F1 {_f(m['macro_f1'])} · good clips with no fault flagged {g['clean']} of {g['n']} · "
             f"rep count exact {r['exact']} of {r['n']} (mean error {_f(r['mae'])}) · "
             f"{plural(m['cant_judge']['n'], 'clip')} with no judged rep · "
             f"{m['scored_clips']} of {plural(m['clips'], 'clip')} scored</p>")
    return f"<table class='faults'>{head}{''.join(rows)}</table>{notes}"


def group_table(title: str, groups: dict[str, dict]) -> str:
    """One row per source or view: clips, micro precision/recall/F1, good clips clean, reps exact."""
    if not groups:
        return ""
    head = (f"<tr><th>{_e(title)}</th><th>clips</th><th>precision</th><th>recall</th><th>F1</th>"
            "<th>good clips clean</th><th>rep count exact</th></tr>")
    rows = []
    for name, m in groups.items():
        mi, g, r = m["micro"], m["good_clips"], m["rep_count"]
        rows.append(f"<tr><td>{_e(name)}</td><td class='n'>{m['clips']}</td><td class='n'>{_f(mi['precision'])}</td>"
                    f"<td class='n'>{_f(mi['recall'])}</td><td class='n'>{_f(mi['f1'])}</td>"
                    f"<td class='n'>{g['clean']}/{g['n']}</td><td class='n'>{r['exact']}/{r['n']}</td></tr>")
    return f"<h3>Per {_e(title)}</h3><table class='groups'>{head}{''.join(rows)}</table>"


def misses_section(jobs, records: dict[int, ClipRecord]) -> str:
    """The clips whose verdict disagrees with the label (or that failed), each linked to its row."""
    items = []
    for i, job in enumerate(jobs):
        o = outcome(job, records[i])
        if o and o.miss:
            items.append(f"<li><a href='#row-{i}'>{_e(job.clip)}</a>: <span class='miss'>{_e(outcome_text(o))}</span>"
                         f" (label: {_e(label_text(job.label))})</li>")
    if not items:
        return "<section id='misses' class='none'><h2>No misses: every verdict agrees with its label</h2></section>"
    n = len(items)
    return (f"<section id='misses'><h2>{n} miss{'es' * (n != 1)}</h2>"
            f"<ul>{''.join(items)}</ul></section>")


def label_text(lab) -> str:
    if lab.faults is None:
        return "faults not scored"
    text = "some fault" if lab.any_fault else fault_words(sorted(lab.faults))
    return text + (f" (optional: {fault_words(sorted(lab.optional))})" if lab.optional else "")


def verdict_text(rec: ClipRecord) -> str:
    if rec.failed or rec.result is None:
        return f"error: {rec.error}"
    r = rec.result
    if r.clip_faults:
        return fault_words(r.clip_faults)
    return "can't judge" if r.cant_judge else "no fault"


def _thumb(png: bytes | None, clip: str) -> str:
    if png is None:
        return ""
    return (f"<img class='thumb' alt='angles of {_e(clip)}' onclick=\"this.classList.toggle('big')\" "
            f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>")


def clip_row(i: int, job, rec: ClipRecord, png: bytes | None) -> str:
    o = outcome(job, rec)
    r = None if rec.failed else rec.result
    lab = job.label
    reps = f"{'--' if r is None else r.rep_count}" + (
        f" (label {lab.reps})" if lab is not None and lab.reps is not None else "")
    rep_off = lab is not None and lab.reps is not None and r is not None and r.rep_count != lab.reps
    cls = " class='miss'" if o and o.miss else ""
    out_cell = "" if o is None else f"<td class='{'miss' if o.miss else 'ok'}'>{_e(outcome_text(o))}</td>"
    return (f"<tr id='row-{i}'{cls}><td>{_thumb(png, job.clip)}</td>"
            f"<td><a href='{_e(clip_page_name(job))}'>{_e(job.clip)}</a>{' (cached)' if rec.cached else ''}</td>"
            f"<td>{_e(job.exercise.replace('_', ' '))}</td>"
            f"<td>{_e((r.view if r is not None else '') or (lab.view if lab else ''))}</td>"
            + ("" if lab is None else f"<td>{_e(label_text(lab))}</td>")
            + f"<td>{_e(verdict_text(rec))}</td><td class='n{' warn' if rep_off else ''}'>{_e(reps)}</td>"
            + out_cell + "</tr>")


def clip_detail(job, rec: ClipRecord) -> str:
    """The clip's counts and rep table."""
    if rec.failed or rec.result is None:
        return f"<p class='err'>error: {_e(rec.error)}</p>"
    r = rec.result
    out = [f"<h2>Reps</h2><p>{plural(r.rep_count, 'whole rep')}, {plural(r.reps_found, 'movement')}, "
           f"{r.judged_reps} judged; view {_e(r.view)}</p>"]
    if r.reps:
        out.append("<table><tr><th>rep</th><th>time</th><th>faults</th><th>can't judge</th></tr>")
        for rp in r.reps:
            name = rp.index if rp.complete else "part"
            cj = "; ".join(f"{'whole rep' if k == WHOLE_REP else fault_name(k)}: {v}" for k, v in rp.cant_judge.items())
            out.append(f"<tr><td>{name}</td><td style='white-space:nowrap'>{rp.t_start:.1f}-{rp.t_end:.1f} s</td>"
                       f"<td>{_e(fault_words(rp.faults) if rp.faults else '--')}</td><td>{_e(cj)}</td></tr>")
        out.append("</table>")
    return "".join(out)


def build_report(jobs, records: dict[int, ClipRecord], metrics: dict | None, source: str | None, model: str,
                 plot_for) -> str:
    """The page; ``plot_for(i)`` gives clip ``i``'s angle plot PNG (or None)."""
    labelled = any(j.label is not None for j in jobs)
    head = ("<tr><th>angles</th><th>clip</th><th>exercise</th><th>view</th>" + ("<th>label</th>" if labelled else "")
            + "<th>verdict</th><th>reps</th>" + ("<th>against the label</th>" if labelled else "") + "</tr>")
    rows = "".join(clip_row(i, job, records[i], plot_for(i)) for i, job in enumerate(jobs))
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>hingecheck scores</title>",
             f"<style>{CSS}</style></head><body><h1>hingecheck scores</h1>",
             f"<div class='meta'>source: {_e(source or '')} · model: {_e(model)} · "
             f"hingecheck {_e(__version__)}</div>"]
    if metrics is not None:
        parts += [misses_section(jobs, records), "<h2>Summary</h2>", fault_table(metrics),
                  group_table("source", metrics.get("by_source", {})), group_table("view", metrics.get("by_view", {}))]
    parts += [f"<h2>Clips</h2><table class='clips'>{head}{rows}</table>", "</body></html>\n"]
    return "\n".join(parts)


def clip_page_name(job) -> str:
    """The clip's own page, relative to the report: ``clips/<name>-<hash of the clip as listed>.html``."""
    return f"clips/{Path(job.clip).stem}-{hashlib.sha1(job.clip.encode()).hexdigest()[:8]}.html"


def clip_page(job, rec: ClipRecord, png: bytes | None) -> str:
    """One clip's page: label against verdict, the cue of each fault found, the angle plot, the reps."""
    lab, o = job.label, outcome(job, rec)
    lines = [] if lab is None else [f"<p>label: {_e(label_text(lab))}</p>"]
    lines.append(f"<p>verdict: <b>{_e(verdict_text(rec))}</b></p>")
    if o is not None:
        lines.append(f"<p class='{'miss' if o.miss else 'ok'}'>{_e(outcome_text(o))}</p>")
    for f in ([] if rec.failed or rec.result is None else rec.result.clip_faults):
        if f in FAULTS:
            lines.append(f"<p><b>{_e(FAULTS[f].title)}</b>: {_e(FAULTS[f].meaning)}. Cue: {_e(FAULTS[f].cue)}</p>")
    plot = "" if png is None else (f"<img alt='angles' style='max-width:100%' "
                                   f"src='data:image/png;base64,{base64.b64encode(png).decode()}'>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>hingecheck: {_e(job.clip)}</title><style>{CSS}</style></head><body>"
            f"<p><a href='../report.html'>← all clips</a></p><h1>{_e(job.clip)} "
            f"<small>({_e(job.exercise.replace('_', ' '))})</small></h1>"
            + "".join(lines) + plot + clip_detail(job, rec) + "</body></html>\n")
