"""One rule per fault. Pure numpy; no cv2 or mediapipe.

Each rule looks at one rep of smoothed features and returns a
:class:`Finding` (the fault, where, how bad, the evidence) or ``None``.
Rules are registered in :data:`RULES` by fault id; the catalogue in
:mod:`hingecheck.faults` supplies the cue and the drill.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .config import Thresholds
from .faults import FAULTS
from .reps import Rep


@dataclass
class RepSignals:
    """Smoothed per-frame signals of a whole clip (degrees unless noted)."""

    hip_flexion: np.ndarray
    knee_flexion: np.ndarray
    shin_angle: np.ndarray
    trunk_angle: np.ndarray
    neck_angle: np.ndarray
    spine_alignment: np.ndarray   # fraction of ear-hip length
    hip_x: np.ndarray             # thigh lengths
    knee_x: np.ndarray
    back_curvature: np.ndarray | None = None  # chord fractions, from the mask
    timestamps: np.ndarray = field(default_factory=lambda: np.zeros(0))
    neutral_trunk: float | None = None  # trunk angle standing still before the set, if seen


@dataclass
class Evidence:
    metric: str
    value: float
    threshold: float
    comparison: str  # ">" or "<": the fault is flagged when value <comparison> threshold
    unit: str

    def as_dict(self) -> dict:
        return {"metric": self.metric, "value": round(float(self.value), 3),
                "threshold": round(float(self.threshold), 3),
                "comparison": self.comparison, "unit": self.unit}


@dataclass
class Finding:
    fault: str
    frames: tuple[int, int]
    severity: float  # 0 (at the threshold) .. 1 (far past it)
    evidence: list[Evidence]

    @property
    def severity_label(self) -> str:
        return "mild" if self.severity < 0.34 else "moderate" if self.severity < 0.67 else "severe"

    def as_dict(self) -> dict:
        info = FAULTS[self.fault]
        return {"fault": self.fault, "frames": [int(self.frames[0]), int(self.frames[1])],
                "severity": round(self.severity, 2), "severity_label": self.severity_label,
                "evidence": [e.as_dict() for e in self.evidence],
                "cue": info.cue, "drill": info.drill}


def _severity(value: float, threshold: float, scale: float) -> float:
    return float(np.clip(abs(value - threshold) / scale, 0.0, 1.0))


def _run_around(cond: np.ndarray, idx: int, offset: int) -> tuple[int, int]:
    """The run of True in ``cond`` containing ``idx`` (absolute frames)."""
    i = idx - offset
    if i < 0 or i >= cond.size or not cond[i]:
        return idx, idx
    lo = i
    while lo > 0 and cond[lo - 1]:
        lo -= 1
    hi = i
    while hi + 1 < cond.size and cond[hi + 1]:
        hi += 1
    return offset + lo, offset + hi


def _at(a: np.ndarray, i: int) -> float:
    return float(a[i]) if 0 <= i < a.size else float("nan")


def _top_frame(rep: Rep) -> int:
    """The standing (lockout) frame the rep's depth is measured from."""
    return rep.start if rep.kind == "up-down-up" else rep.top


def ascent(rep: Rep) -> tuple[int, int]:
    """(first, last) frame of the rep's way up."""
    if rep.kind == "down-up-down":
        return rep.start, rep.top
    return rep.bottom, rep.end


#: how long after reaching the top the lockout is still watched, in seconds
LOCKOUT_HOLD_S = 0.5


def lockout_window(rep: Rep, timestamps: np.ndarray) -> tuple[int, int]:
    """(first, last) frame in which the rep's lockout happens: from the
    bottom to :data:`LOCKOUT_HOLD_S` after the lifter reaches the top."""
    if rep.kind == "down-up-down":
        return rep.start, rep.end
    t = np.asarray(timestamps)
    last = rep.end
    if t.size > rep.end:
        last = int(np.searchsorted(t, t[rep.end] + LOCKOUT_HOLD_S, side="right")) - 1
    return rep.bottom, max(rep.end, min(last, t.size - 1))


def _over_at_bottom(fault: str, metric: str, signal: np.ndarray, rep: Rep, threshold: float,
                    scale: float) -> Finding | None:
    """A finding when ``signal`` (degrees) exceeds ``threshold`` at the rep's
    bottom, spanning the frames around it that exceed it too; severity 1 at
    ``scale`` degrees past the threshold."""
    b, lo, hi = rep.bottom, rep.start, rep.end
    value = _at(signal, b)
    if not value > threshold:
        return None
    return Finding(fault, _run_around(signal[lo:hi + 1] > threshold, b, lo), _severity(value, threshold, scale),
                   [Evidence(metric, value, threshold, ">", "deg")])


# --------------------------------------------------------------------------- rules

Rule = Callable[[RepSignals, Rep, Thresholds], "Finding | None"]
RULES: dict[str, Rule] = {}


def rule(fault: str):
    def register(fn: Rule) -> Rule:
        assert fault in FAULTS, fault
        RULES[fault] = fn
        return fn
    return register


@rule("squatting")
def squatting(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | None:
    """Knees forward, shins angled, torso upright.

    Flags when, from standing to the bottom, the hips flexed less than
    ``squat_ratio_max`` times as much as the knees (a hinge moves mostly at
    the hips), or when at the bottom the trunk is more upright than
    ``squat_trunk_max_deg`` while the shins lean past ``squat_shin_min_deg``.
    """
    b, top = rep.bottom, _top_frame(rep)
    d_hip = _at(s.hip_flexion, b) - _at(s.hip_flexion, top)
    d_knee = _at(s.knee_flexion, b) - _at(s.knee_flexion, top)
    if not (np.isfinite(d_hip) and np.isfinite(d_knee)):
        return None
    ratio = d_hip / max(d_knee, 1.0)
    trunk, shin = _at(s.trunk_angle, b), _at(s.shin_angle, b)
    ev = []
    sev = 0.0
    if ratio < th.squat_ratio_max:
        ev.append(Evidence("hip/knee flexion ratio", ratio, th.squat_ratio_max, "<", "ratio"))
        sev = max(sev, _severity(ratio, th.squat_ratio_max, 0.5))
    if trunk < th.squat_trunk_max_deg and shin > th.squat_shin_min_deg:
        ev.append(Evidence("trunk inclination at bottom", trunk, th.squat_trunk_max_deg, "<", "deg"))
        ev.append(Evidence("shin angle at bottom", shin, th.squat_shin_min_deg, ">", "deg"))
        sev = max(sev, _severity(trunk, th.squat_trunk_max_deg, 25.0))
    knee = _at(s.knee_flexion, b)
    if rep.kind != "up-down-up" and b == rep.start and knee > th.squat_start_knee_deg:
        # set up from the floor: hips set as low as a squat and then forced to rise
        # first, the trunk tipping further over as the knees straighten
        got = trunk_rise_at_knee_extension(s, rep, th.hips_rise_knee_progress)
        if got is not None and got[0] < th.hips_rise_trunk_min:
            ev.append(Evidence("knee flexion at the floor", knee, th.squat_start_knee_deg, ">", "deg"))
            ev.append(Evidence(f"trunk rise done at {th.hips_rise_knee_progress:.0%} knee extension",
                               got[0], th.hips_rise_trunk_min, "<", "fraction"))
            sev = max(sev, _severity(knee, th.squat_start_knee_deg, 40.0))
    if not ev:
        return None
    lo, hi = rep.start, rep.end
    cond = s.shin_angle[lo:hi + 1] > th.squat_shin_min_deg * 0.66
    return Finding("squatting", _run_around(cond, b, lo), sev, ev)


@rule("excess_knee_bend")
def excess_knee_bend(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | None:
    """Knee flexion at the bottom beyond ``excess_knee_flexion_deg`` while
    the trunk still tips forward past ``squat_trunk_max_deg`` (an upright
    trunk with bent knees is squatting instead)."""
    if not _at(s.trunk_angle, rep.bottom) >= th.squat_trunk_max_deg:
        return None
    return _over_at_bottom("excess_knee_bend", "knee flexion at bottom", s.knee_flexion, rep,
                           th.excess_knee_flexion_deg, 30.0)


@rule("rounded_back")
def rounded_back(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | None:
    """The back rounds.

    Landmark check (the dowel's three points): at the bottom the shoulder
    sits off the ear-hip line by more than ``rounded_spine_offset`` of its
    length, on the back's side, with the shoulder-ear line flexed at least
    ``rounded_neck_min_deg`` against the trunk. Mask check, when the
    segmentation mask was measured: the back's silhouette humps above its
    chord by more than ``rounded_mask_curvature`` anywhere in the rep.
    """
    b, lo, hi = rep.bottom, rep.start, rep.end
    ev = []
    sev = 0.0
    frames = (b, b)
    spine, neck = _at(s.spine_alignment, b), _at(s.neck_angle, b)
    if spine > th.rounded_spine_offset and neck > th.rounded_neck_min_deg:
        ev.append(Evidence("shoulder offset from ear-hip line", spine, th.rounded_spine_offset, ">", "fraction"))
        sev = _severity(spine, th.rounded_spine_offset, 0.08)
        cond = s.spine_alignment[lo:hi + 1] > th.rounded_spine_offset
        frames = _run_around(cond, b, lo)
    if s.back_curvature is not None:
        w = s.back_curvature[lo:hi + 1]
        if np.isfinite(w).any() and np.nanmax(w) > th.rounded_mask_curvature:
            k = int(np.nanargmax(w))
            ev.append(Evidence("back silhouette hump", float(w[k]), th.rounded_mask_curvature, ">", "fraction"))
            sev = max(sev, _severity(float(w[k]), th.rounded_mask_curvature, 0.06))
            if not frames[1] > frames[0]:
                frames = _run_around(w > th.rounded_mask_curvature, lo + k, lo)
    return Finding("rounded_back", frames, sev, ev) if ev else None


@rule("dropped_head")
def dropped_head(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | None:
    """At the bottom the head (shoulder→ear) is flexed more than
    ``dropped_head_deg`` against the trunk line (hip→shoulder)."""
    return _over_at_bottom("dropped_head", "neck flexion vs trunk at bottom", s.neck_angle, rep,
                           th.dropped_head_deg, 20.0)


@rule("hyperextension")
def hyperextension(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | None:
    """Leaning back at lockout: the trunk goes more than ``lean_back_deg``
    behind the lifter's own upright (the trunk angle while standing still
    before the set, within ±``neutral_trunk_max_deg`` of vertical; vertical
    if not seen). With a mask: a hollow (concave) back contour deeper than
    ``hollow_mask_curvature``."""
    lo, hi = lockout_window(rep, s.timestamps)
    w = s.trunk_angle[lo:hi + 1]
    ev = []
    frames = (lo, lo)
    sev = 0.0
    upright = 0.0 if s.neutral_trunk is None else float(np.clip(s.neutral_trunk, -th.neutral_trunk_max_deg,
                                                                   th.neutral_trunk_max_deg))
    limit = upright - th.lean_back_deg
    if np.isfinite(w).any() and np.nanmin(w) < limit:
        k = int(np.nanargmin(w))
        ev.append(Evidence("trunk lean back at lockout", float(w[k]), limit, "<", "deg"))
        sev = _severity(float(w[k]), limit, 15.0)
        frames = _run_around(w < limit, lo + k, lo)
    if s.back_curvature is not None:
        c = s.back_curvature[lo:hi + 1]
        if np.isfinite(c).any() and np.nanmin(c) < th.hollow_mask_curvature:
            k = int(np.nanargmin(c))
            ev.append(Evidence("back silhouette hollow", float(c[k]), th.hollow_mask_curvature, "<", "fraction"))
            sev = max(sev, _severity(float(c[k]), th.hollow_mask_curvature, 0.06))
            if frames == (lo, lo):
                frames = _run_around(c < th.hollow_mask_curvature, lo + k, lo)
    return Finding("hyperextension", frames, sev, ev) if ev else None


def trunk_rise_at_knee_extension(s: RepSignals, rep: Rep, knee_share: float) -> tuple[float, int] | None:
    """How much of its rise the trunk has done when the knees have done
    ``knee_share`` of their extension, on the way up.

    Returns (share, frame): share is 0 at the trunk's bottom angle, 1 at its
    most upright, negative when it tipped further over. None when the rep
    moved too little (< 10 degrees at knee or trunk) to tell the order, or
    a value is missing.
    """
    a0, a1 = ascent(rep)
    if a1 - a0 < 3:
        return None
    knee = s.knee_flexion[a0:a1 + 1]
    trunk = s.trunk_angle[a0:a1 + 1]
    if not (np.isfinite(knee).all() and np.isfinite(trunk).all()):
        return None
    k_range = knee[0] - knee.min()
    t_range = trunk[0] - trunk.min()
    if k_range < 10.0 or t_range < 10.0:
        return None
    k_prog = (knee[0] - knee) / k_range
    t_prog = (trunk[0] - trunk) / t_range
    i = int(np.argmax(k_prog >= knee_share))
    return float(t_prog[i]), a0 + i


@rule("hips_rise_first")
def hips_rise_first(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | None:
    """On the way up the knees straighten before the chest rises.

    When the knees have done ``hips_rise_knee_progress`` of their
    extension, the trunk must have done at least ``hips_rise_trunk_min``
    of its rise (see :func:`trunk_rise_at_knee_extension`).
    """
    got = trunk_rise_at_knee_extension(s, rep, th.hips_rise_knee_progress)
    if got is None or got[0] >= th.hips_rise_trunk_min:
        return None
    share, frame = got
    a0 = ascent(rep)[0]
    return Finding("hips_rise_first", (a0, frame), _severity(share, th.hips_rise_trunk_min, 0.5),
                   [Evidence(f"trunk rise done at {th.hips_rise_knee_progress:.0%} knee extension",
                             share, th.hips_rise_trunk_min, "<", "fraction")])


@rule("incomplete_lockout")
def incomplete_lockout(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | None:
    """The least hip flexion reached in the lockout window stays above
    ``lockout_hip_flexion_deg``. Not judged when the clip ends before
    the lifter could lock out."""
    lo, hi = lockout_window(rep, s.timestamps)
    if hi >= s.hip_flexion.size - 1 and not rep.complete:
        return None
    w = s.hip_flexion[lo:hi + 1]
    if not np.isfinite(w).any():
        return None
    k = int(np.nanargmin(w))
    least = float(w[k])
    if least <= th.lockout_hip_flexion_deg:
        return None
    return Finding("incomplete_lockout", (lo + k, lo + k), _severity(least, th.lockout_hip_flexion_deg, 20.0),
                   [Evidence("hip flexion at lockout", least, th.lockout_hip_flexion_deg, ">", "deg")])
