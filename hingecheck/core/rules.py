"""One rule per fault. Pure numpy; no cv2 or mediapipe.

Each rule looks at one rep of smoothed features and returns a
:class:`Finding` (the fault, where, how bad, the evidence), a
:class:`CantJudge` (the joints it reads were not seen) or ``None``.
Each fault's entry in :data:`hingecheck.core.faults.FAULTS` names its rule
(a :data:`~hingecheck.core.faultspec.Rule`) beside its cue and drill.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.calibration import Calibration
from hingecheck.core.config import Thresholds
from hingecheck.core.evidence import (
    sustained_peak,
    sustained_trough,
    trusted_share,
)
from hingecheck.core.kinds import Comparison, FaultId, Phase, Reason, RepKind, Unit
from hingecheck.core.reps import Rep
from hingecheck.core.signals import CantJudge, Evidence, Finding, RepSignals
from hingecheck.core.windows import (
    ascent,
    bottom_window,
    loaded_bottom,
    lockout_window,
    run_around,
    top_frame,
)


def _severity(value: float, threshold: float, scale: float) -> float:
    return float(np.clip(abs(value - threshold) / scale, 0.0, 1.0))


def _unseen(s: RepSignals, joints: tuple[str, ...], lo: int, hi: int, phase: Phase,
            th: Thresholds) -> CantJudge | None:
    """A :class:`CantJudge` if under ``th.min_trusted_share`` of frames lo..hi
    (the rep's ``phase``) have every joint in ``joints`` trusted."""
    share = trusted_share(s.ok(joints), lo, hi)
    if share >= th.min_trusted_share:
        return None
    return CantJudge(Reason.JOINTS_HIDDEN, {"joints": joints, "phase": phase, "share": share})


def _over_at_bottom(fault: FaultId, metric: str, signal: np.ndarray, s: "RepSignals", joints: tuple[str, ...],
                    rep: Rep, threshold: float, scale: float, th: Thresholds,
                    window=bottom_window) -> "Finding | CantJudge | None":
    """A finding when ``signal`` (degrees) stays above ``threshold`` for a
    sustained stretch (``th.sustain_s``) of the rep's bottom ``window``, on frames
    where ``joints`` are trusted; severity 1 at ``scale`` degrees past it."""
    lo, hi = window(rep, s.hip_flexion, th)
    unseen = _unseen(s, joints, lo, hi, Phase.BOTTOM, th)
    if unseen:
        return unseen
    value = sustained_peak(signal, s.ok(joints), s.timestamps, lo, hi, th.sustain_s)
    if not value > threshold:
        return None
    return Finding(fault, run_around(signal[rep.start:rep.end + 1] > threshold, rep.bottom, rep.start),
                   _severity(value, threshold, scale),
                   [Evidence(metric, value, threshold, Comparison.ABOVE, Unit.DEG)])


# --------------------------------------------------------------------------- rules

#: the squat rule's hip/knee flexion ratio evidence (see :func:`squat_yields`)
RATIO_METRIC = "hip/knee flexion ratio"

#: the joints each rule reads (see :data:`hingecheck.core.evidence.CHAIN`)
LEGS = ("shoulder", "hip", "knee", "ankle")
BACK = ("ear", "shoulder", "hip")
TRUNK = ("shoulder", "hip")
LOCKOUT = ("shoulder", "hip", "knee")


def _median(x: np.ndarray, ok: np.ndarray, lo: int, hi: int) -> float:
    """Median of ``x`` over the trusted, finite frames lo..hi (NaN if none)."""
    w = np.asarray(x, float)[lo:hi + 1]
    w = w[np.asarray(ok, bool)[lo:hi + 1] & np.isfinite(w)]
    return float(np.median(w)) if w.size else float("nan")


def _squatted_start(s: RepSignals, rep: Rep, th: Thresholds) -> float | None:
    """The knee flexion held at the floor (degrees) when a lift from the floor
    starts with the knees bent past ``squat_start_knee_deg`` (the hips set as
    low as a squat's); None otherwise."""
    if rep.kind == RepKind.UP_DOWN_UP or rep.bottom != rep.start:
        return None
    b0, b1 = bottom_window(rep, s.hip_flexion, th)
    knee = sustained_peak(s.knee_flexion, s.ok(LEGS), s.timestamps, b0, b1, th.sustain_s)
    return knee if knee > th.squat_start_knee_deg else None


def squatting(s: RepSignals, rep: Rep, th: Thresholds, calib: Calibration | None) -> Finding | CantJudge | None:
    """Knees forward, shins angled, torso upright.

    Over the rep's bottom window (medians of trusted frames) against its
    lockout: flags when the hips flexed less than ``squat_ratio_max`` times
    as much as the knees (a hinge moves mostly at the hips; with the trunk
    tipped over and the knees past their limit that rep is
    :func:`excess_knee_bend`'s, see :func:`squat_yields`), or when the
    trunk is more upright than ``squat_trunk_max_deg`` while the shins lean
    past ``squat_shin_min_deg``. From the floor: knees bent past
    ``squat_start_knee_deg`` and then the hips rise first (trunk rise below
    ``squat_start_trunk_min``).
    """
    b0, b1 = bottom_window(rep, s.hip_flexion, th)
    t0, t1 = lockout_window(rep, s.timestamps, s.hip_flexion, th)
    ok = s.ok(LEGS)
    unseen = _unseen(s, LEGS, b0, b1, Phase.BOTTOM, th)
    if unseen:
        return unseen
    d_hip = _median(s.hip_flexion, ok, b0, b1) - _median(s.hip_flexion, ok, t0, t1)
    d_knee = _median(s.knee_flexion, ok, b0, b1) - _median(s.knee_flexion, ok, t0, t1)
    # NaN when the lockout was not seen (the clip ends first): no ratio then
    ratio = d_hip / max(d_knee, 1.0) if np.isfinite(d_hip) and np.isfinite(d_knee) else float("nan")
    trunk, shin = _median(s.trunk_angle, ok, b0, b1), _median(s.shin_angle, ok, b0, b1)
    ev = []
    sev = 0.0
    if ratio < th.squat_ratio_max:
        ev.append(Evidence(RATIO_METRIC, ratio, th.squat_ratio_max, Comparison.BELOW, Unit.RATIO))
        sev = max(sev, _severity(ratio, th.squat_ratio_max, 0.5))
    if trunk < th.squat_trunk_max_deg and shin > th.squat_shin_min_deg:
        ev.append(Evidence("trunk inclination at bottom", trunk, th.squat_trunk_max_deg, Comparison.BELOW, Unit.DEG))
        ev.append(Evidence("shin angle at bottom", shin, th.squat_shin_min_deg, Comparison.ABOVE, Unit.DEG))
        sev = max(sev, _severity(trunk, th.squat_trunk_max_deg, 25.0))
    knee = _squatted_start(s, rep, th)
    if knee is not None:
        # set up from the floor: hips set as low as a squat and then forced to rise
        # first, the trunk tipping further over as the knees straighten
        got = trunk_rise_at_knee_extension(s, rep, th.hips_rise_knee_progress)
        if got is not None and got[0] < th.squat_start_trunk_min:
            ev.append(Evidence("knee flexion at the floor", knee, th.squat_start_knee_deg, Comparison.ABOVE, Unit.DEG))
            ev.append(Evidence(f"trunk rise done at {th.hips_rise_knee_progress:.0%} knee extension",
                               got[0], th.squat_start_trunk_min, Comparison.BELOW, Unit.FRACTION))
            sev = max(sev, _severity(knee, th.squat_start_knee_deg, 40.0))
    if not ev:
        return None
    cond = s.shin_angle[rep.start:rep.end + 1] > th.squat_shin_min_deg * 0.66
    return Finding(FaultId.SQUATTING, run_around(cond, rep.bottom, rep.start), sev, ev)


def excess_knee_bend(s: RepSignals, rep: Rep, th: Thresholds, calib: Calibration | None) -> Finding | CantJudge | None:
    """Knee flexion held past ``excess_knee_flexion_deg`` at the bottom.

    A rep whose trunk stays more upright than ``squat_trunk_max_deg`` is left
    to :func:`squatting`, but only when that rule takes it (one fault, one
    flag); bent knees under an upright trunk that the squat rule passes
    (shins short of its lean, hips still doing their share) are judged here.
    """
    b0, b1 = bottom_window(rep, s.hip_flexion, th)
    upright = not _median(s.trunk_angle, s.ok(LEGS), b0, b1) >= th.squat_trunk_max_deg
    if upright and isinstance(squatting(s, rep, th, calib), Finding):
        return None
    return _knees_past_limit(s, rep, th)


def _knees_past_limit(s: RepSignals, rep: Rep, th: Thresholds) -> Finding | CantJudge | None:
    """Knee flexion held past ``excess_knee_flexion_deg`` over the bottom window."""
    return _over_at_bottom(FaultId.EXCESS_KNEE_BEND, "knee flexion at bottom", s.knee_flexion, s, LEGS, rep,
                           th.excess_knee_flexion_deg, 30.0, th)


def squat_yields(squat: Finding, knee: Finding | CantJudge | None, s: RepSignals, rep: Rep,
                 th: Thresholds) -> bool:
    """True when a squatting finding resting on the hip/knee ratio alone belongs to
    too much knee bend instead (one fault, one flag): the trunk tips over at least
    ``squat_trunk_max_deg`` at the bottom and ``knee``, the knee-bend rule's result on
    the same rep, is a finding. The caller asks only where the knee rule is judged (the
    camera's yaw within its limit): elsewhere the squat's flag stands."""
    if not isinstance(knee, Finding) or not squat.evidence or any(e.metric != RATIO_METRIC for e in squat.evidence):
        return False
    b0, b1 = bottom_window(rep, s.hip_flexion, th)
    return _median(s.trunk_angle, s.ok(LEGS), b0, b1) >= th.squat_trunk_max_deg


def _mask_hump(s: RepSignals, rep: Rep, th: Thresholds) -> tuple[float, int] | None:
    """The back silhouette's sustained hump over the rep's bottom window and
    the frame where it peaks, when the mask was measured there."""
    if s.back_curvature is None:
        return None
    lo, hi = loaded_bottom(rep, s.hip_flexion, th)
    ok = s.ok(BACK)
    value = sustained_peak(s.back_curvature, ok, s.timestamps, lo, hi, th.sustain_s)
    if not np.isfinite(value):
        return None
    w = np.where(ok[lo:hi + 1], s.back_curvature[lo:hi + 1], np.nan)
    return value, lo + int(np.nanargmax(w))


def rounded_back(s: RepSignals, rep: Rep, th: Thresholds, calib: Calibration | None) -> Finding | CantJudge | None:
    """The back rounds, held over the bottom of the rep under load
    (:func:`loaded_bottom`: a lift from the floor is judged from the pull,
    not while the lifter sets up).

    Landmark check (the dowel's three points): the shoulder stays off the
    ear-hip line by more than ``rounded_spine_offset`` of its length, on
    the back's side, with the shoulder-ear line flexed at least
    ``rounded_neck_min_deg`` against the trunk. Mask check, when the
    segmentation mask was measured: the back's silhouette, fitted as one
    smooth curve (see :func:`hingecheck.core.backline.curvatures`), humps above
    its chord by more than ``rounded_mask_curvature``.
    """
    lo, hi = loaded_bottom(rep, s.hip_flexion, th)
    unseen = _unseen(s, BACK, lo, hi, Phase.BOTTOM, th)
    if unseen:
        return unseen
    ok = s.ok(BACK)
    ev = []
    sev = 0.0
    frames = (rep.bottom, rep.bottom)
    spine = sustained_peak(s.spine_alignment, ok, s.timestamps, lo, hi, th.sustain_s)
    neck = _median(s.neck_angle, ok, lo, hi)
    if spine > th.rounded_spine_offset and neck > th.rounded_neck_min_deg:
        ev.append(Evidence("shoulder offset from ear-hip line", spine, th.rounded_spine_offset,
                           Comparison.ABOVE, Unit.FRACTION))
        sev = _severity(spine, th.rounded_spine_offset, 0.08)
        cond = s.spine_alignment[rep.start:rep.end + 1] > th.rounded_spine_offset
        frames = run_around(cond, rep.bottom, rep.start)
    hump = _mask_hump(s, rep, th)
    if hump is not None and hump[0] > th.rounded_mask_curvature:
        ev.append(Evidence("back silhouette hump", hump[0], th.rounded_mask_curvature, Comparison.ABOVE, Unit.FRACTION))
        sev = max(sev, _severity(hump[0], th.rounded_mask_curvature, 0.06))
        if not frames[1] > frames[0]:
            frames = run_around(s.back_curvature[rep.start:rep.end + 1] > th.rounded_mask_curvature,
                                 hump[1], rep.start)
    return Finding(FaultId.ROUNDED_BACK, frames, sev, ev) if ev else None


def dropped_head(s: RepSignals, rep: Rep, th: Thresholds, calib: Calibration | None) -> Finding | CantJudge | None:
    """Over the bottom of the rep under load (:func:`loaded_bottom`) the head
    (shoulder→ear) stays flexed more than ``dropped_head_deg`` against the
    trunk line (hip→shoulder)."""
    return _over_at_bottom(FaultId.DROPPED_HEAD, "neck flexion vs trunk at bottom", s.neck_angle, s, BACK, rep,
                           th.dropped_head_deg, 20.0, th, loaded_bottom)


def hyperextension(s: RepSignals, rep: Rep, th: Thresholds, calib: Calibration | None) -> Finding | CantJudge | None:
    """Leaning back at lockout: over the top of the rep the trunk stays more
    than ``lean_back_deg`` behind the lifter's own upright (the trunk angle
    while standing still before the set, within ±``neutral_trunk_max_deg``
    of the clip's vertical; the vertical if not seen). With a mask: a
    hollow (concave) back contour deeper than ``hollow_mask_curvature``."""
    lo, hi = lockout_window(rep, s.timestamps, s.hip_flexion, th)
    # the hip between trunk and thigh is only placed right where the legs are
    # tracked: a plate over the knees drags the hip landmark with it
    unseen = _unseen(s, LEGS, lo, hi, Phase.TOP, th)
    if unseen:
        return unseen
    ok = s.ok(LEGS)
    ev = []
    frames = (lo, lo)
    sev = 0.0
    # lean-back is read against the lifter's own calibrated upright only:
    # MediaPipe sets the shoulder 5-12 degrees behind the hip in a normal
    # stance, so against the image's vertical good lifters read as leaning back
    lean, limit = float("nan"), float("nan")
    if calib is not None:
        upright = float(np.clip(calib.trunk_angle, -th.neutral_trunk_max_deg, th.neutral_trunk_max_deg))
        limit = upright - th.lean_back_deg
        lean = sustained_trough(s.trunk_angle, ok, s.timestamps, lo, hi, th.sustain_s)
    if lean < limit:
        ev.append(Evidence("trunk lean back at lockout", lean, limit, Comparison.BELOW, Unit.DEG))
        sev = _severity(lean, limit, 15.0)
        k = lo + int(np.nanargmin(np.where(ok[lo:hi + 1], s.trunk_angle[lo:hi + 1], np.nan)))
        frames = run_around(s.trunk_angle[lo:hi + 1] < limit, k, lo)
    # hips thrust forward over straight legs; with the knees bent the same
    # offset is a softer stance (or a knee landmark dragged off by a plate)
    with np.errstate(invalid="ignore"):
        straight = ok & (s.knee_flexion <= th.lockout_knee_max_deg)
    drive = sustained_peak(s.hip_drive, straight, s.timestamps, lo, hi, th.sustain_s)
    if drive > th.hip_drive_max:
        ev.append(Evidence("hips forward of the ankle-shoulder line at lockout", drive, th.hip_drive_max,
                           Comparison.ABOVE, Unit.FRACTION))
        sev = max(sev, _severity(drive, th.hip_drive_max, 0.06))
        if frames == (lo, lo):
            k = lo + int(np.nanargmax(np.where(straight[lo:hi + 1], s.hip_drive[lo:hi + 1], np.nan)))
            frames = run_around(s.hip_drive[lo:hi + 1] > th.hip_drive_max, k, lo)
    if s.back_curvature is not None:
        hollow = sustained_trough(s.back_curvature, s.ok(BACK), s.timestamps, lo, hi, th.sustain_s)
        if hollow < th.hollow_mask_curvature:
            ev.append(Evidence("back silhouette hollow", hollow, th.hollow_mask_curvature,
                               Comparison.BELOW, Unit.FRACTION))
            sev = max(sev, _severity(hollow, th.hollow_mask_curvature, 0.06))
    return Finding(FaultId.HYPEREXTENSION, frames, sev, ev) if ev else None


def trunk_rise_at_knee_extension(s: RepSignals, rep: Rep, knee_share: float) -> tuple[float, int] | None:
    """How much of its rise the trunk has done when the knees have done
    ``knee_share`` of their extension, on the way up.

    Returns (share, frame): share is 0 at the trunk's bottom angle, 1 at its
    most upright, negative when it tipped further over. None when the rep
    moved too little (< 10 degrees at knee or trunk) to tell the order, or
    a value is missing.
    """
    a0, a1 = ascent(rep)
    if a1 - a0 < 3:
        return None
    knee = s.knee_flexion[a0:a1 + 1]
    trunk = s.trunk_angle[a0:a1 + 1]
    if not (np.isfinite(knee).all() and np.isfinite(trunk).all()):
        return None
    k_range = knee[0] - knee.min()
    t_range = trunk[0] - trunk.min()
    if k_range < 10.0 or t_range < 10.0:
        return None
    k_prog = (knee[0] - knee) / k_range
    t_prog = (trunk[0] - trunk) / t_range
    i = int(np.argmax(k_prog >= knee_share))
    return float(t_prog[i]), a0 + i


def hips_rise_first(s: RepSignals, rep: Rep, th: Thresholds, calib: Calibration | None) -> Finding | CantJudge | None:
    """On the way up the knees straighten before the chest rises.

    When the knees have done ``hips_rise_knee_progress`` of their
    extension, the trunk must have done at least ``hips_rise_trunk_min``
    of its rise (see :func:`trunk_rise_at_knee_extension`).
    """
    a0, a1 = ascent(rep)
    unseen = _unseen(s, LEGS, a0, a1, Phase.WAY_UP, th)
    if unseen:
        return unseen
    if _squatted_start(s, rep, th) is not None:
        return None  # hips set as low as a squat must rise first: that is squatting's cue
    got = trunk_rise_at_knee_extension(s, rep, th.hips_rise_knee_progress)
    if got is None or got[0] >= th.hips_rise_trunk_min:
        return None
    share, frame = got
    return Finding(FaultId.HIPS_RISE_FIRST, (a0, frame), _severity(share, th.hips_rise_trunk_min, 0.5),
                   [Evidence(f"trunk rise done at {th.hips_rise_knee_progress:.0%} knee extension",
                             share, th.hips_rise_trunk_min, Comparison.BELOW, Unit.FRACTION)])


def incomplete_lockout(s: RepSignals, rep: Rep, th: Thresholds, calib: Calibration | None) -> Finding | CantJudge | None:
    """The least hip flexion held through the lockout window (for
    ``sustain_s``) stays above ``lockout_hip_flexion_deg``. Not judged when
    the clip ends within ``lockout_hold_s`` of the top (the lockout could not
    be watched)."""
    lo, hi = lockout_window(rep, s.timestamps, s.hip_flexion, th)
    top = top_frame(rep)
    t = s.timestamps
    if top >= t.size - 1 or t[-1] - t[top] < th.lockout_hold_s:
        return None  # the clip ends before the lockout could be watched
    unseen = _unseen(s, LOCKOUT, lo, hi, Phase.TOP, th)
    if unseen:
        return unseen
    ok = s.ok(LOCKOUT)
    least = sustained_trough(s.hip_flexion, ok, s.timestamps, lo, hi, th.sustain_s)
    if not least > th.lockout_hip_flexion_deg:
        return None
    k = lo + int(np.nanargmin(np.where(ok[lo:hi + 1], s.hip_flexion[lo:hi + 1], np.nan)))
    return Finding(FaultId.INCOMPLETE_LOCKOUT, (k, k), _severity(least, th.lockout_hip_flexion_deg, 20.0),
                   [Evidence("hip flexion at lockout", least, th.lockout_hip_flexion_deg, Comparison.ABOVE, Unit.DEG)])
