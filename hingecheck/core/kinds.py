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


class IdEnum(StrEnum):
    """A :class:`StrEnum` of ids that also *reads* as its string (``repr`` too), so a
    list of ids prints as it did when they were plain strings: ``['squatting']``."""

    def __repr__(self) -> str:
        return repr(self.value)


class FaultId(IdEnum):
    """The built-in faults; each one's catalogue, rule and display live in
    :data:`hingecheck.core.faults.FAULTS` (a registry key may be any ``str``:
    a fault is what the registry holds)."""
    SQUATTING = "squatting"
    ROUNDED_BACK = "rounded_back"
    HYPEREXTENSION = "hyperextension"
    DROPPED_HEAD = "dropped_head"
    HIPS_RISE_FIRST = "hips_rise_first"
    EXCESS_KNEE_BEND = "excess_knee_bend"
    INCOMPLETE_LOCKOUT = "incomplete_lockout"


class Exercise(IdEnum):
    """The exercises a set can be judged as (each has a threshold profile in :mod:`hingecheck.core.config`)."""
    HIP_HINGE = "hip_hinge"
    RDL = "rdl"
    SINGLE_LEG_RDL = "single_leg_rdl"
    GOOD_MORNING = "good_morning"
    KETTLEBELL_DEADLIFT = "kettlebell_deadlift"
    DEADLIFT = "deadlift"
    KETTLEBELL_SWING = "kettlebell_swing"


#: exercises done standing on one leg: the legs are read on the standing leg, not the side nearer the camera
SINGLE_LEG = frozenset({Exercise.SINGLE_LEG_RDL})


class Comparison(StrEnum):
    """How evidence passes its threshold: the fault is flagged when ``value <op> threshold``."""
    ABOVE = ">"
    BELOW = "<"


class Unit(StrEnum):
    """The unit of a measured value."""
    DEG = "deg"             # degrees
    RATIO = "ratio"         # one quantity over another
    FRACTION = "fraction"   # a share of a length or of a movement


class SeverityBand(StrEnum):
    """How far past its limit a finding is (see :func:`hingecheck.core.signals.severity_band`)."""
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Phase(StrEnum):
    """The part of a rep a rule reads."""
    BOTTOM = "bottom"
    TOP = "top"
    WAY_UP = "way_up"


class Reason(StrEnum):
    """Why a fault (or a whole rep) could not be judged; its parameters (units in
    brackets) travel beside it in a :class:`~hingecheck.core.signals.CantJudge`,
    and :mod:`hingecheck.outputs.wording` says it in words."""
    TOO_SMALL = "too_small"                        # height_px (px)
    LANDMARKS_MISSING = "landmarks_missing"        # share (0-1 of the rep's frames)
    LANDMARKS_UNRELIABLE = "landmarks_unreliable"  # visibility (0-1, median)
    CUT_OFF = "cut_off"                            # head or feet out of the frame
    FACING_CAMERA = "facing_camera"                # yaw_deg (deg), or side_on (ratio) when no yaw is known
    CAMERA_OFF_SIDE = "camera_off_side"            # yaw_deg, limit_deg (deg): past this check's yaw limit
    CAMERA_NOT_SIDE_ON = "camera_not_side_on"      # side_on, limit (shoulder width / torso length)
    JOINTS_HIDDEN = "joints_hidden"                # joints (names), phase (Phase), share (0-1 of frames seen)
    TRACKING_LOST = "tracking_lost"                # gap_s (s)
    PARTIAL_MOVEMENT = "partial_movement"          # set-up or put-down at the clip's edge
    NO_REPS = "no_reps"                            # nothing to judge in the set
    RECORDED = "recorded"                          # text: a reason read back from a record without its code
