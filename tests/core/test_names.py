"""Friendly names: exercise aliases, "did you mean", ``analyse``, the default
exercise said out loud, one-line usage errors, no OpenCV log lines."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from assets import REPO_ROOT, require_model_dir

from hingecheck.apps.cli import build_parser, main
from hingecheck.apps.parsing import chosen_exercise
from hingecheck.core.errors import HingecheckError
from hingecheck.core.names import resolve_exercise


@pytest.mark.parametrize("typed, exercise", [
    ("rdl", "rdl"), ("RDL", "rdl"), ("romanian_deadlift", "rdl"), ("Romanian-Deadlift", "rdl"),
    ("kb_deadlift", "kettlebell_deadlift"), ("kettlebell", "kettlebell_swing"), ("swing", "kettlebell_swing"),
    ("sl_rdl", "single_leg_rdl"), ("goodmorning", "good_morning"), ("good morning", "good_morning"),
    ("DEADLIFT", "deadlift"), (None, "hip_hinge"),
])
def test_aliases(typed, exercise):
    assert resolve_exercise(typed) == exercise


def test_unknown_exercise_suggests_the_closest():
    with pytest.raises(HingecheckError, match=r"did you mean 'good_morning'\?"):
        resolve_exercise("good_mornin")
    with pytest.raises(HingecheckError) as err:
        resolve_exercise("bench press")
    assert "did you mean" not in str(err.value) and "choose one of: hip_hinge" in str(err.value)


def _usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("hingecheck: error:"), err
    return lines[0]


def test_usage_errors_are_one_line_with_a_suggestion(capsys):
    line = _usage_error(capsys, "analyze", "x.mp4", "--exercise", "rdll")
    assert "did you mean 'rdl'?" in line and "usage:" not in line
    line = _usage_error(capsys, "analyz", "x.mp4")
    assert "did you mean 'analyze'?" in line
    line = _usage_error(capsys, "history", "--exercise", "kettlebel_swing")
    assert "did you mean 'kettlebell_swing'?" in line


def test_analyse_and_aliases_parse():
    args = build_parser().parse_args(["analyse", "x.mp4", "--exercise", "RDL"])
    assert args.command == "analyse" and args.exercise == "rdl"
    assert build_parser().parse_args(["analyze", "x.mp4"]).exercise is None   # defaulted later, out loud
    assert build_parser().parse_args(["live", "--exercise", "Swing"]).exercise == "kettlebell_swing"


def test_default_exercise_is_said():
    args = build_parser().parse_args(["analyse", "x.mp4"])
    assert chosen_exercise(args) == "hip_hinge"
    assert args.exercise_said.startswith("exercise hip_hinge (the default; pass --exercise with one of rdl,")
    args = build_parser().parse_args(["analyse", "x.mp4", "--exercise", "kb_deadlift"])
    assert chosen_exercise(args) == "kettlebell_deadlift" and args.exercise_said == "exercise kettlebell_deadlift"


def test_missing_camera_has_no_opencv_log_lines(tmp_path):
    """OpenCV's own "[ WARN ...] can't open camera by index" lines stay off stderr."""
    models = require_model_dir("pose_landmarker_lite.task")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HINGECHECK_MODEL_DIR": str(models),
           "HINGECHECK_HOME": str(tmp_path)}
    env.pop("OPENCV_LOG_LEVEL", None)
    p = subprocess.run([sys.executable, "-m", "hingecheck", "live", "--camera", "99", "--no-window", "--no-html",
                        "--no-history", "--model", "lite", "--exercise", "rdl"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert p.returncode == 2 and len(lines) == 1, p.stderr
    assert lines[0].startswith("hingecheck: error: camera 99")
