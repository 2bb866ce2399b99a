"""What the rules read (smoothed signals) and what they return (findings, can't-judge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from hingecheck.core.evidence import trusted
from hingecheck.core.kinds import Comparison, FaultId, Phase, Reason, SeverityBand, Unit


@dataclass(frozen=True)
class RepSignals:
    """Smoothed per-frame signals of a whole clip (degrees unless noted)."""

    hip_flexion: np.ndarray
    knee_flexion: np.ndarray
    shin_angle: np.ndarray
    trunk_angle: np.ndarray
    neck_angle: np.ndarray
    spine_alignment: np.ndarray   # fraction of ear-hip length
    hip_drive: np.ndarray         # hip forward of the ankle-shoulder line, fraction of its length
    back_curvature: np.ndarray | None = None  # chord fractions, from the mask
    timestamps: np.ndarray = field(default_factory=lambda: np.zeros(0))
    chain_ok: np.ndarray | None = None  # (F, 5) trusted joints, see hingecheck.core.evidence

    def ok(self, joints: tuple[str, ...]) -> np.ndarray:
        """(F,) frames where every joint in ``joints`` is trusted."""
        return trusted(self.chain_ok, joints, self.hip_flexion.size)


#: parameters of a reason that are measurements: two reasons that differ only
#: in these are the same cause (see :meth:`CantJudge.key`)
MEASURED_PARAMS = frozenset({"height_px", "share", "visibility", "yaw_deg", "limit_deg", "side_on", "limit",
                             "gap_s"})


@dataclass(frozen=True)
class CantJudge:
    """Why a fault (or a whole rep) could not be judged: a :class:`Reason` and its
    parameters (see :class:`Reason` for each one's names and units). Said in
    words only by :mod:`hingecheck.outputs.wording`."""

    code: Reason
    params: Mapping[str, Any] = field(default_factory=dict)

    def key(self) -> tuple:
        """The cause without its measured numbers: the same cause on several reps
        (or several checks) is one reason."""
        return (self.code, *sorted((k, v) for k, v in self.params.items() if k not in MEASURED_PARAMS))

    def as_dict(self) -> dict:
        return {"code": str(self.code),
                "params": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.params.items()}}

    @classmethod
    def from_dict(cls, d: Mapping) -> "CantJudge":
        """The reason :meth:`as_dict` wrote."""
        params = {k: (tuple(v) if isinstance(v, list) else v) for k, v in (d.get("params") or {}).items()}
        if "phase" in params:
            params["phase"] = Phase(params["phase"])
        return cls(Reason(d["code"]), params)

    @classmethod
    def recorded(cls, text: str) -> "CantJudge":
        """A reason read back as words only (a record written without codes)."""
        return cls(Reason.RECORDED, {"text": text})


@dataclass(frozen=True)
class Evidence:
    """One measurement behind a finding: ``value`` passed ``threshold`` (both in ``unit``)."""

    metric: str
    value: float
    threshold: float
    comparison: Comparison  # the fault is flagged when value <comparison> threshold
    unit: Unit

    def as_dict(self) -> dict:
        return {"metric": self.metric, "value": round(float(self.value), 3),
                "threshold": round(float(self.threshold), 3),
                "comparison": str(self.comparison), "unit": str(self.unit)}


def severity_band(severity: float) -> SeverityBand:
    """Mild under a third of the way from the limit to severe (severity 1), moderate under two thirds."""
    if severity < 0.34:
        return SeverityBand.MILD
    return SeverityBand.MODERATE if severity < 0.67 else SeverityBand.SEVERE


@dataclass(frozen=True)
class Finding:
    """A fault found in a rep: where (frame span), how bad, and the evidence."""

    fault: FaultId
    frames: tuple[int, int]
    severity: float  # 0 (at the threshold) .. 1 (far past it)
    evidence: list[Evidence]

    @property
    def severity_label(self) -> SeverityBand:
        return severity_band(self.severity)

    def as_dict(self) -> dict:
        """The finding's numbers (the catalogue's cue and drill are added by
        :meth:`hingecheck.core.judging.RepVerdict.as_dict`)."""
        return {"fault": str(self.fault), "frames": [int(self.frames[0]), int(self.frames[1])],
                "severity": round(self.severity, 2), "severity_label": str(self.severity_label),
                "evidence": [e.as_dict() for e in self.evidence]}
