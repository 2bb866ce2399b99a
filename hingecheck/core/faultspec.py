"""What the registry holds of one fault (:class:`FaultSpec`): plain data and its rule.

Pure data, no cv2, mediapipe or matplotlib: the outputs read the body parts
to highlight, the colour and the display policy from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from hingecheck.core.kinds import FaultId, StrEnum

if TYPE_CHECKING:  # the rules' types, for annotations only
    from hingecheck.core.calibration import Calibration
    from hingecheck.core.config import Thresholds
    from hingecheck.core.reps import Rep
    from hingecheck.core.signals import CantJudge, Finding, RepSignals

#: a rule reads one rep of the clip's signals, the thresholds and the lifter's
#: calibration (None: not seen) and returns a finding, a can't-judge or None
Rule = Callable[["RepSignals", "Rep", "Thresholds", "Calibration | None"], "Finding | CantJudge | None"]


@dataclass(frozen=True)
class Knob:
    """A threshold (a :class:`~hingecheck.core.config.Thresholds` field) that
    ``hingecheck tune`` may move, the moves it tries (in the threshold's unit),
    and the move it picked on the design clips (the built-in value is the
    prior plus ``fitted``; see :func:`hingecheck.scoring.tune.prior_config`)."""

    key: str
    moves: tuple[float, ...]
    fitted: float = 0.0


@dataclass(frozen=True)
class BodyParts:
    """The near side's joints and bones a fault is about, as
    :class:`~hingecheck.core.landmarks.BodySide` attribute names."""

    joints: tuple[str, ...] = ()
    bones: tuple[tuple[str, str], ...] = ()


class ShowAt(StrEnum):
    """Which frame of a finding's span shows the fault best."""
    BOTTOM = "bottom"       # the rep's bottom if the span holds it, else the span's middle
    SPAN_END = "span_end"   # the end of the span (where the rule measured it)


@dataclass(frozen=True)
class FaultSpec:
    """Everything about one fault: its catalogue text, its rule, its tuning knobs
    and how the outputs show it."""

    id: FaultId
    title: str
    meaning: str
    cue: str
    drill: str
    side_view_only: bool      # cannot be judged unless the camera sees the lifter side-on
    rule: Rule
    knobs: tuple[Knob, ...]   # the thresholds the rule reads that a fit may move
    parts: BodyParts          # drawn red on the skeleton
    colour: str               # "#rrggbb": the fault's spans on the plots and its line on the history charts
    show_at: ShowAt = ShowAt.BOTTOM
    #: the rules run, and a rep's findings are listed, by this rank (lowest first;
    #: ties in registry order). The reports list a set's faults in registry order.
    run_rank: int = 100

    @property
    def fitted(self) -> tuple[float, ...]:
        """The fitted move of each knob, in :attr:`knobs` order."""
        return tuple(k.fitted for k in self.knobs)
