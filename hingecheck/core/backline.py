"""Back contour from the person segmentation mask: pure numpy.

MediaPipe has no spine landmarks, so the back's shape is read from the
silhouette. Between the shoulder and the hip, rays are cast from the
shoulder-hip chord towards the lifter's back until they leave the mask;
where they leave is the back contour. The contour's deviation from the
straight line through its two ends measures the curve:

* positive: a convex hump (the back rounds, lumbar or thoracic flexion);
* negative: a concave curve (the lower back over-arches).

The value is a fraction of the shoulder-hip distance (dimensionless).
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.config import Thresholds

#: where along the chord (0 = shoulder, 1 = hip) the contour is sampled
SAMPLES = np.linspace(0.1, 0.9, 17)


def back_normal(shoulder: np.ndarray, hip: np.ndarray, facing: float) -> np.ndarray:
    """Unit image-space vector (x right, y down) pointing out of the back.

    Perpendicular to the shoulder-hip chord, on the side opposite to where
    the lifter faces. NaN if the points coincide or are NaN.
    """
    d = np.asarray(hip, float) - np.asarray(shoulder, float)
    n = np.array([-d[1], d[0]]) if facing > 0 else np.array([d[1], -d[0]])
    # for a lifter facing +x (image right) with y down: the back is at -x when
    # upright (d points down, (-dy, dx) -> (-L, 0)) and up when bent over.
    norm = np.hypot(*n)
    return n / norm if norm > 0 else np.full(2, np.nan)


def back_contour(mask: np.ndarray, shoulder, hip, facing: float,
                 threshold: float = 0.5, max_reach: float = 0.6) -> np.ndarray:
    """Distances (in chord lengths) from the chord to the back edge.

    ``mask`` is an (H, W) array of person probability; ``shoulder`` and
    ``hip`` are (x, y) in the mask's pixels. Returns one value per
    :data:`SAMPLES` point; NaN where the ray starts outside the person or
    never leaves it within ``max_reach`` chord lengths.
    """
    mask = np.asarray(mask)
    sh = np.asarray(shoulder, float)
    hp = np.asarray(hip, float)
    if not (np.all(np.isfinite(sh)) and np.all(np.isfinite(hp))):
        return np.full(SAMPLES.size, np.nan)
    chord = np.hypot(*(hp - sh))
    if chord < 4:
        return np.full(SAMPLES.size, np.nan)
    n = back_normal(sh, hp, facing)
    steps = np.arange(0, max_reach * chord, 1.0)  # 1-pixel steps
    base = sh[None, :] + SAMPLES[:, None] * (hp - sh)[None, :]        # (K, 2)
    pts = base[:, None, :] + steps[None, :, None] * n[None, None, :]  # (K, M, 2)
    xi = np.round(pts[..., 0]).astype(int)
    yi = np.round(pts[..., 1]).astype(int)
    h, w = mask.shape
    inside_img = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    vals = np.zeros(xi.shape, dtype=float)
    vals[inside_img] = mask[yi[inside_img], xi[inside_img]]
    person = vals >= threshold
    out = np.full(SAMPLES.size, np.nan)
    starts_in = person[:, 0]
    leaves = ~person
    first_out = np.argmax(leaves, axis=1)
    ok = starts_in & leaves.any(axis=1)
    out[ok] = steps[first_out[ok]] / chord
    return out


def contour_curvature(contour: np.ndarray) -> float:
    """Signed curve of a back contour (chord-length units).

    The largest deviation of the contour from the straight line joining its
    first and last samples, positive outward (hump), negative inward
    (hollow). NaN if fewer than 70% of the samples are finite.
    """
    c = np.asarray(contour, float)
    ok = np.isfinite(c)
    if ok.sum() < 0.7 * c.size or not (ok[0] or ok[1]) or not (ok[-1] or ok[-2]):
        return float("nan")
    x = SAMPLES[ok]
    y = c[ok]
    line = np.interp(SAMPLES, [x[0], x[-1]], [y[0], y[-1]])[ok]
    dev = y - line
    i = int(np.argmax(np.abs(dev)))
    return float(dev[i])


def back_curvature(mask, shoulder, hip, facing: float) -> float:
    """:func:`contour_curvature` of :func:`back_contour`; NaN if unmeasurable."""
    return contour_curvature(back_contour(mask, shoulder, hip, facing))


def curvatures(contours: np.ndarray, th: Thresholds) -> np.ndarray:
    """(F,) sagitta of the back: signed curve of each row of an (F, K) contour.

    Each row (a :func:`back_contour`) is fitted with a quadratic over
    :data:`SAMPLES`; the value is the fitted curve's height above the chord
    through its two ends at the middle, in chord lengths: positive for a
    convex hump, negative for a hollow. Averaging over the fit, it is not
    thrown by one noisy sample. NaN where under 70% of the samples are
    finite, where the fit leaves more than ``th.back_fit_max_rms`` of residual
    (an arm, a bar or the background joined the contour), or where neighbouring
    samples step by more than ``th.back_fit_max_step`` (the silhouette there is
    not the back's single curve). Vectorised.
    """
    c = np.asarray(contours, float).reshape(-1, SAMPLES.size)
    ok = np.isfinite(c)
    enough = ok.sum(axis=1) >= 0.7 * SAMPLES.size
    s = SAMPLES - SAMPLES.mean()
    basis = np.stack([np.ones_like(s), s, s * s], axis=1)            # (K, 3)
    out = np.full(c.shape[0], np.nan)
    for i in np.flatnonzero(enough):
        m = ok[i]
        coef, *_ = np.linalg.lstsq(basis[m], c[i, m], rcond=None)
        rms = float(np.sqrt(np.mean((basis[m] @ coef - c[i, m]) ** 2)))
        steps = np.abs(np.diff(c[i, m]))
        if rms <= th.back_fit_max_rms and (steps.size == 0 or steps.max() <= th.back_fit_max_step):
            half = 0.5 * (SAMPLES[-1] - SAMPLES[0])
            out[i] = -coef[2] * half * half
    return out
