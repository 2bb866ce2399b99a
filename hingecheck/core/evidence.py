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
  stretch of at least :data:`SUSTAIN_S` seconds of the phase where it
  matters (:func:`sustained_peak`), so one mis-tracked frame never makes
  a fault.
"""

from __future__ import annotations

import numpy as np

from hingecheck.core.landmarks import SEEN_VISIBILITY, BodySide

#: the sagittal chain, in the order of :func:`chain_reliability`'s columns
CHAIN = ("ear", "shoulder", "hip", "knee", "ankle")
#: segments whose image length is steady for a side-on lifter: (joint, joint)
SEGMENTS = (("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"))
#: a segment longer than this share of its clip median is mis-tracked ...
SEGMENT_MAX_RATIO = 1.35
#: ... and so is one shorter than this (a thigh pointing at the camera of an
#: oblique view foreshortens to about 0.7, never this far)
SEGMENT_MIN_RATIO = 0.6
#: a joint faster than this many thigh lengths per second is mis-tracked
MAX_SPEED_THIGHS_PER_S = 10.0
#: a shin leaning further than this from vertical (degrees) is not a shin on
#: a standing lifter: the knee was placed on a plate or a kettlebell
MAX_SHIN_LEAN_DEG = 60.0
#: visibility below this: the joint is not trusted (the one "seen" cut-off)
MIN_VISIBILITY = SEEN_VISIBILITY
#: how long a measure must hold past its threshold (seconds)
SUSTAIN_S = 0.2
#: a rule needs at least this share of its window's frames trusted
MIN_TRUSTED_SHARE = 0.5


def segment_lengths(image: np.ndarray, side: BodySide) -> dict[tuple[str, str], np.ndarray]:
    """(F,) image length in pixels of each :data:`SEGMENTS` segment on ``side`` (NaN where a point is missing)."""
    idx = [getattr(side, name) for name in CHAIN]
    pts = np.asarray(image, float)[:, idx]
    col = {name: k for k, name in enumerate(CHAIN)}
    return {(a, b): np.linalg.norm(pts[:, col[a]] - pts[:, col[b]], axis=-1) for a, b in SEGMENTS}


def chain_reliability(image: np.ndarray, visibility: np.ndarray, side: BodySide,
                      timestamps: np.ndarray, medians: dict[tuple[str, str], float] | None = None) -> np.ndarray:
    """(F, 5) bool: each :data:`CHAIN` joint of each frame is trusted.

    ``image`` is (F, 33, 2) pixels, ``visibility`` (F, 33), ``timestamps``
    (F,) seconds. A joint is trusted when its visibility is at least
    :data:`MIN_VISIBILITY`, every :data:`SEGMENTS` segment it ends is
    between :data:`SEGMENT_MIN_RATIO` and :data:`SEGMENT_MAX_RATIO` of that segment's median length
    (pixels: ``medians``, e.g. over every frame a stream has seen; None: over
    these frames), and it moves slower than :data:`MAX_SPEED_THIGHS_PER_S`.
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
        bad = ~((ratio >= SEGMENT_MIN_RATIO) & (ratio <= SEGMENT_MAX_RATIO))
        ok[:, col[a]] &= ~bad
        ok[:, col[b]] &= ~bad
    shin = pts[:, col["knee"]] - pts[:, col["ankle"]]
    with np.errstate(invalid="ignore"):
        lean = np.degrees(np.arctan2(np.abs(shin[:, 0]), -shin[:, 1]))   # 0 = knee straight above ankle
    implausible = lean > MAX_SHIN_LEAN_DEG
    ok[:, col["knee"]] &= ~implausible
    ok[:, col["ankle"]] &= ~implausible
    thigh_len = medians[("hip", "knee")]
    t = np.asarray(timestamps, float)
    if pts.shape[0] > 1 and np.isfinite(thigh_len) and thigh_len > 0:
        dt = np.diff(t)[:, None]
        speed = np.linalg.norm(np.diff(pts, axis=0), axis=-1) / np.maximum(dt, 1e-6) / thigh_len
        fast = np.zeros_like(ok)
        with np.errstate(invalid="ignore"):
            jump = speed > MAX_SPEED_THIGHS_PER_S
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
                   min_s: float = SUSTAIN_S) -> float:
    """The highest level ``x`` holds for ``min_s`` seconds within frames lo..hi.

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
                     min_s: float = SUSTAIN_S) -> float:
    """The lowest level ``x`` holds for ``min_s`` seconds (see :func:`sustained_peak`)."""
    return -sustained_peak(-np.asarray(x, float), ok, t, lo, hi, min_s)


def trusted_share(ok: np.ndarray, lo: int, hi: int) -> float:
    """Share of frames lo..hi that are trusted (0 for an empty window)."""
    w = np.asarray(ok, bool)[lo:hi + 1]
    return float(w.mean()) if w.size else 0.0
