"""Smoothing and rep segmentation: pure numpy/scipy, no cv2 or mediapipe.

A rep is found on the smoothed hip-flexion signal with hysteresis: the
lifter is *up* below ``up_deg`` and *down* above ``down_deg`` (both above
the standing baseline); between the two the previous state holds, so
wobble at the top or bottom never makes a rep. The states form a sequence
like ``up, down, up, down, up``. A clip that starts *up* counts
up→down→up cycles (an RDL, swing or good morning from standing); a clip
that starts *down* counts down→up→down cycles (a deadlift set up on the
floor). A cycle shorter than ``min_rep_s`` or shallower than
``min_depth_deg`` is not a rep.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from hingecheck.core.kinds import Motion, RepKind


def fill_gaps(x: np.ndarray, max_gap: int) -> np.ndarray:
    """Linearly interpolate runs of NaN no longer than ``max_gap`` samples.

    Runs touching either end, and longer runs, stay NaN. Returns a copy.
    """
    x = np.asarray(x, dtype=float).copy()
    n = x.size
    bad = np.isnan(x)
    if not bad.any() or bad.all():
        return x
    idx = np.arange(n)
    good = ~bad
    # run boundaries of NaN stretches
    edges = np.diff(np.concatenate([[0], bad.astype(np.int8), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)  # exclusive
    interp = np.interp(idx, idx[good], x[good])
    for s, e in zip(starts, ends):
        if s > 0 and e < n and (e - s) <= max_gap:
            x[s:e] = interp[s:e]
    return x


@functools.lru_cache(maxsize=64)
def _butter_design(order: int, wn: float) -> tuple[tuple[float, ...], ...]:
    from scipy.signal import butter

    return tuple(map(tuple, butter(order, wn, output="sos")))


def _butter_sos(order: int, wn: float) -> np.ndarray:
    """The low-pass Butterworth filter's second-order sections (a fresh array), designed
    once per (order, cut-off over Nyquist), not on every frame of a stream."""
    return np.array(_butter_design(order, wn))


def lowpass(x: np.ndarray, fps: float, cutoff_hz: float, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass of each finite run of ``x``.

    Units are kept. NaN samples stay NaN; runs too short to filter are
    returned unfiltered. ``cutoff_hz`` at or above Nyquist returns a copy.
    """
    x = np.asarray(x, dtype=float)
    out = x.copy()
    nyq = 0.5 * fps
    if not np.isfinite(fps) or cutoff_hz >= nyq:
        return out
    from scipy.signal import sosfiltfilt  # here: scipy.signal costs 0.7 s to import

    sos = _butter_sos(order, cutoff_hz / nyq)
    finite = np.isfinite(x)
    edges = np.diff(np.concatenate([[0], finite.astype(np.int8), [0]]))
    for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        padlen = 3 * (2 * len(sos) + 1)
        if e - s > padlen:
            out[s:e] = sosfiltfilt(sos, x[s:e], padlen=padlen)
    return out


def smooth(x: np.ndarray, fps: float, cutoff_hz: float, max_gap_s: float) -> np.ndarray:
    """Fill gaps up to ``max_gap_s`` seconds, then low-pass at ``cutoff_hz`` (the analysis passes
    :class:`~hingecheck.core.config.Thresholds` ``smooth_cutoff_hz`` and ``max_gap_s``); a longer
    gap stays NaN, so no rep is counted across it."""
    gap = max(1, int(round(max_gap_s * fps))) if np.isfinite(fps) else 1
    return lowpass(fill_gaps(x, gap), fps, cutoff_hz)


@dataclass(frozen=True)
class RepParams:
    """Hysteresis and validity bounds for rep segmentation (degrees, seconds).

    The first four are thresholds a config can set: they come from
    :class:`~hingecheck.core.config.Thresholds` (its ``rep_*`` fields, through
    :meth:`~hingecheck.core.config.Thresholds.rep_params`), which holds their
    defaults (this module does not import the config, which imports it).
    """

    up_deg: float         # hip flexion above baseline below which the lifter is up
    down_deg: float       # ... above which the lifter is down
    min_depth_deg: float  # a rep must reach this hip flexion above baseline
    min_rep_s: float      # a rep lasts at least this long
    max_rep_s: float = 20.0
    still_speed_frac: float = 0.07  # slower than this share of a movement's top speed = holding
    baseline_max_deg: float = 20.0  # the standing baseline is the clip's min, clipped to [0, this]


@dataclass(frozen=True)
class Rep:
    """One repetition; frame indices into the clip.

    ``start``/``end`` bound the movement (holds excluded); ``bottom`` is the
    frame of greatest hip flexion, ``top`` the frame the lifter reaches
    lockout (for an up-down-up rep, ``end``).
    ``kind`` is a :class:`~hingecheck.core.kinds.RepKind`.
    ``complete`` is False for a partial movement at the clip's edge (judged
    for faults, not counted) and for a rep during which tracking was lost
    for longer than the smoothing bridges (``gap_s`` > 0: neither counted nor
    judged, never read as a lockout).
    """

    index: int
    start: int
    bottom: int
    top: int
    end: int
    depth_deg: float
    down_s: float
    up_s: float
    kind: RepKind
    complete: bool = True
    gap_s: float = 0.0  # the longest stretch inside the rep where tracking was lost (not counted if > 0)

    @property
    def frames(self) -> slice:
        return slice(self.start, self.end + 1)

    def shifted(self, offset: int, index: int | None = None) -> "Rep":
        """The same rep with every frame index moved by ``offset`` (and renumbered, if ``index``)."""
        return dataclasses.replace(self, start=self.start + offset, bottom=self.bottom + offset,
                                   top=self.top + offset, end=self.end + offset,
                                   index=self.index if index is None else index)

    def as_dict(self) -> dict:
        return {
            "index": self.index, "start": self.start, "bottom": self.bottom, "top": self.top,
            "end": self.end, "depth_deg": round(self.depth_deg, 1),
            "down_s": round(self.down_s, 2), "up_s": round(self.up_s, 2),
            "kind": self.kind, "complete": self.complete, "tracking_gap_s": round(self.gap_s, 2),
        }


@dataclass(frozen=True)
class Phase:
    state: Motion
    start: int
    end: int    # inclusive
    extreme: int  # frame of least (up) or greatest (down) flexion


def standing_baseline(flex: np.ndarray, params: RepParams) -> float:
    """The standing hip flexion the thresholds sit on: the signal's least
    value, clipped to [0, ``baseline_max_deg``] (degrees)."""
    flex = np.asarray(flex, dtype=float)
    if not np.isfinite(flex).any():
        return 0.0
    return float(np.clip(np.nanmin(flex), 0.0, params.baseline_max_deg))


def hysteresis_phases(flex: np.ndarray, params: RepParams, base: float | None = None,
                      initial_state: str | None = None) -> list[Phase]:
    """Split a smoothed hip-flexion signal (degrees) into up/down phases.

    NaN frames keep the current state. Returns consecutive phases covering
    every frame from the first finite sample to the last. ``base`` (the
    standing baseline, default :func:`standing_baseline`) and
    ``initial_state`` let a caller that sees a window of a longer stream
    keep the stream's own.
    """
    flex = np.asarray(flex, dtype=float)
    finite = np.isfinite(flex)
    if not finite.any():
        return []
    if base is None:
        base = standing_baseline(flex, params)
    up_thr = base + params.up_deg
    down_thr = base + params.down_deg
    first = int(np.flatnonzero(finite)[0])
    last = int(np.flatnonzero(finite)[-1])
    state = initial_state or (Motion.DOWN if flex[first] >= down_thr else Motion.UP)
    # hysteresis via forward fill of the decided states
    decided = np.where(flex >= down_thr, 1, np.where(flex <= up_thr, 0, -1))
    decided[~finite] = -1
    decided[first] = 1 if state == Motion.DOWN else 0
    seg = decided[first:last + 1]
    idx = np.where(seg >= 0, np.arange(seg.size), 0)
    np.maximum.accumulate(idx, out=idx)
    states = seg[idx]
    change = np.flatnonzero(np.diff(states)) + 1
    bounds = np.concatenate([[0], change, [states.size]])
    phases = []
    for s, e in zip(bounds[:-1], bounds[1:]):
        s_abs, e_abs = first + int(s), first + int(e) - 1
        st = Motion.DOWN if states[s] == 1 else Motion.UP
        window = flex[s_abs:e_abs + 1]
        ext = int(np.nanargmax(window) if st == Motion.DOWN else np.nanargmin(window))
        phases.append(Phase(st, s_abs, e_abs, s_abs + ext))
    return phases


def _speed(flex: np.ndarray, t: np.ndarray, a: int, b: int, sign: float) -> np.ndarray:
    """Signed speed (deg/s) of ``flex`` over frames a..b, positive in the
    direction ``sign`` (+1 flexing, -1 extending); NaN as 0."""
    seg = flex[a:b + 1]
    if seg.size < 2:
        return np.zeros(seg.size)
    v = np.gradient(seg, t[a:b + 1]) * sign
    return np.nan_to_num(v)


def _slow_edge(flex, t, a: int, b: int, sign: float, frac: float, leading: bool) -> int:
    """The edge of the movement between frames ``a`` and ``b`` (hold extremes):
    with ``leading``, the last frame before its fastest point moving slower
    than ``frac`` of that top speed (where it begins); else the first such
    frame after it (where it ends)."""
    v = _speed(flex, t, a, b, sign)
    if v.size < 2:
        return a if leading else b
    p = int(np.argmax(v))
    if leading:
        slow = np.flatnonzero(v[:p + 1] < frac * v[p])
        return a + int(slow[-1]) if slow.size else a
    slow = np.flatnonzero(v[p:] < frac * v[p])
    return a + p + int(slow[0]) if slow.size else b


def _movement_start(flex, t, a: int, b: int, sign: float, frac: float) -> int:
    """Where a movement from frame ``a`` (a hold's extreme) to ``b`` begins."""
    return _slow_edge(flex, t, a, b, sign, frac, leading=True)


def _movement_end(flex, t, a: int, b: int, sign: float, frac: float) -> int:
    """Where a movement from frame ``a`` to ``b`` (a hold's extreme) ends."""
    return _slow_edge(flex, t, a, b, sign, frac, leading=False)


def segment_reps(flex: np.ndarray, timestamps: np.ndarray, params: RepParams,
                 base: float | None = None, from_floor: bool | None = None) -> list[Rep]:
    """Find reps in a smoothed hip-flexion signal (degrees) with timestamps (s).

    A rep runs from where the lifter starts moving out of the hold before
    it to where they stop in the hold after it (speed below
    ``still_speed_frac`` of the movement's top speed), so tempo and
    duration exclude pauses. Returns complete reps,
    then (flagged ``complete=False``) a partial movement at either edge of
    the clip when it goes deep enough, so a clip with no whole rep can still
    be judged. ``params``: :meth:`~hingecheck.core.config.Thresholds.rep_params`.
    """
    flex = np.asarray(flex, dtype=float)
    t = np.asarray(timestamps, dtype=float)
    if base is None:
        base = standing_baseline(flex, params)
    initial = None if from_floor is None else (Motion.DOWN if from_floor else Motion.UP)
    phases = hysteresis_phases(flex, params, base, initial)
    if not phases:
        return []
    from_floor = phases[0].state == Motion.DOWN
    mid_state = Motion.UP if from_floor else Motion.DOWN
    reps: list[Rep] = []
    partial: list[Rep] = []
    for i, ph in enumerate(phases):
        if ph.state != mid_state:
            continue
        rep = _rep_of_phase(flex, t, params, base, phases, i, from_floor)
        dur = t[rep.end] - t[rep.start]
        if rep.depth_deg < params.min_depth_deg or dur > params.max_rep_s or dur < params.min_rep_s:
            continue
        (reps if rep.complete else partial).append(rep)
    if not reps and not partial:  # a down phase but no rep of its own kind: judge the movement
        partial = _down_movements(flex, t, params, base, phases)
    return _numbered(reps + partial, flex, t)


def _rep_of_phase(flex: np.ndarray, t: np.ndarray, params: RepParams, base: float, phases: list[Phase],
                  i: int, from_floor: bool) -> Rep:
    """The rep around ``phases[i]`` (its middle phase), bounded by the holds either side."""
    ph = phases[i]
    prev = phases[i - 1] if i > 0 else None
    nxt = phases[i + 1] if i + 1 < len(phases) else None
    sign = -1.0 if from_floor else 1.0  # the first movement: up from the floor, or down
    frac = params.still_speed_frac
    start = _movement_start(flex, t, prev.extreme, ph.extreme, sign, frac) if prev else ph.start
    end = _movement_end(flex, t, ph.extreme, nxt.extreme, -sign, frac) if nxt else ph.end
    if from_floor:
        top, bottom = ph.extreme, start
        depth = float(np.nanmax(flex[start:end + 1]) - base)
        up_s, down_s = t[top] - t[start], t[end] - t[top]
    else:
        bottom, top = ph.extreme, end
        depth = float(flex[bottom] - base)
        down_s, up_s = t[bottom] - t[start], t[end] - t[bottom]
    kind = RepKind.DOWN_UP_DOWN if from_floor else RepKind.UP_DOWN_UP
    return Rep(0, start, bottom, top, end, depth, float(down_s), float(up_s), kind,
               complete=prev is not None and nxt is not None)


def _down_movements(flex: np.ndarray, t: np.ndarray, params: RepParams, base: float,
                    phases: list[Phase]) -> list[Rep]:
    """Every deep enough down phase as a partial movement (for a clip with no rep)."""
    frac = params.still_speed_frac
    out = []
    for i, ph in enumerate(phases):
        if ph.state == Motion.DOWN and float(flex[ph.extreme] - base) >= params.min_depth_deg:
            s = _movement_start(flex, t, phases[i - 1].extreme, ph.extreme, 1.0, frac) if i > 0 else ph.start
            e = (_movement_end(flex, t, ph.extreme, phases[i + 1].extreme, -1.0, frac)
                 if i + 1 < len(phases) else ph.end)
            out.append(Rep(0, s, ph.extreme, e, e, float(flex[ph.extreme] - base),
                           float(t[ph.extreme] - t[s]), float(t[e] - t[ph.extreme]),
                           RepKind.PARTIAL, complete=False))
    return out


def _numbered(reps: list[Rep], flex: np.ndarray, t: np.ndarray) -> list[Rep]:
    """Whole reps numbered from 1; a rep with a tracking gap is not whole (index 0)."""
    out = []
    n = 0
    for r in reps:
        gap = _longest_gap(flex, t, r.start, r.end)
        whole = r.complete and gap == 0.0
        n += whole
        out.append(dataclasses.replace(r, index=n if whole else 0, complete=whole, gap_s=gap))
    return out


def _longest_gap(flex: np.ndarray, t: np.ndarray, lo: int, hi: int) -> float:
    """Seconds of the longest run of NaN in ``flex`` within frames lo..hi (0 if none):
    the smoothed signal is NaN only where tracking was lost longer than the
    gap filling bridges."""
    bad = np.isnan(flex[lo:hi + 1])
    if not bad.any():
        return 0.0
    edges = np.diff(np.concatenate([[0], bad.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1) + lo, np.flatnonzero(edges == -1) + lo
    return float(max(t[min(e, t.size - 1)] - t[max(s - 1, 0)] for s, e in zip(starts, ends)))
