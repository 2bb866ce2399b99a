"""From a clip's landmarks to per-rep verdicts: the pure core pipeline.

``PoseSequence`` → :func:`hinge_features` → :func:`smooth` →
:func:`segment_reps` → :func:`judge_rep` per rep. No cv2, no mediapipe:
the same functions serve ``analyze``, ``score``, ``tune`` and (on a window of
the stream, see :mod:`hingecheck.core.stream`) ``live``.
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
from hingecheck.core.geometry import HingeFeatures, hinge_features, with_world_measures
from hingecheck.core.judging import WHOLE_REP, RepVerdict, clip_faults, judge_rep
from hingecheck.core.kinds import Reason, View
from hingecheck.core.landmarks import BodySide, PoseSequence, fps_from_timestamps
from hingecheck.core.reps import Rep, segment_reps, smooth
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


def smooth_features(feat: HingeFeatures, fps: float, cutoff_hz: float,
                    back_curvature: np.ndarray | None, timestamps: np.ndarray,
                    chain_ok: np.ndarray | None = None) -> RepSignals:
    """Gap-fill and low-pass every feature (see :func:`hingecheck.core.reps.smooth`);
    ``chain_ok`` (see :func:`hingecheck.core.evidence.chain_reliability`) rides along."""
    def sm(x):
        return smooth(x, fps, cutoff_hz)
    return RepSignals(
        hip_flexion=sm(feat.hip_flexion), knee_flexion=sm(feat.knee_flexion),
        shin_angle=sm(feat.shin_angle), trunk_angle=sm(feat.trunk_angle),
        neck_angle=sm(feat.neck_angle), spine_alignment=sm(feat.spine_alignment),
        hip_drive=sm(feat.hip_drive),
        back_curvature=None if back_curvature is None else sm(back_curvature),
        timestamps=np.asarray(timestamps, float), chain_ok=chain_ok)


def clip_signals(image: np.ndarray, visibility: np.ndarray, timestamps: np.ndarray, feat: HingeFeatures,
                 back_curvature: np.ndarray | None, th: Thresholds) -> RepSignals:
    """The smoothed signals of a clip (or a stream's window) with the trusted joints riding along."""
    fps = fps_from_timestamps(timestamps, DEFAULT_FPS)
    chain_ok = chain_reliability(image, visibility, feat.side, timestamps) if len(timestamps) else None
    if back_curvature is not None and not np.isfinite(back_curvature).any():
        back_curvature = None
    return smooth_features(feat, fps, th.smooth_cutoff_hz, back_curvature, timestamps, chain_ok)


#: a camera within this many degrees of side-on films a side view
SIDE_VIEW_MAX_YAW_DEG = 20.0


def classify_view(side_on: float, th: Thresholds, yaw: float = float("nan")) -> View:
    """The camera's view of the lifter: from its yaw (degrees off side-on) when
    known, else from the side-on ratio."""
    if np.isfinite(yaw):
        if yaw > th.yaw_front_min_deg:
            return View.FRONT
        return View.OBLIQUE if yaw > SIDE_VIEW_MAX_YAW_DEG else View.SIDE
    if not np.isfinite(side_on):
        return View.UNKNOWN
    if side_on > th.front_on_min:
        return View.FRONT
    return View.OBLIQUE if side_on > th.side_on_max else View.SIDE


#: the camera's tilt is trusted up to this many degrees; beyond, it is the lifter
MAX_CAMERA_TILT_DEG = 8.0


def camera_tilt(feat: HingeFeatures, sig: RepSignals, reps: list[Rep]) -> float:
    """How far the image's vertical is off the true vertical, in degrees.

    A phone leaning on a wall is rarely level. At lockout a lifter's legs
    (ankle to hip, :attr:`HingeFeatures.leg_angle`) stand vertical, so the
    median inclination of that line over every rep's lockout window is the
    camera's roll as the lifter sees it (positive: the image tips the lifter
    forward). Clipped to ±:data:`MAX_CAMERA_TILT_DEG`; 0 with no rep or no
    trusted frame.
    """
    ok = sig.ok(("hip", "knee", "ankle"))
    vals = []
    for r in reps:
        lo, hi = lockout_window(r, sig.timestamps, sig.hip_flexion)
        w = feat.leg_angle[lo:hi + 1][ok[lo:hi + 1]]
        vals.extend(w[np.isfinite(w)].tolist())
    if not vals:
        return 0.0
    return float(np.clip(np.median(vals), -MAX_CAMERA_TILT_DEG, MAX_CAMERA_TILT_DEG))


def level_signals(sig: RepSignals, tilt: float) -> RepSignals:
    """``sig`` with the inclinations (trunk, shin) measured from the clip's
    vertical instead of the image's: ``tilt`` degrees (see :func:`camera_tilt`) taken off."""
    if tilt == 0.0:
        return sig
    return dataclasses.replace(sig, trunk_angle=sig.trunk_angle - tilt, shin_angle=sig.shin_angle - tilt)


def levelled(feat: HingeFeatures, sig: RepSignals, reps: list[Rep]) -> tuple[RepSignals, float]:
    """``sig`` levelled by the camera tilt seen at the lockouts of ``reps``
    (the whole ones if any), and that tilt in degrees."""
    tilt = camera_tilt(feat, sig, [r for r in reps if r.complete] or reps)
    return level_signals(sig, tilt), tilt


def partial_or_gap(rep: Rep, has_whole: bool) -> RepVerdict | None:
    """The verdict of a movement that is not judged (tracking lost in it, or a
    partial movement at the edge of a clip that has whole reps), else None."""
    if rep.gap_s > 0:
        return RepVerdict(rep, cant_judge={WHOLE_REP: CantJudge(Reason.TRACKING_LOST, {"gap_s": rep.gap_s})})
    if has_whole and not rep.complete:  # set-up or put-down at the clip's edge
        return RepVerdict(rep, cant_judge={WHOLE_REP: CantJudge(Reason.PARTIAL_MOVEMENT)})
    return None


@dataclass(frozen=True)
class Prepared:
    """A clip's analysis up to the rules: what no rule threshold changes.

    :func:`judge_all` runs the rules on it; :func:`hingecheck.scoring.tune` re-runs
    them with many thresholds without recomputing features or reps.
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

    def analysis(self, verdicts: list[RepVerdict]) -> Analysis:
        p = self.pose
        return Analysis(self.exercise, p.timestamps, p.frame_size, self.feat.side, self.feat.facing, self.view,
                        self.side_on, float(p.detected.mean()) if len(p) else 0.0, self.sig, verdicts,
                        self.calibration, self.tilt, self.yaw)


def prepare(pose: PoseSequence, exercise: str, th: Thresholds) -> Prepared:
    """Features, reliability, smoothing, reps, camera tilt and calibration of one clip."""
    feat = with_world_measures(hinge_features(pose), pose.world, th.world_measures_min_yaw_deg)
    sig = clip_signals(pose.image, pose.visibility, pose.timestamps, feat, pose.back_curvature, th)
    reps = segment_reps(sig.hip_flexion, pose.timestamps, th.rep_params()) if len(pose) else []
    sig, tilt = levelled(feat, sig, reps)
    # the still test itself keeps movement out, so the window may run into
    # the first rep's slow start (as the streaming analyzer's does)
    calib = find_calibration(sig, th, min((r.bottom for r in reps), default=len(pose)))
    side_on, yaw = feat.median_side_on(), feat.median_yaw()
    return Prepared(exercise, pose, feat, sig, reps, calib, tilt, side_on, classify_view(side_on, th, yaw), yaw)


def judge_all(p: Prepared, th: Thresholds, faults: tuple[str, ...] | None = None) -> list[RepVerdict]:
    """Every rep's verdict; a partial movement at the edge of a clip with whole reps is not judged."""
    has_whole = any(r.complete for r in p.reps)
    return [partial_or_gap(r, has_whole) or judge_rep(r, p.sig, p.feat, th, p.calibration, faults)
            for r in p.reps]


def analyze_pose(pose: PoseSequence, exercise: str, th: Thresholds) -> Analysis:
    """The whole core pipeline on one clip's landmarks."""
    p = prepare(pose, exercise, th)
    return p.analysis(judge_all(p, th))
