"""A hinge set as a kinematic description: per-frame joint angles with faults.

All angles are in degrees, times in seconds. The channels are the posed
body's own joint angles (see :mod:`tools.synth.pose`): ``shin`` (ankle,
shank tipped forward from vertical), ``knee`` (flexion), ``hip`` (pelvis
flexed on the thigh; negative = hip extended past straight), ``lumbar`` and
``thoracic`` (spine flexion spread over the lumbar and thoracic vertebrae;
negative = extension) and ``neck`` (flexion of the neck and head).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import numpy as np

CHANNELS = ("shin", "knee", "hip", "lumbar", "thoracic", "neck")
VARIANTS = ("bodyweight_hinge", "rdl", "kettlebell_deadlift", "good_morning", "single_leg_rdl")
#: the hingecheck --exercise that judges each variant
EXERCISE_OF = {"bodyweight_hinge": "hip_hinge", "rdl": "rdl",
               "kettlebell_deadlift": "kettlebell_deadlift", "good_morning": "good_morning",
               "single_leg_rdl": "single_leg_rdl"}
#: the bottom of a clean rep per variant: (shin, knee, hip, lumbar, thoracic, neck);
#: a clean rep keeps a proud chest (slight thoracic extension) and the gaze ahead
CLEAN_BOTTOM = {"bodyweight_hinge": (4, 22, 82, 0, -8, -10), "rdl": (3, 20, 88, 0, -8, -10),
                "kettlebell_deadlift": (10, 45, 100, 0, -8, -10), "good_morning": (2, 15, 80, 0, -14, -12),
                "single_leg_rdl": (3, 18, 80, 0, -8, -10)}


@dataclass
class Faults:
    """Size of each fault; 0 turns it off.

    squat: 0-1, blend of the bottom toward a squat (knees forward, shins
    about 35 deg, trunk near 25 deg). rounded_back: degrees of extra
    lumbar + thoracic flexion at the bottom (40 % lumbar). hyperextension:
    degrees of lean back at each lockout (half hip, half lumbar extension).
    dropped_head: degrees of extra neck flexion at the bottom.
    hips_rise_first: 0-1, how far ahead of the hips the knees straighten on
    the way up. excess_knee: degrees of extra knee flexion at the bottom,
    the trunk inclination kept. incomplete_lockout: degrees of hip
    flexion left at each top.
    """

    squat: float = 0.0
    rounded_back: float = 0.0
    hyperextension: float = 0.0
    dropped_head: float = 0.0
    hips_rise_first: float = 0.0
    excess_knee: float = 0.0
    incomplete_lockout: float = 0.0

    def active(self) -> dict[str, float]:
        """The faults switched on, by hingecheck's fault names, with their sizes."""
        names = {"squat": "squatting", "rounded_back": "rounded_back",
                 "hyperextension": "hyperextension", "dropped_head": "dropped_head",
                 "hips_rise_first": "hips_rise_first", "excess_knee": "excess_knee_bend",
                 "incomplete_lockout": "incomplete_lockout"}
        return {names[f.name]: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


@dataclass
class Motion:
    """Tempo and shape of a set: seconds, degrees, counts."""

    variant: str = "bodyweight_hinge"
    reps: int = 4
    down_s: float = 1.4
    bottom_s: float = 0.3
    up_s: float = 1.1
    top_s: float = 0.7
    lead_s: float = 1.2
    tail_s: float = 1.0
    depth: float = 1.0   # scales the clean bottom's hip flexion
    faults: Faults = field(default_factory=Faults)
    free_leg: str = "left"  # single-leg RDL: the leg that swings back (a camera at yaw 0 sees the right side)
    #: degrees of neck extension added at the bottom: the lifter looks ahead, as the real good
    #: lifters of the design clips do (0: as CLEAN_BOTTOM). A dropped head looks down instead:
    #: with that fault dialled in the gaze is not added (the fault's size stays from CLEAN_BOTTOM)
    gaze: float = 0.0

    @classmethod
    def from_dict(cls, d: dict) -> "Motion":
        """Build from a parameters dict (unknown keys are an error)."""
        d = dict(d)
        faults = Faults(**d.pop("faults", {}))
        m = cls(**d, faults=faults)
        if m.variant not in VARIANTS:
            raise ValueError(f"unknown variant {m.variant!r}; choose one of: {', '.join(VARIANTS)}")
        if m.free_leg not in ("left", "right"):
            raise ValueError(f"free_leg must be 'left' or 'right', got {m.free_leg!r}")
        if m.reps < 1 or min(m.down_s, m.up_s) <= 0.2:
            raise ValueError("reps must be >= 1 and down_s, up_s > 0.2 s")
        return m

    def as_dict(self) -> dict:
        return asdict(self)


def bottom_pose(m: Motion) -> dict[str, float]:
    """Channel values (deg) at the bottom of a rep, the faults applied."""
    b = dict(zip(CHANNELS, CLEAN_BOTTOM[m.variant]))
    b["hip"] *= m.depth
    f = m.faults
    if not f.dropped_head:
        b["neck"] -= m.gaze
    trunk = b["shin"] - b["knee"] + b["hip"]
    if f.squat:
        squat = {"shin": 36.0, "knee": 100.0, "trunk": 22.0}
        for k in ("shin", "knee"):
            b[k] += f.squat * (squat[k] - b[k])
        trunk += f.squat * (squat["trunk"] - trunk)
    if f.excess_knee:
        b["knee"] += f.excess_knee
        b["shin"] = min(b["shin"] + 0.3 * f.excess_knee, 26.0)
    if f.hips_rise_first:
        b["knee"] = max(b["knee"], 45.0)
        b["shin"] = max(b["shin"], 14.0)
    b["lumbar"] += 0.4 * f.rounded_back
    b["thoracic"] += 0.6 * f.rounded_back
    b["neck"] += f.dropped_head + 0.3 * f.rounded_back
    trunk -= 0.5 * f.rounded_back   # the rounded back carries part of the bend
    b["hip"] = trunk - b["shin"] + b["knee"]
    return b


def top_pose(m: Motion, first: bool) -> dict[str, float]:
    """Channel values (deg) standing; ``first``: the calibration stand before rep 1."""
    t = dict.fromkeys(CHANNELS, 0.0)
    if first:
        return t
    f = m.faults
    t["hip"] = f.incomplete_lockout - 0.5 * f.hyperextension
    t["knee"] = 0.35 * f.incomplete_lockout
    t["shin"] = 0.15 * f.incomplete_lockout
    t["lumbar"] = -0.5 * f.hyperextension
    return t


def _ease(u: np.ndarray) -> np.ndarray:
    """Smooth 0→1 over u in [0, 1] (zero velocity at both ends)."""
    u = np.clip(u, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * u)


def _segments(m: Motion) -> list[tuple[str, float, int]]:
    """The set as (kind, seconds, rep) segments: hold/top, down, bottom, up."""
    seg = [("top", m.lead_s, 0)]
    for r in range(1, m.reps + 1):
        seg += [("down", m.down_s, r), ("bottom", m.bottom_s, r), ("up", m.up_s, r)]
        seg.append(("top", m.top_s if r < m.reps else m.tail_s, r))
    return seg


def _progress(kind: str, u: np.ndarray, channel: str, hips_first: float) -> np.ndarray:
    """Fraction of the way to the bottom (0 top, 1 bottom) of one channel."""
    if kind == "top":
        return np.zeros_like(u)
    if kind == "bottom":
        return np.ones_like(u)
    if kind == "down":
        return _ease(u)
    if channel in ("knee", "shin"):
        warped = u ** (1.0 / (1.0 + 1.5 * hips_first))
    elif channel == "trunk":   # the chest stays down while the knees straighten
        warped = u ** (1.0 + 2.0 * hips_first)
    else:
        warped = u
    return 1.0 - _ease(warped)


def timeline(m: Motion, fps: float) -> tuple[dict[str, np.ndarray], list[dict]]:
    """Per-frame channels (deg, each (F,)) and per-rep frame spans.

    Each rep dict has ``rep`` (1-based), ``start``, ``bottom``, ``end``
    (frame indices) and ``faults`` (name → size).
    """
    out = {c: [] for c in CHANNELS}
    reps: list[dict] = []
    t0, frame = 0.0, 0
    for kind, dur, r in _segments(m):
        n_end = int(round((t0 + dur) * fps))
        # rounding the segment's end to a frame can put its first frame a hair before t0
        u = np.clip((np.arange(frame, n_end) / fps - t0) / dur, 0.0, 1.0)
        # down/bottom start from the previous top; up and top head for this rep's top
        ref = top_pose(m, first=(r <= 1) if kind in ("down", "bottom") else r == 0)
        bot = bottom_pose(m)
        for pose in (ref, bot):
            pose["trunk"] = pose["shin"] - pose["knee"] + pose["hip"]
        for c in CHANNELS + ("trunk",):
            p = _progress(kind, u, c, m.faults.hips_rise_first)
            out.setdefault(c, []).append(ref[c] + (bot[c] - ref[c]) * p)
        # the hip follows from the trunk, shin and knee (trunk = shin - knee + hip)
        out["hip"][-1] = out["trunk"][-1] - out["shin"][-1] + out["knee"][-1]
        if kind == "down":
            reps.append({"rep": r, "start": frame, "faults": m.faults.active()})
        elif kind == "bottom":
            reps[-1]["bottom"] = int((frame + n_end) // 2)
        elif kind == "up":
            reps[-1]["end"] = n_end - 1
        t0, frame = t0 + dur, n_end
    return {c: np.concatenate(out[c]) for c in CHANNELS}, reps
