"""Where tests find large assets kept outside the repository.

The pose bundles (and later the video clips) are too big to commit; CI points
environment variables at shared folders. Outside CI a missing asset skips the
test with the reason; in CI (``CI=true``) it fails, so a misconfigured runner
cannot pass by skipping everything.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]

# Let the tests import hingecheck from this checkout when it is not installed
# (appended, so an installed copy under test still wins).
if importlib.util.find_spec("hingecheck") is None and str(REPO_ROOT) not in sys.path:
    sys.path.append(str(REPO_ROOT))


def _missing(reason: str) -> NoReturn:
    """Skip the calling test because an asset is missing; fail instead when CI=true."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true, so a missing asset is a failure)", pytrace=False)
    pytest.skip(reason)


def _env_dir(var: str) -> Path:
    """The folder named by ``$var``, relative paths tried from the cwd then the repo root."""
    value = os.environ.get(var, "").strip()
    if not value:
        _missing(f"{var} is not set")
    raw = Path(value).expanduser()
    for candidate in (raw, REPO_ROOT / raw):
        if candidate.is_dir():
            return candidate.resolve()
    _missing(f"{var}={value} is not a folder")


def require_model_dir(*files: str) -> Path:
    """Return ``$HINGECHECK_MODEL_DIR`` as a Path, checking that it holds ``files``.

    E.g. ``require_model_dir("pose_landmarker_lite.task")``.
    """
    folder = _env_dir("HINGECHECK_MODEL_DIR")
    absent = [f for f in files if not (folder / f).is_file()]
    if absent:
        _missing(f"HINGECHECK_MODEL_DIR={folder} lacks {', '.join(absent)}")
    return folder


def require_clips() -> Path:
    """Return ``$HINGECHECK_CLIPS`` (the labelled real clips), which must hold labels.csv."""
    folder = _env_dir("HINGECHECK_CLIPS")
    if not (folder / "labels.csv").is_file():
        _missing(f"HINGECHECK_CLIPS={folder} has no labels.csv")
    return folder
