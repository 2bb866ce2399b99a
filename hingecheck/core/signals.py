"""What the rules read (smoothed signals) and what they return (findings, can't-judge)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hingecheck.core.evidence import (
    trusted,
)
from hingecheck.core.faults import FAULTS


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


@dataclass(frozen=True)
class CantJudge:
    """What a rule returns when the joints it reads were not trusted in its window."""

    reason: str


@dataclass(frozen=True)
class Evidence:
    metric: str
    value: float
    threshold: float
    comparison: str  # ">" or "<": the fault is flagged when value <comparison> threshold
    unit: str

    def as_dict(self) -> dict:
        return {"metric": self.metric, "value": round(float(self.value), 3),
                "threshold": round(float(self.threshold), 3),
                "comparison": self.comparison, "unit": self.unit}


@dataclass(frozen=True)
class Finding:
    fault: str
    frames: tuple[int, int]
    severity: float  # 0 (at the threshold) .. 1 (far past it)
    evidence: list[Evidence]

    @property
    def severity_label(self) -> str:
        return "mild" if self.severity < 0.34 else "moderate" if self.severity < 0.67 else "severe"

    def as_dict(self) -> dict:
        info = FAULTS[self.fault]
        return {"fault": self.fault, "frames": [int(self.frames[0]), int(self.frames[1])],
                "severity": round(self.severity, 2), "severity_label": self.severity_label,
                "evidence": [e.as_dict() for e in self.evidence],
                "cue": info.cue, "drill": info.drill}
