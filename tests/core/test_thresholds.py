"""Every number that decides a verdict is a Thresholds field: in range by default, and read from the config."""

from __future__ import annotations

from dataclasses import fields

import pytest
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import EXERCISES, RANGES, THRESHOLD_INFO, Config, Thresholds, check_thresholds, load_config
from hingecheck.core.errors import HingecheckError
from hingecheck.core.judging import WHOLE_REP
from hingecheck.core.kinds import Reason


def test_every_field_has_a_range_and_a_unit_and_every_profile_is_in_range():
    names = {f.name for f in fields(Thresholds)}
    assert set(RANGES) == names and set(THRESHOLD_INFO) == names
    assert all(unit for unit, _ in THRESHOLD_INFO.values())
    for ex in EXERCISES:
        check_thresholds(Config().for_exercise(ex), ex)


@pytest.mark.parametrize("key", ["min_lifter_px", "sustain_s", "back_fit_max_rms", "bottom_band"])
def test_a_homed_gate_rejects_nonsense_from_a_config_file(tmp_path, key):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(f"[default]\n{key} = -1\n")
    with pytest.raises(HingecheckError, match=key):
        load_config(cfg)
    cfg.write_text(f"[default]\n{key} = nan\n")
    with pytest.raises(HingecheckError, match=key):
        load_config(cfg)


def test_the_lifter_height_gate_is_read_from_the_config(tmp_path):
    pose, _ = make_hinge(n_reps=2)
    th = Config().for_exercise("hip_hinge")
    seen = [v for v in analyze_pose(pose, "hip_hinge", th).reps if v.rep.complete]
    assert seen and all(WHOLE_REP not in v.cant_judge for v in seen)
    cfg = tmp_path / "tall.toml"
    cfg.write_text("[default]\nmin_lifter_px = 5000\n")
    tall = load_config(cfg).for_exercise("hip_hinge")
    small = [v for v in analyze_pose(pose, "hip_hinge", tall).reps if v.rep.complete]
    assert small and all(v.cant_judge[WHOLE_REP].code == Reason.TOO_SMALL for v in small)


def test_oblique_shifts_move_exactly_the_tuning_knobs():
    """One list of the thresholds that move past the side view: the faults' tuning knobs."""
    from hingecheck.core.config import OBLIQUE_SHIFTED, shift_key
    from hingecheck.core.faults import FAULTS

    assert set(OBLIQUE_SHIFTED) == {k.key for spec in FAULTS.values() for k in spec.knobs}
    th = Thresholds().replace(**{shift_key("lockout_hip_flexion_deg"): -5.0})
    moved = th.past_side_view()
    assert moved.lockout_hip_flexion_deg == th.lockout_hip_flexion_deg - 5.0
    unshifted = [k for k in OBLIQUE_SHIFTED if getattr(th, shift_key(k)) == 0.0]
    assert all(getattr(moved, k) == getattr(th, k) for k in unshifted)


@pytest.mark.parametrize("world_yaw, flagged_with_shift", [(None, True), (10.0, True), (30.0, False)])
def test_oblique_shift_applies_only_past_the_side_view(world_yaw, flagged_with_shift):
    """A lockout fault is flagged from the side and 30 degrees round; a shift that lifts the
    lockout threshold out of reach silences it only where the measures come from the world
    landmarks (past world_measures_min_yaw_deg), never side-on."""
    from synthetic import make_hinge

    from hingecheck.core.analysis import analyze_pose

    pose, _ = make_hinge(n_reps=3, fault="incomplete_lockout", world_yaw_deg=world_yaw)
    th = Thresholds().replace(yaw_max_incomplete_lockout_deg=90.0)
    assert "incomplete_lockout" in analyze_pose(pose, "rdl", th).clip_faults()
    lifted = th.replace(oblique_shift_lockout_hip_flexion_deg=60.0)
    assert ("incomplete_lockout" in analyze_pose(pose, "rdl", lifted).clip_faults()) == flagged_with_shift


def test_a_shift_that_moves_a_threshold_out_of_range_is_refused(tmp_path):
    cfg = tmp_path / "shift.toml"
    cfg.write_text("[default]\nlean_back_deg = 1\n")           # fine side-on, -1 past the side view
    with pytest.raises(HingecheckError, match="lean_back_deg moved by oblique_shift_lean_back_deg"):
        load_config(cfg)
