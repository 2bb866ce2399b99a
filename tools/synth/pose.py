"""Pose the MakeHuman body from one frame's joint angles (degrees).

The sagittal plane is the world x-y plane (x forward, y up); a segment
"tipped forward by a" has its upper end moved towards +x by ``a`` degrees.
Both feet stay flat on the floor at their rest place; the arms reach for
the implement by two-bone inverse kinematics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assets import Body
from .skinning import axis_angle, forward_kinematics, rotation_between, skin

SIDES = ("L", "R")
LUMBAR = ("spine05", "spine04", "spine03")
THORACIC = ("spine02", "spine01")
NECK = ("neck01", "neck02", "neck03", "head")
#: the fraction of the neck channel taken by each neck bone and the head
NECK_SHARE = (0.3, 0.3, 0.2, 0.2)


def tip_forward(deg: float) -> np.ndarray:
    """(3, 3) rotation tipping an upright segment forward by ``deg`` degrees."""
    return axis_angle([0.0, 0.0, 1.0], -np.radians(deg))


@dataclass
class Posed:
    """One posed frame: mesh vertices (V, 3), named points (3,), world rotations."""

    verts: np.ndarray
    points: dict[str, np.ndarray]
    world: np.ndarray


def ear_vertices(body: Body) -> dict[str, int]:
    """Vertex index of each ear: the most lateral head vertex just above the head joint."""
    head = body.heads[body.bone("head")]
    v = body.verts
    band = (v[:, 1] > head[1] + 0.02) & (v[:, 1] < head[1] + 0.09) & (np.abs(v[:, 0] - head[0]) < 0.05)
    idx = np.flatnonzero(band & ~body.eye)
    return {"L": int(idx[np.argmin(v[idx, 2])]), "R": int(idx[np.argmax(v[idx, 2])])}


def two_bone_elbow(shoulder, hand, upper: float, fore: float, pole) -> np.ndarray:
    """Elbow position (3,) for a shoulder→hand reach, bending towards ``pole``.

    Lengths in metres; an out-of-reach hand straightens the arm toward it.
    """
    d = hand - shoulder
    dist = float(np.clip(np.linalg.norm(d), 1e-6, upper + fore - 1e-6))
    axis = d / np.linalg.norm(d)
    along = (upper ** 2 - fore ** 2 + dist ** 2) / (2 * dist)
    height = np.sqrt(max(upper ** 2 - along ** 2, 0.0))
    side = np.asarray(pole, float) - np.dot(pole, axis) * axis
    side /= max(np.linalg.norm(side), 1e-9)
    return shoulder + along * axis + height * side


class Poser:
    """Turns channel values into posed meshes for one body."""

    def __init__(self, body: Body):
        from scipy.sparse import csr_matrix
        self.body = body
        self.weights = csr_matrix(body.weights)   # a few bones per vertex: sparse is ~5x faster
        self.ears = ear_vertices(body)
        h = body.heads
        self.arm = {s: (body.bone(f"upperarm01.{s}"), body.bone(f"lowerarm01.{s}"),
                        body.bone(f"finger3-1.{s}")) for s in SIDES}
        self.upper_len = {s: float(np.linalg.norm(h[a[1]] - h[a[0]])) for s, a in self.arm.items()}
        self.fore_len = {s: float(np.linalg.norm(h[a[2]] - h[a[1]])) for s, a in self.arm.items()}

    def _local(self, ch: dict[str, float], free_leg: float, free_side: str = "L") -> np.ndarray:
        """Local rotations (B, 3, 3) of trunk and legs; arms at rest."""
        b = self.body
        local = np.repeat(np.eye(3)[None], len(b.bones), axis=0)
        thigh = ch["shin"] - ch["knee"]
        pelvis = thigh + ch["hip"]
        local[b.bone("root")] = tip_forward(pelvis)
        for s in SIDES:
            free = free_leg if s == free_side else 0.0   # that leg swings back (L: far from a camera at yaw 0)
            leg_thigh = thigh + free * (pelvis - thigh)
            knee = ch["knee"] + free * (10.0 - ch["knee"])
            local[b.bone(f"upperleg01.{s}")] = tip_forward(leg_thigh - pelvis)
            local[b.bone(f"lowerleg01.{s}")] = tip_forward(knee)
            local[b.bone(f"foot.{s}")] = tip_forward(-(leg_thigh + knee) * (1.0 - free))
        for name in LUMBAR:
            local[b.bone(name)] = tip_forward(ch["lumbar"] / len(LUMBAR))
        for name in THORACIC:
            local[b.bone(name)] = tip_forward(ch["thoracic"] / len(THORACIC))
        for name, share in zip(NECK, NECK_SHARE):
            local[b.bone(name)] = tip_forward(ch["neck"] * share)
        return local

    def _reach(self, local, world, posed, hands: dict[str, np.ndarray], pole) -> None:
        """Set the arms' local rotations in place so each hand reaches ``hands[side]``."""
        b = self.body
        for s, (ua, fa, grip) in self.arm.items():
            sh = posed[ua]
            elbow = two_bone_elbow(sh, hands[s], self.upper_len[s], self.fore_len[s], pole)
            w_ua = rotation_between(b.heads[fa] - b.heads[ua], elbow - sh)
            local[ua] = world[b.parents[ua]].T @ w_ua
            parent_fa = b.parents[fa]        # upperarm02 rides on upperarm01
            w_parent = w_ua @ local[parent_fa]
            w_fa = rotation_between(w_parent @ (b.heads[grip] - b.heads[fa]),
                                    hands[s] - elbow) @ w_parent
            local[fa] = w_parent.T @ w_fa

    def pose(self, ch: dict[str, float], hand_target, free_leg: float = 0.0, pole=(-1.0, -0.2, 0.0),
             free_side: str = "L") -> Posed:
        """Pose one frame. ``hand_target(points) -> {side: (3,)}`` places the hands
        from the trunk-and-legs points (see :meth:`points`); ``free_leg`` 0-1
        swings the ``free_side`` leg ("L" or "R") back in line with the trunk (single-leg RDL)."""
        b = self.body
        local = self._local(ch, free_leg, free_side)
        world, posed = forward_kinematics(b.parents, b.heads, local)
        shift = self._feet_shift(posed, free_leg, free_side)
        posed = posed + shift
        pts = self.points(posed, None)
        self._reach(local, world, posed, hand_target(pts), np.asarray(pole))
        world, posed = forward_kinematics(b.parents, b.heads, local)
        posed = posed + shift
        verts = skin(b.verts, self.weights, b.heads, world, posed)
        return Posed(verts=verts, points=self.points(posed, verts), world=world)

    def _feet_shift(self, posed: np.ndarray, free_leg: float, free_side: str = "L") -> np.ndarray:
        """Translation (3,) putting the standing foot (or both) back at its rest place."""
        b = self.body
        stand = "R" if free_side == "L" else "L"
        feet = [b.bone(f"foot.{stand}")] if free_leg else [b.bone("foot.L"), b.bone("foot.R")]
        return (b.heads[feet] - posed[feet]).mean(axis=0)

    def points(self, posed: np.ndarray, verts: np.ndarray | None) -> dict[str, np.ndarray]:
        """Named world points (metres): per side shoulder, hip, knee, ankle, grip,
        ear (when ``verts`` given), plus the neck base."""
        b = self.body
        out = {"neck": posed[b.bone("neck01")]}
        for s in SIDES:
            for name, bone in (("shoulder", "upperarm01"), ("hip", "upperleg01"), ("knee", "lowerleg01"),
                               ("ankle", "foot"), ("grip", "finger3-1"), ("elbow", "lowerarm01")):
                out[f"{name}.{s}"] = posed[b.bone(f"{bone}.{s}")]
            if verts is not None:
                out[f"ear.{s}"] = verts[self.ears[s]]
        return out
