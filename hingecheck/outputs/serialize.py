"""One serialiser of an analysis: JSON-safe values and the record a clip's result keeps."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math

from hingecheck.core.analysis import Analysis
from hingecheck.core.judging import RepVerdict
from hingecheck.core.landmarks import legs_name
from hingecheck.core.states import rep_state, state_of_analysis
from hingecheck.outputs.wording import reason_text, reasons_in_words
from hingecheck.outputs.records import SIGNALS, ClipResult

SIGNAL_STEP = 2          # keep every 2nd frame of the signals in the cache


def json_safe(o):
    """JSON-safe: numpy scalars to Python, non-finite floats to None."""
    if isinstance(o, dict):
        return {str(k): json_safe(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)) or type(o).__name__ == "ndarray":
        return [json_safe(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, (str, bytes)):
        try:
            o = o.item()
        except (TypeError, ValueError):
            pass
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o


def dump_json(data: dict, indent: int = 1) -> str:
    """``data`` as JSON text ending in a newline, made :func:`json_safe` first."""
    return json.dumps(json_safe(data), indent=indent, allow_nan=False) + "\n"


def _rounded(values, step: int) -> list:
    out = []
    for v in list(values)[::step]:
        v = float(v)
        out.append(round(v, 1) if math.isfinite(v) else None)
    return out


def _round(v: float, nd: int) -> float | None:
    v = float(v)
    return round(v, nd) if math.isfinite(v) else None


def clip_header(analysis: Analysis) -> dict:
    """The fields both forms share: length, rate, view, side, how much of it a person was seen."""
    t = analysis.timestamps
    return {
        "frames": int(t.size),
        "duration_s": round(float(t[-1]), 3) if t.size else 0.0,
        "fps": _round(analysis.fps, 2),
        "view": str(analysis.view), "side": analysis.side.name,
        "legs": legs_name(analysis.side),  # the legs read: the standing leg of a single-leg lift
        "side_on_ratio": _round(analysis.side_on, 3),
        "camera_yaw_deg": _round(analysis.yaw, 1),
        "person_detected_fraction": round(analysis.detected_fraction, 3),
    }


def rep_times(v: RepVerdict, t) -> dict:
    """A rep's start and end in seconds of the video."""
    return {"t_start": round(float(t[v.rep.start]), 3), "t_end": round(float(t[v.rep.end]), 3)}


def analysis_dict(analysis: Analysis) -> dict:
    """The full form: what ``analyze`` writes to its JSON report (every rep's faults with
    evidence, cue and drill, the calibration, the metrics)."""
    t = analysis.timestamps
    return {
        "exercise": analysis.exercise,
        **clip_header(analysis),
        "frame_size": list(analysis.frame_size),
        "facing": "right" if analysis.facing > 0 else "left",
        "calibration": analysis.calibration.as_dict() if analysis.calibration else None,
        "camera_tilt_deg": round(float(analysis.camera_tilt), 1),
        "summary": analysis.summary(),
        "state": state_of_analysis(analysis).as_dict(reason_text),
        "reps": [{**v.as_dict(reason_text), **rep_times(v, t), "state": str(rep_state(v, analysis.exercise).state)}
                 for v in analysis.reps],
    }


def result_record(analysis: Analysis) -> dict:
    """The compact form: what a clip's score-cache entry keeps (verdicts as fault ids,
    fault spans in seconds, and the angle signals thinned to every :data:`SIGNAL_STEP` th frame)."""
    t = analysis.timestamps
    reps = []
    for v in analysis.reps:
        r = v.rep
        reps.append({
            "index": r.index, "complete": r.complete, "judged": v.judged,
            "start": r.start, "end": r.end, "bottom": r.bottom, **rep_times(v, t),
            "depth_deg": round(float(r.depth_deg), 1),
            "faults": v.faults,
            "fault_spans": [{"fault": f.fault, "t0": round(float(t[f.frames[0]]), 3),
                             "t1": round(float(t[f.frames[1]]), 3), "severity": round(f.severity, 2)}
                            for f in v.findings],
            "cant_judge": reasons_in_words(v.cant_judge),
            "state": str(rep_state(v, analysis.exercise).state),
        })
    judged = sum(1 for v in analysis.reps if v.judged)
    sig = analysis.signals
    return {
        **clip_header(analysis),
        "rep_count": analysis.rep_count,
        "reps_found": len(analysis.reps),
        "judged_reps": judged,
        "cant_judge": judged == 0,
        "clip_faults": analysis.clip_faults(),
        "state": str(state_of_analysis(analysis).state),
        "reps": reps,
        "signals": {"step": SIGNAL_STEP, "t": [round(float(x), 3) for x in t[::SIGNAL_STEP]],
                    **{name: _rounded(getattr(sig, name), SIGNAL_STEP) for name in SIGNALS}},
    }


def clip_result(analysis: Analysis) -> ClipResult:
    """:func:`result_record` as the typed result the outputs read."""
    return ClipResult.from_json(json_safe(result_record(analysis)))


def thresholds_block(th) -> dict:
    """The thresholds a verdict was judged with, and a SHA-256 of them (canonical JSON), so a
    report says what produced it and two reports can be told judged alike or not."""
    values = {k: float(v) for k, v in dataclasses.asdict(th).items()}
    canon = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return {"thresholds": values, "thresholds_sha256": hashlib.sha256(canon.encode()).hexdigest()}

