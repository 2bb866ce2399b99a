"""The Python API: the docs/api.md example runs as written, the API's defaults
are the command line's, and start-up loads nothing heavy."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys

import pytest
from assets import REPO_ROOT, require_model_dir

import hingecheck
from hingecheck.apps.cli import build_parser

# the tiers (conftest.py): the tests that read the real bundles or clips are marked so
EXPLICIT_TIERS = True


def test_api_defaults_are_the_command_lines():
    a = build_parser().parse_args(["analyze", "x.mp4"])
    p = inspect.signature(hingecheck.analyze).parameters
    assert p["analysis_fps"].default == a.analysis_fps == 30
    assert p["size"].default == a.analysis_size == 640
    assert p["model"].default == a.model
    from hingecheck.io.videoanalysis import analyze_video
    v = inspect.signature(analyze_video).parameters
    assert v["analysis_fps"].default == a.analysis_fps and v["long_side"].default == a.analysis_size


def test_api_bad_input_is_a_one_line_error(tmp_path):
    with pytest.raises(hingecheck.HingecheckError, match="did you mean 'rdl'"):
        hingecheck.analyze(tmp_path / "x.mp4", exercise="rdll")
    with pytest.raises(hingecheck.HingecheckError, match="not found"):
        hingecheck.analyze(tmp_path / "missing.mp4", exercise="RDL")


@pytest.mark.model
def test_docs_api_example_runs(monkeypatch, capsys):
    """The code block of docs/api.md, run as written (lite model, a committed sample clip)."""
    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(require_model_dir("pose_landmarker_lite.task")))
    monkeypatch.chdir(REPO_ROOT)
    doc = (REPO_ROOT / "docs" / "api.md").read_text()
    code = re.search(r"```python\n(.*?)```", doc, re.S).group(1)
    scope: dict = {}
    exec(compile(code, "docs/api.md", "exec"), scope)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "rdl 4 faults" and out[1] == "['squatting']"    # what the comments in the doc say
    result = scope["result"]
    assert json.loads(scope["text"]) == scope["report"]
    assert scope["report"]["analysis_rate"]["fps"] == 30 and scope["report"]["exercise"] == "rdl"
    assert result.model.endswith("pose_landmarker_lite.task")


def _modules_after(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    p = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return set(p.stdout.split())


def test_startup_loads_nothing_heavy():
    """``hingecheck --version`` (the CLI module and its parser) and ``import hingecheck``
    load neither numpy, SciPy's signal package, OpenCV nor MediaPipe; timings:
    benchmarks/startup.py."""
    heavy = {"numpy", "scipy.signal", "cv2", "mediapipe", "matplotlib"}
    assert not heavy & _modules_after("import hingecheck")
    assert not heavy & _modules_after("from hingecheck.apps.cli import build_parser; build_parser()")


def test_mediapipe_loads_only_with_the_model():
    """The live loop, the extractor and the pose module import without MediaPipe: it
    loads when a PoseEstimator is made (a window test or an error case starts none)."""
    assert "mediapipe" not in _modules_after("import hingecheck.apps.live, hingecheck.io.extract, hingecheck.io.pose")


@pytest.mark.model
@pytest.mark.clips
def test_oblique_clip_is_never_called_clean(monkeypatch):
    """clip30 (filmed obliquely, a good RDL): the side-view checks cannot run, so the set
    is not clean, and its report is not green (issue 18: it used to say "good")."""
    from assets import require_clips

    from hingecheck.core.states import VerdictState
    from hingecheck.outputs.htmlreport import build_html

    clip = require_clips() / "clip30.mp4"
    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(require_model_dir("pose_landmarker_lite.task")))
    result = hingecheck.analyze(clip, exercise="rdl", model="lite")
    st = result.states
    assert st.state in (VerdictState.NOT_CHECKED, VerdictState.PARTLY_CHECKED), st
    from hingecheck.core.config import Thresholds
    th = Thresholds()
    # about 45-50 degrees off side-on: past the back's and the head's camera limits
    assert result.analysis.yaw > max(th.yaw_max_deg("rounded_back"), th.yaw_max_deg("dropped_head"))
    assert {"rounded_back", "dropped_head"} <= set(st.not_run)
    assert "verdict good" not in build_html(result.analysis, str(clip))
    assert result.to_dict()["state"]["state"] == st.state


@pytest.mark.model
def test_analyze_video_resolves_model_names(monkeypatch, tmp_path):
    """``analyze_video(..., "lite")`` finds the bundle as ``--model lite`` does (it used to
    fail with "Unable to open file at lite")."""
    from hingecheck.core.config import load_config
    from hingecheck.io import videoanalysis

    monkeypatch.setenv("HINGECHECK_MODEL_DIR", str(require_model_dir("pose_landmarker_lite.task")))
    seen = {}

    class Stop(Exception):
        pass

    def fake_pose_run(video, model_path, **kw):
        seen["model"], seen["kw"] = model_path, kw
        raise Stop

    monkeypatch.setattr(videoanalysis, "pose_run", fake_pose_run)
    with pytest.raises(Stop):
        videoanalysis.analyze_video(tmp_path / "x.mp4", "rdl", load_config().for_exercise("rdl"), "lite")
    assert str(seen["model"]).endswith("pose_landmarker_lite.task")
    assert (seen["kw"]["analysis_fps"], seen["kw"]["long_side"]) == (30, 640)
    with pytest.raises(hingecheck.HingecheckError, match="unknown model|does not exist"):
        videoanalysis.analyze_video(tmp_path / "x.mp4", "rdl", load_config().for_exercise("rdl"), "liet")
