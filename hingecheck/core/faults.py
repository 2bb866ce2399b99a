"""The fault registry: one :class:`~hingecheck.core.faultspec.FaultSpec` per fault.

Each entry holds the fault's catalogue text (what it means, the cue, the
drill), its rule (:mod:`hingecheck.core.rules`), the thresholds a fit may
move, and how the outputs show it (body parts, colour, frame). Every other
module reads :data:`FAULTS`: adding a fault is an entry here plus its rule.
"""

from __future__ import annotations

from hingecheck.core import rules
from hingecheck.core.faultspec import BodyParts, FaultSpec, Knob, ShowAt
from hingecheck.core.kinds import FaultId

__all__ = ["FAULTS", "FaultSpec", "FaultId", "in_run_order"]

WALL_HINGE = ("wall hinge: stand a foot's length from a wall, soft knees, and push the hips "
              "back until they touch it, shins vertical")
DOWEL = ("dowel drill: hold a broomstick along the spine with head, upper back and sacrum "
         "touching it, and hinge without losing any of the three contacts")
DOOR_FRAME = ("door-frame hinge: hold a door frame at hip height and hinge back, "
              "driving the hips through to stand tall and squeeze the glutes")

#: the bones of the trunk, the neck and the shin, as BodySide attribute names
TRUNK_BONE, NECK_BONE, SHIN_BONE = ("shoulder", "hip"), ("ear", "shoulder"), ("knee", "ankle")

_SPECS = (
    FaultSpec(
        FaultId.SQUATTING, "Squatting the hinge",
        "the knees travel forward and the torso stays upright: a squat instead of a hinge",
        "push the hips back first; keep the shins near vertical", WALL_HINGE, side_view_only=False,
        rule=rules.squatting,
        knobs=(Knob("squat_ratio_max", (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2)),
               Knob("squat_shin_min_deg", (-10.0, -5.0, 0.0, 5.0, 10.0))),
        parts=BodyParts(("knee",), (SHIN_BONE,)), colour="#e41a1c", run_rank=0),
    FaultSpec(
        FaultId.ROUNDED_BACK, "Rounded back",
        "the spine flexes (lower or upper back rounds) under load",
        "brace, proud chest, long spine from head to tailbone", DOWEL, side_view_only=True,
        rule=rules.rounded_back,
        knobs=(Knob("rounded_spine_offset", (-0.02, -0.01, 0.0, 0.01, 0.02, 0.04, 0.08)),
               Knob("rounded_mask_curvature", (-0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.04), fitted=-0.02)),
        parts=BodyParts((), (TRUNK_BONE,)), colour="#377eb8", run_rank=2),
    FaultSpec(
        FaultId.HYPEREXTENSION, "Over-extension",
        "the lower back over-arches, or the lifter leans back at lockout",
        "finish tall with the glutes, ribs down; stand straight, don't lean back", DOOR_FRAME,
        side_view_only=True, rule=rules.hyperextension,
        knobs=(Knob("lean_back_deg", (-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0)),
               Knob("hip_drive_max", (-0.02, -0.01, 0.0, 0.01, 0.02, 0.04, 0.1))),
        parts=BodyParts((), (TRUNK_BONE,)), colour="#4daf4a", run_rank=4),
    FaultSpec(
        FaultId.DROPPED_HEAD, "Dropped head",
        "the neck flexes against the trunk and the gaze drops to the floor",
        "keep the neck long and in line with the back; eyes a few feet ahead", DOWEL, side_view_only=True,
        rule=rules.dropped_head,
        knobs=(Knob("dropped_head_deg", (-10.0, -5.0, 0.0, 5.0, 10.0, 15.0)),),
        parts=BodyParts((), (NECK_BONE,)), colour="#984ea3", run_rank=3),
    FaultSpec(
        FaultId.HIPS_RISE_FIRST, "Hips rise first",
        "on the way up the knees straighten and the hips shoot up before the chest",
        "lead with the chest; hips and shoulders rise together", WALL_HINGE, side_view_only=False,
        rule=rules.hips_rise_first,
        knobs=(Knob("hips_rise_trunk_min", (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2), fitted=-0.1),),
        # the span runs from the bottom to where the trunk lagged the knees: shown at its end
        parts=BodyParts(("hip",)), colour="#ff7f00", show_at=ShowAt.SPAN_END, run_rank=5),
    FaultSpec(
        FaultId.EXCESS_KNEE_BEND, "Too much knee bend",
        "the knees bend more than this hinge needs (a squatted rep, shins angled under an upright torso, is squatting instead)",
        "soft knees, then send the hips back; the knees stay where they are", WALL_HINGE,
        side_view_only=False, rule=rules.excess_knee_bend,
        knobs=(Knob("excess_knee_flexion_deg", (-10.0, -5.0, 0.0, 5.0, 10.0, 15.0, 20.0, 30.0)),),
        parts=BodyParts(("knee",)), colour="#a65628", run_rank=1),
    FaultSpec(
        FaultId.INCOMPLETE_LOCKOUT, "Incomplete lockout",
        "the hips never reach full extension at the top of the rep",
        "stand all the way up: hips through, glutes squeezed", DOOR_FRAME, side_view_only=False,
        rule=rules.incomplete_lockout,
        knobs=(Knob("lockout_hip_flexion_deg", (-5.0, 0.0, 5.0, 10.0, 20.0)),),
        parts=BodyParts(("hip",)), colour="#f781bf", run_rank=6),
)

#: every fault, in the order the reports list them; the keys are the faults' ids
FAULTS: dict[FaultId, FaultSpec] = {spec.id: spec for spec in _SPECS}


def in_run_order() -> list[FaultSpec]:
    """Every fault's entry, in the order the rules run (:attr:`FaultSpec.run_rank`)."""
    return sorted(FAULTS.values(), key=lambda spec: spec.run_rank)
