"""One rendered frame: the posed lifter, the implement and the room.

Clothing colours (0-1 RGB) are assigned per vertex from the bone that
weighs most on it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from . import props
from .assets import Body
from .pose import Posed, Poser
from .render import Renderer, room
from .skinning import vertex_normals

SHIRT_BONES = ("spine", "clavicle", "shoulder01", "upperarm", "breast", "neck01")
TROUSER_BONES = ("root", "pelvis", "upperleg", "lowerleg")
SHOE_BONES = ("foot", "toe")


@dataclass
class Look:
    """Plain clothing and skin colours, RGB in 0-1."""

    shirt: tuple = (0.15, 0.35, 0.65)
    trousers: tuple = (0.15, 0.15, 0.18)
    shoes: tuple = (0.85, 0.85, 0.85)
    skin: tuple = (0.80, 0.62, 0.50)
    eyes: tuple = (0.1, 0.08, 0.06)

    def as_dict(self) -> dict:
        return asdict(self)


def vertex_colours(body: Body, look: Look) -> np.ndarray:
    """(V, 3) colour of each body vertex from its dominant bone."""
    dominant = np.asarray(body.bones)[np.argmax(body.weights, axis=1)]
    col = np.tile(np.asarray(look.skin, float), (len(body.verts), 1))
    for prefixes, colour in ((SHIRT_BONES, look.shirt), (TROUSER_BONES, look.trousers),
                             (SHOE_BONES, look.shoes)):
        mask = np.array([any(n.startswith(p) for p in prefixes) for n in dominant])
        col[mask] = colour
    col[body.eye] = look.eyes
    return col


def hands_for(variant: str, poser: Poser):
    """The hand-placing function of a variant (see :meth:`Poser.pose`)."""
    half = props.GRIP_HALF_WIDTH[variant]
    reach = 0.97 * (poser.upper_len["L"] + poser.fore_len["L"])
    if variant == "good_morning":
        return lambda pts: props.bar_on_back(pts, half)[0]
    clearance = 0.08 if variant == "bodyweight_hinge" else 0.1
    return lambda pts: props.hanging_hands(pts, reach, half, clearance)


def implement(variant: str, posed: Posed, plate_radius: float) -> list:
    """The implement's mesh parts for one frame (empty for a bodyweight hinge)."""
    grip = 0.5 * (posed.points["grip.L"] + posed.points["grip.R"])
    if variant in ("rdl", "single_leg_rdl"):
        return props.barbell(grip, plate_radius) if variant == "rdl" else []
    if variant == "kettlebell_deadlift":
        return props.kettlebell(grip)
    if variant == "good_morning":
        return props.barbell(props.bar_on_back(posed.points, 0.4)[1], plate_radius)
    return []


def merge(parts: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Concatenate (verts, faces, colour) parts into one indexed mesh with normals."""
    verts, faces, cols, norms, base = [], [], [], [], 0
    for v, f, c in parts:
        c = np.asarray(c, float)
        verts.append(v)
        faces.append(f + base)
        cols.append(np.broadcast_to(c, v.shape) if c.ndim == 1 else c)
        norms.append(vertex_normals(v, f))
        base += len(v)
    return (np.concatenate(verts), np.concatenate(norms), np.concatenate(cols), np.concatenate(faces))


class Scene:
    """Renders posed frames of one lifter through one camera."""

    def __init__(self, body: Body, renderer: Renderer, look: Look, variant: str,
                 plate_radius: float = props.PLATE_RADIUS, occluder: dict | None = None):
        self.body, self.renderer, self.variant = body, renderer, variant
        self.colours = vertex_colours(body, look)
        self.plate_radius = plate_radius
        self.static = merge(room() + occluder_parts(occluder))

    def frame(self, posed: Posed) -> np.ndarray:
        """(H, W, 3) uint8 RGB image of one posed frame."""
        parts = [(posed.verts, self.body.faces, self.colours)]
        dyn = merge(parts + implement(self.variant, posed, self.plate_radius))
        verts, normals, colours = (np.concatenate([a, b]) for a, b in zip(dyn[:3], self.static[:3]))
        faces = np.concatenate([dyn[3], self.static[3] + len(dyn[0])])
        return self.renderer.draw(verts, normals, colours, faces)


def occluder_parts(spec: dict | None) -> list:
    """An optional occluder: a box between camera and lifter.

    ``spec``: ``centre`` (x, y, z metres) and ``size`` (dx, dy, dz metres).
    """
    if not spec:
        return []
    c, s = np.asarray(spec["centre"], float), np.asarray(spec["size"], float) / 2
    corners = np.array([[i, j, k] for i in (-1, 1) for j in (-1, 1) for k in (-1, 1)]) * s + c
    faces = np.array([[0, 1, 3], [0, 3, 2], [4, 6, 7], [4, 7, 5], [0, 4, 5], [0, 5, 1],
                      [2, 3, 7], [2, 7, 6], [0, 2, 6], [0, 6, 4], [1, 5, 7], [1, 7, 3]])
    return [(corners, faces, tuple(spec.get("colour", (0.45, 0.3, 0.2))))]
