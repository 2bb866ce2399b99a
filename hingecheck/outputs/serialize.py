"""One serialiser of an analysis: JSON-safe values and the record a clip's result keeps."""

from __future__ import annotations

import json
import math

SIGNALS = ("hip_flexion", "knee_flexion", "trunk_angle")
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
