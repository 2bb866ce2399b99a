"""Bad input gets one line on stderr, a non-zero exit, and no partial output: the real
entry point (``python -m hingecheck`` in a subprocess), for the cases that run the pose
model and a few that prove the process prints one line and no traceback. The cases that
fail before the model runs are checked in-process in ``tests/apps/test_cli_errors.py``."""

from __future__ import annotations

import pytest
from assets import REPO_ROOT, require_clips, require_model_dir
from clikit import animated_gif, assert_one_line_error, no_person_video, run_cli

# every case starts an interpreter that imports MediaPipe: not the fast tier
pytestmark = pytest.mark.model


def test_missing_video(tmp_path):
    p = run_cli("analyze", str(tmp_path / "nope.mp4"), cwd=tmp_path)
    assert_one_line_error(p, "not found")
    assert list(tmp_path.iterdir()) == []


def test_truncated_video(tmp_path):
    clip = require_clips() / "clip01.mp4"
    require_model_dir("pose_landmarker_lite.task")
    cut = tmp_path / "cut.mp4"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    p = run_cli("analyze", str(cut), "--model", "lite", cwd=tmp_path)
    assert_one_line_error(p, "cut.mp4")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["cut.mp4"]


def test_no_person(tmp_path):
    require_model_dir("pose_landmarker_lite.task")
    video = no_person_video(tmp_path / "empty.mp4")
    p = run_cli("analyze", str(video), "--model", "lite", cwd=tmp_path)
    assert_one_line_error(p, "no person")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["empty.mp4"]


def test_no_network_and_no_local_model(tmp_path):
    video = no_person_video(tmp_path / "v.mp4", frames=5)
    env = {"HINGECHECK_MODEL_DIR": str(tmp_path / "nomodels"), "HINGECHECK_CACHE_DIR": str(tmp_path / "cache"),
           "HINGECHECK_MODEL_URL": "http://127.0.0.1:9/"}
    p = run_cli("analyze", str(video), "--model", "lite", cwd=tmp_path, env_extra=env)
    assert_one_line_error(p, "HINGECHECK_MODEL_DIR", "--model")


def test_existing_output_survives_a_failed_run(tmp_path):
    require_model_dir("pose_landmarker_lite.task")
    video = no_person_video(tmp_path / "empty.mp4")
    old = tmp_path / "report.json"
    old.write_text("precious")
    p = run_cli("analyze", str(video), "--model", "lite", "--json", str(old), "--video", str(tmp_path / "a.mp4"),
                cwd=tmp_path)
    assert p.returncode != 0
    assert old.read_text() == "precious"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["empty.mp4", "report.json"]


def test_gif_is_analysed_not_refused(tmp_path):
    require_model_dir("pose_landmarker_lite.task")
    gif = animated_gif(tmp_path / "demo.gif")
    p = run_cli("analyze", str(gif), "--model", "lite", "--no-video", cwd=tmp_path)
    assert_one_line_error(p, "no person")          # decoded and searched, not "cannot open"


def test_sideways_video_gets_one_line(tmp_path):
    """A real clip turned 90 degrees with no rotation metadata: one line, exit 2, no output."""
    import cv2
    require_model_dir("pose_landmarker_lite.task")
    src = cv2.VideoCapture(str(require_clips() / "clip02.mp4"))
    fps = src.get(cv2.CAP_PROP_FPS)
    out = None
    for _ in range(240):
        ok, frame = src.read()
        if not ok:
            break
        frame = cv2.rotate(frame, cv2.ROTATE_90_CLOCKWISE)
        if out is None:
            out = cv2.VideoWriter(str(tmp_path / "sideways.mp4"), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                                  (frame.shape[1], frame.shape[0]))
        out.write(frame)
    out.release()
    src.release()
    p = run_cli("analyze", str(tmp_path / "sideways.mp4"), "--model", "lite", "--no-video", cwd=tmp_path)
    assert_one_line_error(p, "turned sideways")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["sideways.mp4"]
