"""The fault catalogue: what each fault means, the cue, and the drill."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultInfo:
    id: str
    title: str
    meaning: str
    cue: str
    drill: str
    side_view_only: bool  # cannot be judged unless the camera sees the lifter side-on


WALL_HINGE = ("wall hinge: stand a foot's length from a wall, soft knees, and push the hips "
              "back until they touch it, shins vertical")
DOWEL = ("dowel drill: hold a broomstick along the spine with head, upper back and sacrum "
         "touching it, and hinge without losing any of the three contacts")
DOOR_FRAME = ("door-frame hinge: hold a door frame at hip height and hinge back, "
              "driving the hips through to stand tall and squeeze the glutes")

FAULTS: dict[str, FaultInfo] = {
    f.id: f
    for f in (
        FaultInfo("squatting", "Squatting the hinge",
                  "the knees travel forward and the torso stays upright: a squat instead of a hinge",
                  "push the hips back first; keep the shins near vertical", WALL_HINGE, False),
        FaultInfo("rounded_back", "Rounded back",
                  "the spine flexes (lower or upper back rounds) under load",
                  "brace, proud chest, long spine from head to tailbone", DOWEL, True),
        FaultInfo("hyperextension", "Over-extension",
                  "the lower back over-arches, or the lifter leans back at lockout",
                  "finish tall with the glutes, ribs down; stand straight, don't lean back",
                  DOOR_FRAME, True),
        FaultInfo("dropped_head", "Dropped head",
                  "the neck flexes against the trunk and the gaze drops to the floor",
                  "keep the neck long and in line with the back; eyes a few feet ahead",
                  DOWEL, True),
        FaultInfo("hips_rise_first", "Hips rise first",
                  "on the way up the knees straighten and the hips shoot up before the chest",
                  "lead with the chest; hips and shoulders rise together",
                  WALL_HINGE, False),
        FaultInfo("excess_knee_bend", "Too much knee bend",
                  "the knees bend more than this hinge needs while the torso still tips over",
                  "soft knees, then send the hips back; the knees stay where they are",
                  WALL_HINGE, False),
        FaultInfo("incomplete_lockout", "Incomplete lockout",
                  "the hips never reach full extension at the top of the rep",
                  "stand all the way up: hips through, glutes squeezed",
                  DOOR_FRAME, False),
    )
}
