"""Bad input gets one line on stderr, a non-zero exit, and no partial output: the real
entry point (``python -m hingecheck`` in a subprocess), for the cases that run the pose
model and a few that prove the process prints one line and no traceback. The cases that
fail before the model runs are checked in-process in ``tests/test_cli_errors.py``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from assets import REPO_ROOT, require_clips, require_model_dir

# every case starts an interpreter that imports MediaPipe: not the fast tier
pytestmark = pytest.mark.model


def run_cli(*args: str, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("HINGECHECK_DEBUG", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "hingecheck", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def assert_one_line_error(p: subprocess.CompletedProcess, *needles: str) -> None:
    assert p.returncode != 0
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("hingecheck: error:"), lines[0]
    assert "Traceback" not in p.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def no_person_video(path: Path, frames: int = 45) -> Path:
    import cv2
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (320, 240))
    rng = np.random.default_rng(0)
    for i in range(frames):
        img = np.full((240, 320, 3), 90, np.uint8)
        cv2.rectangle(img, (20 + i, 40), (120 + i, 140), (30, 160, 200), -1)  # a moving box, no person
        img = cv2.add(img, rng.integers(0, 20, img.shape, dtype=np.uint8))
        w.write(img)
    w.release()
    return path


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
    from test_video_inputs import _gif
    require_model_dir("pose_landmarker_lite.task")
    gif = _gif(tmp_path / "demo.gif")
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
