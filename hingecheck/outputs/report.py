"""Reports: the JSON document and the terminal table (no cv2, no mediapipe)."""

from __future__ import annotations

import math
from pathlib import Path

from hingecheck import __version__
from hingecheck.core.analysis import Analysis
from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP
from hingecheck.core.landmarks import legs_name
from hingecheck.core.states import VerdictState, rep_state, state_of_analysis
from hingecheck.io.atomic import write_text_atomic
from hingecheck.outputs.angles import Joint, angle_header, angle_legend
from hingecheck.outputs.serialize import analysis_dict, dump_json
from hingecheck.outputs.wording import (
    STATE_TITLES,
    plural,
    reason_text,
    severity_name,
    state_summary,
    unchecked_lines,
)


def report_dict(analysis: Analysis, video: str | None = None, model: str | None = None,
                extra: dict | None = None) -> dict:
    d = {"tool": "hingecheck", "version": __version__}
    if video is not None:
        d["video"] = str(video)
    if model is not None:
        d["model"] = str(model)
    d.update(analysis_dict(analysis))
    if extra:
        d.update(extra)
    return d


def write_json(path: str | Path, data: dict) -> None:
    """``data`` as indented JSON, written atomically (numpy values made plain, NaN as null)."""
    write_text_atomic(path, dump_json(data, indent=2))


def _fmt(v: float | None, nd: int = 0) -> str:
    if v is None or v != v:
        return "--"
    return f"{v:.{nd}f}"


def rep_verdict_text(v, exercise: str | None = None) -> str:
    """A rep's verdict column: its faults (severity in words), clean only when every
    check ran, else how many checks ran; the checks not run (why: under the table)."""
    if not v.judged:
        return "can't judge: " + reason_text(v.cant_judge[WHOLE_REP])
    st = rep_state(v, exercise)
    if v.findings:
        verdict = ", ".join(f"{f.fault} ({severity_name(f.severity)})" for f in v.findings)
    elif st.state == VerdictState.CLEAN:
        verdict = "clean"
    else:
        verdict = f"{STATE_TITLES[st.state]}: no fault in {len(st.checked)} of {len(st.applicable)} checks"
    if st.unchecked:
        verdict += f"  [not checked: {', '.join(st.not_run)}]"
    return verdict


def rep_table(analysis: Analysis) -> str:
    """A fixed-width table, one line per rep (partial movements marked), under a
    header with units and a line saying what the angles mean."""
    angles = " ".join(f"{angle_header(j):>6}" for j in (Joint.HIP, Joint.KNEE, Joint.TRUNK))
    head = f"{'rep':>4} {'time (s)':>12} {'down s':>6} {'up s':>5} {angles}  verdict"
    legend = "at each rep's bottom, " + angle_legend().split(", neck")[0] + "; time and tempo in seconds"
    lines = [legend, head, "-" * max(len(head), 60)]
    t = analysis.timestamps
    for v in analysis.reps:
        r = v.rep
        name = str(r.index) if r.complete else "part"
        when = f"{t[r.start]:5.1f}-{t[r.end]:5.1f}"
        m = v.metrics
        down, up = (r.down_s, r.up_s) if r.complete else (None, None)  # a partial has no whole tempo
        lines.append(f"{name:>4} {when:>12} {_fmt(down, 1):>6} {_fmt(up, 1):>5} "
                     f"{_fmt(m.get('hip_flexion_bottom')):>6} {_fmt(m.get('knee_flexion_bottom')):>6} "
                     f"{_fmt(m.get('trunk_angle_bottom')):>6}  {rep_verdict_text(v, analysis.exercise)}")
    return "\n".join(lines)


def _view_words(analysis: Analysis) -> str:
    """How far off side-on the camera stands, in degrees when the yaw is known."""
    if math.isfinite(analysis.yaw):
        return f"camera about {analysis.yaw:.0f}° off side-on"
    return f"side-on ratio {_fmt(analysis.side_on, 2)}"


def _state_lines(analysis: Analysis) -> list[str]:
    st = state_of_analysis(analysis)
    out = [f"verdict: {state_summary(st)}"]
    out.extend(f"  - {line}" for line in unchecked_lines(st.unchecked))
    return out


def summary_text(analysis: Analysis) -> str:
    s = analysis.summary()
    out = [f"{plural(s['reps'], 'rep')}, {s['judged_reps']} judged, {s['clean_reps']} with no fault found; "
           f"camera view: {s['view']} ({_view_words(analysis)}), lifter's {analysis.side.name} side"
           + (f", legs read on the {legs_name(analysis.side)} leg (the one standing)"
              if legs_name(analysis.side) != analysis.side.name else "")]
    if analysis.view != "side" and not math.isfinite(analysis.yaw):
        # with the camera's angle known, the verdict's lines name each check it stopped
        out.append("note: film side-on (camera at hip height, perpendicular to the lifter) "
                   "to judge back, head and lockout faults")
    if not s["reps"] and not analysis.reps:
        out.append("no reps found: is the whole body in view, side-on, and does the lifter hinge?")
    else:
        out.extend(_state_lines(analysis))
    for fid in s["clip_faults"]:
        info = FAULTS[fid]
        n = s["fault_counts"].get(fid, 0)
        where = f" on {n} of {plural(s['judged_reps'], 'rep')}" if s["reps"] else ""
        out.append(f"* {info.title}{where}: {info.meaning}.\n    cue: {info.cue}\n    drill: {info.drill}")
    if not s["clip_faults"] and s["judged_reps"]:
        clean = state_of_analysis(analysis).state == VerdictState.CLEAN
        out.append("no recurring fault: good hinging" if clean else
                   "no recurring fault in the checks that ran (not every check could run)")
    return "\n".join(out)
