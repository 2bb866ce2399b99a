"""What the overlay shows at each frame, from a finished analysis (pure).

Kept apart from drawing: this decides *what* (rep counter, phase, faults
active now, the last rep's verdict); :mod:`hingecheck.outputs.annotate` decides
*how* it looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hingecheck.core.analysis import Analysis
from hingecheck.core.faults import FAULTS
from hingecheck.core.judging import WHOLE_REP, RepVerdict
from hingecheck.core.kinds import LivePhase, RepKind, SeverityBand
from hingecheck.core.reps import Rep
from hingecheck.core.states import VerdictState, rep_state
from hingecheck.outputs.angles import shown_angles
from hingecheck.outputs.state import BannerLevel
from hingecheck.outputs.wording import reason_text


@dataclass(frozen=True)
class FrameView:
    """What the overlay shows at one frame (see :func:`frame_views`)."""

    rep_count: int = 0
    phase: str = ""
    angles: dict[str, float] = field(default_factory=dict)
    active_faults: list[str] = field(default_factory=list)
    banner: str | None = None
    banner_level: BannerLevel = BannerLevel.INFO


def verdict_banner(v: RepVerdict, exercise: str | None = None) -> tuple[str, BannerLevel]:
    """(text, level) summing up one rep: good only when every check ran
    (:class:`~hingecheck.core.states.VerdictState` CLEAN); warn when every fault
    is mild or borderline; bad; info when the rep could not be judged, or no fault
    was found but not every check could run."""
    name = f"Rep {v.rep.index}" if v.rep.complete else "Movement"
    if not v.judged:
        return f"{name}: can't judge - {reason_text(v.cant_judge[WHOLE_REP])}", BannerLevel.INFO
    if not v.findings:
        st = rep_state(v, exercise)
        if st.state == VerdictState.CLEAN:
            return f"{name}: good hinge", BannerLevel.GOOD
        return (f"{name}: no fault in {len(st.checked)} of {len(st.applicable)} checks "
                f"({len(st.applicable) - len(st.checked)} could not run)"), BannerLevel.INFO
    worst = max(v.findings, key=lambda f: f.severity)
    mild = all(f.severity_label == SeverityBand.MILD for f in v.findings)
    level = BannerLevel.WARN if mild else BannerLevel.BAD
    others = "" if len(v.findings) == 1 else f" (+{len(v.findings) - 1} more)"
    return f"{name}: {FAULTS[worst.fault].title}{others} - {FAULTS[worst.fault].cue}", level


def _angles(analysis: Analysis) -> list[dict[str, float]]:
    """Per frame, the angles shown, in the reports' one convention (hip and knee
    bend, 0 = straight; see :mod:`hingecheck.outputs.angles`)."""
    sig = analysis.signals
    return [shown_angles(h, k, t, nk)
            for h, k, t, nk in zip(sig.hip_flexion, sig.knee_flexion, sig.trunk_angle, sig.neck_angle)]


#: a rep's faults stay highlighted this long after the rep ends (s), as the live overlay holds them
FAULT_HOLD_S = 1.0


def _shown_reps(analysis: Analysis) -> list[RepVerdict]:
    """The verdicts the video shows, by end: every rep but a partial movement
    before the first whole rep (walking in, picking the weight up)."""
    events = sorted(analysis.reps, key=lambda v: v.rep.end)
    first = next((v.rep.start for v in events if v.rep.complete), None)
    return [v for v in events if v.rep.complete or first is None or v.rep.start > first]


def _counts_and_banners(analysis: Analysis, n: int) -> list[tuple[int, str | None, BannerLevel]]:
    """Per frame: complete reps ended so far, and the banner of the last rep that ended."""
    events = _shown_reps(analysis)
    out: list[tuple[int, str | None, BannerLevel]] = []
    count, banner, level, k = 0, None, BannerLevel.INFO, 0
    for i in range(n):
        while k < len(events) and events[k].rep.end <= i:
            if events[k].rep.complete:
                count += 1
            banner, level = verdict_banner(events[k], analysis.exercise)
            k += 1
        out.append((count, banner, level))
    return out


def _rep_phases(r: Rep) -> list[tuple[int, LivePhase]]:
    """(frame, phase) through one rep: down then up from standing; up then
    down from the floor (a deadlift's lockout is its top)."""
    if r.kind == RepKind.DOWN_UP_DOWN:
        return [(i, LivePhase.UP if i < r.top else LivePhase.STANDING if i == r.top else LivePhase.DOWN)
                for i in range(r.start, r.end + 1)]
    return [(i, LivePhase.DOWN if i < r.bottom else LivePhase.BOTTOM if i == r.bottom else LivePhase.UP)
            for i in range(r.start, r.end + 1)]


def _rest_phases(analysis: Analysis, n: int) -> list[LivePhase]:
    """Per frame, outside the reps: at the bottom (e.g. at the bar on the floor)
    when the hips are bent past half the reps' depth, else standing."""
    flex = np.asarray(analysis.signals.hip_flexion, float)
    bottoms = [flex[v.rep.bottom] for v in analysis.reps if 0 <= v.rep.bottom < n]
    if not np.isfinite(flex).any() or not bottoms or not np.isfinite(bottoms).any():
        return [LivePhase.STANDING] * n
    half = (np.nanpercentile(flex, 5) + np.nanmedian(bottoms)) / 2
    return [LivePhase.BOTTOM if np.isfinite(x) and x > half else LivePhase.STANDING for x in flex[:n]]


def _phases_and_faults(analysis: Analysis, n: int) -> tuple[list[str], list[list[str]]]:
    """Per frame: the phase, and the faults shown: a fault from where it was
    seen in its rep (never before the rep starts) until :data:`FAULT_HOLD_S`
    after the rep ends (never into the next rep)."""
    phases = _rest_phases(analysis, n)
    active: list[list[str]] = [[] for _ in range(n)]
    hold = int(round(FAULT_HOLD_S * analysis.fps)) if analysis.timestamps.size > 1 else 0
    shown = _shown_reps(analysis)
    starts = sorted(v.rep.start for v in shown)
    for v in shown:
        r = v.rep
        for i, phase in _rep_phases(r):
            if i < n:
                phases[i] = phase
        nxt = next((s for s in starts if s > r.end), n)
        for f in v.findings:
            for i in range(max(f.frames[0], r.start), min(r.end + hold, nxt - 1, n - 1) + 1):
                if f.fault not in active[i]:
                    active[i].append(f.fault)
    if not np.isfinite(analysis.signals.hip_flexion).any():
        phases = [LivePhase.NO_PERSON] * n
    return phases, active


def frame_views(analysis: Analysis) -> list[FrameView]:
    """One :class:`FrameView` per frame of the analysed clip."""
    n = analysis.timestamps.size
    phases, active = _phases_and_faults(analysis, n)
    return [FrameView(count, phase, angles, faults, banner, level)
            for (count, banner, level), phase, angles, faults
            in zip(_counts_and_banners(analysis, n), phases, _angles(analysis), active)]
