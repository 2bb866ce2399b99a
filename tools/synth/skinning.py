"""Forward kinematics and linear-blend skinning in plain numpy.

Every bone's rest frame is aligned with the world axes, so a bone's pose is
one rotation about its head joint. Units: metres for positions, radians
inside :func:`axis_angle`, degrees nowhere else in this module.
"""

from __future__ import annotations

import numpy as np


def axis_angle(axis, angle_rad: float) -> np.ndarray:
    """(3, 3) rotation by ``angle_rad`` about ``axis`` (right-hand rule)."""
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(angle_rad) * k + (1 - np.cos(angle_rad)) * (k @ k)


def rotation_between(u, v) -> np.ndarray:
    """Smallest (3, 3) rotation taking direction ``u`` onto direction ``v``."""
    u = np.asarray(u, dtype=float) / np.linalg.norm(u)
    v = np.asarray(v, dtype=float) / np.linalg.norm(v)
    axis = np.cross(u, v)
    s, c = np.linalg.norm(axis), float(np.dot(u, v))
    if s < 1e-12:
        if c > 0:
            return np.eye(3)
        ortho = np.cross(u, [1.0, 0, 0] if abs(u[0]) < 0.9 else [0, 1.0, 0])
        return axis_angle(ortho, np.pi)
    return axis_angle(axis, float(np.arctan2(s, c)))


def forward_kinematics(parents: np.ndarray, heads: np.ndarray,
                       local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World rotations (B, 3, 3) and posed head positions (B, 3).

    ``parents[b]`` is bone b's parent index (-1 for a root) and comes
    before b; ``heads`` are rest head positions in metres; ``local[b]``
    is bone b's rotation relative to its parent, in world-aligned axes.
    """
    n = len(parents)
    world = np.empty((n, 3, 3))
    posed = np.empty((n, 3))
    for b in range(n):
        p = parents[b]
        if p < 0:
            world[b] = local[b]
            posed[b] = heads[b]
        else:
            world[b] = world[p] @ local[b]
            posed[b] = posed[p] + world[p] @ (heads[b] - heads[p])
    return world, posed


def skin(verts: np.ndarray, weights: np.ndarray, heads: np.ndarray,
         world: np.ndarray, posed: np.ndarray) -> np.ndarray:
    """Linear-blend skinning: posed vertices (V, 3) in metres.

    Each bone moves a vertex by ``posed[b] + world[b] @ (v - heads[b])``;
    the results are blended with ``weights`` (V, B), rows summing to 1.
    """
    offset = posed - np.einsum("bij,bj->bi", world, heads)          # (B, 3)
    affine = np.concatenate([world.reshape(-1, 9), offset], axis=1)  # (B, 12)
    blended = weights @ affine                                       # (V, 12)
    rot = blended[:, :9].reshape(-1, 3, 3)
    return np.einsum("vij,vj->vi", rot, verts) + blended[:, 9:]


def vertex_normals(verts: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Unit area-weighted vertex normals (V, 3) of a triangle mesh."""
    tri = verts[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n = len(verts)
    out = np.stack([sum(np.bincount(faces[:, k], weights=fn[:, c], minlength=n) for k in range(3))
                    for c in range(3)], axis=1)
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norm > 0, norm, 1.0)
