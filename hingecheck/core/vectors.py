"""Vector primitives of the 2-D landmark geometry: pure, vectorised numpy.

Every function works over ``(..., 2)`` point arrays (``(frames, ...)`` in
practice). Conventions, after ``neuroinformatics-unit/movement``:

* Input points are image pixels, ``x`` right and ``y`` **down**.
* Angles are in **degrees**.
* NaN in → NaN out: a frame where any point a quantity needs is NaN gives
  NaN for that quantity in that frame, never an exception or a guess.
* Signed sagittal angles are expressed in the lifter's own frame: they are
  mirrored so that a lifter facing left and one facing right give the same
  numbers (*forward* means the way the lifter faces).

:mod:`hingecheck.core.geometry` builds the hinge's measures from these.
"""

from __future__ import annotations

import numpy as np


def as_float(a) -> np.ndarray:
    """``a`` as a float64 array (no copy when it is one)."""
    return np.asarray(a, dtype=float)


def landmark_points(arr, idx) -> np.ndarray:
    """Landmarks ``idx`` of a ``(F, 33, ...)`` array as float64, selecting
    before converting so a long float32 clip is never copied whole."""
    return as_float(np.asarray(arr)[:, list(idx)])


def joint_angle(a, b, c) -> np.ndarray:
    """Interior angle ABC at vertex ``b``, in degrees, range [0, 180].

    ``a``, ``b``, ``c`` are ``(..., 2)`` (or ``(..., 3)``) arrays of points.
    180 means A, B and C are in a straight line. NaN where any point is NaN
    or where A or C coincides with B.
    """
    a, b, c = as_float(a), as_float(b), as_float(c)
    u, v = a - b, c - b
    nu = np.linalg.norm(u, axis=-1)
    nv = np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(u * v, axis=-1) / (nu * nv)
    cos = np.where((nu > 0) & (nv > 0), cos, np.nan)
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def to_lifter_frame(points, facing) -> np.ndarray:
    """Map image points ``(..., 2)`` (y down) to the lifter's frame.

    In the lifter's frame ``x`` points the way the lifter faces and ``y``
    points up. ``facing`` is +1 (lifter faces image right) or -1 (faces
    left), a scalar or an array broadcastable to ``points[..., 0]``.
    Units are unchanged (pixels). NaN passes through.
    """
    p = as_float(points)
    f = as_float(facing)
    return np.stack([p[..., 0] * f, -p[..., 1]], axis=-1)


def inclination_from_vertical(base, tip, facing) -> np.ndarray:
    """Signed angle of the segment base→tip from vertical, in degrees.

    Range (-180, 180]. 0 = tip straight above base; +90 = tip level with
    base and *forward* of it (the way the lifter faces); negative = tip
    behind the vertical through base. Image points in pixels, y down.
    NaN where any point is NaN or the points coincide.
    """
    d = to_lifter_frame(as_float(tip) - as_float(base), facing)
    zero = np.all(d == 0, axis=-1)
    ang = np.degrees(np.arctan2(d[..., 0], d[..., 1]))
    return np.where(zero, np.nan, ang)


def signed_angle_between(u, v, facing) -> np.ndarray:
    """Signed angle from direction ``u`` to direction ``v``, in degrees.

    ``u`` and ``v`` are ``(..., 2)`` image-space vectors (y down). Positive
    when ``v`` is rotated *forward/down* from ``u`` in the lifter's frame
    (clockwise for a lifter facing right), the direction of flexion for a
    head relative to the trunk. Range (-180, 180]. NaN where either vector
    is NaN or zero.
    """
    uu = to_lifter_frame(u, facing)
    vv = to_lifter_frame(v, facing)
    cross = uu[..., 0] * vv[..., 1] - uu[..., 1] * vv[..., 0]
    dot = np.sum(uu * vv, axis=-1)
    zero = np.all(uu == 0, axis=-1) | np.all(vv == 0, axis=-1)
    ang = -np.degrees(np.arctan2(cross, dot))
    ang = np.where(ang <= -180.0, 180.0, ang)  # opposite vectors: +180, inside (-180, 180]
    return np.where(zero, np.nan, ang)


def point_line_offset(p, a, b, facing) -> np.ndarray:
    """Signed distance of point ``p`` from the line a→b, over |ab|.

    Dimensionless (a fraction of the segment length). Positive when ``p``
    lies on the *upper/back* side of the line in the lifter's frame: for a
    line from the ear to the hip of a bent-over lifter, a shoulder above
    the line is positive. NaN where any point is NaN or a == b.
    """
    a_, b_, p_ = (to_lifter_frame(x, facing) for x in (a, b, p))
    ab = b_ - a_
    ap = p_ - a_
    cross = ab[..., 0] * ap[..., 1] - ab[..., 1] * ap[..., 0]
    n2 = np.sum(ab * ab, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = -cross / n2
    return np.where(n2 > 0, out, np.nan)
