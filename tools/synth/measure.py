"""Run hingecheck on a rendered clip and compare with its ground truth.

Uses hingecheck's public pieces read-only: the CLI for verdicts (its JSON
report) and ``io.extract.extract_pose`` + ``core.geometry.hinge_features`` for the
per-frame measured angles. Angles in degrees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from tools.synth.angles import ANGLE_NAMES, feature_angles

COMPARED = ANGLE_NAMES


def model_path(name: str = "full") -> Path:
    """The pose bundle ``pose_landmarker_<name>.task`` in ``$HINGECHECK_MODEL_DIR``."""
    folder = os.environ.get("HINGECHECK_MODEL_DIR", "")
    path = Path(folder) / f"pose_landmarker_{name}.task"
    if not path.is_file():
        raise FileNotFoundError(f"no {path.name} in HINGECHECK_MODEL_DIR={folder!r}")
    return path


def analyze_cli(video: Path, exercise: str, model: str = "full") -> dict:
    """hingecheck's JSON report of ``video`` (subprocess of the CLI, no outputs but the JSON)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "hingecheck", "analyze", str(video), "--exercise", exercise,
               "--model", str(model_path(model)), "--json", str(out), "--no-video", "--no-html",
               "--no-history", "--quiet"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"hingecheck failed on {video}: {proc.stderr.strip()[-300:]}")
        return json.loads(out.read_text())


def verdicts(report: dict) -> list[set[str]]:
    """The faults flagged on each rep of a report."""
    return [{f["fault"] for f in rep.get("faults", [])} for rep in report.get("reps", [])]


def measured_angles(video: Path, model: str = "full") -> tuple[dict[str, np.ndarray], float]:
    """Per-frame measured angles of ``video`` and the fraction of frames with a person."""
    from hingecheck.core.geometry import hinge_features
    from hingecheck.io.extract import extract_pose
    run = extract_pose(video, model_path(model), segmentation=False, progress=False)
    return feature_angles(hinge_features(run.pose)), float(np.mean(run.pose.detected))


def angle_errors(measured: dict[str, np.ndarray], truth: dict) -> dict[str, dict[str, float]]:
    """Median and 95th-percentile absolute error (deg) per angle, over frames both have."""
    out = {}
    for k in COMPARED:
        m = measured[k]
        t = np.asarray(truth["per_frame"][k], float)[: len(m)]
        err = np.abs(m[: len(t)] - t)
        err = err[np.isfinite(err)]
        out[k] = {"median": float(np.median(err)) if err.size else float("nan"),
                  "p95": float(np.percentile(err, 95)) if err.size else float("nan"),
                  "bias": float(np.nanmedian(m[: len(t)] - t)) if err.size else float("nan")}
    return out
