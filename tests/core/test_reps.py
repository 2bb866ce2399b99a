"""hingecheck.core.reps: gap filling, smoothing and rep segmentation."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import make_hinge

from hingecheck.core.config import Thresholds
from hingecheck.core.faults import FAULTS
from hingecheck.core.geometry import hinge_features
from hingecheck.core.reps import (
    RepParams,
    fill_gaps,
    hysteresis_phases,
    lowpass,
    segment_reps,
    smooth,
)

#: the segmentation parameters of the default thresholds
DEFAULT_PARAMS = Thresholds().rep_params()
TH = Thresholds()
SMOOTH = (TH.smooth_cutoff_hz, TH.max_gap_s)  # the analysis's smoothing

# ---------------------------------------------------------------------------
# fill_gaps


def test_fill_gaps_interior_short_gaps_linear():
    x = np.array([0.0, 1.0, np.nan, 3.0, np.nan, np.nan, 6.0, 7.0])
    out = fill_gaps(x, max_gap=2)
    np.testing.assert_allclose(out, np.arange(8.0))
    assert np.isnan(x[2])  # input untouched


def test_fill_gaps_long_and_edge_gaps_stay_nan():
    x = np.array([np.nan, 1.0, 2.0, np.nan, np.nan, np.nan, 6.0, np.nan, 8.0, np.nan, np.nan])
    out = fill_gaps(x, max_gap=2)
    assert np.isnan(out[[0, 3, 4, 5, 9, 10]]).all()
    assert out[7] == pytest.approx(7.0)
    np.testing.assert_array_equal(fill_gaps(x, max_gap=0), x)
    assert np.isnan(fill_gaps(np.full(4, np.nan), 3)).all()
    np.testing.assert_array_equal(fill_gaps(np.arange(3.0), 3), np.arange(3.0))


@settings(max_examples=50, deadline=None)
@given(mask=st.lists(st.booleans(), min_size=2, max_size=40), max_gap=st.integers(0, 6))
def test_fill_gaps_property(mask, max_gap):
    mask = np.array(mask)
    clean = np.linspace(-3.0, 5.0, mask.size) ** 2  # filled values must be linear between neighbours
    x = np.where(mask, np.nan, clean)
    out = fill_gaps(x, max_gap)
    good = ~mask
    np.testing.assert_array_equal(out[good], x[good])
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        interior = s > 0 and e < mask.size
        if interior and e - s <= max_gap:
            expect = np.interp(np.arange(s, e), [s - 1, e], [clean[s - 1], clean[e]])
            np.testing.assert_allclose(out[s:e], expect)
        else:
            assert np.isnan(out[s:e]).all()


# ---------------------------------------------------------------------------
# lowpass / smooth

FPS = 30.0
T = np.arange(0, 10, 1 / FPS)
SLOW = 40.0 * np.sin(2 * np.pi * 0.4 * T) + 50.0  # a hinge-like 2.5 s cycle


def test_lowpass_reduces_high_frequency_noise():
    noise = np.random.default_rng(1).normal(0.0, 3.0, T.size)
    out = lowpass(SLOW + noise, FPS, cutoff_hz=4.0)
    assert np.std(out - SLOW) < 0.5 * np.std(noise)
    out_s = smooth(SLOW + noise, FPS, *SMOOTH)
    assert np.std(out_s - SLOW) < 0.5 * np.std(noise)


def test_lowpass_keeps_a_slow_signal():
    np.testing.assert_allclose(lowpass(SLOW, FPS, 4.0), SLOW, atol=0.3)
    np.testing.assert_allclose(smooth(SLOW, FPS, *SMOOTH), SLOW, atol=0.3)


def test_lowpass_keeps_nan_runs_nan_and_filters_each_run():
    noise = np.random.default_rng(2).normal(0.0, 3.0, T.size)
    x = SLOW + noise
    x[100:130] = np.nan
    out = lowpass(x, FPS, 4.0)
    assert np.isnan(out[100:130]).all()
    assert np.isfinite(np.delete(out, np.arange(100, 130))).all()
    for run in (slice(0, 100), slice(130, None)):
        assert np.std(out[run] - SLOW[run]) < 0.5 * np.std(noise[run])
    # runs too short to filter come back unchanged; at/above Nyquist: a copy
    short = np.array([1.0, 5.0, np.nan, 2.0, 8.0, 1.0])
    np.testing.assert_array_equal(lowpass(short, FPS, 4.0), short)
    np.testing.assert_array_equal(lowpass(x, FPS, 15.0), x)
    np.testing.assert_array_equal(lowpass(x, float("nan"), 4.0), x)


def test_smooth_fills_short_gaps_only():
    x = SLOW.copy()
    x[50:55] = np.nan      # 0.17 s: filled
    x[150:180] = np.nan    # 1 s: kept
    out = smooth(x, FPS, TH.smooth_cutoff_hz, max_gap_s=0.3)
    assert np.isfinite(out[50:55]).all()
    np.testing.assert_allclose(out[50:55], SLOW[50:55], atol=1.5)
    assert np.isnan(out[150:180]).all()


# ---------------------------------------------------------------------------
# segment_reps on the synthetic lifter


def _reps(pose, params=None):
    flex = smooth(hinge_features(pose).hip_flexion, pose.fps, *SMOOTH)
    return segment_reps(flex, pose.timestamps, DEFAULT_PARAMS if params is None else params)


@pytest.mark.parametrize("start", ["standing", "bottom"])
@pytest.mark.parametrize("fps", [30, 60])
@pytest.mark.parametrize("n", range(1, 9))
def test_exact_rep_count(n, fps, start):
    pose, truth = make_hinge(n_reps=n, fps=fps, start=start, noise_px=2.0, seed=n + fps)
    reps = _reps(pose)
    assert [r.complete for r in reps] == [True] * n
    assert [r.index for r in reps] == list(range(1, n + 1))
    kind = "up-down-up" if start == "standing" else "down-up-down"
    assert {r.kind for r in reps} == {kind}
    for r in reps:
        assert r.start <= r.bottom <= r.end and r.start <= r.top <= r.end
        assert r.depth_deg > 60


@pytest.mark.parametrize("fault", [None, *FAULTS])
@pytest.mark.parametrize("start", ["standing", "bottom"])
def test_faulty_reps_are_still_counted(fault, start):
    pose, _ = make_hinge(n_reps=3, fault=fault, start=start, noise_px=2.0)
    assert sum(r.complete for r in _reps(pose)) == 3


@pytest.mark.parametrize("facing", [1, -1])
def test_wobble_at_the_top_adds_no_rep(facing):
    for hz, pause in ((2.0, 0.8), (1.0, 2.0), (3.0, 1.5)):
        pose, truth = make_hinge(n_reps=4, facing=facing, wobble_deg=8.0, wobble_hz=hz,
                                 pause_s=pause, noise_px=2.0)
        assert np.ptp(truth["trunk_angle"][: truth["reps"][0]["start"]]) > 10  # it really wobbles
        reps = _reps(pose)
        assert len(reps) == 4 and all(r.complete for r in reps)


def test_rep_thresholds_have_one_home():
    """The segmentation's thresholds are the config's: no second set of defaults in reps."""
    th = Thresholds()
    p = DEFAULT_PARAMS
    assert (p.up_deg, p.down_deg, p.min_depth_deg, p.min_rep_s) == (
        th.rep_up_deg, th.rep_down_deg, th.rep_min_depth_deg, th.rep_min_s)
    with pytest.raises(TypeError):
        RepParams()  # type: ignore[call-arg]
    pose, _ = make_hinge(n_reps=3, noise_px=2.0)
    deep = dataclasses.replace(th, rep_min_depth_deg=170.0, rep_down_deg=160.0).rep_params()
    assert len(_reps(pose)) == 3 and _reps(pose, deep) == []


def test_wobble_between_the_thresholds_adds_no_rep():
    """A signal swinging between ``up_deg`` and ``down_deg`` never changes state."""
    p = DEFAULT_PARAMS
    t = np.arange(0, 12, 1 / 30)
    rep = 0.5 - 0.5 * np.cos(2 * np.pi * t / 2.5)  # 0..1, period 2.5 s
    flex = 85.0 * rep
    mid = (t > 2.5) & (t < 5.0)
    flex[mid] = (p.up_deg + p.down_deg) / 2 + 8.0 * np.sin(2 * np.pi * 2.0 * t[mid])
    assert len(segment_reps(flex, t, DEFAULT_PARAMS)) == len(segment_reps(85.0 * rep, t, DEFAULT_PARAMS)) - 1


def test_slow_walkout_adds_no_rep():
    for lean in (10.0, 15.0, 19.0):
        pose, truth = make_hinge(n_reps=3, walkout_s=4.0, walkout_flex_deg=lean, noise_px=2.0)
        walk = truth["t"] < 4.0
        assert np.max(truth["hip_flexion"][walk]) == pytest.approx(lean, abs=0.1)
        reps = _reps(pose)
        assert len(reps) == 3 and all(r.complete for r in reps)
        assert pose.timestamps[reps[0].bottom] > 4.0


@pytest.mark.parametrize("start", ["standing", "bottom"])
@pytest.mark.parametrize("fps", [30, 60])
@pytest.mark.parametrize("down_frac", [0.5, 0.35])
def test_rep_boundaries_and_tempo_touch_and_go(start, fps, down_frac):
    """Without holds every boundary is a sharp turn, so it must be found to 0.2 s."""
    pose, truth = make_hinge(n_reps=4, fps=fps, start=start, pause_s=0.0, rep_s=3.0,
                             down_frac=down_frac, noise_px=2.0, seed=fps)
    reps = [r for r in _reps(pose) if r.complete]
    assert len(reps) == 4
    t = pose.timestamps
    for r, tr in zip(reps, truth["reps"]):
        assert r.start < r.end
        for key in ("start", "bottom", "top", "end"):
            assert abs(t[getattr(r, key)] - tr[f"{key}_t"]) <= 0.2, key
        assert r.down_s == pytest.approx(tr["down_s"], abs=0.2)
        assert r.up_s == pytest.approx(tr["up_s"], abs=0.2)
        if start == "standing":
            assert r.start < r.bottom < r.end


@pytest.mark.parametrize("start", ["standing", "bottom"])
def test_rep_boundaries_with_holds_fall_in_the_holds(start):
    """With holds, start/end may be anywhere in the hold, but not outside it."""
    pause = 0.8
    pose, truth = make_hinge(n_reps=4, start=start, pause_s=pause, noise_px=2.0, seed=7)
    reps = [r for r in _reps(pose) if r.complete]
    t = pose.timestamps
    assert len(reps) == 4
    for r, tr in zip(reps, truth["reps"]):
        assert tr["start_t"] - pause - 0.2 <= t[r.start] <= tr["start_t"] + 0.2
        assert tr["end_t"] - 0.2 <= t[r.end] <= tr["end_t"] + pause + 0.2
        if start == "standing":
            assert abs(t[r.bottom] - tr["bottom_t"]) <= 0.2
            assert r.start < r.bottom < r.end
        else:
            assert tr["top_t"] - 0.2 <= t[r.top] <= tr["top_t"] + pause + 0.2


def test_tempo_excludes_the_holds():
    pose, truth = make_hinge(n_reps=6, pause_s=0.8, noise_px=2.0, seed=7)
    reps = [r for r in _reps(pose) if r.complete]
    got = np.array([(r.down_s, r.up_s) for r in reps])
    want = np.array([(tr["down_s"], tr["up_s"]) for tr in truth["reps"]])
    np.testing.assert_allclose(got, want, atol=0.2)


def test_partial_movement_at_the_edges_is_flagged_not_counted():
    pose, truth = make_hinge(n_reps=2, pause_s=0.5)
    cut = truth["reps"][1]["bottom"]
    flex = smooth(hinge_features(pose).hip_flexion, pose.fps, *SMOOTH)
    reps = segment_reps(flex[: cut + 1], pose.timestamps[: cut + 1], DEFAULT_PARAMS)
    assert sum(r.complete for r in reps) == 1
    assert [r.index for r in reps if not r.complete] == [0]


def test_degenerate_signals():
    t = np.arange(0, 5, 1 / 30)
    assert segment_reps(np.full(t.size, np.nan), t, DEFAULT_PARAMS) == []
    assert hysteresis_phases(np.full(t.size, np.nan), DEFAULT_PARAMS) == []
    assert segment_reps(np.zeros(t.size), t, DEFAULT_PARAMS) == []
    assert segment_reps(np.zeros(0), np.zeros(0), DEFAULT_PARAMS) == []
    # a smoothed glitch on a clean standing signal is not a whole rep
    glitch = np.zeros(t.size)
    glitch[70:75] = 90.0
    assert [r for r in segment_reps(smooth(glitch, 30.0, *SMOOTH), t, DEFAULT_PARAMS) if r.complete] == []


def test_a_glitch_shorter_than_min_rep_s_is_never_a_rep():
    t = np.arange(0, 5, 1 / 30)
    counted = []
    for seed in range(200):
        x = np.random.default_rng(seed).normal(5.0, 1.5, t.size)
        x[70:75] += 90.0  # 0.17 s, far below min_rep_s = 0.6 s
        reps = segment_reps(smooth(x, 30.0, *SMOOTH), t, DEFAULT_PARAMS)
        counted += [seed for r in reps if r.complete]
    assert counted == []
