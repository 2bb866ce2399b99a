"""One engine: the stream fed frame by frame gives what the file path gives.

Synthetic sets with a tracking gap inside a rep, partial movements at the
set's edges, a tilted camera and a lifter walking out of the frame (fast
tier); every shared clip is in ``test_engine_clips.py``.
"""

from __future__ import annotations


import numpy as np
import pytest
from enginekit import assert_same, both, frames, lost, verdicts
from synthetic import make_hinge

from hingecheck.core.buffers import RunningMedian
from hingecheck.core.config import Thresholds
from hingecheck.core.faults import FAULTS
from hingecheck.core.geometry import lifter_side
from hingecheck.core.judging import WHOLE_REP
from hingecheck.core.sidetrack import SideTracker


def test_a_tracking_gap_inside_a_rep_is_not_counted_live_either():
    pose, truth = make_hinge(n_reps=4, noise_px=1.0, seed=2)
    b = truth["reps"][1]["bottom"]
    gap = lost(pose, b - 9, b + 9)                               # 0.6 s lost at rep 2's bottom
    offline, (s, given, live) = both(gap)
    assert_same(offline, live, s)
    lost_rep = [v for v in live.reps if v.rep.gap_s > 0]
    assert len(lost_rep) == 1 and WHOLE_REP in lost_rep[0].cant_judge and not lost_rep[0].rep.complete
    assert verdicts(lost_rep)[0] in verdicts(given)                                # said while the set went on
    assert live.rep_count == s.rep_count == 3


@pytest.mark.parametrize("n_reps", [1, 3])
def test_a_set_ending_just_after_the_bottom(n_reps):
    pose, truth = make_hinge(n_reps=n_reps, fault="squatting", noise_px=1.0, seed=4)
    end = truth["reps"][-1]["bottom"] + 6                         # 0.2 s after the last bottom
    offline, (s, _, live) = both(frames(pose, slice(0, end)))
    assert_same(offline, live, s)
    last = live.reps[-1]
    assert not last.rep.complete
    if n_reps == 1:   # no whole rep: the movement is judged
        assert "squatting" in last.faults
    else:             # a partial movement beside whole reps is not
        assert WHOLE_REP in last.cant_judge and live.rep_count == n_reps - 1


@pytest.mark.parametrize("at", ["bottom", "descent"])
def test_a_set_starting_mid_rep(at):
    pose, truth = make_hinge(n_reps=4, noise_px=1.0, seed=6)
    r = truth["reps"][0]
    start = r["bottom"] if at == "bottom" else (r["start"] + r["bottom"]) // 2
    offline, (s, _, live) = both(frames(pose, slice(start, None)))
    assert_same(offline, live, s)
    assert live.rep_count >= 3


@pytest.mark.parametrize("roll", [-6.0, 6.0])
def test_a_tilted_camera_is_levelled_live(roll):
    pose, _ = make_hinge(n_reps=3, fault="hyperextension", severity=0.6, camera_rotation_deg=roll)
    offline, (s, _, live) = both(pose)
    assert_same(offline, live, s)
    assert abs(abs(live.camera_tilt) - abs(roll)) < 1.0
    assert abs(s.camera_tilt - offline.camera_tilt) < 0.5       # the running estimate, judged with


@pytest.mark.parametrize("where", ["between reps", "at the end"])
def test_a_lifter_walking_out_of_the_frame(where):
    pose, truth = make_hinge(n_reps=4, pause_s=4.0, walkout_s=2.0, noise_px=1.0, seed=8)
    if where == "between reps":
        e = truth["reps"][1]["end"]
        pose = lost(pose, e + 15, e + 105)                        # 3 s away, then back for reps 3 and 4
    else:
        pose = lost(pose, truth["reps"][-1]["end"] + 15, len(pose))
    offline, (s, _, live) = both(pose)
    assert_same(offline, live, s)
    assert live.rep_count == 4


@pytest.mark.parametrize("fault", [None, *FAULTS])
@pytest.mark.parametrize("start", ["standing", "bottom"])
def test_whole_sets_equal(fault, start):
    """Four whole reps with each fault dialled in (or none), from standing or from the bottom."""
    pose, _ = make_hinge(n_reps=4, fault=fault, start=start, noise_px=1.0, seed=3)
    offline, (s, _, live) = both(pose)
    assert_same(offline, live, s)
    assert s.rep_count == 4


def test_the_side_over_every_frame_so_far_is_lifter_side_of_those_frames():
    rng = np.random.default_rng(0)
    pose, _ = make_hinge(n_reps=2, noise_px=2.0, seed=1)
    vis = np.clip(pose.visibility + rng.normal(0, 0.3, pose.visibility.shape), 0, 1)
    image = pose.image * np.where(rng.random(len(pose)) < 0.4, -1, 1)[:, None, None]  # facing votes that disagree
    vis[rng.random(len(pose)) < 0.1] = np.nan
    tracker = SideTracker()
    for i in range(len(pose)):
        tracker.add(image[i], vis[i])
        assert tracker.side == lifter_side(image[:i + 1], vis[:i + 1]), i


def test_running_median_is_nanmedian():
    rng = np.random.default_rng(1)
    m, seen = RunningMedian(), []
    for x in np.where(rng.random(300) < 0.1, np.nan, rng.normal(size=300)):
        m.add(x)
        seen.append(x)
        want = np.nanmedian(seen) if np.isfinite(seen).any() else np.nan
        assert m.median == want or (np.isnan(want) and np.isnan(m.median))



def test_the_segment_lengths_so_far_are_the_medians_chain_reliability_reads():
    from hingecheck.core.evidence import chain_reliability, segment_lengths
    pose, _ = make_hinge(n_reps=2, noise_px=2.0, seed=5)
    tracker = SideTracker()
    for i in range(len(pose)):
        tracker.add(pose.image[i], pose.visibility[i])
    side, _ = tracker.side
    medians = tracker.segment_px(side)
    assert medians == {k: np.nanmedian(x) for k, x in segment_lengths(pose.image, side).items()}
    th = Thresholds()
    np.testing.assert_array_equal(chain_reliability(pose.image, pose.visibility, side, pose.timestamps, th, medians),
                                  chain_reliability(pose.image, pose.visibility, side, pose.timestamps, th))
