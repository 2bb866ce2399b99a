"""The core imports neither cv2 nor mediapipe; config loading and validation."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from assets import REPO_ROOT

PACKAGE = REPO_ROOT / "hingecheck"
CORE = sorted(p.stem for p in (PACKAGE / "core").glob("*.py") if p.stem != "__init__")
# a layer may import its own and the layers before it, never one after it
LAYERS = ["core", "io", "outputs", "scoring", "apps"]
FORBIDDEN_IN_CORE = {"cv2", "mediapipe", "av", "matplotlib", "tqdm", "sqlite3"}


def _imports(path):
    """Top-level module names imported anywhere in ``path`` (absolute, as written)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative imports would hide a layer crossing
                yield "." * node.level + (node.module or "")
            elif node.module:
                yield node.module


def test_core_is_found_by_glob():
    assert {"landmarks", "geometry", "reps", "rules", "analysis", "stream"} <= set(CORE)


def test_core_imports_without_cv2_or_mediapipe():
    code = (
        "import sys\n"
        + "".join(f"sys.modules[{m!r}] = None\n" for m in sorted(FORBIDDEN_IN_CORE))  # importing one raises
        + f"sys.path.insert(0, {str(REPO_ROOT)!r})\n"
        + "".join(f"import hingecheck.core.{m}\n" for m in CORE)
        + "bad = sorted(k for k, v in sys.modules.items() if v is not None and k.startswith('hingecheck.')"
          " and not k.startswith('hingecheck.core'))\n"
        + "assert not bad, bad\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_import_only_layers_before_them(layer):
    allowed = set(LAYERS[:LAYERS.index(layer) + 1])
    bad = []
    for path in sorted((PACKAGE / layer).glob("*.py")):
        for mod in _imports(path):
            parts = mod.split(".")
            if mod.startswith("."):
                bad.append(f"{path.name}: relative import {mod}")
            elif parts[0] == "hingecheck" and len(parts) > 1 and parts[1] in LAYERS and parts[1] not in allowed:
                bad.append(f"{path.name}: {mod}")
            elif layer == "core" and parts[0] in FORBIDDEN_IN_CORE:
                bad.append(f"{path.name}: {mod}")
    assert not bad, bad


def test_profiles_differ_by_exercise():
    from hingecheck.core.config import EXERCISES, load_config
    cfg = load_config()
    limits = {e: cfg.for_exercise(e).excess_knee_flexion_deg for e in EXERCISES}
    assert limits["rdl"] < limits["kettlebell_deadlift"] < limits["deadlift"]


def test_toml_overrides(tmp_path):
    from hingecheck.core.config import load_config
    p = tmp_path / "c.toml"
    p.write_text("[default]\nlean_back_deg = 7\n[profiles.rdl]\nexcess_knee_flexion_deg = 40\n")
    cfg = load_config(p)
    assert cfg.for_exercise("deadlift").lean_back_deg == 7
    assert cfg.for_exercise("rdl").excess_knee_flexion_deg == 40
    from hingecheck.core.config import PROFILE_OVERRIDES
    kept = PROFILE_OVERRIDES["deadlift"]["excess_knee_flexion_deg"]
    assert cfg.for_exercise("deadlift").excess_knee_flexion_deg == kept  # profile kept


@pytest.mark.parametrize("text,needle", [
    ("[default]\nlean_back_deg = 'x'\n", "expected a number"),
    ("[profiles.squat]\nlean_back_deg = 3\n", "unknown exercise"),
    ("[nonsense]\n", "unknown section"),
    ("[default\n", "not valid TOML"),
])
def test_bad_toml_is_a_clear_error(tmp_path, text, needle):
    from hingecheck.core.config import load_config
    from hingecheck.core.errors import HingecheckError
    p = tmp_path / "c.toml"
    p.write_text(text)
    with pytest.raises(HingecheckError, match=needle):
        load_config(p)


def test_unknown_exercise():
    from hingecheck.core.config import load_config
    from hingecheck.core.errors import HingecheckError
    with pytest.raises(HingecheckError, match="unknown exercise"):
        load_config().for_exercise("squat")


def test_public_names_resolve():
    import hingecheck
    for name in hingecheck.__all__:
        assert getattr(hingecheck, name) is not None, name
    assert hingecheck.analyze_pose.__module__ == "hingecheck.core.analysis"


def test_one_calibration_search_for_the_file_and_the_stream():
    """find_calibration finds the first still second ending before the first bottom; the
    stream asks only about the second ending at its newest frame (``after``)."""
    import numpy as np

    from hingecheck.core.calibration import find_calibration
    from hingecheck.core.config import load_config
    th = load_config().for_exercise("rdl")
    t = np.arange(150) / 30.0
    hip = np.where(t < 1.5, 3.0, np.where(t < 2.5, 60.0, 3.0))   # still, a rep, still again
    trunk, neck = np.full_like(t, 5.0), np.full_like(t, 20.0)
    first = find_calibration(t, hip, trunk, neck, th, before=t.size)
    assert first is not None and first.frames == (0, 27) and first.trunk_angle == 5.0  # 0.9 s is enough
    assert find_calibration(t, hip, trunk, neck, th, before=27) is None       # not a second yet
    assert find_calibration(t, hip, trunk, neck, th, before=70, after=50) is None  # the rep in every window
    late = find_calibration(t, hip, trunk, neck, th, before=t.size, after=50)
    assert late is not None and late.frames == (75, 105)
