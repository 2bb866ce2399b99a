"""From a clip's landmarks to per-rep verdicts: the pure core pipeline.

``PoseSequence`` → :func:`hinge_features` → :func:`smooth` →
:func:`segment_reps` → one :data:`RULES` entry per fault, per rep. No cv2,
no mediapipe: the same function serves ``analyze``, ``score`` and
``live``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from hingecheck.core.config import Thresholds
from hingecheck.core.evidence import chain_reliability
from hingecheck.core.faults import FAULTS
from hingecheck.core.geometry import (
    HingeFeatures,
    hinge_features,
    inclination_from_vertical,
)
from hingecheck.core.landmarks import SIDES, PoseSequence
from hingecheck.core.reps import Rep, segment_reps, smooth
from hingecheck.core.rules import RULES, CantJudge, Finding, RepSignals, lockout_window


@dataclass
class Calibration:
    """The lifter's neutral standing posture, from a still second before the
    first rep (degrees)."""

    trunk_angle: float
    neck_angle: float
    hip_flexion: float
    frames: tuple[int, int]

    def as_dict(self) -> dict:
        def r(v):
            return round(v, 1) if np.isfinite(v) else None
        return {"trunk_angle": r(self.trunk_angle), "neck_angle": r(self.neck_angle),
                "hip_flexion": r(self.hip_flexion), "frames": [int(x) for x in self.frames]}


#: how long the lifter must stand still to calibrate, and how still (degrees)
CALIBRATION_S = 1.0
CALIBRATION_STILL_DEG = 4.0


def standing_still(hip_flexion: np.ndarray, trunk: np.ndarray, th: Thresholds) -> bool:
    """True if every frame of the window is standing (hip flexion at most
    ``rep_up_deg``) and hip and trunk angles vary by at most
    :data:`CALIBRATION_STILL_DEG`."""
    if hip_flexion.size < 2 or not (np.isfinite(hip_flexion).all() and np.isfinite(trunk).all()):
        return False
    return bool(np.max(hip_flexion) <= th.rep_up_deg
                and max(np.ptp(hip_flexion), np.ptp(trunk)) <= CALIBRATION_STILL_DEG)


def calibration_from(hip_flexion: np.ndarray, trunk: np.ndarray, neck: np.ndarray,
                     frames: tuple[int, int]) -> Calibration:
    """The medians of a still window's smoothed angles (degrees)."""
    return Calibration(float(np.median(trunk)),
                       float(np.nanmedian(neck)) if np.isfinite(neck).any() else float("nan"),
                       float(np.median(hip_flexion)), frames)


def find_calibration(sig: "RepSignals", th: Thresholds, before: int) -> Calibration | None:
    """The first :data:`CALIBRATION_S` seconds of standing still that end
    before frame ``before`` (the first rep's bottom), or None."""
    t = sig.timestamps
    lo = 0
    for hi in range(min(before, t.size)):
        while t[hi] - t[lo] > CALIBRATION_S:
            lo += 1
        if t[hi] - t[lo] < CALIBRATION_S * 0.9:
            continue
        w = slice(lo, hi + 1)
        if standing_still(sig.hip_flexion[w], sig.trunk_angle[w], th):
            return calibration_from(sig.hip_flexion[w], sig.trunk_angle[w], sig.neck_angle[w], (lo, hi))
    return None


@dataclass
class RepVerdict:
    """The judgement of one rep.

    ``cant_judge`` maps a fault id (or ``"*"`` for every fault) to the
    reason it could not be judged in this rep.
    """

    rep: Rep
    findings: list[Finding] = field(default_factory=list)
    cant_judge: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def judged(self) -> bool:
        return "*" not in self.cant_judge

    @property
    def faults(self) -> list[str]:
        return [f.fault for f in self.findings]

    def as_dict(self) -> dict:
        return {**self.rep.as_dict(), "judged": self.judged,
                "faults": [f.as_dict() for f in self.findings],
                "cant_judge": dict(self.cant_judge),
                "metrics": {k: (round(v, 3) if np.isfinite(v) else None) for k, v in self.metrics.items()}}


def clip_faults(reps: list[RepVerdict], min_share: float = 0.5) -> list[str]:
    """Faults flagged on at least ``min_share`` of the judged whole reps;
    for a clip with no whole rep, faults flagged in any judged movement."""
    whole = [r for r in reps if r.rep.complete]
    pool = whole if whole else reps
    out = []
    for fault in FAULTS:
        judged = [r for r in pool if r.judged and fault not in r.cant_judge]
        if not judged:
            continue
        hits = sum(fault in r.faults for r in judged)
        if (whole and hits >= min_share * len(judged) and hits > 0) or (not whole and hits > 0):
            out.append(fault)
    return out


@dataclass
class Analysis:
    exercise: str
    timestamps: np.ndarray
    frame_size: tuple[int, int]
    side: str
    facing: float
    view: str                 # "side", "oblique", "front" or "unknown"
    side_on: float            # median shoulder width / torso length
    detected_fraction: float
    signals: RepSignals
    reps: list[RepVerdict]
    calibration: Calibration | None = None
    camera_tilt: float = 0.0  # degrees the image's vertical is off the clip's vertical (see camera_tilt)

    @property
    def fps(self) -> float:
        t = self.timestamps
        return float(1.0 / np.median(np.diff(t))) if t.size > 1 else float("nan")

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

    def to_dict(self) -> dict:
        return {
            "exercise": self.exercise,
            "frames": int(self.timestamps.size),
            "duration_s": round(float(self.timestamps[-1]), 3) if self.timestamps.size else 0.0,
            "fps": round(self.fps, 2) if np.isfinite(self.fps) else None,
            "frame_size": list(self.frame_size),
            "side": self.side, "facing": "right" if self.facing > 0 else "left",
            "view": self.view, "side_on_ratio": round(self.side_on, 3) if np.isfinite(self.side_on) else None,
            "person_detected_fraction": round(self.detected_fraction, 3),
            "calibration": self.calibration.as_dict() if self.calibration else None,
            "camera_tilt_deg": round(float(self.camera_tilt), 1),
            "summary": self.summary(),
            "reps": [r.as_dict() for r in self.reps],
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


def classify_view(side_on: float, th: Thresholds) -> str:
    if not np.isfinite(side_on):
        return "unknown"
    if side_on > th.front_on_min:
        return "front"
    return "oblique" if side_on > th.side_on_max else "side"


def _cut_off(pose: PoseSequence, side_name: str, lo: int, hi: int) -> bool:
    """True if the head or the feet leave the frame in over 20% of the frames."""
    side = next(s for s in SIDES if s.name == side_name)
    w, h = pose.frame_size
    pts = pose.image[lo:hi + 1][:, [side.ear, side.ankle, side.hip]]
    vis = pose.visibility[lo:hi + 1][:, [side.ear, side.ankle, side.hip]]
    with np.errstate(invalid="ignore"):
        outside = (pts[..., 0] < 0) | (pts[..., 0] > w) | (pts[..., 1] < 0) | (pts[..., 1] > h) | (vis < 0.2)
    present = np.isfinite(pts[..., 0]).any(axis=1)
    if not present.any():
        return False
    return bool(outside[present].any(axis=1).mean() > 0.2)


#: a lifter shorter than this in the frame (pixels, standing) is too small to
#: judge: measured on clip01/clip03 scaled down, verdicts held at 55 px and
#: false per-rep faults appeared at 38 px
MIN_LIFTER_PX = 48.0


def lifter_height_px(image: np.ndarray) -> float:
    """The lifter's standing height in pixels over these frames: the 90th
    percentile of each frame's vertical extent of the landmarks (NaN if
    never seen)."""
    y = np.asarray(image, float)[..., 1]
    seen = np.isfinite(y).any(axis=1)
    if not seen.any():
        return float("nan")
    extent = np.nanmax(y[seen], axis=1) - np.nanmin(y[seen], axis=1)
    return float(np.percentile(extent, 90))


def judge_rep(rep: Rep, sig: RepSignals, feat: HingeFeatures, pose: PoseSequence,
              th: Thresholds, faults: tuple[str, ...] | None = None) -> RepVerdict:
    """Run every rule (or those of ``faults``) on one rep, or say why it cannot be judged."""
    lo, hi = rep.start, rep.end
    v = RepVerdict(rep)
    side_on = float(np.nanmedian(feat.side_on[lo:hi + 1])) if np.isfinite(feat.side_on[lo:hi + 1]).any() else np.nan
    key = np.stack([feat.hip_angle[lo:hi + 1], feat.knee_angle[lo:hi + 1], feat.trunk_angle[lo:hi + 1]])
    missing = float(np.isnan(key).any(axis=0).mean())
    rel = float(np.nanmedian(feat.reliability[lo:hi + 1]))
    b = rep.bottom
    v.metrics = {
        "hip_flexion_bottom": float(sig.hip_flexion[b]), "knee_flexion_bottom": float(sig.knee_flexion[b]),
        "shin_angle_bottom": float(sig.shin_angle[b]), "trunk_angle_bottom": float(sig.trunk_angle[b]),
        "neck_angle_bottom": float(sig.neck_angle[b]), "spine_alignment_bottom": float(sig.spine_alignment[b]),
        "side_on_ratio": side_on, "reliability": rel, "missing_fraction": missing,
    }
    if sig.back_curvature is not None:
        v.metrics["back_curvature_bottom"] = float(sig.back_curvature[b])
    tall = lifter_height_px(pose.image[lo:hi + 1])
    v.metrics["lifter_height_px"] = tall
    if tall < MIN_LIFTER_PX:
        v.cant_judge["*"] = (f"too small to judge: the lifter is {tall:.0f} px tall in the frame; "
                             "move the camera closer or film at a higher resolution")
    elif missing > th.max_missing_fraction:
        v.cant_judge["*"] = f"landmarks missing in {missing:.0%} of the rep's frames"
    elif rel < th.min_reliability:
        v.cant_judge["*"] = f"landmarks unreliable (median visibility {rel:.2f})"
    elif _cut_off(pose, feat.side, lo, hi):
        v.cant_judge["*"] = "body cut off at the frame's edge: step back so head and feet are in view"
    elif np.isfinite(side_on) and side_on > th.front_on_min:
        v.cant_judge["*"] = f"facing the camera (side-on ratio {side_on:.2f}): turn side-on"
    if not v.judged:
        return v
    if not np.isfinite(side_on) or side_on > th.side_on_max:
        for fid, info in FAULTS.items():
            if info.side_view_only:
                v.cant_judge[fid] = f"camera not side-on (side-on ratio {side_on:.2f} > {th.side_on_max})"
    for fid, fn in RULES.items():
        if fid in v.cant_judge or (faults is not None and fid not in faults):
            continue
        finding = fn(sig, rep, th)
        if isinstance(finding, CantJudge):
            v.cant_judge[fid] = finding.reason
        elif finding is not None:
            v.findings.append(finding)
    return v


#: the camera's tilt is trusted up to this many degrees; beyond, it is the lifter
MAX_CAMERA_TILT_DEG = 8.0


def camera_tilt(pose: PoseSequence, feat: HingeFeatures, sig: RepSignals, reps: list[Rep]) -> float:
    """How far the image's vertical is off the true vertical, in degrees.

    A phone leaning on a wall is rarely level. At lockout a lifter's legs
    (ankle to hip) stand vertical, so the median inclination of that line
    over every rep's lockout window is the camera's roll as the lifter
    sees it (positive: the image tips the lifter forward). Clipped to
    ±:data:`MAX_CAMERA_TILT_DEG`; 0 with no rep or no trusted frame.
    """
    side = next(s for s in SIDES if s.name == feat.side)
    leg = inclination_from_vertical(pose.image[:, side.ankle], pose.image[:, side.hip], feat.facing)
    ok = sig.ok(("hip", "knee", "ankle"))
    vals = []
    for r in reps:
        lo, hi = lockout_window(r, sig.timestamps, sig.hip_flexion)
        w = leg[lo:hi + 1][ok[lo:hi + 1]]
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
    view: str

    def analysis(self, verdicts: list[RepVerdict]) -> Analysis:
        p = self.pose
        return Analysis(self.exercise, p.timestamps, p.frame_size, self.feat.side, self.feat.facing, self.view,
                        self.side_on, float(p.detected.mean()) if len(p) else 0.0, self.sig, verdicts,
                        self.calibration, self.tilt)


def prepare(pose: PoseSequence, exercise: str, th: Thresholds) -> Prepared:
    """Features, reliability, smoothing, reps, camera tilt and calibration of one clip."""
    feat = hinge_features(pose)
    fps = pose.fps if np.isfinite(pose.fps) else 30.0
    side = next(s for s in SIDES if s.name == feat.side)
    chain_ok = chain_reliability(pose.image, pose.visibility, side, pose.timestamps) if len(pose) else None
    sig = smooth_features(feat, fps, th.smooth_cutoff_hz, pose.back_curvature, pose.timestamps, chain_ok)
    reps = segment_reps(sig.hip_flexion, pose.timestamps, th.rep_params()) if len(pose) else []
    tilt = camera_tilt(pose, feat, sig, [r for r in reps if r.complete] or reps)
    sig = level_signals(sig, tilt)
    # the still test itself keeps movement out, so the window may run into
    # the first rep's slow start (as the streaming analyzer's does)
    first = min((r.bottom for r in reps), default=len(pose))
    calib = find_calibration(sig, th, first)
    sig = dataclasses.replace(sig, neutral_trunk=calib.trunk_angle if calib else None)
    side_on = float(np.nanmedian(feat.side_on)) if np.isfinite(feat.side_on).any() else float("nan")
    return Prepared(exercise, pose, feat, sig, reps, calib, tilt, side_on, classify_view(side_on, th))


def judge_all(p: Prepared, th: Thresholds, faults: tuple[str, ...] | None = None) -> list[RepVerdict]:
    """Every rep's verdict; a partial movement at the edge of a clip with whole reps is not judged."""
    has_whole = any(r.complete for r in p.reps)
    verdicts = []
    for r in p.reps:
        if r.gap_s > 0:
            verdicts.append(RepVerdict(r, cant_judge={"*": f"tracking lost for {r.gap_s:.1f} s during this "
                                                          "movement: not counted or judged"}))
        elif has_whole and not r.complete:  # set-up or put-down at the clip's edge
            verdicts.append(RepVerdict(r, cant_judge={"*": "partial movement at the clip's edge (set-up or put-down)"}))
        else:
            verdicts.append(judge_rep(r, p.sig, p.feat, p.pose, th, faults))
    return verdicts


def analyze_pose(pose: PoseSequence, exercise: str, th: Thresholds) -> Analysis:
    """The whole core pipeline on one clip's landmarks."""
    p = prepare(pose, exercise, th)
    return p.analysis(judge_all(p, th))
