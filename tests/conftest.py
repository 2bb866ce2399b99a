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
