"""The visual report of one set: a single self-contained HTML file.

Top: the set's verdict in one line (green only for a clean set, see
:mod:`hingecheck.core.states`; partly checked has its own colour and lists
the checks that did not run, once per reason), the most common fault with
its cue and drill, reps judged and clean, the worst rep when one stands out,
and a link to the annotated video. Then one card
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
from hingecheck.core.faultspec import ShowAt
from hingecheck.core.judging import WHOLE_REP, RepVerdict
from hingecheck.core.kinds import Reason, StrEnum, View
from hingecheck.core.signals import Finding
from hingecheck.core.states import VerdictState, rep_state, state_of_analysis
from hingecheck.io.atomic import write_text_atomic
from hingecheck.outputs.angles import ANGLES, Joint, angle_legend
from hingecheck.outputs.plots import angle_plot_png
from hingecheck.outputs.serialize import clip_result
from hingecheck.outputs.stills import render_still
from hingecheck.outputs.wording import (
    SEVERITY_LEGEND,
    evidence_phrase,
    fault_names,
    is_borderline,
    plain_reason,
    plural,
    severity_name,
    state_summary,
    unchecked_lines,
)

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f3f4f6;color:#111}
main{max-width:1100px;margin:0 auto;padding:1.2em}
h1{font-size:1.3em;margin:.2em 0}
.meta{color:#555;font-size:.9em}
.verdict{font-size:1.45em;font-weight:600;padding:.6em .8em;border-radius:8px;margin:.6em 0}
.verdict.bad{background:#fde2e1;color:#8a1010}.verdict.good{background:#dcf5dc;color:#135c13}
.verdict.info{background:#e5e7eb;color:#333}.verdict.warn{background:#fdf0cf;color:#6b4a00}
.verdict.partly{background:#dde6f7;color:#1e3a6e}
.checks{margin:.4em 0;color:#1e3a6e}.checks[data-state=not_checked]{color:#333}.checks ul{margin:.2em 0 .2em 1.2em;padding:0}
.top{background:#fff;border-radius:8px;padding:.8em 1em;margin:.6em 0}
.top b{font-size:1.05em}
.counts{font-size:1.05em;margin:.4em 0}
.rep{background:#fff;border-radius:8px;padding:.8em 1em;margin:.9em 0;display:flex;gap:1em;flex-wrap:wrap;
 border-left:8px solid #9ca3af}
.rep.clean{border-left-color:#22a022}.rep.faulty{border-left-color:#d62020}.rep.unjudged{border-left-color:#9ca3af}
.rep.partly{border-left-color:#4a6fb5}.rep.borderline{border-left-color:#e0a800}
.partly-text{color:#1e3a6e;font-weight:600}
.rep h2{font-size:1.15em;margin:0 0 .3em 0}
.stills{display:flex;gap:.6em;flex-wrap:wrap}
figure{margin:0}figure img{height:380px;max-width:420px;object-fit:contain;border-radius:4px;display:block;background:#222}
figcaption{font-size:.8em;color:#444;margin-top:.2em}
.details{flex:1;min-width:280px}
.angles{border-collapse:collapse;margin:.3em 0}.angles td{padding:1px 10px 1px 0}.angles td:first-child{white-space:nowrap}
.ok{color:#137a13;font-weight:600}.fault{margin:.4em 0}.fault .name{color:#b31212;font-weight:600}
.sev{font-size:.85em;padding:0 .4em;border-radius:4px;background:#fde2e1;color:#8a1010}
.sev.borderline{background:#fdf0cf;color:#6b4a00}.fault.borderline .name{color:#8a6300}
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


def peak_frame(f: Finding, rep_bottom: int) -> int:
    """Where to show a fault (its registry entry's ``show_at``): the end of its span
    for :attr:`ShowAt.SPAN_END`, else the rep's bottom if the flagged span holds it,
    else the span's middle."""
    lo, hi = f.frames
    if FAULTS[f.fault].show_at == ShowAt.SPAN_END:
        return hi
    return rep_bottom if lo <= rep_bottom <= hi else (lo + hi) // 2


class Tone(StrEnum):
    """The colour of the set's verdict line (each member is its CSS class)."""
    BAD = "bad"          # a recurring fault
    WARN = "warn"        # faults on some reps, or only borderline ones
    GOOD = "good"        # clean: every check ran, no fault (the only green)
    PARTLY = "partly"    # no fault found, some checks could not run
    INFO = "info"        # not checked, or nothing to judge


def verdict_line(analysis: Analysis) -> tuple[str, Tone]:
    """(the set's verdict in one line, its :class:`Tone`).

    Green only for a :attr:`VerdictState.CLEAN` set; a set where some checks
    could not run is PARTLY (its own colour), one where most could not is INFO
    (grey), whatever was found; a recurring fault that is borderline on every
    rep is WARN, not red.
    """
    s, st = analysis.summary(), state_of_analysis(analysis)
    if not analysis.reps:
        return "No reps found: is the whole body in view, side-on, and does the lifter hinge?", Tone.INFO
    if s["judged_reps"] == 0 and analysis.rep_count:
        first = next((v for v in analysis.reps if not v.judged), analysis.reps[0])
        reason = first.cant_judge.get(WHOLE_REP)
        return "Can't judge this set: " + (plain_reason(reason) if reason else ""), Tone.INFO
    if s["clip_faults"]:
        parts = [f"{FAULTS[f].title} on {s['fault_counts'].get(f, 0)} of {plural(s['judged_reps'], 'rep')}"
                 for f in s["clip_faults"]]
        found = [f for v in analysis.reps for f in v.findings if f.fault in s["clip_faults"]]
        return "; ".join(parts), Tone.WARN if all(is_borderline(f) for f in found) else Tone.BAD
    if s["clean_reps"] < s["judged_reps"]:
        flagged = ", ".join(f"{FAULTS[f].title} on {n}" for f, n in
                            sorted(s["fault_counts"].items(), key=lambda kv: -kv[1]))
        return (f"No recurring fault; {s['clean_reps']} of {plural(s['judged_reps'], 'rep')} clean "
                f"(flagged: {flagged})"), Tone.WARN
    ran = f"{len(st.checked)} of {len(st.applicable)} checks"
    if st.state == VerdictState.PARTLY_CHECKED:
        return f"Partly checked: no fault in the {ran} that ran; the rest could not be checked", Tone.PARTLY
    if st.state == VerdictState.NOT_CHECKED:
        return f"Not checked: only {ran} could run, so this set is not judged clean", Tone.INFO
    return f"Clean: all {len(st.applicable)} checks ran on {plural(s['judged_reps'], 'judged rep')}, no fault", Tone.GOOD


#: a rep is only named the worst when its worst fault is this much more severe
#: than the next rep's (a tenth of the way from the limit to severe)
WORST_MARGIN = 0.1


def worst_reps(analysis: Analysis) -> list[RepVerdict]:
    """The whole reps with the most severe (not borderline) fault, and any
    within :data:`WORST_MARGIN` of it (about as bad); empty if none."""
    faulty = [v for v in analysis.reps if v.rep.complete and any(not is_borderline(f) for f in v.findings)]
    if not faulty:
        return []
    top = max(max(f.severity for f in v.findings) for v in faulty)
    return [v for v in faulty if max(f.severity for f in v.findings) > top - WORST_MARGIN]


def worst_rep(analysis: Analysis) -> RepVerdict | None:
    """The worst rep when one stands out (see :func:`worst_reps`), else None."""
    worst = worst_reps(analysis)
    return worst[0] if len(worst) == 1 else None


def _worst_line(analysis: Analysis) -> str:
    worst = worst_reps(analysis)
    if not worst:
        return ""
    links = ", ".join(f"<a href='#rep-{v.rep.index}'>rep {v.rep.index}</a>" for v in worst)
    if len(worst) == 1:
        names = ", ".join(FAULTS[f].title for f in worst[0].faults)
        return f"<p>Worst rep: {links} ({_esc(names)})</p>"
    return f"<p>Worst reps (about equally bad): {links}</p>"


def _state_section(st) -> str:
    """The checks that ran and, once per reason, those that did not."""
    if st.state == VerdictState.CLEAN or not st.unchecked:
        return ""
    items = "".join(f"<li>{_esc(line)}</li>" for line in unchecked_lines(st.unchecked))
    ran = f"<li>checked: {_esc(fault_names(st.checked))}</li>" if st.checked else ""
    return (f"<div class='checks' data-state='{st.state}'><b>{_esc(state_summary(st))}</b>"
            f"<ul>{ran}{items}</ul></div>")


def _top_section(analysis: Analysis, video_link: str | None = None) -> str:
    s, st = analysis.summary(), state_of_analysis(analysis)
    text, level = verdict_line(analysis)
    out = [f"<div class='verdict {level}' id='verdict' data-state='{st.state}'>{_esc(text)}</div>"
           "<div class='top'>"]
    out.append(f"<div class='counts'>{plural(analysis.rep_count, 'rep')}, <b>{s['judged_reps']}</b> judged, "
               f"<b>{s['clean_reps']}</b> with no fault found</div>")
    out.append(_state_section(st))
    top = s["most_common"]
    if top:
        info = FAULTS[top["fault"]]
        out.append(f"<p>Most common fault: <b>{_esc(info.title)}</b> ({plural(top['reps'], 'rep')}): "
                   f"{_esc(info.meaning)}.<br>Cue: <b>{_esc(info.cue)}</b><br>Drill: {_esc(info.drill)}</p>")
    out.append(_worst_line(analysis))
    if analysis.view != View.SIDE and not any(u.reason.code == Reason.CAMERA_NOT_SIDE_ON for u in st.unchecked):
        out.append(f"<p class='cant'>Camera view: {_esc(analysis.view)}. Film side-on (camera at hip height, "
                   "square to the lifter) to judge back, head and lockout.</p>")
    if video_link:
        out.append(f"<p>Annotated video: <a id='video-link' href='{_esc(video_link)}'>{_esc(video_link)}</a></p>")
    out.append(f"<p class='meta'>{_esc(angle_legend())}; {_esc(SEVERITY_LEGEND)}.</p></div>")
    return "".join(out)


def _still_figures(analysis: Analysis, v: RepVerdict, stills) -> str:
    """The rep's bottom still, then one per frame where a fault peaks away from it."""

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
    rows = [(Joint.HIP, m.get("hip_flexion_bottom")), (Joint.KNEE, m.get("knee_flexion_bottom")),
            (Joint.TRUNK, m.get("trunk_angle_bottom")), (Joint.NECK, m.get("neck_angle_bottom"))]
    cells = "".join(f"<tr><td>{_esc(ANGLES[j].name)}</td><td><b>{_num(x, unit='°')}</b> "
                    f"<small>(0° = {_esc(ANGLES[j].zero)})</small></td></tr>" for j, x in rows)
    r = v.rep
    tempo = (f"down {_num(r.down_s, 1)} s, up {_num(r.up_s, 1)} s" if r.complete else "partial movement")
    return (f"<div>At the bottom:</div><table class='angles'>{cells}</table>"
            f"<div>Tempo: {tempo}</div>")


def _finding_block(f: Finding) -> str:
    info, name = FAULTS[f.fault], severity_name(f.severity)
    ev = "".join(f"<div class='ev'>measured: {_esc(evidence_phrase(e))}</div>" for e in f.evidence)
    return (f"<div class='fault {'borderline' if is_borderline(f) else 'clear'}' data-fault='{_esc(f.fault)}'>"
            f"<span class='name'>{_esc(info.title)}</span> <span class='sev {name}'>{_esc(name)}</span>"
            f"<div class='ev'>cue: {_esc(info.cue)}</div>{ev}</div>")


def _verdict_block(v: RepVerdict, st) -> str:
    out = []
    if not v.judged:
        out.append(f"<p class='cant'>Can't judge this rep: {_esc(plain_reason(v.cant_judge[WHOLE_REP]))}</p>")
        return "".join(out)
    if st.state == VerdictState.CLEAN:
        out.append(f"<p class='ok'>Clean rep: good hinge (all {len(st.applicable)} checks ran)</p>")
    elif not v.findings:
        out.append(f"<p class='partly-text'>No fault found in the {len(st.checked)} of {len(st.applicable)} "
                   "checks that ran: not a clean bill</p>")
    out.extend(_finding_block(f) for f in v.findings)
    out.extend(f"<p class='cant'>{_esc(line)}</p>" for line in unchecked_lines(st.unchecked))
    return "".join(out)


#: a rep card's class for each state (a faulty rep whose faults are all borderline: "borderline")
CARD_CLASS = {VerdictState.CLEAN: "clean", VerdictState.FAULTS: "faulty",
              VerdictState.PARTLY_CHECKED: "partly", VerdictState.NOT_CHECKED: "unjudged"}


def rep_card(analysis: Analysis, v: RepVerdict, stills=None) -> str:
    """One rep's card (``section.rep``, with ``data-faults`` and ``data-state``)."""
    r, t = v.rep, analysis.timestamps
    st = rep_state(v, analysis.exercise)
    kind = CARD_CLASS[st.state]
    if st.state == VerdictState.FAULTS and all(is_borderline(f) for f in v.findings):
        kind = "borderline"
    name = f"Rep {r.index}" if r.complete else "Partial movement"
    anchor = f"rep-{r.index}" if r.complete else f"part-{r.start}"
    return (f"<section class='rep {kind}' id='{anchor}' data-faults='{_esc(' '.join(v.faults))}' "
            f"data-state='{st.state}'>"
            f"{_still_figures(analysis, v, stills)}<div class='details'>"
            f"<h2>{_esc(name)} <small class='meta'>{t[r.start]:.1f}-{t[r.end]:.1f} s</small></h2>"
            f"{_verdict_block(v, st)}{_angle_table(v) if v.metrics else ''}</div></section>")


def _plot_section(analysis: Analysis, title: str) -> str:

    try:
        png = angle_plot_png(clip_result(analysis), title)
    except Exception as exc:  # noqa: BLE001 - a plot never sinks the report
        return f"<p class='cant'>angle plot failed: {_esc(type(exc).__name__)}: {_esc(exc)}</p>"
    return f"<h2>Angles over time</h2><div class='plot'>{_img(png, 'image/png', 'angles over time')}</div>"


def video_href(video: str | Path | None, page: str | Path | None) -> str | None:
    """The annotated video's address as the page links it: relative to the page's folder when it can be."""
    if not video:
        return None
    import os
    if page is None:
        return Path(video).as_posix()
    try:
        return Path(os.path.relpath(Path(video).resolve(), Path(page).resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(video).resolve().as_uri()


def build_html(analysis: Analysis, source: str, model: str | None = None, stills=None,
               when: float | None = None, video_link: str | None = None) -> str:
    """The whole page as a string; ``stills`` is a :class:`~hingecheck.outputs.stills.StillKeeper` or None;
    ``video_link`` the annotated video's address (see :func:`video_href`), linked at the top."""
    name = Path(str(source)).name or str(source)
    date = time.strftime("%Y-%m-%d %H:%M", time.localtime(when))
    head = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>hingecheck: {_esc(name)}</title><style>{CSS}</style></head><body><main>")
    meta = (f"<h1>{_esc(name)}: {_esc(analysis.exercise.replace('_', ' '))}</h1>"
            f"<div class='meta'>{_esc(date)} · model {_esc(Path(str(model)).name if model else '--')}"
            f" · hingecheck {_esc(__version__)}</div>")
    cards = "".join(rep_card(analysis, v, stills) for v in analysis.reps)
    return (head + meta + _top_section(analysis, video_link) + cards + _plot_section(analysis, name)
            + "</main></body></html>\n")


def write_html(path: str | Path, analysis: Analysis, source: str, model: str | None = None,
               stills=None, video: str | Path | None = None) -> None:
    """Write :func:`build_html` to ``path`` atomically, linking the annotated ``video`` if there is one."""
    write_text_atomic(path, build_html(analysis, source, model, stills, video_link=video_href(video, path)))
