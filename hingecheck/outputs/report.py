"""Reports: the JSON document and the terminal table (no cv2, no mediapipe)."""

from __future__ import annotations

import math
from pathlib import Path

from hingecheck import __version__
from hingecheck.core.analysis import Analysis
from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP
from hingecheck.io.atomic import write_text_atomic
from hingecheck.outputs.serialize import analysis_dict, dump_json


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


def rep_table(analysis: Analysis) -> str:
    """A fixed-width table, one line per rep (partial movements marked)."""
    head = f"{'rep':>4} {'time':>12} {'down':>5} {'up':>5} {'hip':>5} {'knee':>5} {'trunk':>5}  verdict"
    lines = [head, "-" * max(len(head), 60)]
    t = analysis.timestamps
    for v in analysis.reps:
        r = v.rep
        name = str(r.index) if r.complete else "part"
        when = f"{t[r.start]:5.1f}-{t[r.end]:5.1f}s"
        m = v.metrics
        if not v.judged:
            verdict = "can't judge: " + v.cant_judge[WHOLE_REP]
        elif v.findings:
            verdict = ", ".join(f"{f.fault} ({f.severity_label})" for f in v.findings)
        else:
            verdict = "good"
        partial_skip = [k for k in v.cant_judge if k != "*"]
        if v.judged and partial_skip:
            verdict += f"  [not judged: {', '.join(partial_skip)}]"
        down, up = (r.down_s, r.up_s) if r.complete else (None, None)  # a partial has no whole tempo
        lines.append(f"{name:>4} {when:>12} {_fmt(down, 1):>5} {_fmt(up, 1):>5} "
                     f"{_fmt(m.get('hip_flexion_bottom')):>5} {_fmt(m.get('knee_flexion_bottom')):>5} "
                     f"{_fmt(m.get('trunk_angle_bottom')):>5}  {verdict}")
    return "\n".join(lines)


def _view_words(analysis: Analysis) -> str:
    """How far off side-on the camera stands, in degrees when the yaw is known."""
    if math.isfinite(analysis.yaw):
        return f"camera about {analysis.yaw:.0f}° off side-on"
    return f"side-on ratio {_fmt(analysis.side_on, 2)}"


def summary_text(analysis: Analysis) -> str:
    s = analysis.summary()
    out = [f"{s['reps']} reps, {s['judged_reps']} judged, {s['clean_reps']} clean; camera view: {s['view']}"
           f" ({_view_words(analysis)}), lifter's {analysis.side.name} side"]
    if analysis.view != "side":
        out.append("note: film side-on (camera at hip height, perpendicular to the lifter) "
                   "to judge back, head and lockout faults")
    if not s["reps"] and not analysis.reps:
        out.append("no reps found: is the whole body in view, side-on, and does the lifter hinge?")
    for fid in s["clip_faults"]:
        info = FAULTS[fid]
        n = s["fault_counts"].get(fid, 0)
        where = f" on {n} of {s['judged_reps']} reps" if s["reps"] else ""
        out.append(f"* {info.title}{where}: {info.meaning}.\n    cue: {info.cue}\n    drill: {info.drill}")
    if not s["clip_faults"] and s["judged_reps"]:
        out.append("no recurring fault: good hinging")
    return "\n".join(out)
