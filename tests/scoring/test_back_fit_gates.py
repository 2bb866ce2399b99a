"""The back curve is measured from a kept contour with the config's ``back_fit_*`` gates,
also when ``tune`` (and the evaluation, which loads through it) read the score cache."""

from __future__ import annotations

import numpy as np
from synthetic import make_hinge

from hingecheck.apps.tune_cmd import TUNE_ANALYSIS, load_cases
from hingecheck.core.backline import SAMPLES
from hingecheck.core.config import Config, Thresholds
from hingecheck.io.extract import PoseRun, load_pose_run, save_pose_run
from hingecheck.scoring import layout
from hingecheck.scoring.cache import file_sha256, pose_key
from hingecheck.scoring.labels import ClipJob
from hingecheck.scoring.metrics import Label

#: residual of the kept contour's quadratic fit (chord lengths): passes the built-in gate
NOISE = 0.006


def _run() -> PoseRun:
    pose, _ = make_hinge(n_reps=1)
    n = pose.image.shape[0]
    u = (SAMPLES - SAMPLES.mean()) / (0.5 * (SAMPLES[-1] - SAMPLES[0]))
    hump = 0.05 * (1.0 - u * u)
    contour = hump[None, :] + np.random.default_rng(0).normal(0.0, NOISE, (n, SAMPLES.size))
    return PoseRun(pose, n, n, None, float(pose.timestamps[-1]) + 1 / 30, contour, *TUNE_ANALYSIS)


def test_load_pose_run_reads_the_back_curve_with_the_given_gates(tmp_path):
    save_pose_run(tmp_path / "p.npz", _run())
    assert Thresholds().back_fit_max_rms > 2 * NOISE
    built_in = load_pose_run(tmp_path / "p.npz").pose.back_curvature
    assert np.isfinite(built_in).mean() > 0.9
    np.testing.assert_allclose(np.nanmedian(built_in), 0.05, atol=0.01)
    strict = Thresholds().replace(back_fit_max_rms=NOISE / 4)
    assert np.isnan(load_pose_run(tmp_path / "p.npz", strict).pose.back_curvature).all()


def test_tune_cases_measure_the_back_with_the_configs_gates(tmp_path):
    video, model = tmp_path / "clip.mp4", tmp_path / "model.task"
    video.write_bytes(b"not a real video: only its hash keys the cache")
    model.write_bytes(b"nor a real model")
    key = pose_key(file_sha256(video), file_sha256(model), analysis_fps=TUNE_ANALYSIS[0], long_side=TUNE_ANALYSIS[1])
    path = layout.pose_file(layout.cache_dir(tmp_path / "out"), key)
    path.parent.mkdir(parents=True)
    save_pose_run(path, _run())
    job = ClipJob("clip.mp4", video, "rdl", Label("clip.mp4", "rdl", "side", frozenset(), frozenset()))
    strict = Config(Thresholds().replace(back_fit_max_rms=NOISE / 4), {})
    poses = []
    for config, measured in ((Config(), True), (strict, False)):
        cases, skipped = load_cases([job], {"clip.mp4": "s"}, tmp_path / "out", model, config)
        assert not skipped and len(cases) == 1
        back = cases[0].prepared.pose.back_curvature
        assert bool(np.isfinite(back).any()) is measured
        poses.append(cases[0].prepared.pose)
    # the rest of the landmarks are the same either way
    for name in ("image", "visibility", "timestamps"):
        np.testing.assert_array_equal(getattr(poses[0], name), getattr(poses[1], name))
