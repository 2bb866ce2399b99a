"""Which frames a rule may trust, and evidence that is sustained, not one frame.

Pure numpy, no cv2 or mediapipe. Two ideas:

* **Per-joint reliability.** MediaPipe's visibility is over-confident where
  a plate, a kettlebell or a door hides a joint: it places the joint
  somewhere plausible and calls it seen. A hidden joint shows itself in
  the geometry instead: the segment it ends stretches or shrinks against
  its own length over the clip (a side-on lifter's shank, thigh and trunk
  keep their image length), or the joint moves faster than a body does.
  :func:`chain_reliability` marks each sagittal-chain joint of each frame
  as trusted or not from its visibility, its segments' lengths and its
  speed. A rule reads only the frames where every joint it needs is
  trusted.
* **Sustained evidence.** A rule's measure must pass its threshold over a
  stretch of at least ``sustain_s`` seconds (a :class:`~hingecheck.core.config.Thresholds` field) of the phase where it
  matters (:func:`sustained_peak`), so one mis-tracked frame never makes
  a fault.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.config import Thresholds
from hingecheck.core.landmarks import SEEN_VISIBILITY, BodySide

#: the sagittal chain, in the order of :func:`chain_reliability`'s columns
CHAIN = ("ear", "shoulder", "hip", "knee", "ankle")
#: segments whose image length is steady for a side-on lifter: (joint, joint)
SEGMENTS = (("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"))
#: visibility below this: the joint is not trusted (the one "seen" cut-off)
MIN_VISIBILITY = SEEN_VISIBILITY


def segment_lengths(image: np.ndarray, side: BodySide) -> dict[tuple[str, str], np.ndarray]:
    """(F,) image length in pixels of each :data:`SEGMENTS` segment on ``side`` (NaN where a point is missing)."""
    idx = [getattr(side, name) for name in CHAIN]
    pts = np.asarray(image, float)[:, idx]
    col = {name: k for k, name in enumerate(CHAIN)}
    return {(a, b): np.linalg.norm(pts[:, col[a]] - pts[:, col[b]], axis=-1) for a, b in SEGMENTS}


def chain_reliability(image: np.ndarray, visibility: np.ndarray, side: BodySide,
                      timestamps: np.ndarray, th: Thresholds,
                      medians: dict[tuple[str, str], float] | None = None) -> np.ndarray:
    """(F, 5) bool: each :data:`CHAIN` joint of each frame is trusted.

    ``image`` is (F, 33, 2) pixels, ``visibility`` (F, 33), ``timestamps``
    (F,) seconds. A joint is trusted when its visibility is at least
    :data:`MIN_VISIBILITY`, every :data:`SEGMENTS` segment it ends is
    between ``th.segment_min_ratio`` and ``th.segment_max_ratio`` of that segment's median length
    (pixels: ``medians``, e.g. over every frame a stream has seen; None: over
    these frames), its shin (knee and ankle) leans at most ``th.max_shin_lean_deg``
    from vertical, and it moves slower than ``th.max_speed_thighs_per_s``.
    NaN landmarks are not trusted.
    """
    idx = [getattr(side, name) for name in CHAIN]
    pts = np.asarray(image, float)[:, idx]                   # (F, 5, 2)
    vis = np.asarray(visibility, float)[:, idx]
    ok = np.isfinite(pts).all(axis=-1) & (vis >= MIN_VISIBILITY)
    col = {name: k for k, name in enumerate(CHAIN)}
    lengths = segment_lengths(image, side)
    if medians is None:
        medians = {k: np.nanmedian(x) if np.isfinite(x).any() else np.nan for k, x in lengths.items()}
    for a, b in SEGMENTS:
        length = lengths[(a, b)]
        med = medians[(a, b)]
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = length / med
        bad = ~((ratio >= th.segment_min_ratio) & (ratio <= th.segment_max_ratio))
        ok[:, col[a]] &= ~bad
        ok[:, col[b]] &= ~bad
    shin = pts[:, col["knee"]] - pts[:, col["ankle"]]
    with np.errstate(invalid="ignore"):
        lean = np.degrees(np.arctan2(np.abs(shin[:, 0]), -shin[:, 1]))   # 0 = knee straight above ankle
    implausible = lean > th.max_shin_lean_deg
    ok[:, col["knee"]] &= ~implausible
    ok[:, col["ankle"]] &= ~implausible
    thigh_len = medians[("hip", "knee")]
    t = np.asarray(timestamps, float)
    if pts.shape[0] > 1 and np.isfinite(thigh_len) and thigh_len > 0:
        dt = np.diff(t)[:, None]
        speed = np.linalg.norm(np.diff(pts, axis=0), axis=-1) / np.maximum(dt, 1e-6) / thigh_len
        fast = np.zeros_like(ok)
        with np.errstate(invalid="ignore"):
            jump = speed > th.max_speed_thighs_per_s
        fast[1:] |= jump     # a jump discredits the frame it lands on
        ok &= ~fast
    return ok


def trusted(chain_ok: np.ndarray | None, joints: tuple[str, ...], n: int) -> np.ndarray:
    """(F,) bool: every joint named in ``joints`` is trusted (all True without a mask)."""
    if chain_ok is None:
        return np.ones(n, bool)
    cols = [CHAIN.index(j) for j in joints]
    return np.asarray(chain_ok)[:, cols].all(axis=1)


def _min_frames(t: np.ndarray, lo: int, hi: int, min_s: float) -> int:
    """How many frames span ``min_s`` seconds at the clip's frame rate (at least 1)."""
    seg = t[lo:hi + 1]
    if seg.size < 2:
        return 1
    period = float(np.median(np.diff(seg)))
    return max(1, int(round(min_s / period)) + 1) if period > 0 else 1


def sustained_peak(x: np.ndarray, ok: np.ndarray, t: np.ndarray, lo: int, hi: int,
                   min_s: float) -> float:
    """The highest level ``x`` holds for ``min_s`` seconds within frames lo..hi
    (the rules pass ``Thresholds.sustain_s``).

    The largest, over every run of consecutive trusted (``ok``, finite)
    frames at least ``min_s`` long, of that run's sliding-window minimum.
    A window shorter than ``min_s`` altogether gives the median of its
    trusted frames. NaN when no frame is trusted. Units are ``x``'s.
    """
    seg = np.asarray(x, float)[lo:hi + 1]
    good = np.asarray(ok, bool)[lo:hi + 1] & np.isfinite(seg)
    if not good.any():
        return float("nan")
    k = _min_frames(np.asarray(t, float), lo, hi, min_s)
    if seg.size < k:
        return float(np.median(seg[good]))
    vals = np.where(good, seg, -np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(vals, k)
    best = float(np.max(np.min(windows, axis=1)))
    return best if np.isfinite(best) else float("nan")


def sustained_trough(x: np.ndarray, ok: np.ndarray, t: np.ndarray, lo: int, hi: int,
                     min_s: float) -> float:
    """The lowest level ``x`` holds for ``min_s`` seconds (see :func:`sustained_peak`)."""
    return -sustained_peak(-np.asarray(x, float), ok, t, lo, hi, min_s)


def trusted_share(ok: np.ndarray, lo: int, hi: int) -> float:
    """Share of frames lo..hi that are trusted (0 for an empty window)."""
    w = np.asarray(ok, bool)[lo:hi + 1]
    return float(w.mean()) if w.size else 0.0
