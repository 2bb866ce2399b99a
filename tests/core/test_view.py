"""The camera's yaw from world landmarks (hingecheck.core.view) and the per-fault yaw gates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import Config, Thresholds
from hingecheck.core.judging import WHOLE_REP
from hingecheck.core.kinds import View
from hingecheck.core.landmarks import NUM_LANDMARKS, Landmark
from hingecheck.core.view import frame_yaw, median_yaw
from hingecheck.outputs.wording import reason_text


def _world(yaw_deg: float, half_width=(0.15, 0.2), n=3) -> np.ndarray:
    """Hips and shoulders of a lifter turned ``yaw_deg`` off side-on (metres, camera axes)."""
    w = np.full((n, NUM_LANDMARKS, 3), np.nan)
    a = np.radians(yaw_deg)
    axis = np.array([np.sin(a), 0.0, np.cos(a)])  # the lifter's left-right axis
    for (left, right), hw, y in (((Landmark.LEFT_HIP, Landmark.RIGHT_HIP), half_width[0], 0.0),
                                 ((Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER), half_width[1], -0.5)):
        w[:, left] = [0.0, y, 0.0] - hw * axis
        w[:, right] = [0.0, y, 0.0] + hw * axis
    return w


@pytest.mark.parametrize("yaw", [0.0, 10.0, 30.0, 45.0, 60.0, 89.0])
def test_frame_yaw_recovers_the_turn(yaw):
    assert frame_yaw(_world(yaw)) == pytest.approx(np.full(3, yaw), abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(yaw=st.floats(-180, 180), tilt=st.floats(-20, 20), width=st.floats(0.08, 0.3))
def test_frame_yaw_is_folded_and_ignores_which_side_is_near(yaw, tilt, width):
    """Any turn about the vertical reads as its angle off the depth axis, folded into
    0-90; swapping left and right, or a lean of the axis up or down, changes nothing."""
    w = _world(yaw, (width, width))
    t = np.radians(tilt)
    w[..., 1] += np.tan(t) * w[..., 0]  # tip the axis in the image's vertical
    expected = np.degrees(np.arctan2(abs(np.sin(np.radians(yaw))), abs(np.cos(np.radians(yaw)))))
    got = frame_yaw(w)
    assert got == pytest.approx(np.full(3, expected), abs=1e-6)
    swapped = w.copy()
    for left, right in ((Landmark.LEFT_HIP, Landmark.RIGHT_HIP), (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)):
        swapped[:, [left, right]] = w[:, [right, left]]
    assert frame_yaw(swapped) == pytest.approx(got, abs=1e-9)
    assert 0.0 <= got.min() and got.max() <= 90.0


def test_frame_yaw_nan_behaviour():
    w = _world(30.0)
    w[0] = np.nan                      # no person: NaN
    w[1, Landmark.LEFT_SHOULDER] = np.nan  # shoulders missing: the hips alone
    w[2, Landmark.RIGHT_HIP] = w[2, Landmark.LEFT_HIP]  # a zero-length hip axis: the shoulders alone
    got = frame_yaw(w)
    assert np.isnan(got[0])
    assert got[1:] == pytest.approx([30.0, 30.0])
    assert median_yaw(got) == pytest.approx(30.0)
    assert np.isnan(median_yaw(np.full(4, np.nan)))


def _analyze(fault, yaw, exercise="hip_hinge"):
    pose, _ = make_hinge(n_reps=3, fault=fault, world_yaw_deg=yaw)
    return analyze_pose(pose, exercise, Config().for_exercise(exercise))


@pytest.mark.parametrize("fault", ["rounded_back", "dropped_head", "squatting"])
def test_a_fault_is_judged_side_on_and_said_cant_judge_past_its_yaw_limit(fault):
    th = Thresholds()
    side = _analyze(fault, 5.0)
    assert side.view == View.SIDE and side.yaw == pytest.approx(5.0, abs=0.5)
    assert all(fault in v.faults for v in side.reps if v.rep.complete)
    limit = th.yaw_max_deg(fault)
    far = _analyze(fault, min(limit + 10.0, 0.5 * (limit + th.yaw_front_min_deg)))  # past it, not facing
    assert far.view == View.OBLIQUE
    for v in (r for r in far.reps if r.rep.complete):
        assert fault not in v.faults
        reason = reason_text(v.cant_judge[fault])
        assert "off side-on" in reason and f"needs {th.yaw_max_deg(fault):.0f}°" in reason


def test_each_fault_has_its_own_limit():
    """Between the back's limit and the hips' limit, the back is not judged and the hips' rise is."""
    th = Thresholds()
    yaw = 0.5 * (th.yaw_max_deg("rounded_back") + th.yaw_max_deg("hips_rise_first"))
    a = _analyze(None, yaw)
    for v in (r for r in a.reps if r.rep.complete):
        assert "rounded_back" in v.cant_judge and "hips_rise_first" not in v.cant_judge


def test_facing_the_camera_judges_nothing():
    a = _analyze(None, Thresholds().yaw_front_min_deg + 5.0)
    assert a.view == View.FRONT
    assert a.reps and all(WHOLE_REP in v.cant_judge for v in a.reps)
    assert "facing the camera" in reason_text(a.reps[0].cant_judge[WHOLE_REP])


def test_without_world_landmarks_the_side_on_ratio_still_gates():
    pose, _ = make_hinge(n_reps=2, fault="rounded_back")
    assert pose.world is None
    a = analyze_pose(pose, "hip_hinge", Config().for_exercise("hip_hinge"))
    assert np.isnan(a.yaw)
    assert all("rounded_back" in v.faults for v in a.reps if v.rep.complete)


def test_every_threshold_has_a_unit_a_provenance_and_a_range():
    """A number that decides a verdict is in the config with its unit, range and origin."""
    from dataclasses import fields

    from hingecheck.core.config import RANGES, THRESHOLD_INFO
    from hingecheck.core.faults import FAULTS

    names = {f.name for f in fields(Thresholds)}
    assert set(THRESHOLD_INFO) == names and set(RANGES) == names
    assert {p for _, p in THRESHOLD_INFO.values()} <= {"fitted", "measured", "hand-set"}
    tuned = {k.key for spec in FAULTS.values() for k in spec.knobs}
    assert {n for n, (_, p) in THRESHOLD_INFO.items() if p == "fitted"} == tuned


@pytest.mark.parametrize("yaw", [0.0, 25.0, 50.0, 75.0])
@pytest.mark.parametrize("facing", [1, -1])
def test_world_landmarks_turned_side_on_give_the_true_angles(yaw, facing):
    """sagittal_points undoes the camera's yaw: the hinge measured on it matches the truth."""
    from hingecheck.core.geometry import LEFT, hinge_features_arrays
    from hingecheck.core.view import sagittal_points

    pose, truth = make_hinge(n_reps=2, facing=facing, world_yaw_deg=yaw)
    virtual = sagittal_points(pose.world)
    feat = hinge_features_arrays(virtual, np.ones(virtual.shape[:2]), LEFT, 1.0, (10**6, 10**6))
    for key in ("hip_flexion", "knee_flexion", "trunk_angle", "neck_angle", "shin_angle"):
        assert np.nanmax(np.abs(getattr(feat, key) - truth[key])) < 0.5, key


def test_world_measures_replace_the_image_ones_only_past_their_yaw():
    from hingecheck.core.geometry import WORLD_MEASURES, hinge_features, with_world_measures

    pose, _ = make_hinge(n_reps=2, world_yaw_deg=40.0)
    feat = hinge_features(pose)
    bent = feat.__class__(**{**{k: getattr(feat, k) for k in feat.ARRAY_FIELDS},
                             "trunk_angle": feat.trunk_angle + 30.0, "side": feat.side, "facing": feat.facing})
    assert with_world_measures(bent, pose.world, 60.0) is bent          # nearer side-on than the switch
    assert with_world_measures(bent, None, 0.0) is bent                  # no world landmarks
    swapped = with_world_measures(bent, pose.world, 30.0)
    assert np.nanmax(np.abs(swapped.trunk_angle - feat.trunk_angle)) < 0.5   # the world's, not the bent image's
    assert set(WORLD_MEASURES) >= {"hip_flexion", "trunk_angle", "neck_angle"}
    assert swapped.knee_flexion is bent.knee_flexion
