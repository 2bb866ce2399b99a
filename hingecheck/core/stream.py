"""The analysis, one frame at a time: the core of ``hingecheck live``.

One engine serves the file and the camera. :func:`~hingecheck.core.analysis.analyze_pose`
prepares the whole clip (:func:`~hingecheck.core.analysis.prepare_window`:
near side, features, signals, baseline, reps, camera tilt and levelling,
calibration) and judges it (:func:`~hingecheck.core.analysis.judge_window`:
gaps and partial movements via ``partial_or_gap``, then the rules).
:class:`StreamingAnalyzer` is a windowing driver over the same two steps.

Per frame it computes the new frame's features, finds reps on the smoothed
hip flexion of the *window* (from where the last reported rep ended to now,
at most :data:`MAX_WINDOW_S`) and shows the phase. When a rep in the window
is over (a rest phase follows it and its lockout has been watched for
``lockout_hold_s``), the window is prepared and
judged, and the reps that are over are reported and the window moves past
them. The work per frame is bounded by the window, not by the set's length.

What the stream cannot know is the future, so where the file path uses the
whole clip the stream uses everything seen so far (intentional differences):

* the chain read and facing: ``lifter_chain`` of every frame so far (running
  medians, and for a single-leg lift each ankle's running quantile spreads:
  :class:`~hingecheck.core.sidetrack.SideTracker`), equal to the file's once
  the set has ended;
* standing baseline: the least smoothed hip flexion so far;
* lifted from the floor or from standing: decided on the first frame with
  the baseline seen so far, fixed when the first rep is reported;
* a rep's end: where the lifter stops before the lowest (from the floor:
  highest) point of the rest seen so far, not of the whole rest;
* camera tilt: the median leg inclination over the lockouts of every whole
  rep so far (this window's included), so rep 1 is levelled by its own lockout;
* calibration: the file's search (:func:`~hingecheck.core.calibration.find_calibration`)
  on the first window, which starts at the set's first frame, levelled by
  each window's tilt; before it, for the set-up guidance only, the same
  search on the trailing second;
* the segment lengths the trusted joints are checked against
  (:func:`~hingecheck.core.evidence.chain_reliability`): their medians so far;
* window-wide measures: the world landmarks' left-right axis and the camera's
  yaw (:func:`~hingecheck.core.geometry.with_world_measures`) are the
  window's medians (a second of smoothing context before it included).

:meth:`StreamingAnalyzer.finish` judges the final window (reps whose
lockout the stream ended during, partial movements and gaps at the end:
the last cue) and then analyses every frame the stream held as the file path
does, so the set's report (summary, JSON, history) equals ``analyze``'s on
the same frames. The verdicts given live, rep by rep, stay in
``StreamingAnalyzer.verdicts``; where the whole set judged a rep otherwise
(the differences above), :meth:`StreamingAnalyzer.revisions` names it and
``live`` says so. No cv2, no mediapipe.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hingecheck.core.analysis import (
    DEFAULT_FPS,
    Analysis,
    Known,
    Prepared,
    analyze_pose,
    judge_window,
    level_calibration,
    lockout_legs,
    prepare_window,
    tilt_from_legs,
)
from hingecheck.core.buffers import GrowBuffer
from hingecheck.core.calibration import Calibration, find_calibration
from hingecheck.core.config import Thresholds
from hingecheck.core.geometry import HingeFeatures, hinge_features_arrays, nan_median
from hingecheck.core.judging import RepVerdict
from hingecheck.core.kinds import LivePhase, RepKind
from hingecheck.core.landmarks import NUM_LANDMARKS, PoseSequence, fps_from_timestamps, person_detected
from hingecheck.core.reps import Rep, segment_reps, smooth, standing_baseline
from hingecheck.core.sidetrack import SideTracker

#: frames with a person needed before the near side is first taken (and features computed)
SETUP_FRAMES = 15
#: the longest window searched for a rep, in seconds
MAX_WINDOW_S = 30.0
#: seconds before the window smoothed with it, so its first frames smooth as in the whole set
CONTEXT_S = 1.0


@dataclasses.dataclass(frozen=True)
class Said:
    """What a verdict said of one rep: the faults found and what could not be judged
    (fault ids, or :data:`~hingecheck.core.judging.WHOLE_REP` for the whole rep), sorted.
    Words for it live in :func:`hingecheck.outputs.wording.said_text`."""

    faults: tuple[str, ...] = ()       # fault ids (a registered fault need not be a built-in FaultId)
    cant_judge: tuple[str, ...] = ()

    @classmethod
    def of(cls, v: RepVerdict) -> "Said":
        return cls(tuple(sorted(map(str, v.faults))), tuple(sorted(map(str, v.cant_judge))))


@dataclasses.dataclass(frozen=True)
class Revision:
    """One rep whose verdict in the set's report differs from the one given live:
    what was said (None: not reported live) and what the report says (None: not in it)."""

    index: int
    live: Said | None
    final: Said | None


def revisions(live: list[RepVerdict], final: list[RepVerdict]) -> list[Revision]:
    """The reps on which ``final`` (the whole set's verdicts) and ``live`` disagree,
    matched by (rep index, kind), in the order of the set."""
    a = {(v.rep.index, str(v.rep.kind)): Said.of(v) for v in live}
    b = {(v.rep.index, str(v.rep.kind)): Said.of(v) for v in final}
    keys = sorted(set(a) | set(b))
    return [Revision(k[0], a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


class StreamingAnalyzer:
    """Push frames as they come; get each rep's :class:`RepVerdict` when it is over."""

    def __init__(self, exercise: str, th: Thresholds, frame_size: tuple[int, int]):
        self.exercise = exercise
        self.th = th
        self.frame_size = frame_size
        self.params = th.rep_params()
        self._image = GrowBuffer((NUM_LANDMARKS, 2))
        self._vis = GrowBuffer((NUM_LANDMARKS,))
        self._world = GrowBuffer((NUM_LANDMARKS, 3))
        self._has_world = False
        self._t = GrowBuffer(())
        self._curv = GrowBuffer(())
        self._feat = {k: GrowBuffer(()) for k in HingeFeatures.ARRAY_FIELDS}
        self._sides = SideTracker(exercise)
        self._detected = 0
        self.side = None
        self.facing = None
        self._anchor = 0           # window start: where the last reported rep ended
        self._least = np.inf       # least smoothed hip flexion so far (degrees)
        self._from_floor: bool | None = None
        self._legs: list[np.ndarray] = []  # leg inclinations at each reported whole rep's lockout
        self._whole = 0            # whole reps reported
        self.verdicts: list[RepVerdict] = []   # as given live, rep by rep
        self.final: Analysis | None = None      # the set's analysis, once finished
        self.phase = LivePhase.SETUP
        self._calibration: Calibration | None = None  # on unlevelled signals
        self._calibration_fixed = False

    # ------------------------------------------------------------------ input
    def __len__(self) -> int:
        return self._t.n

    def push(self, t: float, image: np.ndarray, visibility: np.ndarray,
             back_curvature: float = float("nan"), world: np.ndarray | None = None) -> list[RepVerdict]:
        """Add one frame at ``t`` seconds: (33, 2) pixels, (33,) visibility (NaN:
        no person), the mask's back curvature (NaN: not measured) and (33, 3)
        world landmarks in metres (None: not extracted).

        Returns the verdicts of the movements this frame ended (usually none).
        """
        self._image.append(image)
        self._vis.append(visibility)
        self._has_world = self._has_world or world is not None
        self._world.append(np.full((NUM_LANDMARKS, 3), np.nan) if world is None else world)
        self._t.append(t)
        self._curv.append(back_curvature)
        self._sides.add(image, visibility)
        self._detected += bool(person_detected(np.asarray(image)[None])[0])
        n = self._t.n
        if self.side is None:
            if self._detected < SETUP_FRAMES:
                return []
            self.side, self.facing = self._sides.chain(self.exercise)
            self._add_features(0, n)
            return self._update()
        chain = self._sides.chain(self.exercise)
        if chain != (self.side, self.facing):  # the estimate over every frame so far turned
            self.side, self.facing = chain
            self._set_features(self._anchor, n - 1)
            if not self.verdicts:  # nothing reported yet: the standing baseline is read again on the new chain
                self._least = np.inf
        self._add_features(n - 1, n)
        return self._update()

    def _computed(self, lo: int, hi: int) -> HingeFeatures:
        return hinge_features_arrays(self._image.data[lo:hi], self._vis.data[lo:hi], self.side, self.facing,
                                     self.frame_size, world=self._world.data[lo:hi])

    def _add_features(self, lo: int, hi: int) -> None:
        f = self._computed(lo, hi)
        for k in HingeFeatures.ARRAY_FIELDS:
            self._feat[k].extend(getattr(f, k))

    def _set_features(self, lo: int, hi: int) -> None:
        """Recompute the stored features of frames lo..hi-1 (the side or facing changed)."""
        f = self._computed(lo, hi)
        for k in HingeFeatures.ARRAY_FIELDS:
            self._feat[k].data[lo:hi] = getattr(f, k)

    def _pose(self, lo: int, hi: int) -> PoseSequence:
        """Frames lo..hi-1 as the file path would hold them."""
        return PoseSequence(self._image.data[lo:hi], self._vis.data[lo:hi], self._t.data[lo:hi], self.frame_size,
                            self._curv.data[lo:hi], self._world.data[lo:hi] if self._has_world else None)

    # ------------------------------------------------------------------ reps
    def _window(self) -> tuple[int, int, int]:
        """(first frame of context, first frame of the window, frames so far)."""
        n = self._t.n
        t = self._t.data
        if t[n - 1] - t[self._anchor] > MAX_WINDOW_S:  # a long rest: forget what cannot matter
            if self._from_floor is None:
                self._from_floor = self._starts_down(self._smooth(self._anchor, n))
            self._calibration_fixed = True
            self._anchor = int(np.searchsorted(t, t[n - 1] - MAX_WINDOW_S))
        lo = self._anchor
        return int(np.searchsorted(t, t[lo] - CONTEXT_S)) if lo else 0, lo, n

    def _smooth(self, lo: int, hi: int, name: str = "hip_flexion") -> np.ndarray:
        fps = fps_from_timestamps(self._t.data[lo:hi], DEFAULT_FPS)
        return smooth(self._feat[name].data[lo:hi], fps, self.th.smooth_cutoff_hz, self.th.max_gap_s)

    def _baseline(self) -> float:
        """The standing baseline so far: :func:`standing_baseline` of the least smoothed flexion seen."""
        return standing_baseline(np.array([self._least]), self.params)

    def _starts_down(self, flex: np.ndarray) -> bool:
        """A set lifted from the floor: its first frame is down (as :func:`segment_reps` decides)."""
        finite = np.flatnonzero(np.isfinite(flex))
        return bool(finite.size and flex[finite[0]] >= self._baseline() + self.params.down_deg)

    def _over(self, rep: Rep, flex: np.ndarray, t: np.ndarray, now: float) -> bool:
        """The movement is over: a rest phase follows it (the lifter stood up, or
        put the weight down, again) and its lockout was watched."""
        base = self._baseline()
        if rep.kind == RepKind.PARTIAL:
            return False
        after = flex[rep.top if rep.kind == RepKind.DOWN_UP_DOWN else rep.bottom:]
        with np.errstate(invalid="ignore"):
            if rep.kind == RepKind.DOWN_UP_DOWN:
                rested = bool(np.any(after >= base + self.params.down_deg))
            else:
                rested = bool(np.any(after <= base + self.params.up_deg))
        return rested and now >= t[rep.end] + self.th.lockout_hold_s

    def _update(self, final: bool = False) -> list[RepVerdict]:
        ctx, lo, hi = self._window()
        t = self._t.data[ctx:hi]
        flex = self._smooth(ctx, hi)
        own = flex[lo - ctx:]
        if np.isfinite(own).any():
            self._least = min(self._least, float(np.nanmin(own)))
        reps = segment_reps(own, t[lo - ctx:], self.params, base=self._baseline(), from_floor=self._from_floor)
        self.phase = self._phase_now(flex)
        if not self._calibration_fixed and self._calibration is None and not any(r.complete for r in reps):
            self._calibrate_now()
        if final or any(self._over(r, own, t[lo - ctx:], t[-1]) for r in reps):
            return self._report(ctx, lo, hi, final)
        return []

    # ------------------------------------------------------------------ judging
    def _report(self, ctx: int, lo: int, hi: int, final: bool) -> list[RepVerdict]:
        """Prepare and judge the window lo..hi-1 (smoothed from ``ctx``); report the
        movements that are over (all, if ``final``)."""
        legs = np.concatenate(self._legs) if self._whole else None
        known = Known((self.side, self.facing), self._baseline(), self._from_floor, legs,
                      calibrate=not self._calibration_fixed and lo == 0, context=lo - ctx,
                      segment_px=self._sides.segment_px(self.side))
        p = prepare_window(self._pose(ctx, hi), self.exercise, self.th, known)
        if known.calibrate:  # found on the window's levelled signals
            self._calibration, self._calibration_fixed = level_calibration(p.calibration, -p.tilt), True
        done = []
        for r in p.reps:
            if not final and not self._over(r, p.sig.hip_flexion, p.sig.timestamps, p.sig.timestamps[-1]):
                break
            if r.kind == RepKind.PARTIAL and self.verdicts:
                continue  # the set has reps: a movement that is none is not one (as in the file)
            done.append(r)
        has_whole = self._whole > 0 or any(r.complete for r in p.reps)
        out = [self._reported(p, r, v, ctx)
               for r, v in zip(done, judge_window(p, self.th, level_calibration(self._calibration, p.tilt), has_whole, reps=done))]
        if out and self._from_floor is None:
            self._from_floor = self._starts_down(p.sig.hip_flexion)
        return out

    def _reported(self, p: Prepared, rep: Rep, v: RepVerdict, lo: int) -> RepVerdict:
        """Keep one verdict of the window ``p`` (from stream frame ``lo``), numbered and in stream frames."""
        if rep.complete:
            self._whole += 1
            self._legs.append(lockout_legs(p.feat, p.sig, [rep], self.th))
        v = v.shifted(lo, index=self._whole if rep.complete else 0)
        self.verdicts.append(v)
        self._anchor = max(self._anchor, v.rep.end)
        return v

    def _calibrate_now(self) -> None:
        """For the set-up guidance: a calibration if the trailing second was still."""
        t = self._t.data
        n = t.size
        ctx = int(np.searchsorted(t, t[-1] - 2 * self.th.calibration_s))  # smoothing context
        if n - ctx < 8:
            return
        s = [self._smooth(ctx, n, k) for k in ("hip_flexion", "trunk_angle", "neck_angle")]
        c = find_calibration(t[ctx:], *s, self.th, before=n - ctx, after=n - ctx - 1)
        if c is not None:
            self._calibration = Calibration(c.trunk_angle, c.neck_angle, c.hip_flexion,
                                           (c.frames[0] + ctx, c.frames[1] + ctx))

    # ------------------------------------------------------------------ state for display
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

    def current_angles(self) -> dict[str, float]:
        """The angles the overlay shows for the newest frame, as the reports show them:
        hip and knee bend (flexion, 0 = straight), trunk inclination, neck against the
        trunk (see :func:`hingecheck.outputs.angles.format_angle`). Degrees; NaN where unseen."""
        if self.side is None or self._feat["hip_flexion"].n == 0:
            return {}
        f = {k: float(self._feat[k].data[-1]) for k in ("hip_flexion", "knee_flexion", "trunk_angle", "neck_angle")}
        return {"hip": f["hip_flexion"], "knee": f["knee_flexion"], "trunk": f["trunk_angle"], "neck": f["neck_angle"]}

    @property
    def rep_count(self) -> int:
        """Whole reps reported (a movement with a tracking gap or a partial one is not counted)."""
        return self._whole

    @property
    def calibration(self) -> Calibration | None:
        """The lifter's standing calibration so far (None: not yet), levelled by :attr:`camera_tilt`."""
        return level_calibration(self._calibration, self.camera_tilt)

    @property
    def camera_tilt(self) -> float:
        """Degrees the camera is tilted, from the lockouts of the whole reps reported so far (0: none)."""
        return tilt_from_legs(np.concatenate(self._legs), self.th.max_camera_tilt_deg) if self._legs else 0.0

    def side_on(self, last_s: float = 1.0) -> float:
        """Median side-on ratio over the last ``last_s`` seconds (NaN before the side is fixed)."""
        if self._t.n == 0 or self.side is None:
            return float("nan")
        t = self._t.data
        lo = int(np.searchsorted(t, t[-1] - last_s))
        return nan_median(self._feat["side_on"].data[lo:])

    def finish(self) -> Analysis:
        """The set as the file path analyses it: the final window judged live first
        (the last rep's cue is given), then :func:`~hingecheck.core.analysis.analyze_pose`
        on every frame the stream held, so the set's report equals ``analyze``'s on the
        same frames. What was said live stays in :attr:`verdicts`; :meth:`revisions`
        names the reps the whole set judged otherwise."""
        n = self._t.n
        if self.side is None and n:
            self.side, self.facing = self._sides.chain(self.exercise)
            self._add_features(0, n)
        if n:
            self._update(final=True)
        self.final = analyze_pose(self._pose(0, n), self.exercise, self.th)
        return self.final

    def revisions(self) -> list[Revision]:
        """The reps whose verdict in the set's report (after :meth:`finish`) is not the
        one given live: a fault or can't-judge reason the whole set adds or drops, or a
        movement only one of the two found (matched by rep index and kind)."""
        if self.final is None:
            return []
        return revisions(self.verdicts, self.final.reps)
