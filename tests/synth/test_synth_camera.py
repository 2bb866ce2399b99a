"""The synthetic renderer's camera means what its docstring says (no renderer needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tools.synth.render import Camera  # noqa: E402


def _aim_px(**kw) -> np.ndarray:
    cam = Camera(**kw)
    return cam.project(np.array([cam.aim_x, cam.aim_height, 0.0]))


@pytest.mark.parametrize("pitch", [5.0, 10.0, 20.0])
def test_positive_pitch_tilts_down_so_the_lifter_moves_up(pitch):
    """Camera.pitch is extra *downward* tilt: the aimed-at point (the lifter's
    hips) rises in the image (smaller y), and a negative pitch does the opposite."""
    level = _aim_px()
    down, up = _aim_px(pitch=pitch), _aim_px(pitch=-pitch)
    assert level[1] == pytest.approx(Camera().height_px / 2)
    assert down[1] < level[1] - 10
    assert up[1] > level[1] + 10
    assert down[0] == pytest.approx(level[0]) and up[0] == pytest.approx(level[0])


def test_pitch_keeps_the_feet_in_frame_when_looking_down():
    """Looking down keeps the feet (floor under the aim point) in view at +10."""
    cam = Camera(pitch=10.0)
    feet = cam.project(np.array([cam.aim_x, 0.0, 0.0]))
    assert 0 <= feet[1] < cam.height_px


@pytest.mark.parametrize("yaw", [0.0, 30.0, 60.0])
def test_yaw_moves_the_camera_round_the_lifter(yaw):
    """yaw 0 is side-on from the lifter's right (+z), 90 in front (+x); distance is horizontal."""
    cam = Camera(yaw=yaw)
    pos = cam.position()
    d = pos[[0, 2]] - np.array([cam.aim_x, 0.0])
    assert np.degrees(np.arctan2(d[0], d[1])) == pytest.approx(yaw)
    assert np.hypot(*d) == pytest.approx(cam.distance)
