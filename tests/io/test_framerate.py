"""The analysis rate (frames picked by timestamp) and size (frames shrunk for the pose model)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from synthetic import make_hinge

from hingecheck.core.errors import HingecheckError
from hingecheck.io.framerate import DUE_TOLERANCE, FramePicker, analysis_scale, downscale, pick

SECONDS = 10.0


def _times(fps: float) -> np.ndarray:
    return np.arange(int(SECONDS * fps)) / fps


@pytest.mark.parametrize("src, rate, kept_fps", [
    (25, 30, 25), (30, 30, 30), (50, 30, 25), (60, 30, 30), (120, 30, 30),
    (25, 20, 25), (30, 20, 15), (50, 20, 50 / 3), (60, 20, 20), (60, 0, 60),
])
def test_constant_rates_keep_evenly_spaced_frames(src, rate, kept_fps):
    t = _times(src)
    kept = t[pick(t, rate)]
    assert kept[0] == 0.0
    assert len(kept) == pytest.approx(kept_fps * SECONDS, abs=1)
    gaps = np.diff(kept)
    assert np.ptp(gaps) < 1e-9
    if rate:
        assert gaps.min() >= (1 - DUE_TOLERANCE) / rate - 1e-9


def test_jittered_timestamps_lose_no_frame_at_their_own_rate():
    rng = np.random.default_rng(1)
    t = np.cumsum(1 / 30 + rng.uniform(-0.006, 0.006, 300))  # a phone's variable frame rate
    assert pick(t, 30).all()


def test_variable_frame_rate_keeps_its_own_times():
    rng = np.random.default_rng(2)
    fast = np.cumsum(1 / 60 + rng.uniform(-0.003, 0.003, 300))      # 5 s at ~60 fps
    slow = fast[-1] + np.cumsum(1 / 30 + rng.uniform(-0.003, 0.003, 150))  # then 5 s at ~30 fps
    t = np.concatenate([fast, slow])
    keep = pick(t, 30)
    gaps = np.diff(t[keep])
    assert np.all(np.isin(t[keep], t))  # real timestamps, never made up
    # never closer than the tolerance allows, never further than a period and one source interval
    assert gaps.min() > (1 - DUE_TOLERANCE) / 30 and gaps.max() < 1 / 30 + np.diff(t).max()
    assert keep[:300].mean() == pytest.approx(0.5, abs=0.05) and keep[300:].all()


def test_picker_counts_what_it_saw_and_kept():
    picker = FramePicker(30)
    decisions = [picker.keep(t) for t in _times(60)]
    assert picker.seen == len(decisions) and picker.kept == sum(decisions) == len(decisions) // 2


@pytest.mark.parametrize("bad", [-3, float("nan"), float("inf"), 1e6])
def test_bad_rate_is_a_one_line_error(bad):
    with pytest.raises(HingecheckError, match="--analysis-fps must be 0"):
        FramePicker(bad)


def test_downscale_brings_the_long_side_down_only():
    big = np.zeros((2160, 3840, 3), np.uint8)
    small, scale = downscale(big, 640)
    assert small.shape == (360, 640, 3) and scale == pytest.approx(1 / 6)
    same, one = downscale(np.zeros((640, 360, 3), np.uint8), 640)
    assert one == 1.0 and same.shape == (640, 360, 3)
    assert analysis_scale(3840, 2160, 0) == 1.0


def _write_video(path, fps, n, size):
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(n):
        frame = np.full((size[1], size[0], 3), (i * 7) % 255, np.uint8)
        w.write(frame)
    w.release()
    return path


def test_reader_skips_frames_by_time_and_shrinks_the_rest(tmp_path):
    from hingecheck.io.video import FrameReader
    video = _write_video(tmp_path / "v.mp4", 60.0, 120, (1280, 720))
    with FrameReader(video, analysis_fps=30, long_side=640) as reader:
        frames = list(reader)
    assert [f.index for f in frames] == list(range(0, 120, 2))
    assert np.allclose([f.timestamp for f in frames], np.arange(0, 120, 2) / 60.0, atol=1e-3)
    assert frames[0].bgr.shape == (360, 640, 3) and frames[0].scale == 0.5
    assert reader.frames_read == 120  # skipped frames count as read (the truncation check)


def test_skipped_frames_are_drawn_between_the_analysed_ones(tmp_path):
    """Analysed at 30 fps, a 60 fps video's annotated copy has every frame, with interpolated landmarks."""
    from hingecheck.core.analysis import analyze_pose
    from hingecheck.core.config import Thresholds
    from hingecheck.io.video import probe
    from hingecheck.outputs.render import pose_at, render_annotated

    pose, _ = make_hinge(n_reps=1, fps=30.0, frame_size=(320, 240))
    analysis = analyze_pose(pose, "hip_hinge", Thresholds())
    video = _write_video(tmp_path / "v.mp4", 60.0, 2 * len(pose), pose.frame_size)
    render_annotated(video, pose, analysis, tmp_path / "a.mp4", progress=False, height=120)
    out = probe(tmp_path / "a.mp4")
    assert (out.width, out.height, out.frame_count) == (160, 120, 2 * len(pose))
    mid = 0.5 * (pose.timestamps[10] + pose.timestamps[11])
    _, lm, _ = pose_at(pose, mid)
    assert np.allclose(lm, 0.5 * (pose.image[10] + pose.image[11]), equal_nan=True)
    assert pose_at(pose, pose.timestamps[10])[0] == 10
