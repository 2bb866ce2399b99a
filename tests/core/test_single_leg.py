"""A single-leg lift is read on the leg it stands on, whichever side the camera sees."""

from __future__ import annotations

import numpy as np
import pytest
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.buffers import RunningSpread
from hingecheck.core.config import load_config
from hingecheck.core.geometry import (ANKLE_SPREAD_QUANTILES, STANDING_LEG_MARGIN, ankle_travel, lifter_chain,
                                     lifter_side, reading_side, standing_leg)
from hingecheck.core.landmarks import CHAINS, LEFT, RIGHT, SIDES, with_legs
from hingecheck.core.sidetrack import SideTracker


#: a landscape frame with room behind the lifter for the free leg
ROOM = dict(frame_size=(1920, 1080), scale_px=380.0)


def analyse(exercise, **kw):
    pose, truth = make_hinge(n_reps=3, noise_px=1.0, **ROOM, **kw)
    return analyze_pose(pose, exercise, load_config().for_exercise(exercise)), truth


def _bottom_knees(a):
    return [r.metrics["knee_flexion_bottom"] for r in a.reps if r.rep.complete]


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize("free_leg", ["near", "far"])
def test_single_leg_rdl_reads_the_standing_leg(facing, free_leg):
    a, truth = analyse("single_leg_rdl", facing=facing, free_leg=free_leg)
    near = RIGHT if truth["side"] == "right" else LEFT
    stance = near if free_leg == "far" else (LEFT if near is RIGHT else RIGHT)
    assert a.side == with_legs(near, stance)
    assert a.side.name == near.name  # still named after the side the camera sees
    assert a.rep_count == 3
    knee_true = float(np.max(truth["knee_flexion"]))
    assert all(abs(k - knee_true) < 4.0 for k in _bottom_knees(a)), (_bottom_knees(a), knee_true)
    assert not a.clip_faults()


def test_the_free_leg_near_the_camera_misleads_a_two_legged_reading():
    """The case the standing-leg choice exists for: read as an RDL (the near legs), the
    free leg's hip never hinges and no rep is found."""
    two_legged, _ = analyse("rdl", free_leg="near")
    one_legged, _ = analyse("single_leg_rdl", free_leg="near")
    assert one_legged.rep_count == 3
    assert two_legged.rep_count != 3 or _bottom_knees(two_legged) != pytest.approx(_bottom_knees(one_legged), abs=4)


def test_two_legged_exercises_keep_the_near_side():
    pose, _ = make_hinge(n_reps=2, free_leg="near", **ROOM)
    for exercise in ("rdl", "hip_hinge", "deadlift"):
        assert lifter_chain(pose.image, pose.visibility, exercise) == lifter_side(pose.image, pose.visibility)


def _both(x):
    """The same spread on every quantile pair."""
    return tuple(float(x) for _ in ANKLE_SPREAD_QUANTILES)


def test_standing_leg_is_the_ankle_that_stays_put():
    assert standing_leg({"left": _both(4.0), "right": _both(900.0)}) is LEFT
    assert standing_leg({"left": _both(900.0), "right": _both(4.0)}) is RIGHT
    assert standing_leg({"left": _both(4.0), "right": _both(4.0)}) is None
    # no ankle clearly swung (under the margin): no leg is named, the near legs are read
    assert standing_leg({"left": _both(4.0), "right": _both(4.0 * STANDING_LEG_MARGIN * 0.99)}) is None
    assert standing_leg({"left": _both(4.0), "right": _both(4.0 * STANDING_LEG_MARGIN)}) is LEFT
    assert standing_leg({"left": _both(0.0), "right": _both(0.0)}) is None
    assert standing_leg({"left": _both(0.0), "right": _both(3.0)}) is LEFT
    assert standing_leg({"left": _both(float("nan")), "right": _both(4.0)}) is None
    assert standing_leg({"right": _both(4.0)}) is None
    # the more decisive spread decides: a standing ankle collapsed onto the free one in a few
    # frames (wide spread alike) or a free leg up in only a few (middle half alike)
    assert standing_leg({"left": (4.0, 60.0), "right": (130.0, 66.0)}) is LEFT
    assert standing_leg({"left": (5.0, 9.0), "right": (5.5, 240.0)}) is LEFT
    assert standing_leg({"left": (5.0, float("nan")), "right": (50.0, 3.0)}) is LEFT
    assert reading_side(RIGHT, "single_leg_rdl", {"left": _both(float("nan")), "right": _both(1.0)}) is RIGHT
    assert reading_side(RIGHT, "single_leg_rdl", {"left": _both(1.0), "right": _both(50.0)}) == with_legs(RIGHT, LEFT)


def test_chains_are_every_upper_body_on_every_legs():
    assert len(set(CHAINS)) == 4 and LEFT in CHAINS and RIGHT in CHAINS
    mixed = with_legs(LEFT, RIGHT)
    assert (mixed.name, mixed.ear, mixed.shoulder, mixed.hip, mixed.knee, mixed.ankle) == \
        ("left", LEFT.ear, LEFT.shoulder, RIGHT.hip, RIGHT.knee, RIGHT.ankle)
    assert with_legs(RIGHT, RIGHT) is RIGHT


def test_running_spread_is_numpys_quantile_spread():
    x = np.random.default_rng(3).normal(50.0, 7.0, 400)
    x[::17] = np.nan
    rs = RunningSpread()
    for i, v in enumerate(x):
        rs.add(v)
        seen = x[:i + 1][np.isfinite(x[:i + 1])]
        for lo, hi in (*ANKLE_SPREAD_QUANTILES, (0.0, 1.0), (0.3, 0.35)):
            want = np.quantile(seen, hi) - np.quantile(seen, lo) if seen.size > 1 else np.nan
            got = rs.spread(lo, hi)
            assert got == pytest.approx(want, abs=1e-9) or (np.isnan(want) and np.isnan(got))
    assert len(rs) == np.isfinite(x).sum()
    with pytest.raises(ValueError):
        rs.spread(0.9, 0.1)


def test_a_standing_ankle_the_tracker_collapses_onto_the_free_one_is_still_read_standing():
    """Past about 40 degrees MediaPipe now and then puts the far (standing) ankle on the free one
    (both ankles one point) for a tenth of the frames or more: the wide spread then sees the
    standing ankle move too, the middle half does not."""
    pose, truth = make_hinge(n_reps=3, free_leg="near", noise_px=1.0, **ROOM)
    near = RIGHT if truth["side"] == "right" else LEFT
    stance = LEFT if near is RIGHT else RIGHT
    up = np.flatnonzero(np.hypot(*(pose.image[:, near.ankle] - np.nanmedian(pose.image[:, near.ankle], 0)).T) > 60)
    collapsed = up[:: 2][: int(0.2 * len(pose))]  # every other frame the free leg is up, a fifth of the set at most
    assert len(collapsed) > 0.1 * len(pose)
    pose.image[collapsed, stance.ankle] = pose.image[collapsed, near.ankle]
    travel = {s.name: ankle_travel(pose.image, s) for s in SIDES}
    wide = ANKLE_SPREAD_QUANTILES.index((0.10, 0.90))
    assert travel[near.name][wide] < STANDING_LEG_MARGIN * travel[stance.name][wide], travel  # wide alone: no leg
    assert standing_leg(travel) is stance
    a = analyze_pose(pose, "single_leg_rdl", load_config().for_exercise("single_leg_rdl"))
    assert a.side == with_legs(near, stance) and a.rep_count == 3


def _far_ankle_jitter(pose, near_name, px, seed=5):
    """Extra tracker jitter (pixels) on the far (occluded) ankle, as MediaPipe gives it."""
    far = LEFT if near_name == "right" else RIGHT
    rng = np.random.default_rng(seed)
    pose.image[:, far.ankle] += rng.normal(0.0, px, pose.image[:, far.ankle].shape)
    return pose


@pytest.mark.parametrize("pause_s", [4.0, 6.0])
def test_long_rests_and_a_jittery_far_ankle_still_read_the_standing_leg(pause_s):
    """A free leg that is up only during the reps, between long rests, while the standing (far,
    occluded) ankle jitters more than the near one: a middle-half spread (the interquartile range)
    sees only the jitter there and picked the free leg, and then found no rep."""
    pose, truth = make_hinge(n_reps=2, pause_s=pause_s, free_leg="near", noise_px=1.0, **ROOM)
    pose = _far_ankle_jitter(pose, truth["side"], 1.0)
    near = RIGHT if truth["side"] == "right" else LEFT
    stance = LEFT if near is RIGHT else RIGHT
    travel = {s.name: ankle_travel(pose.image, s) for s in SIDES}
    # the middle half sees only jitter on both ankles; the wide spread sees the free leg
    assert max(travel[near.name]) > 5 * STANDING_LEG_MARGIN * max(travel[stance.name]), travel
    a = analyze_pose(pose, "single_leg_rdl", load_config().for_exercise("single_leg_rdl"))
    assert a.side == with_legs(near, stance)
    assert a.rep_count == 2


def test_before_any_leg_swings_the_tracker_reads_the_near_legs_and_holds_once_one_does():
    """Live, over a long set-up: while both ankles only jitter no leg is named (the near legs
    are read, not whichever jittered less), and once the free leg has swung the choice stays."""
    pose, truth = make_hinge(n_reps=2, pause_s=4.0, free_leg="near", noise_px=1.0, **ROOM)
    pose = _far_ankle_jitter(pose, truth["side"], 1.0)
    near = RIGHT if truth["side"] == "right" else LEFT
    stance = with_legs(near, LEFT if near is RIGHT else RIGHT)
    tracker = SideTracker("single_leg_rdl")
    chosen = []
    for i in range(len(pose)):
        tracker.add(pose.image[i], pose.visibility[i])
        chosen.append(tracker.chain("single_leg_rdl")[0])
    first_stance = chosen.index(stance)
    assert set(chosen[:first_stance]) <= {near}, "a leg was named before either swung"
    assert set(chosen[first_stance:]) == {stance}, "the choice flipped after the free leg swung"
    rep1_bottom = int(np.argmax(truth["hip_flexion"][: len(pose) // 2]))
    assert first_stance < rep1_bottom


@pytest.mark.parametrize("exercise", ["single_leg_rdl", "rdl"])
def test_tracker_chain_is_the_files_choice_at_every_frame(exercise):
    pose, _ = make_hinge(n_reps=2, free_leg="near", noise_px=1.0, **ROOM)
    tracker = SideTracker(exercise)
    for i in range(len(pose)):
        tracker.add(pose.image[i], pose.visibility[i])
        if i % 7 == 0 or i == len(pose) - 1:
            assert tracker.chain(exercise) == lifter_chain(pose.image[:i + 1], pose.visibility[:i + 1], exercise), i
    travel = {s.name: ankle_travel(pose.image, s) for s in SIDES}
    assert standing_leg(travel) is not None


@pytest.mark.parametrize("free_leg,pause_s", [("near", 0.8), ("far", 0.8), ("near", 4.0)])
def test_a_single_leg_set_streams_as_the_file_reads_it(free_leg, pause_s):
    from enginekit import assert_same, both
    pose, truth = make_hinge(n_reps=3, free_leg=free_leg, noise_px=1.0, seed=2, pause_s=pause_s, **ROOM)
    pose = _far_ankle_jitter(pose, truth["side"], 1.0)
    offline, (s, _, live) = both(pose, "single_leg_rdl")
    assert_same(offline, live, s)
    assert s.rep_count == 3


def test_the_summary_says_which_leg_was_read():
    from hingecheck.outputs.report import summary_text
    a, truth = analyse("single_leg_rdl", free_leg="near")
    far = "left" if truth["side"] == "right" else "right"
    assert f"lifter's {truth['side']} side, legs read on the {far} leg (the one standing)" in summary_text(a)
    a, _ = analyse("single_leg_rdl", free_leg="far")
    assert "legs read on" not in summary_text(a)


@pytest.mark.parametrize("free_leg", ["near", "far"])
def test_off_side_on_the_world_measures_read_the_standing_leg_too(free_leg):
    """Past the side view the hip is read on the world landmarks turned side-on: on the standing
    leg's knee, not on the mid-point of a standing and a free leg (half the hinge)."""
    from hingecheck.core.analysis import judge_all, prepare
    pose, truth = make_hinge(n_reps=3, noise_px=1.0, free_leg=free_leg, world_yaw_deg=40.0, **ROOM)
    th = load_config().for_exercise("single_leg_rdl")
    p = prepare(pose, "single_leg_rdl", th)
    assert p.feat.world_measured
    reps = [v for v in judge_all(p, th) if v.rep.complete]
    assert len(reps) == 3
    hip_true = float(np.max(truth["hip_flexion"]))
    hips = [r.metrics["hip_flexion_bottom"] for r in reps]
    assert all(abs(h - hip_true) < 5.0 for h in hips), (hips, hip_true)


def test_sagittal_points_put_the_legs_on_the_standing_leg():
    from hingecheck.core.landmarks import Landmark
    from hingecheck.core.view import sagittal_points
    pose, _ = make_hinge(n_reps=1, free_leg="near", world_yaw_deg=30.0, **ROOM)
    mid = sagittal_points(pose.world)
    stance = sagittal_points(pose.world, legs=LEFT)  # the near side is the right: the left leg stands
    free = sagittal_points(pose.world, legs=RIGHT)
    # both knee entries are the standing knee's, which is not the free knee nor the mid-point
    np.testing.assert_array_equal(stance[:, Landmark.LEFT_KNEE], stance[:, Landmark.RIGHT_KNEE])
    assert np.nanmax(np.abs(stance[:, Landmark.LEFT_KNEE] - free[:, Landmark.LEFT_KNEE])) > 0.2
    # the hips and everything above stay the mid-sagittal chain
    np.testing.assert_array_equal(stance[:, Landmark.LEFT_HIP], mid[:, Landmark.LEFT_HIP])
    np.testing.assert_array_equal(stance[:, Landmark.LEFT_EAR], mid[:, Landmark.LEFT_EAR])
    assert np.nanmax(np.abs(stance[:, Landmark.LEFT_KNEE] - mid[:, Landmark.LEFT_KNEE])) > 0.1


def test_the_reports_name_the_leg_read():
    from hingecheck.outputs.serialize import analysis_dict, result_record
    a, truth = analyse("single_leg_rdl", free_leg="near")
    far = "left" if truth["side"] == "right" else "right"
    for d in (analysis_dict(a), result_record(a)):
        flat = {**d, **d.get("clip", {})}
        assert (flat["side"], flat["legs"]) == (truth["side"], far)


def test_a_two_legged_tracker_keeps_no_ankle_spreads_and_says_so_if_asked():
    pose, _ = make_hinge(n_reps=1, **ROOM)
    tracker = SideTracker("rdl")
    for i in range(len(pose)):
        tracker.add(pose.image[i], pose.visibility[i])
    assert tracker.chain("rdl") == lifter_side(pose.image, pose.visibility)
    assert set(tracker._lengths) == set(SIDES) and not tracker._ankle
    with pytest.raises(ValueError, match="another exercise"):
        tracker.chain("single_leg_rdl")
