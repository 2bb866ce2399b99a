"""The committed synthetic sample clips (sample_videos/, made by tools/synth).

Needs no renderer: each clip is analysed by the ``hingecheck analyze`` CLI
with the full pose model from ``$HINGECHECK_MODEL_DIR`` (missing → skip,
or fail with CI=true, as in tests/assets.py) and compared with the
ground truth committed beside it (``X.truth.json``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from assets import REPO_ROOT, require_model_dir

SAMPLES = REPO_ROOT / "sample_videos"
MODEL = "pose_landmarker_full.task"
#: the clips whose verdict is asserted: clip → the fault every rep must show (None = clean).
#: good_single_leg_rdl is left out: one of its 4 reps gets a mild rounded_back today
EXPECTED = {
    "good_hinge": None, "good_rdl": None, "good_kettlebell_deadlift": None, "good_morning": None,
    "squatting": "squatting", "rounded_back": "rounded_back", "hyperextension": "hyperextension",
    "dropped_head": "dropped_head", "hips_rise_first": "hips_rise_first",
    "excess_knee_bend": "excess_knee_bend", "incomplete_lockout": "incomplete_lockout",
}
#: other faults the current rules also flag on a clip (allowed, not required): a dropped head
#: moves the ear off the ear-hip line the rounded-back rule uses, and a rounded upper back
#: flexes the neck against the trunk
ALSO_FLAGGED = {"dropped_head": {"rounded_back"}, "rounded_back": {"dropped_head"}}
#: angle error bounds (deg), median and 95th percentile; measured on the full model:
#: good_hinge hip 1.5/5.6, knee 3.4/7.2, trunk 0.9/2.0; good_rdl hip 3.9/10.4, knee 6.4/10.7,
#: trunk 1.3/2.9 (the bar hides the hip a little)
ANGLE_BOUNDS = {"hip_angle": (6.0, 14.0), "knee_angle": (9.0, 14.0), "trunk_angle": (3.0, 5.0)}
SIDE_VIEW_SAMPLES = sorted(p.stem for p in SAMPLES.glob("*.mp4"))


def _truth(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.truth.json").read_text())


def _frame_count(video: Path) -> int:
    import av
    with av.open(str(video)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_every_sample_has_params_truth_and_matching_frame_count():
    assert SIDE_VIEW_SAMPLES, "no sample clip in sample_videos/"
    for name in SIDE_VIEW_SAMPLES:
        assert (SAMPLES / f"{name}.params.json").is_file(), name
        truth = _truth(name)
        n = _frame_count(SAMPLES / f"{name}.mp4")
        assert truth["frames"] == n, f"{name}: truth has {truth['frames']} frames, the clip {n}"
        assert all(len(v) == n for v in truth["per_frame"].values()), name
        assert all(0 <= r["start"] < r["bottom"] < r["end"] < n for r in truth["reps"]), name


#: ``hingecheck analyze`` as ``python -m hingecheck`` runs it, its landmarks also kept in the
#: ``.npz`` named first (:func:`~hingecheck.io.extract.save_pose_run`), so a test that reads a
#: sample's landmarks does not run the pose model over it again
_ANALYZE_KEEPING_POSES = """
import runpy, sys
import hingecheck.io.videoanalysis as va
from hingecheck.io.extract import save_pose_run
keep, real = sys.argv.pop(1), va.pose_run
def pose_run(*args, **kwargs):
    run = real(*args, **kwargs)
    save_pose_run(keep, run)
    return run
va.pose_run = pose_run
runpy.run_module("hingecheck", run_name="__main__", alter_sys=True)
"""


def _analyze(name: str, model_dir: Path, out_dir: Path) -> dict:
    out = out_dir / f"{name}.json"
    cmd = [sys.executable, "-c", _ANALYZE_KEEPING_POSES, str(out_dir / f"{name}.pose.npz"),
           "analyze", str(SAMPLES / f"{name}.mp4"),
           "--exercise", _truth(name)["exercise"], "--json", str(out), "--no-video", "--no-html",
           "--no-history", "--quiet"]
    env = dict(os.environ, HINGECHECK_MODEL_DIR=str(model_dir))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=out_dir)
    assert proc.returncode == 0, proc.stderr[-500:]
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def sample_runs(tmp_path_factory):
    """Every sample's JSON report from the CLI (2 at a time), and the folder that keeps the
    landmarks each of those runs extracted (``NAME.pose.npz``)."""
    model_dir = require_model_dir(MODEL)
    out = tmp_path_factory.mktemp("samples")
    with ThreadPoolExecutor(2) as pool:
        return dict(zip(SIDE_VIEW_SAMPLES, pool.map(lambda n: _analyze(n, model_dir, out), SIDE_VIEW_SAMPLES))), out


@pytest.fixture(scope="module")
def reports(sample_runs):
    """Every sample's JSON report from the CLI."""
    return sample_runs[0]


def test_mediapipe_finds_the_lifter_in_99_percent_of_frames(reports):
    for name, rep in reports.items():
        assert rep["person_detected_fraction"] >= 0.99, name
        assert rep["view"] == "side", name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_verdicts(reports, name):
    truth, rep = _truth(name), reports[name]
    assert len(rep["reps"]) == len(truth["reps"]), f"{name}: {len(rep['reps'])} reps found"
    expected = EXPECTED[name]
    allowed = ({expected} if expected else set()) | ALSO_FLAGGED.get(name, set())
    for r in rep["reps"]:
        flagged = {f["fault"] for f in r["faults"]}
        assert r["judged"], (name, r["index"], r["cant_judge"])
        assert expected is None or expected in flagged, (name, r["index"], flagged)
        assert flagged <= allowed, (name, r["index"], flagged)


def test_measured_angles_agree_with_ground_truth(sample_runs):
    """hip/knee/trunk from MediaPipe vs the rendered truth on the clean clips: the landmarks the
    CLI runs above extracted (the samples are 30 fps and 640 px wide, so the default rate and
    size are every frame at the source's size; the person mask leaves the landmarks as they are)."""
    from hingecheck.core.geometry import hinge_features
    from hingecheck.io.extract import load_pose_run
    from tools.synth.angles import feature_angles
    kept = sample_runs[1]
    for name in ("good_hinge", "good_rdl"):
        run = load_pose_run(kept / f"{name}.pose.npz")
        assert run is not None and run.frames_read == len(run.pose) == _truth(name)["frames"], name
        feat = feature_angles(hinge_features(run.pose))
        truth = _truth(name)["per_frame"]
        for angle, (med_max, p95_max) in ANGLE_BOUNDS.items():
            err = np.abs(np.asarray(feat[angle]) - np.asarray(truth[angle]))
            err = err[np.isfinite(err)]
            assert err.size >= 0.99 * len(truth[angle]), (name, angle)
            assert np.median(err) <= med_max and np.percentile(err, 95) <= p95_max, \
                (name, angle, float(np.median(err)), float(np.percentile(err, 95)))
