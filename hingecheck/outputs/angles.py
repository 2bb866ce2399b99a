"""The one angle convention every report shows a lifter (no cv2, no numpy needed).

Hip and knee are shown as **bend**: degrees away from straight, 0° = standing
tall / a straight leg (what the core measures as flexion, so the rule limits
and the evidence use the same numbers). The trunk is its **lean** from
vertical (0° = upright) and the neck its **bend** against the line of the
back (0° = in line). Interior angles (180° = straight) are never shown.

Other outputs (the HUD, the annotated video, the live window) call
:func:`format_angle` and :func:`angle_legend` rather than spelling angles
themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hingecheck.core.kinds import StrEnum

__all__ = ["Joint", "AngleSpec", "ANGLES", "ANGLE_CONVENTION", "format_angle", "angle_header",
           "angle_legend", "angle_label", "shown_angles"]


class Joint(StrEnum):
    """The angles a lifter is shown."""
    HIP = "hip"
    KNEE = "knee"
    TRUNK = "trunk"
    NECK = "neck"


@dataclass(frozen=True)
class AngleSpec:
    name: str        # "hip bend"
    zero: str        # what 0° means: "straight"


ANGLES: dict[Joint, AngleSpec] = {
    Joint.HIP: AngleSpec("hip bend", "standing tall"),
    Joint.KNEE: AngleSpec("knee bend", "straight leg"),
    Joint.TRUNK: AngleSpec("trunk lean", "upright"),
    Joint.NECK: AngleSpec("neck bend", "in line with the back"),
}

#: the convention in one sentence, for legends and docs
ANGLE_CONVENTION = ("angles in degrees: hip and knee bend (0° = straight), "
                    "trunk lean from vertical (0° = upright), neck bend against the back (0° = in line)")


def _deg(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "--"
    text = f"{value:.0f}"
    return ("0" if text == "-0" else text) + "°"


def format_angle(joint: Joint | str, degrees: float | None, *, long: bool = False) -> str:
    """One angle as a lifter reads it, e.g. ``"hip 104°"`` or, with ``long``,
    ``"hip bend 104° (0° = standing tall)"``. ``degrees`` is in the core's
    convention (flexion for hip and knee, inclination for the trunk, neck angle
    against the trunk), which is the shown convention: nothing is converted.
    NaN or None shows ``--``."""
    j = Joint(joint)
    if not long:
        return f"{j.value} {_deg(degrees)}"
    spec = ANGLES[j]
    return f"{spec.name} {_deg(degrees)} (0° = {spec.zero})"


def shown_angles(hip_flexion: float, knee_flexion: float, trunk: float, neck: float) -> dict[str, float]:
    """The angles an overlay shows for one frame, keyed by :class:`Joint` value, in the shown
    convention (which is the core's: hip and knee flexion, trunk inclination, neck
    against the trunk; nothing is converted). Format each with :func:`format_angle`."""
    return {Joint.HIP.value: float(hip_flexion), Joint.KNEE.value: float(knee_flexion),
            Joint.TRUNK.value: float(trunk), Joint.NECK.value: float(neck)}


def angle_label(joint: Joint | str) -> str:
    """The name and zero of an angle, for a plot legend: ``"hip bend (0° = standing tall)"``."""
    spec = ANGLES[Joint(joint)]
    return f"{spec.name} (0° = {spec.zero})"


def angle_header(joint: Joint | str) -> str:
    """A short column header with its unit: ``"hip°"``."""
    return f"{Joint(joint).value}°"


def angle_legend() -> str:
    """The line under a table or beside a plot that says what the numbers mean."""
    return ANGLE_CONVENTION
