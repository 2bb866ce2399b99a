"""What the annotated video shows when: phases (floor starts too) and when a fault is highlighted."""

from __future__ import annotations

import numpy as np
from synthetic import make_hinge

from hingecheck.core.analysis import analyze_pose
from hingecheck.core.config import load_config
from hingecheck.core.kinds import LivePhase, RepKind
from hingecheck.outputs.timeline import FAULT_HOLD_S, frame_views


def _analysis(exercise, **kw):
    pose, _ = make_hinge(**kw)
    return analyze_pose(pose, exercise, load_config().for_exercise(exercise))


def test_floor_start_deadlift_phases_go_up_then_down():
    a = _analysis("kettlebell_deadlift", n_reps=3, start="bottom")
    views = frame_views(a)
    reps = [v.rep for v in a.reps if v.rep.complete]
    assert reps and all(r.kind == RepKind.DOWN_UP_DOWN for r in reps)
    for r in reps:
        assert {views[i].phase for i in range(r.start, r.top)} == {LivePhase.UP}
        assert views[r.top].phase == LivePhase.STANDING
        assert {views[i].phase for i in range(r.top + 1, r.end + 1)} == {LivePhase.DOWN}
    # at the bar on the floor before the first pull: the bottom, not "standing"
    assert views[max(0, reps[0].start - 5)].phase == LivePhase.BOTTOM


def test_standing_start_phases_go_down_then_up_and_stand_between():
    a = _analysis("rdl", n_reps=2)
    views = frame_views(a)
    r1, r2 = (v.rep for v in a.reps if v.rep.complete)
    assert views[r1.start].phase == LivePhase.DOWN and views[r1.end].phase == LivePhase.UP
    assert views[(r1.end + r2.start) // 2].phase == LivePhase.STANDING
    assert views[0].phase == LivePhase.STANDING


def test_a_fault_shows_in_its_rep_and_a_moment_after_never_before():
    a = _analysis("hip_hinge", n_reps=3, fault="squatting", pause_s=2.0)
    views = frame_views(a)
    faulty = [v for v in a.reps if v.rep.complete and "squatting" in v.faults]
    assert faulty
    first = min(v.rep.start for v in a.reps)
    assert not any(views[i].active_faults for i in range(first))          # nothing before rep 1
    assert all(views[i].banner is None for i in range(first))
    hold = int(round(FAULT_HOLD_S * a.fps))
    for v in faulty:
        r, f = v.rep, next(f for f in v.findings if f.fault == "squatting")
        shown = [i for i, fv in enumerate(views) if "squatting" in fv.active_faults and r.start <= i <= r.end + hold]
        assert shown[0] == max(f.frames[0], r.start) and shown[-1] == r.end + hold
        assert "squatting" not in views[r.end + hold + 1].active_faults
        assert "squatting" not in views[r.start - 1].active_faults
    assert np.isfinite(a.fps)
