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

from hingecheck.core.landmarks import BodySide, Landmark

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




def sagittal_points(world: np.ndarray, lo: int = 0, hi: int | None = None,
                    legs: BodySide | None = None) -> np.ndarray:
    """(F, 33, 2) a virtual side-on image of the lifter from the world landmarks, in metres.

    The lifter's left-right axis (the median over frames ``lo..hi-1`` of the hips'
    and shoulders' axes, in the floor plane) is turned onto the depth axis, which
    leaves the hinge's own plane facing the viewer; x then runs the way the lifter
    faces (toes ahead of heels), y down, as in an image. Each bilateral landmark is
    replaced by the mid-point of its left and right (the mid-sagittal chain), so
    the near side does not matter; with ``legs`` (a single-leg lift's standing leg)
    the knees, ankles, heels and toes are that leg's instead (the mid-point of a
    standing and a free leg is neither). All NaN where the axis was never seen.
    """
    w = np.asarray(world, float)
    axes = np.concatenate([w[lo:hi, r] - w[lo:hi, left] for left, r in AXIS_PAIRS])[:, [0, 2]]
    axes = axes[np.isfinite(axes).all(axis=1)]
    out = np.full(w.shape[:2] + (2,), np.nan)
    a = np.median(axes, axis=0) if len(axes) else np.full(2, np.nan)
    norm = float(np.hypot(*a))
    if not norm >= MIN_AXIS_M:
        return out
    fwd = np.array([a[1], -a[0]]) / norm   # perpendicular to the axis in the floor plane (x, z)
    mid = w.copy()
    for left, right in _BILATERAL:
        mid[:, left] = mid[:, right] = 0.5 * (w[:, left] + w[:, right])
    if legs is not None:
        for left, right, own in _LEG_POINTS:
            mid[:, left] = mid[:, right] = w[:, getattr(legs, own)]
    x = mid[..., 0] * fwd[0] + mid[..., 2] * fwd[1]
    toe = x[:, Landmark.LEFT_FOOT_INDEX] - x[:, Landmark.LEFT_HEEL]
    if np.nanmedian(toe) < 0:
        x = -x
    out[..., 0], out[..., 1] = x, mid[..., 1]
    return out


#: every (left, right) pair of landmarks
_BILATERAL = tuple((lm, Landmark[lm.name.replace("LEFT_", "RIGHT_")]) for lm in Landmark
                   if lm.name.startswith("LEFT_"))
#: the legs' (left, right, BodySide attribute) below the hip, read on the standing leg alone
_LEG_POINTS = ((Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, "knee"), (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, "ankle"),
               (Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL, "heel"),
               (Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX, "foot_index"))


__all__ = ["frame_yaw", "median_yaw", "sagittal_points", "AXIS_PAIRS", "MIN_AXIS_M"]
