import os
import sys
from pathlib import Path

# tests import their helpers (assets, synthetic) as top-level modules
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Asset folders may be given relative to the repository (the README's
# command uses ../shared/...); make them absolute so that tests running the
# CLI in another working directory see the same folders.
_REPO = Path(__file__).resolve().parents[1]
for _var in ("HINGECHECK_MODEL_DIR", "HINGECHECK_CLIPS"):
    _value = os.environ.get(_var, "").strip()
    if _value and not Path(_value).is_absolute():
        for _base in (Path.cwd(), _REPO):
            if (_base / _value).is_dir():
                os.environ[_var] = str((_base / _value).resolve())
                break

# Every analyze/live run appends to the training history: keep the test
# run's history out of the user's data directory (tests that look at the
# history point HINGECHECK_HOME at their own tmp folder).
import atexit as _atexit
import shutil as _shutil
import tempfile as _tempfile

_HOME = _tempfile.mkdtemp(prefix="hingecheck-test-home-")
os.environ["HINGECHECK_HOME"] = _HOME
_atexit.register(_shutil.rmtree, _HOME, True)


# ---------------------------------------------------------------- clip fixtures
# Shared by test_clips.py and test_analysis_rate.py: one ``hingecheck tune`` per
# session fills the pose cache (every frame, full size, full model) that both read.
import json as _json

import pytest as _pytest


@_pytest.fixture(scope="session")
def pose_cache(tmp_path_factory):
    """A score output folder whose cache holds every clip's landmarks (full model)."""
    return tmp_path_factory.mktemp("scores")


@_pytest.fixture(scope="session")
def tuned(pose_cache, tmp_path_factory):
    """The JSON report of ``hingecheck tune`` on both label files, held out by source, with the
    lockbox's sources (hingecheck.scoring.lockbox) left out: they are scored once, apart."""
    from assets import require_clips, require_model_dir

    from hingecheck.apps.cli import main
    from hingecheck.scoring.lockbox import lockbox_for_folder

    folder = require_clips()
    lockbox = lockbox_for_folder(folder)[0]
    model_dir = require_model_dir("pose_landmarker_full.task")
    out = tmp_path_factory.mktemp("tune")
    rc = main(["tune", str(folder / "labels.csv"), str(folder / "labels-more.csv"),
               "--sources", str(folder / "sources.csv"), "--cache", str(pose_cache), "--workers", "2",
               "--model", str(model_dir / "pose_landmarker_full.task"), "--out", str(out / "profile.toml"),
               "--report", str(out / "tune.json"), "--quiet", "--exclude-sources", ",".join(lockbox)])
    assert rc == 0
    return _json.loads((out / "tune.json").read_text()), out / "profile.toml"


@_pytest.fixture(scope="session")
def clip02_analyzed(tmp_path_factory):
    """``hingecheck analyze clip02.mp4`` (lite model; the JSON report, the annotated video,
    the HTML report and the history entry), run once for the session, in-process:
    (exit status, its folder, what it printed). Shared by test_clips.py (the command end to
    end) and test_report_html.py (the page in Chromium), which asked for the same run."""
    import contextlib
    import io

    from assets import require_clips, require_model_dir

    from hingecheck.apps.cli import main

    folder = require_clips()
    model_dir = require_model_dir("pose_landmarker_lite.task")
    out = tmp_path_factory.mktemp("clip02-analyze")
    printed = io.StringIO()
    with _pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(printed):
        mp.setenv("HINGECHECK_MODEL_DIR", str(model_dir))
        mp.setenv("HINGECHECK_HOME", str(out / "home"))
        rc = main(["analyze", str(folder / "clip02.mp4"), "--exercise", "kettlebell_deadlift", "--model", "lite",
                   "--json", str(out / "clip02.json"), "--video", str(out / "clip02.annotated.mp4"), "--quiet"])
    return rc, out, printed.getvalue()


# ---------------------------------------------------------------- tiers
# The fast tier (``pytest -m "not clips and not model"``, run first by .ci/run)
# needs neither the pose model nor the real clips. A test module that names
# the model anywhere is marked ``model`` as a whole; one that reads the clips
# (or marks itself ``clips``) is marked ``clips``. A module that sets
# ``EXPLICIT_TIERS = True`` names the model for tests that do not need it (a
# fake bundle's file name, the variable pointed elsewhere): its own ``model`` and
# ``clips`` marks alone decide, test by test.
_MODEL_WORDS = ("require_model_dir", "HINGECHECK_MODEL_DIR", "pose_landmarker")
_CLIP_WORDS = ("require_clips", "HINGECHECK_CLIPS")
_module_words: dict[str, tuple[bool, bool]] = {}


def _module_needs(path) -> tuple[bool, bool]:
    key = str(path)
    if key not in _module_words:
        try:
            text = Path(key).read_text(encoding="utf-8")
        except OSError:
            text = ""
        _module_words[key] = (any(w in text for w in _MODEL_WORDS), any(w in text for w in _CLIP_WORDS))
    return _module_words[key]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not getattr(getattr(item, "module", None), "EXPLICIT_TIERS", False):
            needs_model, needs_clips = _module_needs(item.path)
            if needs_model and "model" not in item.keywords:
                item.add_marker(_pytest.mark.model)
            if needs_clips and "clips" not in item.keywords:
                item.add_marker(_pytest.mark.clips)
        # ``slow`` (``-m "not slow"`` leaves the long ones out of a quick run) is never in the fast tier
        if "slow" in item.keywords and "model" not in item.keywords and "clips" not in item.keywords:
            raise _pytest.UsageError(f"{item.nodeid}: a slow test must be in the model or clips tier")
