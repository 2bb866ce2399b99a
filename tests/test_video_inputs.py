"""Odd but valid inputs: GIFs, and the truncation check on the presented duration."""

from __future__ import annotations

import numpy as np
import pytest

from assets import require_model_dir
from synthetic import make_hinge
from hingecheck.errors import HingecheckError
from hingecheck.pipeline import PoseRun, check_complete
from hingecheck.video import presented_duration, probe


def _gif(path, frames=20, ms=100):
    from PIL import Image
    rng = np.random.default_rng(0)
    imgs = [Image.fromarray((rng.random((120, 160, 3)) * 255).astype(np.uint8)) for _ in range(frames)]
    imgs[0].save(path, save_all=True, append_images=imgs[1:], duration=ms, loop=0)
    return path


def test_gif_opens_with_its_frame_rate_and_duration(tmp_path):
    gif = _gif(tmp_path / "demo.gif")
    info = probe(gif)
    assert (info.width, info.height, info.frame_count) == (160, 120, 20)
    assert info.fps == pytest.approx(10.0)
    assert presented_duration(gif) == pytest.approx(2.0, abs=0.11)


def test_gif_is_analysed_not_refused(tmp_path):
    from test_cli import assert_one_line_error, run_cli
    require_model_dir("pose_landmarker_lite.task")
    gif = _gif(tmp_path / "demo.gif")
    p = run_cli("analyze", str(gif), "--model", "lite", "--no-video", cwd=tmp_path)
    assert_one_line_error(p, "no person")          # decoded and searched, not "cannot open"


def _run(frames: int, fps: float, duration_s: float | None, frame_count: int) -> PoseRun:
    pose, _ = make_hinge(n_reps=1, fps=fps)
    pose = type(pose)(pose.image[:frames], pose.world[:frames], pose.visibility[:frames],
                      pose.presence[:frames], pose.timestamps[:frames], pose.frame_size)
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
