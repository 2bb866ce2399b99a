"""Bad input gets one line on stderr, a non-zero exit, and no partial output: in-process.

Every case here fails before the pose model would run, so the command line's
``main(argv)`` is called in this process (no interpreter, no MediaPipe started per
case) with the model folder pointed at an empty one and downloads at a closed port:
a case that reached for the model would fail here. ``tests/apps/test_cli.py`` runs the
real entry point in a subprocess for a few cases (no traceback, one line).
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from hingecheck.apps.cli import main
from hingecheck.io.bundles import ENV_CACHE_DIR, ENV_MODEL_DIR, ENV_MODEL_URL

#: a URL nothing answers: port 9 (discard) on the loopback interface
NOWHERE = "http://127.0.0.1:9/"


@pytest.fixture(autouse=True)
def no_model(tmp_path_factory, monkeypatch):
    """No pose model to be found or fetched; the pose model's loads recorded (none expected)."""
    empty = tmp_path_factory.mktemp("nomodels")
    monkeypatch.setenv(ENV_MODEL_DIR, str(empty))
    monkeypatch.setenv(ENV_CACHE_DIR, str(empty / "cache"))
    monkeypatch.setenv(ENV_MODEL_URL, NOWHERE)
    monkeypatch.delenv("HINGECHECK_DEBUG", raising=False)
    from hingecheck.io import pose
    loads: list[tuple] = []
    real_init = pose.PoseEstimator.__init__

    def recording_init(self, *args, **kwargs):
        loads.append(args)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(pose.PoseEstimator, "__init__", recording_init)
    return loads


def run(capsys, *argv: str) -> tuple[int, list[str]]:
    """``main(argv)``'s exit code (argparse's ``SystemExit`` too) and its non-empty stderr lines."""
    try:
        rc = main(list(argv))
    except SystemExit as exc:
        rc = exc.code
    captured = capsys.readouterr()
    return rc, [ln for ln in captured.err.splitlines() if ln.strip()]


def assert_one_line_error(rc, lines: list[str], *needles: str) -> None:
    assert rc not in (0, None)
    assert len(lines) == 1, lines
    assert lines[0].startswith("hingecheck: error:"), lines[0]
    for n in needles:
        assert n in lines[0], lines[0]


def tiny_video(path: Path, frames: int = 5) -> Path:
    """A few frames of grey (no person): enough to open, never analysed here."""
    import cv2
    import numpy as np
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (64, 48))
    for i in range(frames):
        w.write(np.full((48, 64, 3), 60 + 10 * i, np.uint8))
    w.release()
    return path


def fake_bundle(path: Path) -> Path:
    """A zip holding the two files a Pose Landmarker bundle holds, neither a model."""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("pose_detector.tflite", b"not a model")
        z.writestr("pose_landmarks_detector.tflite", b"not a model either")
    return path


def _listing(folder: Path) -> list[str]:
    return sorted(x.name for x in folder.iterdir())


def test_missing_video(tmp_path, capsys, no_model):
    rc, err = run(capsys, "analyze", str(tmp_path / "nope.mp4"))
    assert_one_line_error(rc, err, "not found", "nope.mp4")
    assert _listing(tmp_path) == [] and no_model == []


def test_corrupt_video(tmp_path, capsys, no_model):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4000))
    rc, err = run(capsys, "analyze", str(bad))
    assert_one_line_error(rc, err, "bad.mp4")
    assert _listing(tmp_path) == ["bad.mp4"] and no_model == []


def test_a_folder_is_not_a_video(tmp_path, capsys):
    rc, err = run(capsys, "analyze", str(tmp_path))
    assert_one_line_error(rc, err, "directory")


def test_missing_model_file(tmp_path, capsys, no_model):
    video = tiny_video(tmp_path / "v.mp4")
    rc, err = run(capsys, "analyze", str(video), "--model", str(tmp_path / "missing.task"))
    assert_one_line_error(rc, err, "missing.task")
    assert _listing(tmp_path) == ["v.mp4"] and no_model == []


def test_no_network_and_no_local_model(tmp_path, capsys, no_model):
    video = tiny_video(tmp_path / "v.mp4")
    rc, err = run(capsys, "analyze", str(video), "--model", "lite")
    assert_one_line_error(rc, err, ENV_MODEL_DIR, "--model")
    assert no_model == []


def test_model_that_cannot_load(tmp_path, capsys, no_model):
    """MediaPipe is asked to load it (in this process) and refuses: one line naming the file."""
    video = tiny_video(tmp_path / "v.mp4")
    fake = fake_bundle(tmp_path / "fake.task")
    rc, err = run(capsys, "analyze", str(video), "--model", str(fake), "--no-history")
    assert_one_line_error(rc, err, "fake.task")
    assert len(no_model) == 1
    assert _listing(tmp_path) == ["fake.task", "v.mp4"]


@pytest.mark.parametrize("flag", ["--json", "--video"])
@pytest.mark.parametrize("where", ["missing_dir", "is_dir"])
def test_unwritable_output(tmp_path, capsys, no_model, flag, where):
    video = tiny_video(tmp_path / "v.mp4")
    target = tmp_path / "no" / "such" / "out" if where == "missing_dir" else tmp_path
    rc, err = run(capsys, "analyze", str(video), flag, str(target))
    assert_one_line_error(rc, err, "cannot write")
    assert _listing(tmp_path) == ["v.mp4"] and no_model == []


def test_bad_config(tmp_path, capsys, no_model):
    video = tiny_video(tmp_path / "v.mp4")
    cfg = tmp_path / "c.toml"
    cfg.write_text("[default]\nno_such_threshold = 3\n")
    rc, err = run(capsys, "analyze", str(video), "--config", str(cfg))
    assert_one_line_error(rc, err, "no_such_threshold")
    assert no_model == []


@pytest.mark.parametrize("args, message", [
    (["--analysis-fps", "-3"], "--analysis-fps must be 0"),
    (["--analysis-size", "10"], "--analysis-size must be 0"),
    (["--video-height", "0"], "--video-height must be"),
    (["--exercise", "deadlfit"], "did you mean 'deadlift'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_flags(tmp_path, capsys, no_model, args, message):
    video = tiny_video(tmp_path / "v.mp4")
    rc, err = run(capsys, "analyze", str(video), *args)
    assert rc == 2
    assert_one_line_error(rc, err, message)
    assert no_model == []


def test_no_command_is_a_usage_error(capsys):
    rc, err = run(capsys)
    assert rc == 2 and len(err) == 1 and err[0].startswith("hingecheck: error:")


@pytest.mark.parametrize("name", ["nope.mp4", "bad.mp4"])
def test_live_with_a_file_that_is_no_video(tmp_path, capsys, no_model, name):
    """(live looks for the model before it opens the source: a model file is named, never loaded.)"""
    if name == "bad.mp4":
        (tmp_path / name).write_bytes(b"\x00" * 2000)
    model = fake_bundle(tmp_path / "unused.task")
    rc, err = run(capsys, "live", "--source", str(tmp_path / name), "--model", str(model),
                  "--no-window", "--no-history", "--mute")
    assert_one_line_error(rc, err, name)
    assert no_model == []


def test_score_of_something_neither_labels_nor_folder(tmp_path, capsys, no_model):
    rc, err = run(capsys, "score", str(tmp_path / "nolabels.csv"), "--out", str(tmp_path / "out"))
    assert_one_line_error(rc, err, "nolabels.csv")
    assert not (tmp_path / "out").exists() and no_model == []
