"""The back as the rounded-back rule measured it: the silhouette's edge, drawn as a curve.

The rule reads the back's shape from the person mask (see
:mod:`hingecheck.core.backline`): distances, in shoulder-hip chord lengths,
from the mid-shoulder to mid-hip chord out to the back's edge at
:data:`~hingecheck.core.backline.SAMPLES`. :func:`back_curve_points` turns
them back into pixels of the frame; :class:`BackCurveAnnotator` draws that
curve in red while a rounded back is shown, in place of the straight
shoulder-hip bone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from hingecheck.core.backline import SAMPLES, back_normal
from hingecheck.core.landmarks import Landmark
from hingecheck.outputs import draw
from hingecheck.outputs.draw import ONE, SHIFT, px
from hingecheck.outputs.state import OverlayState

__all__ = ["BACK_FAULT", "BackCurveAnnotator", "back_curve_points", "shows_back_curve"]

#: the fault whose evidence the curve is
BACK_FAULT = "rounded_back"
#: the fewest measured points that make a curve worth drawing
MIN_POINTS = 5


def back_curve_points(landmarks: np.ndarray | None, contour: np.ndarray | None,
                      facing: float) -> np.ndarray | None:
    """(K, 2) pixels of the back's edge from the frame's (33, 2) ``landmarks``
    and the mask ``contour`` (chord lengths per sample); None when too few
    points were measured."""
    if landmarks is None or contour is None:
        return None
    lm = np.asarray(landmarks, float)
    sh = 0.5 * (lm[Landmark.LEFT_SHOULDER] + lm[Landmark.RIGHT_SHOULDER])
    hip = 0.5 * (lm[Landmark.LEFT_HIP] + lm[Landmark.RIGHT_HIP])
    c = np.asarray(contour, float)
    chord = float(np.hypot(*(hip - sh)))
    n = back_normal(sh, hip, facing)
    if not (np.isfinite(chord) and chord > 0 and np.isfinite(n).all()) or np.isfinite(c).sum() < MIN_POINTS:
        return None
    pts = sh[None, :] + SAMPLES[:, None] * (hip - sh)[None, :] + (c * chord)[:, None] * n[None, :]
    return pts[np.isfinite(pts).all(axis=1)]


def shows_back_curve(state: OverlayState) -> bool:
    """True when a rounded back is shown and its measured curve is known."""
    return BACK_FAULT in (state.active_faults or ()) and state.back_curve is not None \
        and len(state.back_curve) >= MIN_POINTS


@dataclass(frozen=True)
class BackCurveAnnotator:
    """The measured back edge, in red with a dark outline, while a rounded back is shown."""

    def annotate(self, frame: np.ndarray, state: OverlayState) -> np.ndarray:
        """Draw ``state.back_curve`` if :func:`shows_back_curve`."""
        if not shows_back_curve(state):
            return frame
        k = draw.frame_scale(frame)
        h, w = frame.shape[:2]
        pts = np.clip(np.asarray(state.back_curve, float), [-w, -h], [2 * w, 2 * h])
        poly = np.round(pts * ONE).astype(np.int32)[None]
        cv2.polylines(frame, poly, False, draw.OUTLINE, px(9 * k), cv2.LINE_AA, SHIFT)
        cv2.polylines(frame, poly, False, draw.HIGHLIGHT, px(5 * k), cv2.LINE_AA, SHIFT)
        return frame
