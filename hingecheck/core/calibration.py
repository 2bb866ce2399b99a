"""The lifter's own neutral standing posture, from a still second before the first rep."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hingecheck.core.config import Thresholds


@dataclass(frozen=True)
class Calibration:
    """The lifter's neutral standing posture, from a still second before the
    first rep (degrees)."""

    trunk_angle: float
    neck_angle: float
    hip_flexion: float
    frames: tuple[int, int]

    def as_dict(self) -> dict:
        def r(v):
            return round(v, 1) if np.isfinite(v) else None
        return {"trunk_angle": r(self.trunk_angle), "neck_angle": r(self.neck_angle),
                "hip_flexion": r(self.hip_flexion), "frames": [int(x) for x in self.frames]}


def standing_still(hip_flexion: np.ndarray, trunk: np.ndarray, th: Thresholds) -> bool:
    """True if every frame of the window is standing (hip flexion at most
    ``rep_up_deg``) and hip and trunk angles vary by at most
    ``calibration_still_deg``."""
    if hip_flexion.size < 2 or not (np.isfinite(hip_flexion).all() and np.isfinite(trunk).all()):
        return False
    return bool(np.max(hip_flexion) <= th.rep_up_deg
                and max(np.ptp(hip_flexion), np.ptp(trunk)) <= th.calibration_still_deg)


def calibration_from(hip_flexion: np.ndarray, trunk: np.ndarray, neck: np.ndarray,
                     frames: tuple[int, int]) -> Calibration:
    """The medians of a still window's smoothed angles (degrees)."""
    return Calibration(float(np.median(trunk)),
                       float(np.nanmedian(neck)) if np.isfinite(neck).any() else float("nan"),
                       float(np.median(hip_flexion)), frames)


def find_calibration(timestamps: np.ndarray, hip_flexion: np.ndarray, trunk: np.ndarray, neck: np.ndarray,
                     th: Thresholds, before: int, after: int = 0) -> Calibration | None:
    """The first ``th.calibration_s`` seconds of standing still (:func:`standing_still`)
    that end at a frame from ``after`` to before ``before`` (the first rep's bottom), or None.

    The one calibration search of the file and the stream: smoothed angles in
    degrees (NaN frames are never still), ``timestamps`` in seconds; the
    frames of the result are indices into these arrays. The stream asks only
    about the window ending at its newest frame (``after`` = that frame).
    """
    t = np.asarray(timestamps, float)
    lo = 0
    for hi in range(min(before, t.size)):
        while t[hi] - t[lo] > th.calibration_s:
            lo += 1
        if hi < after or t[hi] - t[lo] < th.calibration_s * 0.9:
            continue
        w = slice(lo, hi + 1)
        if standing_still(hip_flexion[w], trunk[w], th):
            return calibration_from(hip_flexion[w], trunk[w], neck[w], (lo, hi))
    return None
