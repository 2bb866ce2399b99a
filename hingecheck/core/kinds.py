"""The small closed vocabularies of the core, as string enums.

Each member *is* its string (``RepKind.UP_DOWN_UP == "up-down-up"``), so JSON
output, comparisons and old reports stay as they were, while the code names
the members instead of spelling strings.
"""

from __future__ import annotations

from enum import Enum


class StrEnum(str, Enum):
    """A ``str`` enum whose ``str()`` and format are its value (``enum.StrEnum`` from 3.11)."""

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


class RepKind(StrEnum):
    """How a rep moves: from standing (most hinges) or from the floor (deadlifts off the floor)."""
    UP_DOWN_UP = "up-down-up"
    DOWN_UP_DOWN = "down-up-down"
    PARTIAL = "partial"          # a movement at the clip's edge, not a whole rep


class Motion(StrEnum):
    """A phase of the hip-flexion signal: standing up (least flexion) or bent down."""
    UP = "up"
    DOWN = "down"


class View(StrEnum):
    """Where the camera sees the lifter from (see ``analysis.classify_view``)."""
    SIDE = "side"
    OBLIQUE = "oblique"
    FRONT = "front"
    UNKNOWN = "unknown"


class LivePhase(StrEnum):
    """What the lifter is doing now, as the live overlay says it."""
    SETUP = "setup"
    NO_PERSON = "no person"
    STANDING = "standing"
    DOWN = "down"
    BOTTOM = "bottom"
    UP = "up"
