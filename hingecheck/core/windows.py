"""The frames of a rep each rule looks at: its way up, its loaded bottom, its lockout.

Frame indices are absolute (into the clip); times in seconds.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.config import Thresholds
from hingecheck.core.kinds import RepKind
from hingecheck.core.reps import Rep


def ascent(rep: Rep) -> tuple[int, int]:
    """(first, last) frame of the rep's way up."""
    if rep.kind == RepKind.DOWN_UP_DOWN:
        return rep.start, rep.top
    return rep.bottom, rep.end


def top_frame(rep: Rep) -> int:
    """The frame where the lifter is most upright: ``rep.top`` from the floor, the end from standing."""
    return rep.top if rep.kind == RepKind.DOWN_UP_DOWN else rep.end


def lockout_window(rep: Rep, timestamps: np.ndarray, hip_flexion: np.ndarray | None,
                   th: Thresholds) -> tuple[int, int]:
    """(first, last) frame of the rep's lockout: the top of the rep.

    From ``th.lockout_hold_s`` seconds before the frame where the lifter is most
    upright (``rep.top``; for a rep from standing, its end) to
    ``th.lockout_hold_s`` after it, cut to the frames around the top whose
    hip flexion (if given) stays within ``th.lockout_band_deg`` degrees of the
    top's. For a rep from the floor this is the top of the pull, never the whole rep.
    """
    t = np.asarray(timestamps, float)
    top = top_frame(rep)
    if t.size <= top:
        return rep.start, rep.end
    lo = int(np.searchsorted(t, t[top] - th.lockout_hold_s, side="left"))
    hi = int(np.searchsorted(t, t[top] + th.lockout_hold_s, side="right")) - 1
    lo, hi = max(lo, rep.bottom if rep.kind != RepKind.DOWN_UP_DOWN else rep.start), min(hi, t.size - 1)
    if hip_flexion is not None and np.isfinite(hip_flexion[top]):
        near = np.asarray(hip_flexion[lo:hi + 1]) <= hip_flexion[top] + th.lockout_band_deg
        lo, hi = run_around(near, top, lo)
    return lo, max(hi, lo)


def bottom_window(rep: Rep, hip_flexion: np.ndarray, th: Thresholds) -> tuple[int, int]:
    """(first, last) frame of the rep's bottom: the run of frames around
    ``rep.bottom`` whose hip flexion is within ``th.bottom_band`` of the
    rep's depth (at least 10 degrees) of the bottom's, the set-up hold at the
    floor before a lift from the floor included."""
    b, hi = rep.bottom, rep.end
    x = np.asarray(hip_flexion, float)
    if not np.isfinite(x[b]):
        return b, b
    band = max(10.0, th.bottom_band * rep.depth_deg)
    # searched from the clip's start: a lift from the floor holds its bottom
    # before the movement (rep.start) begins; a rep from standing does not
    return run_around(x[:hi + 1] >= x[b] - band, b, 0)


def loaded_bottom(rep: Rep, hip_flexion: np.ndarray, th: Thresholds) -> tuple[int, int]:
    """The :func:`bottom_window` frames within the rep's own movement: the
    bottom under load, without the set-up at the floor before the pull."""
    lo, hi = bottom_window(rep, hip_flexion, th)
    lo, hi = max(lo, rep.start), min(hi, rep.end)
    return (lo, hi) if lo <= hi else (rep.bottom, rep.bottom)


def run_around(cond: np.ndarray, idx: int, offset: int) -> tuple[int, int]:
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
