"""What the overlay shows at each frame, from a finished analysis (pure).

Kept apart from drawing: this decides *what* (rep counter, phase, faults
active now, the last rep's verdict); :mod:`hingecheck.outputs.annotate` decides
*how* it looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hingecheck.core.analysis import Analysis, RepVerdict
from hingecheck.core.faults import FAULTS
from hingecheck.outputs.state import BannerLevel


@dataclass
class FrameView:
    """What the overlay shows at one frame (see :func:`frame_views`)."""

    rep_count: int = 0
    phase: str = ""
    angles: dict[str, float] = field(default_factory=dict)
    active_faults: list[str] = field(default_factory=list)
    banner: str | None = None
    banner_level: BannerLevel = BannerLevel.INFO


def verdict_banner(v: RepVerdict) -> tuple[str, BannerLevel]:
    """(text, level) summing up one rep: good / warn (every fault mild) / bad;
    info when the rep could not be judged."""
    name = f"Rep {v.rep.index}" if v.rep.complete else "Movement"
    if not v.judged:
        return f"{name}: can't judge - {v.cant_judge['*']}", BannerLevel.INFO
    if not v.findings:
        return f"{name}: good hinge", BannerLevel.GOOD
    worst = max(v.findings, key=lambda f: f.severity)
    mild = all(f.severity_label == "mild" for f in v.findings)
    level = BannerLevel.WARN if mild else BannerLevel.BAD
    others = "" if len(v.findings) == 1 else f" (+{len(v.findings) - 1} more)"
    return f"{name}: {FAULTS[worst.fault].title}{others} - {FAULTS[worst.fault].cue}", level


def frame_views(analysis: Analysis) -> list[FrameView]:
    """One :class:`FrameView` per frame of the analysed clip."""
    sig = analysis.signals
    n = analysis.timestamps.size
    views = [FrameView() for _ in range(n)]
    hip, knee, trunk, neck = (180 - sig.hip_flexion, 180 - sig.knee_flexion, sig.trunk_angle, sig.neck_angle)
    for i, fv in enumerate(views):
        fv.angles = {"hip": float(hip[i]), "knee": float(knee[i]), "trunk": float(trunk[i]), "neck": float(neck[i])}
        fv.phase = "standing"
    count = 0
    events = sorted(analysis.reps, key=lambda v: v.rep.end)
    banner, level = None, BannerLevel.INFO
    k = 0
    for i in range(n):
        while k < len(events) and events[k].rep.end <= i:
            if events[k].rep.complete:
                count += 1
            banner, level = verdict_banner(events[k])
            k += 1
        views[i].rep_count = count
        views[i].banner, views[i].banner_level = banner, level
    for v in analysis.reps:
        r = v.rep
        for i in range(r.start, r.end + 1):
            views[i].phase = "down" if i < r.bottom else "bottom" if i == r.bottom else "up"
        for f in v.findings:
            # show a fault from where it was seen to the end of the rep
            for i in range(f.frames[0], max(f.frames[1], r.end) + 1):
                if f.fault not in views[i].active_faults:
                    views[i].active_faults.append(f.fault)
    if not np.isfinite(hip).any():
        for fv in views:
            fv.phase = "no person"
    return views
