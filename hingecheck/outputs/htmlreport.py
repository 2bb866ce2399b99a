"""The visual report of one set: a single self-contained HTML file.

Top: the set's verdict in one line, the most common fault with its cue and
drill, reps judged and clean, and a link to the worst rep. Then one card
per rep: stills of its bottom (and of the frame where a fault timed
elsewhere peaks) with the skeleton and the fault's body part drawn, the
angles at the bottom, the tempo, each fault with its severity and
evidence, or why it could not be judged. Last, the angle-over-time plot
with the fault spans shaded (:func:`hingecheck.scoring.batch.angle_plot_png`).
Every image is inlined (base64); the page loads nothing from the network.
"""

from __future__ import annotations

import base64
import html
import time
from pathlib import Path

import numpy as np

from hingecheck import __version__
from hingecheck.core.analysis import Analysis
from hingecheck.core.faults import FAULTS
from hingecheck.core.geometry import interior_angle
from hingecheck.core.judging import WHOLE_REP, RepVerdict
from hingecheck.core.signals import Evidence, Finding
from hingecheck.io.atomic import write_text_atomic

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f4f6;color:#111}
main{max-width:1100px;margin:0 auto;padding:1.2em}
h1{font-size:1.3em;margin:.2em 0}
.meta{color:#555;font-size:.9em}
.verdict{font-size:1.45em;font-weight:600;padding:.6em .8em;border-radius:8px;margin:.6em 0}
.verdict.bad{background:#fde2e1;color:#8a1010}.verdict.good{background:#dcf5dc;color:#135c13}
.verdict.info{background:#e5e7eb;color:#333}.verdict.warn{background:#fdf0cf;color:#6b4a00}
.top{background:#fff;border-radius:8px;padding:.8em 1em;margin:.6em 0}
.top b{font-size:1.05em}
.counts{font-size:1.05em;margin:.4em 0}
.rep{background:#fff;border-radius:8px;padding:.8em 1em;margin:.9em 0;display:flex;gap:1em;flex-wrap:wrap;
 border-left:8px solid #9ca3af}
.rep.clean{border-left-color:#22a022}.rep.faulty{border-left-color:#d62020}.rep.unjudged{border-left-color:#9ca3af}
.rep h2{font-size:1.15em;margin:0 0 .3em 0}
.stills{display:flex;gap:.6em;flex-wrap:wrap}
figure{margin:0}figure img{height:380px;max-width:420px;object-fit:contain;border-radius:4px;display:block;background:#222}
figcaption{font-size:.8em;color:#444;margin-top:.2em}
.details{flex:1;min-width:280px}
.angles{border-collapse:collapse;margin:.3em 0}.angles td{padding:1px 10px 1px 0}
.ok{color:#137a13;font-weight:600}.fault{margin:.4em 0}.fault .name{color:#b31212;font-weight:600}
.sev{font-size:.85em;padding:0 .4em;border-radius:4px;background:#fde2e1;color:#8a1010}
.ev{font-size:.85em;color:#333;margin-left:1em}
.cant{color:#555;font-style:italic}
.plot img{max-width:100%;background:#fff;border-radius:8px}
"""


def _esc(s) -> str:
    return html.escape(str(s))


def _num(v: float | None, nd: int = 0, unit: str = "") -> str:
    if v is None or not np.isfinite(v):
        return "--"
    text = f"{v:.{nd}f}"
    return (text.lstrip("-") if float(text) == 0 else text) + unit  # no "-0"


def _img(data: bytes, mime: str, alt: str) -> str:
    return f"<img alt='{_esc(alt)}' src='data:{mime};base64,{base64.b64encode(data).decode()}'>"


def plain_reason(reason: str) -> str:
    """A "can't judge" reason in words a lifter understands."""
    r = reason.lower()
    if r.startswith("landmarks missing"):
        share = reason.split("in ", 1)[-1].split(" of", 1)[0]
        return f"the camera lost sight of you for {share} of this rep: keep your whole body in view"
    if r.startswith("landmarks unreliable"):
        return "the camera could not see your body clearly: more light, nothing in the way"
    if r.startswith("facing the camera"):
        return "you were facing the camera: turn side-on so it sees your hips, back and knees"
    if r.startswith("camera not side-on"):
        return "the camera was not side-on, so back and head could not be judged: film from the side at hip height"
    if " hidden or mis-tracked at the " in r:
        joints, rest = reason.split(" hidden or mis-tracked at the ", 1)
        where = rest.split(" (", 1)[0]
        return (f"your {joints} were hidden or lost at the {where} (a plate, a bell or the frame's edge?): "
                "film so nothing covers them")
    if r.startswith("partial movement"):
        return "a partial movement at the start or end of the video (setting up or putting down), not a rep"
    return reason


def _evidence_text(e: Evidence) -> str:
    nd = 0 if e.unit == "deg" else 2
    unit = "°" if e.unit == "deg" else ""
    return (f"{_esc(e.metric)}: <b>{_num(e.value, nd, unit)}</b> "
            f"(a fault when {_esc(e.comparison)} {_num(e.threshold, nd, unit)})")


#: faults whose rule measures them at the end of the flagged span (hips rise
#: first: the span runs from the bottom to where the trunk lagged the knees)
AT_SPAN_END = frozenset({"hips_rise_first"})


def peak_frame(f: Finding, rep_bottom: int) -> int:
    """Where to show a fault: the end of its span for :data:`AT_SPAN_END`,
    else the rep's bottom if the flagged span holds it, else the span's middle."""
    lo, hi = f.frames
    if f.fault in AT_SPAN_END:
        return hi
    return rep_bottom if lo <= rep_bottom <= hi else (lo + hi) // 2


def verdict_line(analysis: Analysis) -> tuple[str, str]:
    """(the set's verdict in one line, level: bad / warn / good / info)."""
    s = analysis.summary()
    if not analysis.reps:
        return "No reps found: is the whole body in view, side-on, and does the lifter hinge?", "info"
    if s["judged_reps"] == 0 and analysis.rep_count:
        first = next((v for v in analysis.reps if not v.judged), analysis.reps[0])
        return "Can't judge this set: " + plain_reason(first.cant_judge.get("*", "")), "info"
    if s["clip_faults"]:
        parts = [f"{FAULTS[f].title} on {s['fault_counts'].get(f, 0)} of {s['judged_reps']} reps"
                 for f in s["clip_faults"]]
        return "; ".join(parts), "bad"
    if s["clean_reps"] < s["judged_reps"]:
        flagged = ", ".join(f"{FAULTS[f].title} on {n}" for f, n in
                            sorted(s["fault_counts"].items(), key=lambda kv: -kv[1]))
        return (f"No recurring fault; {s['clean_reps']} of {s['judged_reps']} reps clean "
                f"(flagged: {flagged})"), "warn"
    return f"Good hinging: all {s['judged_reps']} judged reps clean", "good"


def worst_rep(analysis: Analysis) -> RepVerdict | None:
    """The judged whole rep with the most severe fault (more faults breaks a tie)."""
    faulty = [v for v in analysis.reps if v.rep.complete and v.findings]
    if not faulty:
        return None
    return max(faulty, key=lambda v: (max(f.severity for f in v.findings), len(v.findings)))


def _top_section(analysis: Analysis) -> str:
    s = analysis.summary()
    text, level = verdict_line(analysis)
    out = [f"<div class='verdict {level}' id='verdict'>{_esc(text)}</div><div class='top'>"]
    out.append(f"<div class='counts'>{analysis.rep_count} reps, <b>{s['judged_reps']}</b> judged, "
               f"<b>{s['clean_reps']}</b> clean</div>")
    top = s["most_common"]
    if top:
        info = FAULTS[top["fault"]]
        out.append(f"<p>Most common fault: <b>{_esc(info.title)}</b> ({top['reps']} reps): {_esc(info.meaning)}."
                   f"<br>Cue: <b>{_esc(info.cue)}</b><br>Drill: {_esc(info.drill)}</p>")
    worst = worst_rep(analysis)
    if worst is not None:
        names = ", ".join(FAULTS[f].title for f in worst.faults)
        out.append(f"<p>Worst rep: <a href='#rep-{worst.rep.index}'>rep {worst.rep.index}</a> ({_esc(names)})</p>")
    if analysis.view != "side":
        out.append(f"<p class='cant'>Camera view: {_esc(analysis.view)}. Film side-on (camera at hip height, "
                   "square to the lifter) to judge back, head and lockout.</p>")
    out.append("</div>")
    return "".join(out)


def _still_figures(analysis: Analysis, v: RepVerdict, stills) -> str:
    """The rep's bottom still, then one per frame where a fault peaks away from it."""
    from hingecheck.outputs.stills import render_still

    if stills is None:
        return ""
    t, b = analysis.timestamps, v.rep.bottom
    shots: dict[int, list[str]] = {b: []}
    for f in v.findings:
        shots.setdefault(peak_frame(f, b), []).append(f.fault)
    figs = []
    for frame, faults in shots.items():
        still = stills.nearest(frame)
        if still is None:
            continue
        what = "bottom" if frame == b else ", ".join(FAULTS[f].title for f in faults)
        jpeg = render_still(still, analysis.side, faults)
        alt = f"rep {v.rep.index} {what}"
        figs.append(f"<figure>{_img(jpeg, 'image/jpeg', alt)}"
                    f"<figcaption>{_esc(what)} at {t[still.index]:.1f} s</figcaption></figure>")
    return f"<div class='stills'>{''.join(figs)}</div>" if figs else ""


def _angle_table(v: RepVerdict) -> str:
    m = v.metrics
    rows = [("hip angle", interior_angle(m.get("hip_flexion_bottom", np.nan)), "°, 180 = standing tall"),
            ("knee angle", interior_angle(m.get("knee_flexion_bottom", np.nan)), "°, 180 = straight"),
            ("trunk", m.get("trunk_angle_bottom", np.nan), "° from vertical"),
            ("neck", m.get("neck_angle_bottom", np.nan), "° against the trunk")]
    cells = "".join(f"<tr><td>{n}</td><td><b>{_num(x)}</b>{_esc(u)}</td></tr>" for n, x, u in rows)
    r = v.rep
    tempo = (f"down {_num(r.down_s, 1)} s, up {_num(r.up_s, 1)} s" if r.complete else "partial movement")
    return (f"<div>At the bottom:</div><table class='angles'>{cells}</table>"
            f"<div>Tempo: {tempo}</div>")


def _verdict_block(v: RepVerdict) -> str:
    out = []
    if not v.judged:
        out.append(f"<p class='cant'>Can't judge this rep: {_esc(plain_reason(v.cant_judge[WHOLE_REP]))}</p>")
    elif not v.findings:
        out.append("<p class='ok'>Clean rep: good hinge</p>")
    for f in v.findings:
        info = FAULTS[f.fault]
        ev = "".join(f"<div class='ev'>{_evidence_text(e)}</div>" for e in f.evidence)
        out.append(f"<div class='fault' data-fault='{_esc(f.fault)}'><span class='name'>{_esc(info.title)}</span> "
                   f"<span class='sev'>{_esc(f.severity_label)} ({f.severity:.2f})</span>"
                   f"<div class='ev'>cue: {_esc(info.cue)}</div>{ev}</div>")
    partial = sorted({plain_reason(r) for k, r in v.cant_judge.items() if k != "*"})
    for reason in partial:
        names = ", ".join(FAULTS[k].title for k, r in v.cant_judge.items() if k != "*" and plain_reason(r) == reason)
        out.append(f"<p class='cant'>Not judged ({_esc(names)}): {_esc(reason)}</p>")
    return "".join(out)


def rep_card(analysis: Analysis, v: RepVerdict, stills=None) -> str:
    """One rep's card (``section.rep``, with ``data-faults``)."""
    r, t = v.rep, analysis.timestamps
    kind = "unjudged" if not v.judged else "faulty" if v.findings else "clean"
    name = f"Rep {r.index}" if r.complete else "Partial movement"
    anchor = f"rep-{r.index}" if r.complete else f"part-{r.start}"
    return (f"<section class='rep {kind}' id='{anchor}' data-faults='{_esc(' '.join(v.faults))}'>"
            f"{_still_figures(analysis, v, stills)}<div class='details'>"
            f"<h2>{_esc(name)} <small class='meta'>{t[r.start]:.1f}-{t[r.end]:.1f} s</small></h2>"
            f"{_verdict_block(v)}{_angle_table(v) if v.metrics else ''}</div></section>")


def _plot_section(analysis: Analysis, title: str) -> str:
    from hingecheck.outputs.plots import angle_plot_png
    from hingecheck.outputs.serialize import result_record

    try:
        png = angle_plot_png(result_record(analysis), title)
    except Exception as exc:  # noqa: BLE001 - a plot never sinks the report
        return f"<p class='cant'>angle plot failed: {_esc(type(exc).__name__)}: {_esc(exc)}</p>"
    return f"<h2>Angles over time</h2><div class='plot'>{_img(png, 'image/png', 'angles over time')}</div>"


def build_html(analysis: Analysis, source: str, model: str | None = None, stills=None,
               when: float | None = None) -> str:
    """The whole page as a string; ``stills`` is a :class:`~hingecheck.outputs.stills.StillKeeper` or None."""
    name = Path(str(source)).name or str(source)
    date = time.strftime("%Y-%m-%d %H:%M", time.localtime(when))
    head = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>hingecheck: {_esc(name)}</title><style>{CSS}</style></head><body><main>")
    meta = (f"<h1>{_esc(name)}: {_esc(analysis.exercise.replace('_', ' '))}</h1>"
            f"<div class='meta'>{_esc(date)} · model {_esc(Path(str(model)).name if model else '--')}"
            f" · hingecheck {_esc(__version__)}</div>")
    cards = "".join(rep_card(analysis, v, stills) for v in analysis.reps)
    return (head + meta + _top_section(analysis) + cards + _plot_section(analysis, name)
            + "</main></body></html>\n")


def write_html(path: str | Path, analysis: Analysis, source: str, model: str | None = None,
               stills=None) -> None:
    """Write :func:`build_html` to ``path`` atomically."""
    write_text_atomic(path, build_html(analysis, source, model, stills))
