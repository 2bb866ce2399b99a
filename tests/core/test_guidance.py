"""core.guidance.setup_guidance: one instruction at a time, the most basic problem first."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic import make_hinge

from hingecheck.core.guidance import DARK_LUMA, setup_guidance
from hingecheck.core.landmarks import SEEN_VISIBILITY, Landmark

SIZE = (720, 1280)  # width, height: a portrait phone frame
LIT, DARK = DARK_LUMA + 60.0, DARK_LUMA - 20.0
SIDE_ON, SIDE_ON_MAX = 0.1, 0.3
FEET = [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE, Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL]
HEAD = [Landmark.NOSE, Landmark.LEFT_EAR, Landmark.RIGHT_EAR]


@pytest.fixture
def standing():
    """(33, 2) pixels and (33,) visibility of the synthetic lifter standing, all in frame."""
    pose, _ = make_hinge(n_reps=1, frame_size=SIZE)
    image, vis = pose.image[0].astype(float).copy(), pose.visibility[0].astype(float).copy()
    w, h = SIZE
    assert np.all((image >= 0) & (image <= (w, h))) and np.all(vis >= SEEN_VISIBILITY)
    return image, vis


def advice(image, vis, brightness=LIT, side_on=SIDE_ON, calibrated=True):
    return setup_guidance(image, vis, SIZE, brightness, side_on, SIDE_ON_MAX, calibrated)


def test_a_good_setup_gets_no_advice(standing):
    assert advice(*standing) is None


def test_nobody_in_view(standing):
    nobody = np.full_like(standing[0], np.nan)
    assert advice(None, None) == "step into view: I can't see anyone"
    assert advice(nobody, np.full(len(nobody), np.nan)) == "step into view: I can't see anyone"
    assert advice(None, None, brightness=DARK).startswith("too dark")  # in the dark: light first


def test_camera_angle_comes_before_feet_head_and_light(standing):
    image, vis = standing
    image[FEET, 1] += SIZE[1]                      # feet below the frame too
    assert advice(image, vis, brightness=DARK, side_on=SIDE_ON_MAX + 0.2) == "turn side-on to the camera"
    assert advice(image, vis, side_on=float("nan")) == "step back, I can't see your feet"  # unknown: no angle advice


@pytest.mark.parametrize("how", ["below_the_frame", "barely_seen"])
def test_feet_out_of_view(standing, how):
    image, vis = standing
    if how == "below_the_frame":
        image[FEET, 1] = SIZE[1] * 1.05
    else:
        vis[FEET] = SEEN_VISIBILITY - 0.05
    assert advice(image, vis) == "step back, I can't see your feet"
    vis[FEET[0]] = SEEN_VISIBILITY
    image[FEET[0]] = standing[0][FEET[0]] if how == "barely_seen" else (SIZE[0] / 2, SIZE[1] * 0.9)
    assert advice(image, vis) is None              # one foot point seen is enough


def test_head_out_of_view(standing):
    image, vis = standing
    image[HEAD, 1] = -0.05 * SIZE[1]
    assert advice(image, vis) == "step back, I can't see your head"
    image[HEAD, 1] = -0.005 * SIZE[1]              # within the edge margin: still in view
    assert advice(image, vis) is None


def test_dark_lifter_then_calibration(standing):
    assert advice(*standing, brightness=DARK) == "too dark on you: turn on a light or face a window"
    assert advice(*standing, brightness=float("nan")) is None   # unmeasured light: no advice
    assert advice(*standing, calibrated=False) == "stand still for a second"
