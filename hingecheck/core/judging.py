"""One rep's verdict: every rule run, or the reason it cannot be judged.

Judging reads only the features and the smoothed signals (no landmarks, no
pose container), so the offline analysis and the streaming analyser judge a
rep with the same call on their own frames.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from hingecheck.core import rules
from hingecheck.core.calibration import Calibration
from hingecheck.core.config import Thresholds
from hingecheck.core.faults import FAULTS, in_run_order
from hingecheck.core.geometry import HingeFeatures
from hingecheck.core.kinds import FaultId, Reason
from hingecheck.core.reps import Rep
from hingecheck.core.signals import CantJudge, Finding, RepSignals

#: the key in ``RepVerdict.cant_judge`` (and in its JSON) that means "no fault at all was judged"
WHOLE_REP = "*"


@dataclass(frozen=True)
class RepVerdict:
    """The judgement of one rep.

    ``cant_judge`` maps a fault id (or :data:`WHOLE_REP` for every fault) to
    the reason it could not be judged in this rep.
    """

    rep: Rep
    findings: list[Finding] = field(default_factory=list)
    cant_judge: dict[str, CantJudge] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def judged(self) -> bool:
        return WHOLE_REP not in self.cant_judge

    @property
    def faults(self) -> list[FaultId]:
        return [f.fault for f in self.findings]

    def shifted(self, offset: int, index: int | None = None) -> "RepVerdict":
        """The same verdict with every frame index moved by ``offset`` (see :meth:`Rep.shifted`)."""
        return dataclasses.replace(
            self, rep=self.rep.shifted(offset, index),
            findings=[dataclasses.replace(f, frames=(f.frames[0] + offset, f.frames[1] + offset))
                      for f in self.findings])

    def as_dict(self, words: Callable[[CantJudge], str]) -> dict:
        """As JSON: each reason said by ``words`` (see :mod:`hingecheck.outputs.wording`)
        and, in ``cant_judge_codes``, as its code and parameters."""
        return {**self.rep.as_dict(), "judged": self.judged,
                "faults": [{**f.as_dict(), "cue": FAULTS[f.fault].cue, "drill": FAULTS[f.fault].drill}
                           for f in self.findings],
                "cant_judge": {k: words(r) for k, r in self.cant_judge.items()},
                "metrics": {k: (round(v, 3) if np.isfinite(v) else None) for k, v in self.metrics.items()},
                "cant_judge_codes": {k: r.as_dict() for k, r in self.cant_judge.items()}}


def clip_faults(reps: list[RepVerdict], min_share: float = 0.5) -> list[FaultId]:
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


def lifter_height_px(height_px: np.ndarray) -> float:
    """The lifter's standing height in pixels over these frames: the 90th
    percentile of the per-frame extents (:attr:`HingeFeatures.height_px`);
    NaN if never seen."""
    h = np.asarray(height_px, float)
    h = h[np.isfinite(h)]
    return float(np.percentile(h, 90)) if h.size else float("nan")


def cut_off(out_of_frame: np.ndarray, max_share: float) -> bool:
    """True if head, hip or feet leave the frame in over ``max_share`` (``Thresholds.max_cut_off_share``)
    of the frames where the lifter is seen (:attr:`HingeFeatures.out_of_frame`)."""
    x = np.asarray(out_of_frame, float)
    x = x[np.isfinite(x)]
    return bool(x.size and x.mean() > max_share)


def rep_metrics(rep: Rep, sig: RepSignals, feat: HingeFeatures) -> dict[str, float]:
    """The numbers a rep's card shows: angles at the bottom, view, tracking quality."""
    w = slice(rep.start, rep.end + 1)
    key = np.stack([feat.hip_flexion[w], feat.knee_flexion[w], feat.trunk_angle[w]])
    b = rep.bottom
    m = {
        "hip_flexion_bottom": float(sig.hip_flexion[b]), "knee_flexion_bottom": float(sig.knee_flexion[b]),
        "shin_angle_bottom": float(sig.shin_angle[b]), "trunk_angle_bottom": float(sig.trunk_angle[b]),
        "neck_angle_bottom": float(sig.neck_angle[b]), "spine_alignment_bottom": float(sig.spine_alignment[b]),
        "side_on_ratio": feat.median_side_on(rep.start, rep.end + 1),
        "yaw_deg": feat.median_yaw(rep.start, rep.end + 1),
        "reliability": float(np.nanmedian(feat.reliability[w])),
        "missing_fraction": float(np.isnan(key).any(axis=0).mean()),
    }
    if sig.back_curvature is not None:
        m["back_curvature_bottom"] = float(sig.back_curvature[b])
    m["lifter_height_px"] = lifter_height_px(feat.height_px[w])
    return m


def whole_rep_problem(rep: Rep, m: dict[str, float], feat: HingeFeatures, th: Thresholds) -> CantJudge | None:
    """Why no fault of this rep can be judged (from :func:`rep_metrics` ``m``), or None."""
    tall, side_on = m["lifter_height_px"], m["side_on_ratio"]
    if tall < th.min_lifter_px:
        return CantJudge(Reason.TOO_SMALL, {"height_px": tall})
    if m["missing_fraction"] > th.max_missing_fraction:
        return CantJudge(Reason.LANDMARKS_MISSING, {"share": m["missing_fraction"]})
    if m["reliability"] < th.min_reliability:
        return CantJudge(Reason.LANDMARKS_UNRELIABLE, {"visibility": m["reliability"]})
    if cut_off(feat.out_of_frame[rep.start:rep.end + 1], th.max_cut_off_share):
        return CantJudge(Reason.CUT_OFF)
    yaw = m.get("yaw_deg", float("nan"))
    if np.isfinite(yaw):
        if yaw > th.yaw_front_min_deg:
            return CantJudge(Reason.FACING_CAMERA, {"yaw_deg": yaw})
    elif np.isfinite(side_on) and side_on > th.front_on_min:
        return CantJudge(Reason.FACING_CAMERA, {"side_on": side_on})
    return None


def off_side_reasons(m: dict[str, float], th: Thresholds) -> dict[FaultId, CantJudge]:
    """The faults that cannot be judged from where the camera stands, with the reason.

    With the camera's yaw known (``m["yaw_deg"]``, degrees off side-on), each
    fault is judged only up to its own limit (:meth:`Thresholds.yaw_max_deg`,
    measured on the synthetic corpus); without it, the side-view-only faults
    need a side-on ratio at most ``side_on_max``.
    """
    yaw, side_on = m.get("yaw_deg", float("nan")), m["side_on_ratio"]
    if np.isfinite(yaw):
        return {fid: CantJudge(Reason.CAMERA_OFF_SIDE, {"yaw_deg": yaw, "limit_deg": th.yaw_max_deg(fid)})
                for fid in FAULTS if yaw > th.yaw_max_deg(fid)}
    if not np.isfinite(side_on) or side_on > th.side_on_max:
        return {fid: CantJudge(Reason.CAMERA_NOT_SIDE_ON, {"side_on": side_on, "limit": th.side_on_max})
                for fid, spec in FAULTS.items() if spec.side_view_only}
    return {}


def judge_rep(rep: Rep, sig: RepSignals, feat: HingeFeatures, th: Thresholds,
              calib: Calibration | None = None, faults: tuple[FaultId, ...] | None = None) -> RepVerdict:
    """Run every rule (or those of ``faults``) on one rep, or say why it cannot be judged.

    ``calib`` is the lifter's standing calibration, if one was seen (the
    lean-back check reads it).
    """
    metrics = rep_metrics(rep, sig, feat)
    problem = whole_rep_problem(rep, metrics, feat, th)
    if problem is not None:
        return RepVerdict(rep, [], {WHOLE_REP: problem}, metrics)
    cant = off_side_reasons(metrics, th)
    # measured on the world landmarks past the side view (geometry.with_world_measures):
    # the rules read their thresholds moved by the oblique shifts
    if feat.world_measured:
        th = th.past_side_view()
    results = {spec.id: spec.rule(sig, rep, th, calib) for spec in in_run_order()
               if spec.id not in cant and (faults is None or spec.id in faults)}
    squat = results.get(FaultId.SQUATTING)
    # one fault, one flag: a tipped-over trunk over knees bent past their limit is too much
    # knee bend, not a squat, where the knee rule is judged (whether or not ``faults`` runs it)
    if isinstance(squat, Finding) and FaultId.EXCESS_KNEE_BEND not in cant:
        if FaultId.EXCESS_KNEE_BEND in results:
            knee = results[FaultId.EXCESS_KNEE_BEND]
        else:  # the caller's ``faults`` left the knee rule out: it is asked here all the same
            knee = FAULTS[FaultId.EXCESS_KNEE_BEND].rule(sig, rep, th, calib)
        if rules.squat_yields(squat, knee, sig, rep, th):
            del results[FaultId.SQUATTING]
    cant.update({fid: r for fid, r in results.items() if isinstance(r, CantJudge)})
    found = [r for r in results.values() if isinstance(r, Finding)]
    return RepVerdict(rep, found, cant, metrics)


__all__ = ["RepVerdict", "WHOLE_REP", "clip_faults", "judge_rep", "lifter_height_px", "cut_off", "off_side_reasons"]
