"""The implements and hand placement of each exercise variant.

Meshes are (verts (N, 3) metres, faces (M, 3), colour (3,) in 0-1).
"""

from __future__ import annotations

import numpy as np

BAR_RADIUS = 0.014       # m
BAR_LENGTH = 2.0         # m
PLATE_RADIUS = 0.225     # m, a 20 kg bumper's
PLATE_WIDTH = 0.06       # m
BELL_RADIUS = 0.11       # m, about a 16 kg kettlebell
IRON = (0.18, 0.18, 0.2)
PLATE = (0.12, 0.12, 0.14)
#: hand half-spacing (m, along z) per variant
GRIP_HALF_WIDTH = {"bodyweight_hinge": 0.2, "rdl": 0.24, "kettlebell_deadlift": 0.05,
                   "good_morning": 0.4, "single_leg_rdl": 0.2}


def cylinder(a, b, radius: float, n: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Closed cylinder from point a to b (metres): (verts, faces)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    axis = (b - a) / np.linalg.norm(b - a)
    u = np.cross(axis, [0.0, 1.0, 0.0] if abs(axis[1]) < 0.9 else [1.0, 0.0, 0.0])
    u /= np.linalg.norm(u)
    w = np.cross(axis, u)
    ang = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ring = radius * (np.cos(ang)[:, None] * u + np.sin(ang)[:, None] * w)
    verts = np.concatenate([a + ring, b + ring, [a, b]])
    k = np.arange(n)
    k1 = (k + 1) % n
    side = np.concatenate([np.stack([k, k1, n + k], 1), np.stack([k1, n + k1, n + k], 1)])
    caps = np.concatenate([np.stack([np.full(n, 2 * n), k1, k], 1),
                           np.stack([np.full(n, 2 * n + 1), n + k, n + k1], 1)])
    return verts, np.concatenate([side, caps])


def sphere(centre, radius: float, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """UV sphere (verts, faces) about ``centre`` (metres)."""
    th, ph = np.meshgrid(np.linspace(0, np.pi, n), np.linspace(0, 2 * np.pi, 2 * n, endpoint=False), indexing="ij")
    verts = np.asarray(centre) + radius * np.stack([np.sin(th) * np.cos(ph), np.cos(th), np.sin(th) * np.sin(ph)], -1).reshape(-1, 3)
    i, j = np.meshgrid(np.arange(n - 1), np.arange(2 * n), indexing="ij")
    a = i * 2 * n + j
    b = i * 2 * n + (j + 1) % (2 * n)
    faces = np.concatenate([np.stack([a, a + 2 * n, b], -1).reshape(-1, 3),
                            np.stack([b, a + 2 * n, b + 2 * n], -1).reshape(-1, 3)])
    return verts, faces


def _side_clearance(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Signed forward distance (m) of p from segment a-b in the x-y plane (+ = in front)."""
    d = b[:2] - a[:2]
    t = np.clip(np.dot(p[:2] - a[:2], d) / np.dot(d, d), 0.0, 1.0)
    q = a[:2] + t * d
    return float(np.sign(p[0] - q[0]) * np.linalg.norm(p[:2] - q))


def hanging_hands(points: dict, reach: float, half_width: float, clearance: float = 0.1) -> dict:
    """Hands (m) hanging below the shoulders, swung forward just enough to clear the legs."""
    sh = 0.5 * (points["shoulder.L"] + points["shoulder.R"])
    legs = [(points["hip.L"], points["knee.L"]), (points["knee.L"], points["ankle.L"])]
    for alpha in np.radians(np.arange(0, 80, 2)):
        hand = sh + reach * np.array([np.sin(alpha), -np.cos(alpha), 0.0])
        if min(_side_clearance(hand, a, b) for a, b in legs) >= clearance:
            break
    return {"L": hand + [0, 0, -half_width], "R": hand + [0, 0, half_width]}


def bar_on_back(points: dict, half_width: float) -> tuple[dict, np.ndarray]:
    """Hands (m) on a bar resting on the upper back, and the bar's centre."""
    sh = 0.5 * (points["shoulder.L"] + points["shoulder.R"])
    hip = 0.5 * (points["hip.L"] + points["hip.R"])
    up = (sh - hip) / np.linalg.norm(sh - hip)
    back = np.array([-up[1], up[0], 0.0])   # trunk normal pointing behind the lifter (x back)
    if back[0] > 0:
        back = -back
    centre = sh + 0.07 * back + 0.01 * up
    return {"L": centre + [0, 0, -half_width], "R": centre + [0, 0, half_width]}, centre


def barbell(centre: np.ndarray, plate_radius: float = PLATE_RADIUS) -> list:
    """A loaded bar across ``centre`` along z: a list of (verts, faces, colour)."""
    half = BAR_LENGTH / 2
    parts = [(*cylinder(centre - [0, 0, half], centre + [0, 0, half], BAR_RADIUS), IRON)]
    for sign in (-1, 1):
        z0 = centre + [0, 0, sign * 0.72]
        parts.append((*cylinder(z0, z0 + [0, 0, sign * PLATE_WIDTH], plate_radius, 32), PLATE))
    return parts


def kettlebell(grip: np.ndarray) -> list:
    """A kettlebell hanging from ``grip`` (m): handle and bell."""
    handle = cylinder(grip - [0, 0, 0.07], grip + [0, 0, 0.07], 0.014)
    bell = sphere(grip - [0, BELL_RADIUS + 0.05, 0], BELL_RADIUS)
    return [(*handle, IRON), (*bell, IRON)]
