"""Set-up guidance before and during a live set (pure; no cv2, no mediapipe).

One short instruction at a time, the most basic problem first: light, then
a person in view, then head and feet in frame, then the camera angle, then
standing still for the calibration.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.geometry import in_frame
from hingecheck.core.landmarks import Landmark, person_detected

#: mean frame brightness (0-255) below which the picture is too dark
DARK_LUMA = 45.0
#: landmark visibility below which a body part counts as unseen
SEEN = 0.5

_FEET = (Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL)
_HEAD = (Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR)


#: how far past the frame's edge (a fraction of its size) a point still counts as in view
EDGE_MARGIN = 0.01


def _in_frame(points: np.ndarray, vis: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    return in_frame(points, vis, size, SEEN, EDGE_MARGIN)


def setup_guidance(image: np.ndarray | None, visibility: np.ndarray | None, frame_size: tuple[int, int],
                   brightness: float, side_on: float, side_on_max: float, calibrated: bool) -> str | None:
    """The instruction to show now, or None when the set-up is good.

    ``image`` (33, 2) pixels and ``visibility`` (33,) of this frame (None or
    NaN when no person), ``brightness`` the frame's mean luma (0-255),
    ``side_on`` the recent shoulder-width/torso ratio.
    """
    if np.isfinite(brightness) and brightness < DARK_LUMA:
        return "too dark: turn on a light or face a window"
    if image is None or visibility is None or not person_detected(image[None])[0]:
        return "step into view: I can't see anyone"
    feet = _in_frame(image[list(_FEET)], visibility[list(_FEET)], frame_size)
    if not feet.any():
        return "step back, I can't see your feet"
    head = _in_frame(image[list(_HEAD)], visibility[list(_HEAD)], frame_size)
    if not head.any():
        return "step back, I can't see your head"
    if np.isfinite(side_on) and side_on > side_on_max:
        return "turn side-on to the camera"
    if not calibrated:
        return "stand still for a second"
    return None
