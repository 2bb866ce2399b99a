"""Set-up guidance before and during a live set (pure; no cv2, no mediapipe).

One short instruction at a time, the most basic problem first: a person in
view (or, when nobody is found in a dark picture, light), then the camera
angle, then head and feet in frame, then light on the lifter, then standing
still for the calibration. The light is measured on the lifter's own box, so
a well-lit lifter against a dark wall is not told to turn on a light.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.geometry import in_frame
from hingecheck.core.landmarks import SEEN_VISIBILITY, Landmark, person_detected

#: mean brightness (0-255) of the lifter's box (of the frame when nobody is found) below which it is too dark
DARK_LUMA = 45.0

_FEET = (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL)
_HEAD = (Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR)


#: how far past the frame's edge (a fraction of its size) a point still counts as in view
EDGE_MARGIN = 0.01


def _in_frame(points: np.ndarray, vis: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return in_frame(points, vis, size, SEEN_VISIBILITY, EDGE_MARGIN)


def setup_guidance(image: np.ndarray | None, visibility: np.ndarray | None, frame_size: tuple[int, int],
                   brightness: float, side_on: float, side_on_max: float, calibrated: bool) -> str | None:
    """The instruction to show now, or None when the set-up is good.

    ``image`` (33, 2) pixels and ``visibility`` (33,) of this frame (None or
    NaN when no person), ``brightness`` the mean luma (0-255) of the
    lifter's box, or of the whole frame when nobody is found, ``side_on``
    the recent shoulder-width/torso ratio.
    """
    dark = bool(np.isfinite(brightness) and brightness < DARK_LUMA)
    if image is None or visibility is None or not person_detected(image[None])[0]:
        return "too dark: turn on a light or face a window" if dark else "step into view: I can't see anyone"
    if np.isfinite(side_on) and side_on > side_on_max:
        return "turn side-on to the camera"
    feet = _in_frame(image[list(_FEET)], visibility[list(_FEET)], frame_size)
    if not feet.any():
        return "step back, I can't see your feet"
    head = _in_frame(image[list(_HEAD)], visibility[list(_HEAD)], frame_size)
    if not head.any():
        return "step back, I can't see your head"
    if dark:
        return "too dark on you: turn on a light or face a window"
    if not calibrated:
        return "stand still for a second"
    return None
