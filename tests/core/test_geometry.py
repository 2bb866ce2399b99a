"""hingecheck.core.geometry: hand-made cases, the synthetic lifter, and invariances."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import FAULTS, make_hinge

from hingecheck.core.geometry import facing_direction, hinge_features, hinge_features_arrays, side_on_ratio
from hingecheck.core.landmarks import LEFT, NUM_LANDMARKS, RIGHT
from hingecheck.core.vectors import inclination_from_vertical, joint_angle, point_line_offset, signed_angle_between

ANGLES = ("hip_flexion", "knee_flexion", "shin_angle", "trunk_angle", "neck_angle")
#: every dimensionless/angle field that does not depend on absolute x
SHAPE_FIELDS = ANGLES + ("spine_alignment", "side_on", "reliability")
JOINT_FIELDS = ("hip_flexion", "knee_flexion", "neck_angle", "spine_alignment")
PROPS = settings(max_examples=40, deadline=None)


def _same(a, b, atol=1e-4, err_msg=""):
    np.testing.assert_allclose(a, b, atol=atol, rtol=0, equal_nan=True, err_msg=err_msg)


@functools.lru_cache(maxsize=None)
def _clip(fault=None, facing=1, start="standing"):
    """A short noise-free clip (cached; callers must not mutate it)."""
    return make_hinge(n_reps=1, fps=15, rep_s=2.0, pause_s=0.4, fault=fault, facing=facing,
                      start=start)


def _with_image(pose, image):
    return dataclasses.replace(pose, image=image)


def _roll(image, deg, centre):
    """Rotate image points about ``centre``; positive turns the content CCW on screen."""
    r = np.radians(deg)
    d = image - centre
    return centre + np.stack([d[..., 0] * np.cos(r) + d[..., 1] * np.sin(r),
                              -d[..., 0] * np.sin(r) + d[..., 1] * np.cos(r)], axis=-1)


clips = st.tuples(st.sampled_from([None, *FAULTS]), st.sampled_from([1, -1]),
                  st.sampled_from(["standing", "bottom"]))

# ---------------------------------------------------------------------------
# primitives on hand-made points


def test_joint_angle_right_and_straight():
    assert joint_angle([1, 0], [0, 0], [0, 1]) == pytest.approx(90.0)
    assert joint_angle([-1, 0], [0, 0], [1, 0]) == pytest.approx(180.0)
    assert joint_angle([2, 0], [0, 0], [5, 0]) == pytest.approx(0.0)
    assert joint_angle([1, 0, 0], [0, 0, 0], [0, 0, 3]) == pytest.approx(90.0)
    # vectorised over frames
    a = np.array([[1, 0], [-1, 0], [1, 1]])
    c = np.array([[0, 1], [1, 0], [1, 0]])
    np.testing.assert_allclose(joint_angle(a, np.zeros((3, 2)), c), [90, 180, 45])


def test_joint_angle_nan_and_coincident_points_give_nan():
    assert np.isnan(joint_angle([np.nan, 0], [0, 0], [0, 1]))
    assert np.isnan(joint_angle([1, 0], [0, np.nan], [0, 1]))
    assert np.isnan(joint_angle([0, 0], [0, 0], [0, 1]))  # A == B
    assert np.isnan(joint_angle([1, 0], [0, 0], [0, 0]))  # C == B
    out = joint_angle(np.array([[1, 0], [np.nan, 0], [0, 0]]), np.zeros((3, 2)),
                      np.array([[0, 1], [0, 1], [0, 1]]))
    assert out[0] == pytest.approx(90.0) and np.isnan(out[1:]).all()


def test_inclination_and_signed_angles_are_in_the_lifters_frame():
    base = [100.0, 500.0]
    up_forward_right = [110.0, 490.0]  # y down: tip above and to the right
    assert inclination_from_vertical(base, up_forward_right, +1) == pytest.approx(45.0)
    assert inclination_from_vertical(base, up_forward_right, -1) == pytest.approx(-45.0)
    assert inclination_from_vertical(base, [100.0, 400.0], 1) == pytest.approx(0.0)
    assert np.isnan(inclination_from_vertical(base, base, 1))
    # the head turned forward/down against an upright trunk is positive flexion
    assert signed_angle_between([0, -1], [1, 0], +1) == pytest.approx(90.0)
    assert signed_angle_between([0, -1], [-1, 0], -1) == pytest.approx(90.0)
    assert np.isnan(signed_angle_between([0, 0], [1, 0], 1))
    # a point above a horizontal ear->hip line is on the positive (back) side
    ear, hip = [200.0, 300.0], [0.0, 300.0]  # facing right: ear forward of hip
    assert point_line_offset([100.0, 290.0], ear, hip, +1) == pytest.approx(0.05)
    assert point_line_offset([100.0, 310.0], ear, hip, +1) == pytest.approx(-0.05)
    assert np.isnan(point_line_offset([1.0, 1.0], hip, hip, 1))


# ---------------------------------------------------------------------------
# the synthetic lifter


@pytest.mark.parametrize("start", ["standing", "bottom"])
@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("fault", [None, *FAULTS])
def test_hinge_features_reproduce_the_models_angles(fault, facing, start):
    pose, truth = make_hinge(n_reps=2, fps=30, fault=fault, facing=facing, start=start)
    f = hinge_features(pose)
    assert f.side.name == truth["side"] and f.facing == facing
    for name in ANGLES:
        _same(getattr(f, name), truth[name], atol=1.0, err_msg=name)
    _same(f.spine_alignment, truth["spine_alignment"], atol=0.005)
    np.testing.assert_allclose(f.reliability, 0.95)


def test_model_bottom_poses_are_the_documented_ones():
    expect = {None: (87, 25, 8, 70, 0), "squatting": (95, 110, 40, 25, 0),
              "excess_knee_bend": (110, 75, 25, 60, 0), "dropped_head": (87, 25, 8, 70, 35),
              "rounded_back": (87, 25, 8, 70, 20)}
    for fault, (hip, knee, shin, trunk, neck) in expect.items():
        pose, truth = make_hinge(n_reps=1, fault=fault)
        f = hinge_features(pose)
        b = truth["reps"][0]["bottom"]
        got = (f.hip_flexion[b], f.knee_flexion[b], f.shin_angle[b], f.trunk_angle[b], f.neck_angle[b])
        np.testing.assert_allclose(got, (hip, knee, shin, trunk, neck), atol=0.5, err_msg=str(fault))
    rb = hinge_features(make_hinge(n_reps=1, fault="rounded_back")[0])
    assert np.max(rb.spine_alignment) > 0.04
    hyper_pose, hyper = make_hinge(n_reps=1, fault="hyperextension")
    assert hinge_features(hyper_pose).trunk_angle[hyper["reps"][0]["end"]] == pytest.approx(-20, abs=0.5)
    lock_pose, lock = make_hinge(n_reps=1, fault="incomplete_lockout")
    assert hinge_features(lock_pose).hip_flexion[lock["reps"][0]["end"]] == pytest.approx(25, abs=0.5)
    # hips rise first: 40% into the ascent the knees are straight, the trunk still down
    hrf_pose, hrf = make_hinge(n_reps=1, fault="hips_rise_first", fps=60)
    r = hrf["reps"][0]
    f = hinge_features(hrf_pose)
    i = int(np.argmin(np.abs(hrf["t"] - (r["bottom_t"] + 0.4 * r["up_s"]))))
    assert f.knee_flexion[i] < 1.0
    assert f.trunk_angle[i] > f.trunk_angle[r["bottom"]] + 4.0
    assert np.all(f.trunk_angle[r["bottom"]:i + 1] >= f.trunk_angle[r["bottom"]] - 0.5)


def test_camera_roll_keeps_joint_angles_and_tilts_trunk_and_shin():
    for facing in (1, -1):
        pose, truth = make_hinge(n_reps=1, facing=facing, camera_rotation_deg=7.0)
        f = hinge_features(pose)
        for name in ("hip_flexion", "knee_flexion", "neck_angle"):
            _same(getattr(f, name), truth[name], atol=1e-4, err_msg=name)
        # content turned CCW on screen: the lifter's "forward" tilts by -facing * roll
        _same(f.trunk_angle, truth["trunk_angle"] - facing * 7.0, atol=1e-6)
        _same(f.shin_angle, truth["shin_angle"] - facing * 7.0, atol=1e-6)


def test_noisy_landmarks_stay_close_to_the_truth():
    pose, truth = make_hinge(n_reps=2, noise_px=1.0, seed=3)
    f = hinge_features(pose)
    for name in ("hip_flexion", "knee_flexion", "trunk_angle"):
        err = getattr(f, name) - truth[name]
        assert np.sqrt(np.mean(err ** 2)) < 1.0, name


def test_side_on_ratio_tells_side_view_from_front_view():
    side_pose, _ = make_hinge(n_reps=2, view="side")
    front_pose, _ = make_hinge(n_reps=2, view="front")
    assert np.nanmax(side_on_ratio(side_pose.image)) < 0.2
    assert np.nanmin(side_on_ratio(front_pose.image)) > 0.5
    assert np.nanmax(hinge_features(side_pose).side_on) < 0.2


def test_facing_direction_from_feet_and_head():
    for facing in (1, -1):
        pose, _ = make_hinge(n_reps=1, facing=facing)
        assert facing_direction(pose.image, RIGHT) == facing
        assert facing_direction(pose.image, LEFT) == facing
    assert facing_direction(np.full((3, NUM_LANDMARKS, 2), np.nan), LEFT) == 1.0


def test_the_nearer_side_is_chosen():
    for facing in (1, -1):
        for near in ("left", "right"):
            pose, truth = make_hinge(n_reps=1, facing=facing, near_side=near)
            f = hinge_features(pose)
            assert f.side.name == near
            _same(f.hip_flexion, truth["hip_flexion"], atol=1e-4)
        # swapping the visibility of the two sides swaps the choice
        pose, _ = _clip(facing=facing)
        swapped = pose.visibility.copy()
        for a, b in zip(
            [LEFT.ear, LEFT.shoulder, LEFT.hip, LEFT.knee, LEFT.ankle],
            [RIGHT.ear, RIGHT.shoulder, RIGHT.hip, RIGHT.knee, RIGHT.ankle],
        ):
            swapped[:, [a, b]] = swapped[:, [b, a]]
        before = hinge_features(pose).side
        after = hinge_features(dataclasses.replace(pose, visibility=swapped)).side
        assert {before.name, after.name} == {"left", "right"}


# ---------------------------------------------------------------------------
# properties


@PROPS
@given(clip=clips, dx=st.floats(-3000, 3000), dy=st.floats(-3000, 3000))
def test_translation_invariance(clip, dx, dy):
    pose, _ = _clip(*clip)
    f0 = hinge_features(pose)
    f1 = hinge_features(_with_image(pose, pose.image + [dx, dy]))
    assert f1.side == f0.side and f1.facing == f0.facing
    for name in SHAPE_FIELDS:
        _same(getattr(f1, name), getattr(f0, name), atol=1e-4, err_msg=name)


@PROPS
@given(clip=clips, k=st.floats(0.05, 20.0), cx=st.floats(-500, 1500), cy=st.floats(-500, 1500))
def test_uniform_scale_invariance(clip, k, cx, cy):
    pose, _ = _clip(*clip)
    centre = np.array([cx, cy])
    f0 = hinge_features(pose)
    f1 = hinge_features(_with_image(pose, centre + k * (pose.image - centre)))
    assert f1.facing == f0.facing
    for name in SHAPE_FIELDS:
        _same(getattr(f1, name), getattr(f0, name), atol=1e-4, err_msg=name)


@PROPS
@given(clip=clips, deg=st.floats(-20.0, 20.0), cx=st.floats(0, 720), cy=st.floats(0, 1280))
def test_in_plane_rotation_keeps_joint_angles(clip, deg, cx, cy):
    pose, _ = _clip(*clip)
    f0 = hinge_features(pose)
    f1 = hinge_features(_with_image(pose, _roll(pose.image, deg, np.array([cx, cy]))))
    assert f1.facing == f0.facing
    for name in JOINT_FIELDS:
        _same(getattr(f1, name), getattr(f0, name), atol=1e-4, err_msg=name)
    # trunk and shin are measured from vertical, so they turn with the camera
    for name in ("trunk_angle", "shin_angle"):
        _same(getattr(f1, name), getattr(f0, name) - f0.facing * deg, atol=1e-4, err_msg=name)


@PROPS
@given(clip=clips)
def test_mirror_gives_identical_signed_angles(clip):
    pose, _ = _clip(*clip)
    w = pose.frame_size[0]
    mirrored = pose.image.copy()
    mirrored[..., 0] = w - mirrored[..., 0]
    f0 = hinge_features(pose)
    f1 = hinge_features(_with_image(pose, mirrored))
    assert f1.facing == -f0.facing and f1.side == f0.side
    for name in SHAPE_FIELDS:
        _same(getattr(f1, name), getattr(f0, name), atol=1e-4, err_msg=name)


#: which HingeFeatures fields need which landmark of the measured side
NEEDS = {
    "ear": {"neck_angle", "spine_alignment"},
    "shoulder": {"hip_flexion", "trunk_angle", "neck_angle", "spine_alignment"},
    "hip": {"hip_flexion", "knee_flexion", "trunk_angle", "neck_angle", "spine_alignment"},
    "knee": {"hip_flexion", "knee_flexion", "shin_angle"},
    "ankle": {"knee_flexion", "shin_angle"},
}
ALL_FIELDS = SHAPE_FIELDS


@PROPS
@given(clip=clips, part=st.sampled_from(sorted(NEEDS)), data=st.data(),
       how=st.sampled_from(["nan", "low_visibility", "nan_x_only"]))
def test_missing_landmark_gives_nan_only_where_needed(clip, part, data, how):
    pose, _ = _clip(*clip)
    f0 = hinge_features(pose)
    side = f0.side
    lm = getattr(side, part)
    i = data.draw(st.integers(0, len(pose) - 1), label="frame")
    image, vis = pose.image.copy(), pose.visibility.copy()
    if how == "nan":
        image[i, lm] = np.nan
    elif how == "nan_x_only":
        image[i, lm, 0] = np.nan
    else:
        vis[i, lm] = 0.1
    f1 = hinge_features_arrays(image, vis, side, f0.facing, pose.frame_size)
    raw_nan = how != "low_visibility" and lm in (side.shoulder, side.hip)
    for name in ALL_FIELDS:
        a1, a0 = getattr(f1, name), getattr(f0, name)
        needed = name in NEEDS[part] or (name == "side_on" and raw_nan)
        if name == "reliability":
            needed = False
            if how == "low_visibility":
                assert a1[i] == pytest.approx(0.1)
                a1, a0 = np.delete(a1, i), np.delete(a0, i)
        if needed:
            assert np.isnan(a1[i]), (name, part, how)
            assert not np.isnan(np.delete(a0, i)).any()
        # every other frame, and unneeded quantities, are untouched
        _same(np.delete(a1, i) if needed else a1, np.delete(a0, i) if needed else a0,
              atol=1e-9, err_msg=f"{name} {part} {how}")


def test_all_nan_frames_give_nan_not_errors():
    pose, _ = _clip()
    image = pose.image.copy()
    image[3:6] = np.nan
    vis = pose.visibility.copy()
    vis[3:6] = np.nan
    f = hinge_features(dataclasses.replace(pose, image=image, visibility=vis))
    for name in ANGLES + ("spine_alignment", "side_on"):
        arr = getattr(f, name)
        assert np.isnan(arr[3:6]).all() and np.isfinite(np.delete(arr, [3, 4, 5])).all(), name
    assert (f.reliability[3:6] == 0).all()


def test_signed_angle_between_opposite_vectors_is_plus_180():
    u = np.array([[1.0, 0.0], [0.0, 1.0], [-2.0, 3.0]])
    for facing in (1.0, -1.0):
        got = signed_angle_between(u, -u, facing)
        np.testing.assert_allclose(got, 180.0)
        assert np.all(got > -180.0) and np.all(got <= 180.0)


def test_fps_from_timestamps_is_the_median_interval():
    from hingecheck.core.landmarks import fps_from_timestamps
    t = np.cumsum(np.r_[0.0, np.full(20, 1 / 60), 0.5])  # one dropped stretch does not move it
    assert fps_from_timestamps(t) == pytest.approx(60.0)
    assert np.isnan(fps_from_timestamps(np.array([0.0])))
    assert fps_from_timestamps(np.array([]), default=30.0) == 30.0
