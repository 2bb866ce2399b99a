"""Odd but valid inputs: GIFs, and the truncation check on the presented duration."""

from __future__ import annotations

import numpy as np
import pytest
from clikit import animated_gif
from synthetic import make_hinge

from hingecheck.core.errors import HingecheckError
from hingecheck.io.extract import PoseRun, check_complete
from hingecheck.io.video import presented_duration, probe


def test_gif_opens_with_its_frame_rate_and_duration(tmp_path):
    gif = animated_gif(tmp_path / "demo.gif")
    info = probe(gif)
    assert (info.width, info.height, info.frame_count) == (160, 120, 20)
    assert info.fps == pytest.approx(10.0)
    assert presented_duration(gif) == pytest.approx(2.0, abs=0.11)


def _run(frames: int, fps: float, duration_s: float | None, frame_count: int) -> PoseRun:
    pose, _ = make_hinge(n_reps=1, fps=fps)
    pose = type(pose)(pose.image[:frames], pose.visibility[:frames], pose.timestamps[:frames], pose.frame_size)
    return PoseRun(pose, frames, frame_count, None, duration_s)


def test_trimmed_video_is_not_truncated():
    # a phone's trim: 102 frames presented at 30 fps (3.4 s), 118 samples stored
    check_complete(_run(102, 30.0, 3.39, 118), "trimmed.mp4")


def test_video_shorter_than_its_presented_duration_is_truncated():
    with pytest.raises(HingecheckError, match="truncated"):
        check_complete(_run(60, 30.0, 3.39, 118), "cut.mp4")


def test_without_a_duration_the_frame_count_decides():
    check_complete(_run(100, 30.0, None, 105), "a.avi")
    with pytest.raises(HingecheckError, match="truncated"):
        check_complete(_run(50, 30.0, None, 105), "b.avi")


@pytest.mark.parametrize("rotation,sideways", [(0.0, False), (25.0, False), (90.0, True), (-90.0, True)])
def test_a_lifter_lying_along_the_frame_is_refused(rotation, sideways):
    from hingecheck.core.geometry import leg_axis_tilt
    pose, _ = make_hinge(n_reps=2, camera_rotation_deg=rotation, frame_size=(1280, 1280))
    run = PoseRun(pose, len(pose), len(pose), None, None)
    assert (leg_axis_tilt(pose.image) > 55) == sideways
    if sideways:
        with pytest.raises(HingecheckError, match="turned sideways"):
            check_complete(run, "v.mp4")
    else:
        check_complete(run, "v.mp4")
