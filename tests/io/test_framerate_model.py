"""Frames shrunk for the pose model give the landmarks of the source: on a real clip, with the model."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from assets import require_clips, require_model_dir

from hingecheck.io.framerate import downscale


@pytest.fixture(scope="module")
def clip_frames():
    cap = cv2.VideoCapture(str(require_clips() / "clip01.mp4"))
    frames = []
    for _ in range(40):
        ok, f = cap.read()
        frames.append(f)
    cap.release()
    return frames[::4]


def _poses(frames, model, long_side, upscale):
    from hingecheck.io.pose import PoseEstimator
    out = []
    with PoseEstimator(model, segmentation=True) as est:
        for i, f in enumerate(frames):
            src = cv2.resize(f, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC) if upscale > 1 else f
            small, _ = downscale(src, long_side)
            out.append(est.detect(small, i / 15.0, (src.shape[1], src.shape[0])))
    return out


def test_landmarks_of_a_downscaled_frame_land_on_the_source_pixels(clip_frames):
    """clip01 (360x640) and its 2x copy shrunk back for the model: the same landmarks in
    source pixels (half the 2x copy's), and the same back contour from the mask."""
    from hingecheck.io.extract import frame_back_contour
    model = require_model_dir("pose_landmarker_full.task") / "pose_landmarker_full.task"
    base = _poses(clip_frames, model, 0, 1)
    big = _poses(clip_frames, model, 640, 2)
    assert all(p.detected for p in base + big)
    assert big[0].mask.shape == base[0].mask.shape  # the model saw the 2x copy at 360x640
    gaps = np.array([np.abs(b.image / 2 - a.image).max(axis=1) for a, b in zip(base, big)])
    body = gaps[:, 11:]  # shoulders down: the joints the rules read
    assert np.median(body) < 2.0 and body.max() < 8.0  # pixels of the 360x640 source
    for a, b in zip(base, big):
        ca, cb = frame_back_contour(a, 1.0), frame_back_contour(b, 1.0)
        both = np.isfinite(ca) & np.isfinite(cb)
        assert both.sum() >= ca.size // 2 and np.abs(ca[both] - cb[both]).max() < 0.05  # chord lengths
