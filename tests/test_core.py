"""The core imports neither cv2 nor mediapipe; config loading and validation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from assets import REPO_ROOT

CORE = ["landmarks", "geometry", "backline", "reps", "rules", "config", "faults", "analysis",
        "timeline", "report"]


def test_core_imports_without_cv2_or_mediapipe():
    code = (
        "import sys\n"
        "sys.modules['cv2'] = None\n"         # any import of cv2 now raises ImportError
        "sys.modules['mediapipe'] = None\n"
        f"sys.path.insert(0, {str(REPO_ROOT)!r})\n"
        + "".join(f"import hingecheck.{m}\n" for m in CORE)
        + "assert 'cv2' not in [k for k, v in sys.modules.items() if v is not None]\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_profiles_differ_by_exercise():
    from hingecheck.config import EXERCISES, load_config
    cfg = load_config()
    limits = {e: cfg.for_exercise(e).excess_knee_flexion_deg for e in EXERCISES}
    assert limits["rdl"] < limits["kettlebell_deadlift"] < limits["deadlift"]


def test_toml_overrides(tmp_path):
    from hingecheck.config import load_config
    p = tmp_path / "c.toml"
    p.write_text("[default]\nlean_back_deg = 7\n[profiles.rdl]\nexcess_knee_flexion_deg = 40\n")
    cfg = load_config(p)
    assert cfg.for_exercise("deadlift").lean_back_deg == 7
    assert cfg.for_exercise("rdl").excess_knee_flexion_deg == 40
    from hingecheck.config import PROFILE_OVERRIDES
    kept = PROFILE_OVERRIDES["deadlift"]["excess_knee_flexion_deg"]
    assert cfg.for_exercise("deadlift").excess_knee_flexion_deg == kept  # profile kept


@pytest.mark.parametrize("text,needle", [
    ("[default]\nlean_back_deg = 'x'\n", "expected a number"),
    ("[profiles.squat]\nlean_back_deg = 3\n", "unknown exercise"),
    ("[nonsense]\n", "unknown section"),
    ("[default\n", "not valid TOML"),
])
def test_bad_toml_is_a_clear_error(tmp_path, text, needle):
    from hingecheck.config import load_config
    from hingecheck.errors import HingecheckError
    p = tmp_path / "c.toml"
    p.write_text(text)
    with pytest.raises(HingecheckError, match=needle):
        load_config(p)


def test_unknown_exercise():
    from hingecheck.config import load_config
    from hingecheck.errors import HingecheckError
    with pytest.raises(HingecheckError, match="unknown exercise"):
        load_config().for_exercise("squat")
