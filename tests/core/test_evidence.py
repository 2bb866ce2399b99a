"""Trusted joints, sustained evidence, phase windows, the mask's curve, and tune on synthetic clips."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.backline import SAMPLES, curvatures
from hingecheck.core.config import Config, Thresholds, load_config
from hingecheck.core.evidence import CHAIN, chain_reliability, sustained_peak
from hingecheck.core.judging import WHOLE_REP
from hingecheck.core.kinds import Reason
from hingecheck.core.landmarks import LEFT, RIGHT
from hingecheck.core.reps import Rep
from hingecheck.core.windows import bottom_window, lockout_window
from hingecheck.scoring.metrics import Label
from hingecheck.outputs.wording import reason_text
from hingecheck.scoring.tune import TuneCase, cross_validate, shifted


def test_one_frame_spike_is_not_sustained():
    t = np.arange(60) / 30.0
    x = np.zeros(60)
    x[30] = 50.0                       # one mis-tracked frame
    ok = np.ones(60, bool)
    assert sustained_peak(x, ok, t, 0, 59, Thresholds().sustain_s) == 0.0
    x[25:40] = 20.0                    # half a second held
    assert sustained_peak(x, ok, t, 0, 59, Thresholds().sustain_s) == 20.0
    ok[25:40] = False                  # ... on frames not trusted
    assert sustained_peak(x, ok, t, 0, 59, Thresholds().sustain_s) == 0.0


def test_stretched_shin_discredits_knee_and_ankle():
    pose, _ = make_hinge(n_reps=2)
    side = LEFT if pose.visibility[0, LEFT.knee] >= pose.visibility[0, RIGHT.knee] else RIGHT
    ok = chain_reliability(pose.image, pose.visibility, side, pose.timestamps, Thresholds())
    assert ok.all()
    img = pose.image.copy()
    img[40:45, side.knee, 1] -= 0.5 * np.linalg.norm(img[40, side.knee] - img[40, side.ankle])
    ok = chain_reliability(img, pose.visibility, side, pose.timestamps, Thresholds())
    knee, ankle, ear = CHAIN.index("knee"), CHAIN.index("ankle"), CHAIN.index("ear")
    assert not ok[40:45, knee].any() and not ok[40:45, ankle].any()
    assert ok[:, ear].all() and ok[60:, knee].all()


def test_lockout_of_a_rep_from_the_floor_is_its_top_not_the_whole_rep():
    t = np.arange(120) / 30.0
    flex = np.concatenate([np.linspace(130, 0, 60), np.linspace(0, 130, 60)])
    rep = Rep(1, 0, 0, 59, 119, 130.0, 2.0, 2.0, "down-up-down")
    lo, hi = lockout_window(rep, t, flex, Thresholds())
    assert lo > 40 and hi < 80 and lo <= 59 <= hi
    b0, b1 = bottom_window(rep, flex, Thresholds())
    assert b0 == 0 and b1 < 20


def test_mask_curve_rejects_a_silhouette_that_is_not_one_curve():
    s = SAMPLES - SAMPLES.mean()
    hump = 0.3 - 0.5 * s * s            # a smooth hump: sagitta 0.5 * 0.4**2 = 0.08
    assert curvatures(hump[None], Thresholds())[0] == pytest.approx(0.08, abs=1e-6)
    bar = hump.copy()
    bar[3:6] += 0.12                    # a bar across the shoulders joins the outline
    assert np.isnan(curvatures(bar[None], Thresholds())[0])


@pytest.mark.parametrize("roll", [-6.0, 6.0])
def test_camera_tilt_is_read_from_the_legs_and_taken_off_the_trunk(roll):
    th = load_config().for_exercise("rdl")
    level = analyze_pose(make_hinge(n_reps=3, fault="hyperextension", severity=0.6)[0], "rdl", th)
    tilted = analyze_pose(make_hinge(n_reps=3, fault="hyperextension", severity=0.6,
                                     camera_rotation_deg=roll)[0], "rdl", th)
    assert abs(level.camera_tilt) < 0.5
    assert abs(abs(tilted.camera_tilt) - abs(roll)) < 1.0
    tops = [r.rep.end for r in level.reps if r.rep.complete]
    assert [r.rep.end for r in tilted.reps if r.rep.complete] == tops and len(tops) == 3
    # the lean-back at lockout reads the same from the tilted camera ...
    assert np.allclose(level.signals.trunk_angle[tops], tilted.signals.trunk_angle[tops], atol=1.0)
    assert np.all(level.signals.trunk_angle[tops] < -8.0)
    # ... and so do the verdicts
    assert level.clip_faults() == tilted.clip_faults()


def _cases(fault_by_source):
    cases = []
    for i, (src, fault) in enumerate(fault_by_source):
        pose, _ = make_hinge(n_reps=2, fault=fault, seed=i, noise_px=0.5)
        lab = Label(f"c{i}", "rdl", "side", None, frozenset({fault}) if fault else frozenset())
        cases.append(TuneCase.from_pose(f"c{i}", src, lab, pose, Config()))
    return cases


def test_tune_keeps_a_threshold_no_clip_asks_to_move():
    cases = _cases([("a", None), ("b", "dropped_head"), ("c", None), ("d", "dropped_head")])
    cv = cross_validate(cases, Config())
    assert cv.moves["dropped_head"] == (0.0,)
    assert cv.held_out["micro"]["f1"] == 1.0
    assert set(cv.held_out["by_source"]) == {"a", "b", "c", "d"}


def test_tune_moves_a_threshold_that_flags_good_clips():
    cases = _cases([("a", None), ("b", "dropped_head"), ("c", None)])
    strict = shifted(Config(), {"dropped_head": (-25.0,)})   # every head counts as dropped
    assert "dropped_head" in analyze_pose(cases[0].prepared.pose, "rdl", strict.for_exercise("rdl")).clip_faults()
    cv = cross_validate(cases, strict)
    assert cv.moves["dropped_head"][0] > 0
    assert cv.fitted["good_clips"]["clean"] == 2


def test_tune_fits_on_extra_cases_but_never_predicts_them():
    """Extra cases (a synthetic corpus) move a threshold in every fold; the figures count only
    the labelled clips; an extra case weighing nothing changes nothing."""
    strict = shifted(Config(), {"dropped_head": (-25.0,)})   # every head counts as dropped
    labelled = _cases([("a", "dropped_head"), ("b", "dropped_head")])
    extra = [dataclasses.replace(c, source="synthetic", clip=f"s{i}")
             for i, c in enumerate(_cases([("x", None), ("y", None), ("z", None)]))]
    alone = cross_validate(labelled, strict)
    assert alone.moves["dropped_head"] == (0.0,)              # nothing asks the labelled clips to move
    joint = cross_validate(labelled, strict, extra)
    assert joint.moves["dropped_head"][0] > 0                 # three good extra clips do
    assert all(m["dropped_head"][0] > 0 for m in joint.folds.values())
    assert set(joint.folds) == {"a", "b"} and set(joint.held_predictions) == {"c0", "c1"}
    assert joint.held_out["scored_clips"] == 2
    assert joint.held_out["micro"]["tp"] == 2                 # the move keeps both labelled heads
    weightless = cross_validate(labelled, strict, extra, extra_weight=0.0)
    assert weightless.moves == alone.moves


def _with_gap(pose, at: int, n: int):
    """``pose`` with ``n`` frames of lost tracking (no person) inserted before frame ``at``."""
    from hingecheck.core.landmarks import PoseSequence

    def ins(a):
        return np.concatenate([a[:at], np.full((n,) + a.shape[1:], np.nan), a[at:]])
    t = pose.timestamps
    dt = float(np.median(np.diff(t)))
    ts = np.concatenate([t[:at], t[at - 1] + dt * np.arange(1, n + 1), t[at:] + n * dt])
    return PoseSequence(ins(pose.image), ins(pose.visibility), ts,
                        pose.frame_size)


@pytest.mark.parametrize("where", ["bottom", "top"])
def test_lost_tracking_is_never_a_lockout_fault(where):
    th = load_config().for_exercise("rdl")
    pose, _ = make_hinge(n_reps=4, noise_px=0.5)
    clean = analyze_pose(pose, "rdl", th)
    r = clean.reps[1].rep
    at = r.bottom if where == "bottom" else r.end + 3
    a = analyze_pose(_with_gap(pose, at, int(3 * clean.fps)), "rdl", th)   # 3 s of black frames
    assert all("incomplete_lockout" not in v.faults for v in a.reps)
    assert not a.clip_faults()
    if where == "bottom":  # the rep the gap cuts is voided, not counted
        assert a.rep_count == 3
        void = [v for v in a.reps if v.rep.gap_s > 0]
        assert len(void) == 1 and void[0].cant_judge[WHOLE_REP].code == Reason.TRACKING_LOST
        assert reason_text(void[0].cant_judge[WHOLE_REP]).startswith("tracking lost for ")
    else:
        assert a.rep_count == 4


def test_a_lifter_too_small_in_the_frame_is_not_judged():
    th = load_config().for_exercise("rdl")
    big = analyze_pose(make_hinge(n_reps=2, fault="dropped_head")[0], "rdl", th)
    small_pose, _ = make_hinge(n_reps=2, fault="dropped_head", scale_px=25.0, frame_size=(64, 64))
    small = analyze_pose(small_pose, "rdl", th)
    assert "dropped_head" in big.clip_faults()
    assert small.rep_count == 2 and small.clip_faults() == []
    assert all("too small to judge" in reason_text(v.cant_judge[WHOLE_REP]) for v in small.reps if v.rep.complete)
