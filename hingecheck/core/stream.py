"""The analysis, one frame at a time: the core of ``hingecheck live``.

:class:`StreamingAnalyzer` takes frames' landmarks as they arrive and
returns each rep's verdict once the rep is over (after the lockout has been
watched). It uses the same functions as :func:`hingecheck.core.analysis.analyze_pose`
— :func:`hinge_features_arrays`, :func:`smooth`, :func:`segment_reps`,
:func:`judge_rep` — on a bounded window that starts where the last reported
rep ended, so the work per frame does not grow with the length of the set.
No cv2, no mediapipe.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hingecheck.core.analysis import (
    CALIBRATION_S,
    Analysis,
    Calibration,
    RepVerdict,
    calibration_from,
    camera_tilt,
    classify_view,
    judge_rep,
    level_signals,
    smooth_features,
    standing_still,
)
from hingecheck.core.buffers import GrowBuffer
from hingecheck.core.config import Thresholds
from hingecheck.core.evidence import chain_reliability
from hingecheck.core.geometry import (
    HingeFeatures,
    choose_side,
    facing_direction,
    hinge_features_arrays,
    thigh_length,
)
from hingecheck.core.landmarks import NUM_LANDMARKS, SIDES, PoseSequence
from hingecheck.core.reps import Rep, segment_reps, smooth
from hingecheck.core.rules import LOCKOUT_HOLD_S, RepSignals

#: frames with a person needed before the near side and facing are fixed
SETUP_FRAMES = 15
#: context kept before a rep when it is judged, in seconds
JUDGE_MARGIN_S = 1.0
#: the longest window searched for a rep, in seconds
MAX_WINDOW_S = 30.0


class StreamingAnalyzer:
    """Push frames as they come; get each rep's :class:`RepVerdict` when it ends."""

    def __init__(self, exercise: str, th: Thresholds, frame_size: tuple[int, int]):
        self.exercise = exercise
        self.th = th
        self.frame_size = frame_size
        self.params = th.rep_params()
        self._image = GrowBuffer((NUM_LANDMARKS, 2))
        self._vis = GrowBuffer((NUM_LANDMARKS,))
        self._t = GrowBuffer(())
        self._curv = GrowBuffer(())
        self._feat = {k: GrowBuffer(()) for k in HingeFeatures.ANGLE_FIELDS}
        self.side = None
        self.facing = None
        self._thigh = float("nan")
        self._anchor = 0           # window start: where the last reported rep ended
        self._base_min = np.inf    # running least smoothed hip flexion
        self._from_floor: bool | None = None
        self.verdicts: list[RepVerdict] = []
        self.phase = "setup"
        self.calibration: Calibration | None = None

    # ------------------------------------------------------------------ input
    def __len__(self) -> int:
        return self._t.n

    def push(self, t: float, image: np.ndarray, visibility: np.ndarray,
             back_curvature: float = float("nan")) -> list[RepVerdict]:
        """Add one frame (pixels, visibility, optional mask curvature).

        Returns the verdicts of reps that this frame completed (usually none).
        """
        self._image.append(image)
        self._vis.append(visibility)
        self._t.append(t)
        self._curv.append(back_curvature)
        if self.side is None:
            self._try_fix_side()
            if self.side is None:
                return []
        else:
            self._add_features(self._t.n - 1, self._t.n)
        return self._update()

    def _try_fix_side(self) -> None:
        img, vis = self._image.data, self._vis.data
        detected = np.isfinite(img[:, 0, 0])
        if detected.sum() < SETUP_FRAMES:
            return
        side = choose_side(vis)
        self.side, self.facing = side, facing_direction(img, side)
        self._thigh = thigh_length(img, side)
        self._add_features(0, self._t.n)

    def _add_features(self, lo: int, hi: int) -> None:
        f = hinge_features_arrays(self._image.data[lo:hi], self._vis.data[lo:hi], self.side, self.facing,
                                  thigh_len=self._thigh)
        for k in HingeFeatures.ANGLE_FIELDS:
            self._feat[k].extend(getattr(f, k))

    # ------------------------------------------------------------------ reps
    def _window(self) -> tuple[int, int]:
        n = self._t.n
        t = self._t.data
        lo = self._anchor
        if t[n - 1] - t[lo] > MAX_WINDOW_S:  # a long rest: forget what cannot matter
            lo = int(np.searchsorted(t, t[n - 1] - MAX_WINDOW_S))
            self._anchor = lo
        return lo, n

    def _fps(self) -> float:
        t = self._t.data
        return float(1.0 / np.median(np.diff(t[-120:]))) if t.size > 1 else 30.0

    def _baseline(self) -> float:
        """The standing baseline so far: the least smoothed hip flexion seen,
        clipped as :func:`hingecheck.core.reps.standing_baseline` clips it."""
        if not np.isfinite(self._base_min):
            return 0.0
        return float(np.clip(self._base_min, 0.0, self.params.baseline_max_deg))

    def _segment(self) -> tuple[int, list[Rep], np.ndarray]:
        lo, hi = self._window()
        t = self._t.data[lo:hi]
        flex = smooth(180.0 - self._feat["hip_angle"].data[lo:hi], self._fps(), self.th.smooth_cutoff_hz)
        if np.isfinite(flex).any():
            self._base_min = min(self._base_min, float(np.nanmin(flex)))
        base = self._baseline()
        if self._from_floor is None and np.isfinite(flex).any():
            first = flex[np.flatnonzero(np.isfinite(flex))[0]]
            self._from_floor = bool(first >= base + self.params.down_deg)
        reps = segment_reps(flex, t, self.params, base=base, from_floor=self._from_floor)
        return lo, reps, flex

    def _update(self, final: bool = False) -> list[RepVerdict]:
        lo, reps, flex = self._segment()
        t_all = self._t.data
        now = t_all[-1]
        self.phase = self._phase_now(flex)
        if self.calibration is None and not self.verdicts and not any(r.complete for r in reps):
            self._try_calibrate()
        out = []
        for r in reps:
            if not r.complete:
                continue
            end_abs = lo + r.end
            if now < t_all[end_abs] + LOCKOUT_HOLD_S and not final:
                break  # its lockout is still being watched
            v = self._judge(Rep(len(self.verdicts) + 1, lo + r.start, lo + r.bottom, lo + r.top, end_abs,
                                r.depth_deg, r.down_s, r.up_s, r.kind, True))
            self.verdicts.append(v)
            out.append(v)
            self._anchor = end_abs
        return out

    def _try_calibrate(self) -> None:
        """Calibrate on the trailing second if the lifter stands still in it."""
        t = self._t.data
        n = t.size
        ctx = int(np.searchsorted(t, t[-1] - 2 * CALIBRATION_S))  # smoothing context
        lo = int(np.searchsorted(t, t[-1] - CALIBRATION_S))
        if t[-1] - t[lo] < CALIBRATION_S * 0.9 or n - ctx < 8:
            return
        fps = self._fps()
        sl = slice(ctx, n)
        h = smooth(180.0 - self._feat["hip_angle"].data[sl], fps, self.th.smooth_cutoff_hz)
        tr = smooth(self._feat["trunk_angle"].data[sl], fps, self.th.smooth_cutoff_hz)
        k = lo - ctx
        if standing_still(h[k:], tr[k:], self.th):
            nk = smooth(self._feat["neck_angle"].data[sl], fps, self.th.smooth_cutoff_hz)
            self.calibration = calibration_from(h[k:], tr[k:], nk[k:], (lo, n - 1))

    def _phase_now(self, flex: np.ndarray) -> str:
        if self.side is None:
            return "setup"
        x = flex[-1] if flex.size else np.nan
        base = self._baseline()
        if not np.isfinite(x):
            return "no person"
        if x <= base + self.params.up_deg:
            return "standing"
        if x >= base + self.params.down_deg:
            return "bottom"
        v = flex[-1] - flex[-2] if flex.size > 1 and np.isfinite(flex[-2]) else 0.0
        return "down" if v > 0 else "up"

    # ------------------------------------------------------------------ judging
    def _window_inputs(self, lo: int, hi: int) -> tuple[PoseSequence, HingeFeatures]:
        t = self._t.data[lo:hi]
        pose = PoseSequence(self._image.data[lo:hi], np.full((hi - lo, NUM_LANDMARKS, 3), np.nan),
                            self._vis.data[lo:hi], np.full((hi - lo, NUM_LANDMARKS), np.nan), t,
                            self.frame_size, self._curv.data[lo:hi])
        feat = HingeFeatures(side=self.side.name, facing=float(self.facing),
                             **{k: self._feat[k].data[lo:hi] for k in HingeFeatures.ANGLE_FIELDS})
        return pose, feat

    def _signals(self, pose: PoseSequence, feat: HingeFeatures, reps: list[Rep]) -> RepSignals:
        """Smoothed signals of a window, as :func:`analyze_pose` makes them,
        levelled by the camera tilt seen at the lockouts of ``reps``."""
        curv = pose.back_curvature if np.isfinite(pose.back_curvature).any() else None
        ok = chain_reliability(pose.image, pose.visibility, self.side, pose.timestamps) if len(pose) else None
        sig = smooth_features(feat, self._fps(), self.th.smooth_cutoff_hz, curv, pose.timestamps, ok)
        sig = level_signals(sig, camera_tilt(pose, feat, sig, reps) if reps else 0.0)
        return dataclasses.replace(sig, neutral_trunk=self.calibration.trunk_angle if self.calibration else None)

    def _judge(self, rep: Rep) -> RepVerdict:
        t = self._t.data
        lo = int(np.searchsorted(t, t[rep.start] - JUDGE_MARGIN_S))
        hi = self._t.n
        pose, feat = self._window_inputs(lo, hi)
        local = Rep(rep.index, rep.start - lo, rep.bottom - lo, rep.top - lo, rep.end - lo, rep.depth_deg,
                    rep.down_s, rep.up_s, rep.kind, True)
        sig = self._signals(pose, feat, [local])
        v = judge_rep(local, sig, feat, pose, self.th)
        v.rep = rep
        for f in v.findings:
            f.frames = (f.frames[0] + lo, f.frames[1] + lo)
        return v

    # ------------------------------------------------------------------ state for display
    def current_angles(self) -> dict[str, float]:
        if self.side is None or self._feat["hip_angle"].n == 0:
            return {}
        return {"hip": float(self._feat["hip_angle"].data[-1]), "knee": float(self._feat["knee_angle"].data[-1]),
                "trunk": float(self._feat["trunk_angle"].data[-1]), "neck": float(self._feat["neck_angle"].data[-1])}

    @property
    def rep_count(self) -> int:
        return len(self.verdicts)

    def side_on(self, last_s: float = 1.0) -> float:
        if self._t.n == 0:
            return float("nan")
        t = self._t.data
        lo = int(np.searchsorted(t, t[-1] - last_s))
        w = self._feat["side_on"].data[lo:] if self.side is not None else np.zeros(0)
        return float(np.nanmedian(w)) if np.isfinite(w).any() else float("nan")

    def finish(self) -> Analysis:
        """The set so far as an :class:`Analysis` (reps reported while streaming)."""
        n = self._t.n
        t = self._t.data
        if self.side is None:
            side = choose_side(self._vis.data) if n else SIDES[0]
            self.side, self.facing = side, facing_direction(self._image.data, side) if n else 1.0
            self._thigh = thigh_length(self._image.data, side) if n else float("nan")
            if n:
                self._add_features(0, n)
        if n and self._feat["hip_angle"].n:
            self._update(final=True)  # reps whose lockout the stream ended during
        pose, feat = self._window_inputs(0, n)
        sig = self._signals(pose, feat, [])
        so = feat.side_on
        side_on = float(np.nanmedian(so)) if np.isfinite(so).any() else float("nan")
        detected = float(np.isfinite(self._image.data[:, 0, 0]).mean()) if n else 0.0
        return Analysis(self.exercise, t.copy(), self.frame_size, self.side.name, float(self.facing),
                        classify_view(side_on, self.th), side_on, detected, sig, list(self.verdicts),
                        self.calibration)
