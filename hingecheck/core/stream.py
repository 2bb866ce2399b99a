"""The analysis, one frame at a time: the core of ``hingecheck live``.

:class:`StreamingAnalyzer` takes frames' landmarks as they arrive and
returns each rep's verdict once the rep is over (after the lockout has been
watched). It runs the offline analysis's own functions
(:func:`~hingecheck.core.geometry.hinge_features_arrays`,
:func:`~hingecheck.core.analysis.clip_signals`,
:func:`~hingecheck.core.reps.segment_reps`,
:func:`~hingecheck.core.analysis.levelled`,
:func:`~hingecheck.core.judging.judge_rep`) on a bounded window that starts
where the last reported rep ended, so the work per frame does not grow with
the length of the set. Each rep is judged in the window's own frame indices
and shifted once to the stream's. No cv2, no mediapipe.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.analysis import (
    DEFAULT_FPS,
    Analysis,
    classify_view,
    clip_signals,
    levelled,
)
from hingecheck.core.buffers import GrowBuffer
from hingecheck.core.calibration import (
    CALIBRATION_S,
    Calibration,
    calibration_from,
    standing_still,
)
from hingecheck.core.config import Thresholds
from hingecheck.core.geometry import (
    HingeFeatures,
    hinge_features_arrays,
    lifter_side,
    nan_median,
    with_world_measures,
)
from hingecheck.core.judging import RepVerdict, judge_rep
from hingecheck.core.kinds import LivePhase
from hingecheck.core.landmarks import (
    NUM_LANDMARKS,
    SIDES,
    fps_from_timestamps,
    person_detected,
)
from hingecheck.core.reps import Rep, segment_reps, smooth, standing_baseline
from hingecheck.core.signals import RepSignals
from hingecheck.core.windows import LOCKOUT_HOLD_S

#: frames with a person needed before the near side and facing are fixed
SETUP_FRAMES = 15
#: context kept before a rep when it is judged, in seconds
JUDGE_MARGIN_S = 1.0
#: the longest window searched for a rep, in seconds
MAX_WINDOW_S = 30.0
#: frames the stream's frame rate is measured over
FPS_FRAMES = 120


class StreamingAnalyzer:
    """Push frames as they come; get each rep's :class:`RepVerdict` when it ends."""

    def __init__(self, exercise: str, th: Thresholds, frame_size: tuple[int, int]):
        self.exercise = exercise
        self.th = th
        self.frame_size = frame_size
        self.params = th.rep_params()
        self._image = GrowBuffer((NUM_LANDMARKS, 2))
        self._vis = GrowBuffer((NUM_LANDMARKS,))
        self._world = GrowBuffer((NUM_LANDMARKS, 3))
        self._t = GrowBuffer(())
        self._curv = GrowBuffer(())
        self._feat = {k: GrowBuffer(()) for k in HingeFeatures.ARRAY_FIELDS}
        self.side = None
        self.facing = None
        self._anchor = 0           # window start: where the last reported rep ended
        self._least = np.inf       # running least smoothed hip flexion
        self._from_floor: bool | None = None
        self.verdicts: list[RepVerdict] = []
        self.phase = LivePhase.SETUP
        self.calibration: Calibration | None = None

    # ------------------------------------------------------------------ input
    def __len__(self) -> int:
        return self._t.n

    def push(self, t: float, image: np.ndarray, visibility: np.ndarray,
             back_curvature: float = float("nan"), world: np.ndarray | None = None) -> list[RepVerdict]:
        """Add one frame (pixels, visibility, optional mask curvature, optional
        (33, 3) world landmarks in metres for the camera's yaw).

        Returns the verdicts of reps that this frame completed (usually none).
        """
        self._image.append(image)
        self._vis.append(visibility)
        self._world.append(np.full((NUM_LANDMARKS, 3), np.nan) if world is None else world)
        self._t.append(t)
        self._curv.append(back_curvature)
        if self.side is None:
            if person_detected(self._image.data).sum() < SETUP_FRAMES:
                return []
            self._fix_side()
        else:
            self._add_features(self._t.n - 1, self._t.n)
        return self._update()

    def _fix_side(self) -> None:
        """Decide the near side and the facing from what was seen (as the offline analysis does)."""
        n = self._t.n
        self.side, self.facing = lifter_side(self._image.data, self._vis.data) if n else (SIDES[0], 1.0)
        self._add_features(0, n)

    def _add_features(self, lo: int, hi: int) -> None:
        f = hinge_features_arrays(self._image.data[lo:hi], self._vis.data[lo:hi], self.side, self.facing,
                                  self.frame_size, world=self._world.data[lo:hi])
        for k in HingeFeatures.ARRAY_FIELDS:
            self._feat[k].extend(getattr(f, k))

    def _features(self, lo: int, hi: int) -> HingeFeatures:
        feat = HingeFeatures(side=self.side, facing=float(self.facing),
                             **{k: self._feat[k].data[lo:hi] for k in HingeFeatures.ARRAY_FIELDS})
        return with_world_measures(feat, self._world.data[lo:hi], self.th.world_measures_min_yaw_deg)

    # ------------------------------------------------------------------ reps
    def _window(self) -> tuple[int, int]:
        n = self._t.n
        t = self._t.data
        if t[n - 1] - t[self._anchor] > MAX_WINDOW_S:  # a long rest: forget what cannot matter
            self._anchor = int(np.searchsorted(t, t[n - 1] - MAX_WINDOW_S))
        return self._anchor, n

    def _fps(self) -> float:
        return fps_from_timestamps(self._t.data[-FPS_FRAMES:], DEFAULT_FPS)

    def _smooth(self, name: str, lo: int, hi: int) -> np.ndarray:
        return smooth(self._feat[name].data[lo:hi], self._fps(), self.th.smooth_cutoff_hz)

    def _baseline(self) -> float:
        """The standing baseline so far: :func:`standing_baseline` of the least smoothed flexion seen."""
        return standing_baseline(np.array([self._least]), self.params)

    def _segment(self) -> tuple[int, list[Rep], np.ndarray]:
        lo, hi = self._window()
        flex = self._smooth("hip_flexion", lo, hi)
        if np.isfinite(flex).any():
            self._least = min(self._least, float(np.nanmin(flex)))
        base = self._baseline()
        if self._from_floor is None and np.isfinite(flex).any():
            first = flex[np.flatnonzero(np.isfinite(flex))[0]]
            self._from_floor = bool(first >= base + self.params.down_deg)
        reps = segment_reps(flex, self._t.data[lo:hi], self.params, base=base, from_floor=self._from_floor)
        return lo, reps, flex

    def _update(self, final: bool = False) -> list[RepVerdict]:
        lo, reps, flex = self._segment()
        t = self._t.data
        self.phase = self._phase_now(flex)
        if self.calibration is None and not self.verdicts and not any(r.complete for r in reps):
            self._try_calibrate()
        out = []
        for r in reps:
            if not r.complete:
                continue
            if t[-1] < t[lo + r.end] + LOCKOUT_HOLD_S and not final:
                break  # its lockout is still being watched
            v = self._judge(r, lo)
            self.verdicts.append(v)
            out.append(v)
            self._anchor = v.rep.end
        return out

    def _try_calibrate(self) -> None:
        """Calibrate on the trailing second if the lifter stands still in it."""
        t = self._t.data
        n = t.size
        ctx = int(np.searchsorted(t, t[-1] - 2 * CALIBRATION_S))  # smoothing context
        lo = int(np.searchsorted(t, t[-1] - CALIBRATION_S))
        if t[-1] - t[lo] < CALIBRATION_S * 0.9 or n - ctx < 8:
            return
        k = lo - ctx
        h, tr = self._smooth("hip_flexion", ctx, n)[k:], self._smooth("trunk_angle", ctx, n)[k:]
        if standing_still(h, tr, self.th):
            self.calibration = calibration_from(h, tr, self._smooth("neck_angle", ctx, n)[k:], (lo, n - 1))

    def _phase_now(self, flex: np.ndarray) -> LivePhase:
        if self.side is None:
            return LivePhase.SETUP
        x = flex[-1] if flex.size else np.nan
        base = self._baseline()
        if not np.isfinite(x):
            return LivePhase.NO_PERSON
        if x <= base + self.params.up_deg:
            return LivePhase.STANDING
        if x >= base + self.params.down_deg:
            return LivePhase.BOTTOM
        v = flex[-1] - flex[-2] if flex.size > 1 and np.isfinite(flex[-2]) else 0.0
        return LivePhase.DOWN if v > 0 else LivePhase.UP

    # ------------------------------------------------------------------ judging
    def _signals(self, lo: int, hi: int, feat: HingeFeatures, reps: list[Rep]) -> RepSignals:
        """Smoothed signals of frames lo..hi-1, as the offline analysis makes them,
        levelled by the camera tilt seen at the lockouts of ``reps`` (none: not levelled)."""
        sig = clip_signals(self._image.data[lo:hi], self._vis.data[lo:hi], self._t.data[lo:hi], feat,
                           self._curv.data[lo:hi], self.th)
        return levelled(feat, sig, reps)[0] if reps else sig

    def _judge(self, rep: Rep, window_lo: int) -> RepVerdict:
        """Judge ``rep`` (frames of the window from ``window_lo``) with
        :data:`JUDGE_MARGIN_S` of context before it; the verdict in stream frames."""
        t = self._t.data
        lo = int(np.searchsorted(t, t[window_lo + rep.start] - JUDGE_MARGIN_S))
        hi = self._t.n
        local = rep.shifted(window_lo - lo, index=len(self.verdicts) + 1)
        feat = self._features(lo, hi)
        v = judge_rep(local, self._signals(lo, hi, feat, [local]), feat, self.th, self.calibration)
        return v.shifted(lo)

    # ------------------------------------------------------------------ state for display
    def current_angles(self) -> dict[str, float]:
        """The angles the overlay shows for the newest frame, as the reports show them:
        hip and knee bend (flexion, 0 = straight), trunk inclination, neck against the
        trunk (see :func:`hingecheck.outputs.angles.format_angle`)."""
        if self.side is None or self._feat["hip_flexion"].n == 0:
            return {}
        f = {k: float(self._feat[k].data[-1]) for k in ("hip_flexion", "knee_flexion", "trunk_angle", "neck_angle")}
        return {"hip": f["hip_flexion"], "knee": f["knee_flexion"], "trunk": f["trunk_angle"], "neck": f["neck_angle"]}

    @property
    def rep_count(self) -> int:
        return len(self.verdicts)

    def side_on(self, last_s: float = 1.0) -> float:
        """Median side-on ratio over the last ``last_s`` seconds (NaN before the side is fixed)."""
        if self._t.n == 0 or self.side is None:
            return float("nan")
        t = self._t.data
        lo = int(np.searchsorted(t, t[-1] - last_s))
        return nan_median(self._feat["side_on"].data[lo:])

    def finish(self) -> Analysis:
        """The set so far as an :class:`Analysis` (reps reported while streaming)."""
        n = self._t.n
        if self.side is None:
            self._fix_side()
        if n and self._feat["hip_flexion"].n:
            self._update(final=True)  # reps whose lockout the stream ended during
        feat = self._features(0, n)
        sig = self._signals(0, n, feat, [])
        side_on, yaw = feat.median_side_on(), feat.median_yaw()
        detected = float(person_detected(self._image.data).mean()) if n else 0.0
        return Analysis(self.exercise, self._t.data.copy(), self.frame_size, self.side, float(self.facing),
                        classify_view(side_on, self.th, yaw), side_on, detected, sig, list(self.verdicts),
                        self.calibration, yaw=yaw)
