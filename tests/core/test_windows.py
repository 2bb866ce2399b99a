"""The frames each rule reads: the rep's bottom, and its bottom under load."""

from __future__ import annotations

import numpy as np

from hingecheck.core.config import Thresholds
from hingecheck.core.kinds import RepKind
from hingecheck.core.reps import Rep
from hingecheck.core.windows import bottom_window, loaded_bottom

TH = Thresholds()


def _rep(start: int, bottom: int, end: int, depth: float, kind=RepKind.DOWN_UP_DOWN) -> Rep:
    return Rep(1, start, bottom, end, end, depth, 1.0, 1.0, kind)


def _floor_lift() -> tuple[np.ndarray, Rep]:
    """Hip flexion (degrees) of a lift from the floor: 1 s of set-up held at 90°, the pull
    from frame 30 (the rep's start) to standing at frame 60, a hold, then back down."""
    x = np.concatenate([np.full(30, 90.0), np.linspace(90.0, 0.0, 30), np.zeros(30), np.linspace(0.0, 90.0, 30)])
    return x, _rep(start=28, bottom=29, end=89, depth=90.0)


def test_the_bottom_of_a_lift_from_the_floor_includes_its_set_up():
    x, rep = _floor_lift()
    lo, hi = bottom_window(rep, x, TH)
    band = max(10.0, TH.bottom_band * rep.depth_deg)
    assert lo == 0                                   # the set-up hold at the floor, from the clip's start
    assert x[hi] >= x[rep.bottom] - band > x[hi + 1]  # up to where the pull leaves the band


def test_the_loaded_bottom_starts_with_the_movement():
    """Under load is from the rep's own start: the set-up before the pull is left out."""
    x, rep = _floor_lift()
    lo, hi = loaded_bottom(rep, x, TH)
    assert (lo, hi) == (rep.start, bottom_window(rep, x, TH)[1])


def test_a_rep_from_standing_keeps_its_whole_bottom():
    t = np.linspace(0.0, 2 * np.pi, 121)
    x = 45.0 * (1 - np.cos(t))                        # 0 -> 90 -> 0 degrees
    rep = _rep(start=5, bottom=60, end=115, depth=90.0, kind=RepKind.UP_DOWN_UP)
    assert loaded_bottom(rep, x, TH) == bottom_window(rep, x, TH)
    lo, hi = loaded_bottom(rep, x, TH)
    assert lo < 60 < hi and x[lo] >= 90.0 - max(10.0, TH.bottom_band * 90.0)


def test_an_unseen_bottom_is_the_bottom_frame_alone():
    x, rep = _floor_lift()
    x[rep.bottom] = np.nan
    assert bottom_window(rep, x, TH) == loaded_bottom(rep, x, TH) == (rep.bottom, rep.bottom)


def test_a_bottom_band_outside_the_movement_falls_back_to_the_bottom_frame():
    """A bottom before the movement's own start (the band ends before it): the bottom frame."""
    x, _ = _floor_lift()
    rep = _rep(start=40, bottom=10, end=89, depth=90.0)
    lo, hi = bottom_window(rep, x, TH)
    assert hi < rep.start and loaded_bottom(rep, x, TH) == (rep.bottom, rep.bottom)
