"""What one overlay frame shows, as plain data (no drawing, no cv2).

:class:`OverlayState` is the one argument every overlay annotator takes
(see :mod:`hingecheck.outputs.annotate`); :class:`BannerLevel` is the tone
of the verdict banner and the status line. Kept apart from the drawing
modules so that :mod:`hingecheck.outputs.timeline` (pure) can name levels
without importing OpenCV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hingecheck.core.kinds import LivePhase, StrEnum
from hingecheck.core.landmarks import LEFT, SIDES, BodySide

__all__ = ["BannerLevel", "OverlayState"]


class BannerLevel(StrEnum):
    """The tone of a banner: a good rep, a mild fault, a bad one, or plain information.

    A ``str`` enum, so ``BannerLevel.GOOD == "good"`` and it serialises as
    ``"good"``; :meth:`parse` turns any other value into :attr:`INFO`.
    """

    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    INFO = "info"

    @classmethod
    def parse(cls, level: object) -> BannerLevel:
        """``level`` as a :class:`BannerLevel`; an unknown value is :attr:`INFO`."""
        try:
            return cls(level)
        except ValueError:
            return cls.INFO


@dataclass(frozen=True)
class OverlayState:
    """Everything drawn on one frame (annotators read it and never change it).

    Attributes
    ----------
    landmarks : (33, 2) pixel coordinates (x right, y down) in this frame, NaN
        rows allowed; ``None`` when no person was found.
    visibility : (33,) MediaPipe visibility scores, or ``None`` (all visible).
    side : the near side (a :class:`~hingecheck.core.landmarks.BodySide`), drawn
        thicker and brighter; its name (``"left"``, ``"right"``) is taken too.
    angles : name -> degrees, e.g. ``{"hip": 95.2, "knee": 140.0}``; NaN shows ``--``.
    rep_count, phase : the rep counter and the movement phase (a
        :class:`~hingecheck.core.kinds.LivePhase`, or None: none shown; its
        value, e.g. ``"down"``, is taken too, ``""`` as None).
    active_faults : fault ids seen in this frame (their body parts turn red).
    banner, banner_level : the bottom band's text and :class:`BannerLevel`
        (its value, e.g. ``"bad"``, is taken too; an unknown one is info).
    status : a small set-up / status line, e.g. ``"turn side-on to the camera"``.
    back_curve : (K, 2) pixels of the back's edge as the mask measured it (see
        :mod:`hingecheck.outputs.backcurve`), or ``None``; drawn for a rounded back.
    """

    landmarks: np.ndarray | None
    visibility: np.ndarray | None
    side: BodySide = LEFT
    angles: dict[str, float] = field(default_factory=dict)
    rep_count: int = 0
    phase: LivePhase | None = None
    active_faults: list[str] = field(default_factory=list)
    banner: str | None = None
    banner_level: BannerLevel = BannerLevel.INFO
    status: str | None = None
    back_curve: np.ndarray | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "side", _body_side(self.side))
        put(self, "phase", None if self.phase in (None, "") else LivePhase(self.phase))
        put(self, "banner_level", BannerLevel.parse(self.banner_level))


def _body_side(side: BodySide | str) -> BodySide:
    """``side``, or the side of that name (``"left"``, ``"right"``, any case); ValueError otherwise."""
    if isinstance(side, BodySide):
        return side
    for s in SIDES:
        if str(side).lower() == s.name:
            return s
    raise ValueError(f"no body side named {side!r}: left or right")
