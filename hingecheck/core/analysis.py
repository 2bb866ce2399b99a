"""From a clip's landmarks to per-rep verdicts: the pure core engine.

Two steps, the same for a whole clip and for a window of the stream:
:func:`prepare_window` (near side → features → smoothed signals →
baseline and :func:`segment_reps` → camera tilt and levelling →
calibration) and :func:`judge_window` (:func:`partial_or_gap`, else
:func:`judge_rep` per rep). :func:`analyze_pose` is both on the whole clip;
``score`` and ``tune`` use them too, and :mod:`hingecheck.core.stream`
drives them over the windows of a live set, with what it saw before each
window passed in as :class:`Known`. No cv2, no mediapipe.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass

import numpy as np

from hingecheck.core.calibration import Calibration, find_calibration
from hingecheck.core.config import Thresholds
from hingecheck.core.evidence import chain_reliability
from hingecheck.core.faults import FAULTS
from hingecheck.core.geometry import HingeFeatures, hinge_features_arrays, lifter_chain, with_world_measures
from hingecheck.core.judging import WHOLE_REP, RepVerdict, clip_faults, judge_rep
from hingecheck.core.kinds import SINGLE_LEG, Reason, View
from hingecheck.core.landmarks import SIDES, BodySide, PoseSequence, fps_from_timestamps
from hingecheck.core.reps import Rep, segment_reps, smooth, standing_baseline
from hingecheck.core.signals import CantJudge, RepSignals
from hingecheck.core.windows import lockout_window

#: the frame rate assumed when timestamps cannot tell one (a single frame)
DEFAULT_FPS = 30.0


@dataclass(frozen=True)
class Analysis:
    """A set, analysed: its reps' verdicts and the signals they were judged on."""

    exercise: str
    timestamps: np.ndarray
    frame_size: tuple[int, int]
    side: BodySide
    facing: float             # +1 the lifter faces image-right, -1 image-left
    view: View
    side_on: float            # median shoulder width / torso length
    detected_fraction: float
    signals: RepSignals
    reps: list[RepVerdict]
    calibration: Calibration | None = None
    camera_tilt: float = 0.0  # degrees the image's vertical is off the clip's vertical (see camera_tilt)
    yaw: float = float("nan")  # degrees the camera is off side-on (median; see hingecheck.core.view)

    @property
    def fps(self) -> float:
        return fps_from_timestamps(self.timestamps)

    @property
    def rep_count(self) -> int:
        return sum(1 for r in self.reps if r.rep.complete)

    def clip_faults(self, min_share: float = 0.5) -> list[str]:
        """See :func:`clip_faults`."""
        return clip_faults(self.reps, min_share)

    def summary(self) -> dict:
        counts = Counter(f for r in self.reps if r.rep.complete for f in r.faults)
        judged = [r for r in self.reps if r.rep.complete and r.judged]
        common = counts.most_common(1)
        top = None
        if common:
            fid, n = common[0]
            top = {"fault": fid, "reps": n, "cue": FAULTS[fid].cue, "drill": FAULTS[fid].drill}
        return {
            "reps": self.rep_count,
            "judged_reps": len(judged),
            "clean_reps": sum(1 for r in judged if not r.findings),
            "fault_counts": dict(counts),
            "clip_faults": self.clip_faults(),
            "most_common": top,
            "view": self.view,
        }


def smooth_features(feat: HingeFeatures, fps: float, th: Thresholds,
                    back_curvature: np.ndarray | None, timestamps: np.ndarray,
                    chain_ok: np.ndarray | None = None) -> RepSignals:
    """Gap-fill and low-pass every feature (see :func:`hingecheck.core.reps.smooth`, with
    ``th``'s ``smooth_cutoff_hz`` and ``max_gap_s``); ``chain_ok`` (see
    :func:`hingecheck.core.evidence.chain_reliability`) rides along."""
    def sm(x):
        return smooth(x, fps, th.smooth_cutoff_hz, th.max_gap_s)
    return RepSignals(
        hip_flexion=sm(feat.hip_flexion), knee_flexion=sm(feat.knee_flexion),
        shin_angle=sm(feat.shin_angle), trunk_angle=sm(feat.trunk_angle),
        neck_angle=sm(feat.neck_angle), spine_alignment=sm(feat.spine_alignment),
        hip_drive=sm(feat.hip_drive),
        back_curvature=None if back_curvature is None else sm(back_curvature),
        timestamps=np.asarray(timestamps, float), chain_ok=chain_ok)


def clip_signals(image: np.ndarray, visibility: np.ndarray, timestamps: np.ndarray, feat: HingeFeatures,
                 back_curvature: np.ndarray | None, th: Thresholds,
                 segment_px: dict[tuple[str, str], float] | None = None) -> RepSignals:
    """The smoothed signals of a clip (or a stream's window) with the trusted joints riding along
    (``segment_px``: the segments' median lengths they are checked against, see
    :func:`~hingecheck.core.evidence.chain_reliability`; None: over these frames)."""
    fps = fps_from_timestamps(timestamps, DEFAULT_FPS)
    chain_ok = chain_reliability(image, visibility, feat.side, timestamps, th, segment_px) if len(timestamps) else None
    if back_curvature is not None and not np.isfinite(back_curvature).any():
        back_curvature = None
    return smooth_features(feat, fps, th, back_curvature, timestamps, chain_ok)


def classify_view(side_on: float, th: Thresholds, yaw: float = float("nan")) -> View:
    """The camera's view of the lifter: from its yaw (degrees off side-on) when
    known (a side view up to ``th.yaw_side_max_deg``), else from the side-on ratio."""
    if np.isfinite(yaw):
        if yaw > th.yaw_front_min_deg:
            return View.FRONT
        return View.OBLIQUE if yaw > th.yaw_side_max_deg else View.SIDE
    if not np.isfinite(side_on):
        return View.UNKNOWN
    if side_on > th.front_on_min:
        return View.FRONT
    return View.OBLIQUE if side_on > th.side_on_max else View.SIDE


def lockout_legs(feat: HingeFeatures, sig: RepSignals, reps: list[Rep], th: Thresholds) -> np.ndarray:
    """The legs' inclinations (degrees, :attr:`HingeFeatures.leg_angle`) over
    every rep's lockout window, at trusted frames: the samples of :func:`camera_tilt`."""
    ok = sig.ok(("hip", "knee", "ankle"))
    vals = [np.zeros(0)]
    for r in reps:
        lo, hi = lockout_window(r, sig.timestamps, sig.hip_flexion, th)
        w = feat.leg_angle[lo:hi + 1][ok[lo:hi + 1]]
        vals.append(w[np.isfinite(w)])
    return np.concatenate(vals)


def tilt_from_legs(legs: np.ndarray, max_deg: float) -> float:
    """The camera's tilt (degrees) from lockout leg inclinations (:func:`lockout_legs`):
    their median, clipped to ±``max_deg`` (``Thresholds.max_camera_tilt_deg``); 0 with none."""
    if legs.size == 0:
        return 0.0
    return float(np.clip(np.median(legs), -max_deg, max_deg))


def camera_tilt(feat: HingeFeatures, sig: RepSignals, reps: list[Rep], th: Thresholds) -> float:
    """How far the image's vertical is off the true vertical, in degrees.

    A phone leaning on a wall is rarely level. At lockout a lifter's legs
    (ankle to hip, :attr:`HingeFeatures.leg_angle`) stand vertical, so the
    median inclination of that line over every rep's lockout window is the
    camera's roll as the lifter sees it (positive: the image tips the lifter
    forward). Clipped to ±``th.max_camera_tilt_deg``; 0 with no rep or no
    trusted frame.
    """
    return tilt_from_legs(lockout_legs(feat, sig, reps, th), th.max_camera_tilt_deg)


def level_signals(sig: RepSignals, tilt: float) -> RepSignals:
    """``sig`` with the inclinations (trunk, shin) measured from the clip's
    vertical instead of the image's: ``tilt`` degrees (see :func:`camera_tilt`) taken off."""
    if tilt == 0.0:
        return sig
    return dataclasses.replace(sig, trunk_angle=sig.trunk_angle - tilt, shin_angle=sig.shin_angle - tilt)


def level_calibration(calib: Calibration | None, tilt: float) -> Calibration | None:
    """A calibration measured on unlevelled signals, its trunk inclination measured
    from the clip's vertical instead (``tilt`` degrees off, as :func:`level_signals`;
    the hip and neck angles are between body segments and do not change)."""
    if calib is None or tilt == 0.0:
        return calib
    return dataclasses.replace(calib, trunk_angle=calib.trunk_angle - tilt)


def partial_or_gap(rep: Rep, has_whole: bool) -> RepVerdict | None:
    """The verdict of a movement that is not judged (tracking lost in it, or a
    partial movement at the edge of a clip that has whole reps), else None."""
    if rep.gap_s > 0:
        return RepVerdict(rep, cant_judge={WHOLE_REP: CantJudge(Reason.TRACKING_LOST, {"gap_s": rep.gap_s})})
    if has_whole and not rep.complete:  # set-up or put-down at the clip's edge
        return RepVerdict(rep, cant_judge={WHOLE_REP: CantJudge(Reason.PARTIAL_MOVEMENT)})
    return None


@dataclass(frozen=True)
class Known:
    """What the caller knows of the set from outside the window it prepares.

    The file path knows nothing more (the window is the whole clip: every
    field None, the calibration searched). The stream passes what it saw
    before the window: the near side and facing over every frame so far, the
    standing baseline so far (degrees), whether the set is lifted from the
    floor, the legs' inclinations at earlier whole reps' lockouts (degrees,
    for the camera's tilt), no calibration search once the window no
    longer starts at the set's first frame, how many frames before the
    window's own (already reported) are there only so that the smoothing
    sees them as the file's does, and the median segment lengths (pixels)
    the trusted joints are checked against.
    """

    side: tuple[BodySide, float] | None = None
    base: float | None = None
    from_floor: bool | None = None
    lockout_legs: np.ndarray | None = None  # None: no whole rep before the window
    calibrate: bool = True
    context: int = 0  # leading frames that only give the smoothing its context (no rep starts there)
    segment_px: dict[tuple[str, str], float] | None = None  # median segment lengths so far, pixels


@dataclass(frozen=True)
class Prepared:
    """A clip's (or a stream window's) analysis up to the rules: what no rule threshold changes.

    :func:`judge_window` runs the rules on it; :func:`hingecheck.scoring.tune` re-runs
    them with many thresholds without recomputing features or reps. Frame
    indices (reps, calibration) are the window's own.
    """

    exercise: str
    pose: PoseSequence
    feat: HingeFeatures
    sig: RepSignals
    reps: list[Rep]
    calibration: Calibration | None
    tilt: float
    side_on: float
    view: View
    yaw: float = float("nan")
    base: float = 0.0                 # the standing baseline the reps were found on, degrees
    lockout_legs: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))  # this window's

    def analysis(self, verdicts: list[RepVerdict]) -> Analysis:
        p = self.pose
        return Analysis(self.exercise, p.timestamps, p.frame_size, self.feat.side, self.feat.facing, self.view,
                        self.side_on, float(p.detected.mean()) if len(p) else 0.0, self.sig, verdicts,
                        self.calibration, self.tilt, self.yaw)


def window_features(pose: PoseSequence, th: Thresholds, side: tuple[BodySide, float] | None = None,
                    exercise: str = "") -> HingeFeatures:
    """The hinge features of ``pose``'s frames seen from ``side`` (the chain read, facing;
    None: chosen from these frames for ``exercise``, :func:`lifter_chain`), measured in the
    lifter's plane off side-on (:func:`with_world_measures`)."""
    side, facing = side or (lifter_chain(pose.image, pose.visibility, exercise) if len(pose) else (SIDES[0], 1.0))
    feat = hinge_features_arrays(pose.image, pose.visibility, side, facing, pose.frame_size, world=pose.world)
    return with_world_measures(feat, pose.world, th.world_measures_min_yaw_deg,
                               side if exercise in SINGLE_LEG else None)


def prepare_window(pose: PoseSequence, exercise: str, th: Thresholds, known: Known = Known()) -> Prepared:
    """Step one of the engine, on a whole clip or a stream's window: features,
    reliability, smoothing, reps, camera tilt (signals levelled by it) and
    calibration, each estimated from ``pose``'s frames unless ``known`` gives it."""
    feat = window_features(pose, th, known.side, exercise)
    sig = clip_signals(pose.image, pose.visibility, pose.timestamps, feat, pose.back_curvature, th,
                       known.segment_px)
    params = th.rep_params()
    base = standing_baseline(sig.hip_flexion, params) if known.base is None else known.base
    k = known.context
    reps = ([r.shifted(k) for r in segment_reps(sig.hip_flexion[k:], pose.timestamps[k:], params, base,
                                                 known.from_floor)] if len(pose) > k else [])
    whole = [r for r in reps if r.complete]
    legs = lockout_legs(feat, sig, whole, th)
    if whole or known.lockout_legs is not None:  # the whole reps' lockouts, if the set has whole reps
        tilt = tilt_from_legs(legs if known.lockout_legs is None else np.concatenate([known.lockout_legs, legs]),
                              th.max_camera_tilt_deg)
    else:
        tilt = tilt_from_legs(lockout_legs(feat, sig, reps, th), th.max_camera_tilt_deg)
    sig = level_signals(sig, tilt)
    # the still test itself keeps movement out, so the window may run into
    # the first rep's slow start
    calib = (find_calibration(sig.timestamps, sig.hip_flexion, sig.trunk_angle, sig.neck_angle, th,
                              min((r.bottom for r in reps), default=len(pose))) if known.calibrate else None)
    side_on, yaw = feat.median_side_on(), feat.median_yaw()
    return Prepared(exercise, pose, feat, sig, reps, calib, tilt, side_on, classify_view(side_on, th, yaw), yaw,
                    base, legs)


def judge_window(p: Prepared, th: Thresholds, calibration: Calibration | None, has_whole: bool | None = None,
                 faults: tuple[str, ...] | None = None, reps: list[Rep] | None = None) -> list[RepVerdict]:
    """Step two of the engine: the verdict of every rep of ``p`` (or of ``reps``,
    some of them). A movement with a tracking gap, or a partial movement at the
    edge of a set with whole reps (``has_whole``; None: whole reps in this
    window), is not judged (:func:`partial_or_gap`); the rules judge the rest."""
    has_whole = any(r.complete for r in p.reps) if has_whole is None else has_whole
    return [partial_or_gap(r, has_whole) or judge_rep(r, p.sig, p.feat, th, calibration, faults)
            for r in (p.reps if reps is None else reps)]


def prepare(pose: PoseSequence, exercise: str, th: Thresholds) -> Prepared:
    """:func:`prepare_window` on a whole clip."""
    return prepare_window(pose, exercise, th)


def judge_all(p: Prepared, th: Thresholds, faults: tuple[str, ...] | None = None) -> list[RepVerdict]:
    """:func:`judge_window` on a whole clip, with its own calibration."""
    return judge_window(p, th, p.calibration, faults=faults)


def analyze_pose(pose: PoseSequence, exercise: str, th: Thresholds) -> Analysis:
    """The whole engine on one clip's landmarks: the whole clip prepared, then judged."""
    p = prepare_window(pose, exercise, th)
    return p.analysis(judge_window(p, th, p.calibration))
