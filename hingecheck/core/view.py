"""Where the camera stands: its yaw off side-on, from MediaPipe's world landmarks.

MediaPipe's world landmarks are metres in the camera's axes (x right, y down,
z away from the camera), origin between the hips. A lifter's left-right axis
(hip to hip, shoulder to shoulder) is perpendicular to the plane the hinge
moves in, so its direction tells where the camera stands: along the depth
axis (z) the camera sees the lifter side-on, along x it faces the lifter.

The yaw is the angle of that axis off the depth axis in the floor plane,
``atan2(|x|, |z|)``: 0 degrees side-on, 90 facing (or backing) the camera.
Which side is nearer does not matter, so the sign is dropped. Measured on
the synthetic lifter (``benchmarks/synth_corpus.py``), see docs/view.md.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.landmarks import Landmark

#: pairs of landmarks whose right-minus-left vector is the lifter's left-right axis
AXIS_PAIRS = ((Landmark.LEFT_HIP, Landmark.RIGHT_HIP), (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER))
#: a left-right axis shorter than this (metres, in the floor plane) has no direction to read
MIN_AXIS_M = 0.05


def frame_yaw(world: np.ndarray) -> np.ndarray:
    """(F,) the camera's yaw off side-on per frame, degrees in [0, 90].

    ``world`` is (F, 33, 3) metres (see :attr:`PoseSequence.world`). The
    hips' and the shoulders' axes each give an angle; the frame's yaw is
    their mean where both are seen, else the one seen. NaN where neither
    axis is seen or both are too short in the floor plane (< :data:`MIN_AXIS_M`).
    """
    w = np.asarray(world, float)
    angles = []
    for left, right in AXIS_PAIRS:
        d = w[:, right] - w[:, left]
        x, z = np.abs(d[:, 0]), np.abs(d[:, 2])
        with np.errstate(invalid="ignore"):
            a = np.degrees(np.arctan2(x, z))
            a[~(np.hypot(x, z) >= MIN_AXIS_M)] = np.nan
        angles.append(a)
    stack = np.stack(angles)
    seen = np.isfinite(stack).any(axis=0)
    out = np.full(stack.shape[1], np.nan)
    out[seen] = np.nanmean(stack[:, seen], axis=0)
    return out


def median_yaw(yaw: np.ndarray, lo: int = 0, hi: int | None = None) -> float:
    """Median of the finite per-frame yaws ``lo..hi-1`` (degrees); NaN if none."""
    x = np.asarray(yaw, float)[lo:hi]
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


__all__ = ["frame_yaw", "median_yaw", "AXIS_PAIRS", "MIN_AXIS_M"]
