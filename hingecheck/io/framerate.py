"""The analysis rate and size: which decoded frames the pose model sees, and how big.

A hinge is slow: the angle signals are low-passed at 4 Hz before anything is
judged, so a 60 fps video carries more samples than the verdicts use.
:class:`FramePicker` keeps frames at most ``fps`` a second, chosen by their
timestamps (not a fixed stride), so 25, 50, 60 fps and variable-frame-rate
video all work and the kept frames keep their own times. :func:`downscale`
shrinks a large frame once, right after decoding, to the size the pose model
needs; landmarks are normalised, so they are mapped back to the source's
pixels (:meth:`hingecheck.io.pose.PoseEstimator.detect`).
"""

from __future__ import annotations

import math

from hingecheck.core.errors import HingecheckError
from hingecheck.io import _quiet  # noqa: F401  (before cv2, imported in downscale)

#: frames per second the pose model sees by default (``--analysis-fps``)
DEFAULT_ANALYSIS_FPS = 30.0
#: ``--analysis-fps 0``: every decoded frame
EVERY_FRAME = 0.0
#: the long side, in pixels, frames are shrunk to before the pose model by default (``--analysis-size``)
DEFAULT_ANALYSIS_LONG_SIDE = 640
#: ``--analysis-size 0``: frames at the source's size
FULL_SIZE = 0
#: a frame this early (as a fraction of the analysis period, and at most half the source's
#: last frame interval) still counts as due: a camera's or a variable-frame-rate phone's
#: jittered timestamps must not make a 30 fps video at 30 fps lose every other frame
DUE_TOLERANCE = 0.3
#: ... and early by less than this fraction of the interval since the frame before it: just under
#: half, so a due time exactly halfway between two frames takes the later one, never a float's whim
DUE_INTERVAL_FRACTION = 0.49
#: the highest analysis rate accepted, frames per second
MAX_ANALYSIS_FPS = 1000.0
#: the smallest long side accepted for the analysis frames, in pixels
MIN_ANALYSIS_LONG_SIDE = 64
#: the frame rates (frames per second) a source's reported rate is believed in: above 1
#: and up to 240. 240 fps is the fastest that phones (slow motion) and webcams record;
#: above it a reported rate is a container's time base read as a rate (OpenCV reads a
#: browser's WebM, time base 1/1000 s, as 1000 fps; MPEG-TS as 90000), and at 1 or below
#: it is a placeholder (a still image's 1/1 time base). Outside it, :data:`FALLBACK_FPS`.
SOURCE_FPS_RANGE = (1.0, 240.0)
#: frames per second assumed when a source's reported rate is outside :data:`SOURCE_FPS_RANGE`
FALLBACK_FPS = 30.0


def check_analysis_fps(fps: float) -> float:
    """``fps`` if it is 0 (every frame) or a rate in (0, 1000] frames per second, else a one-line error."""
    number = isinstance(fps, (int, float))
    if not number or not math.isfinite(fps) or fps < 0 or fps > MAX_ANALYSIS_FPS:
        raise HingecheckError(f"--analysis-fps must be 0 (every frame) or a frame rate up to "
                              f"{MAX_ANALYSIS_FPS:g} frames per second, got {fps:g}" if number else
                              f"--analysis-fps must be a number of frames per second, got {fps!r}")
    return float(fps)


def check_long_side(px: int) -> int:
    """``px`` if it is 0 (the source's size) or at least 64 pixels, else a one-line error."""
    if not isinstance(px, int) or (px != FULL_SIZE and px < MIN_ANALYSIS_LONG_SIDE):
        raise HingecheckError(f"--analysis-size must be 0 (the source's size) or a long side of at least "
                              f"{MIN_ANALYSIS_LONG_SIDE} pixels, got {px}")
    return px


def source_fps(reported: float) -> float:
    """A source's frame rate (frames per second): ``reported`` (OpenCV's ``CAP_PROP_FPS``)
    when it lies in :data:`SOURCE_FPS_RANGE` (above the low end, up to the high end),
    else :data:`FALLBACK_FPS` (NaN, 0, a time base read as a rate)."""
    lo, hi = SOURCE_FPS_RANGE
    number = isinstance(reported, (int, float)) and math.isfinite(reported)
    return float(reported) if number and lo < reported <= hi else FALLBACK_FPS


class FrameClock:
    """The times (seconds) of a source's frames, from the container's, repaired.

    A frame keeps the time its container gives it (``CAP_PROP_POS_MSEC``) while
    those increase; a missing (NaN) or non-increasing time becomes the previous
    frame's plus one period of ``fps`` (a first frame without one: 0). So the
    times are always finite and strictly increasing, as the pose model needs.
    Call :meth:`next` once per decoded frame, in order (skipped frames too).
    """

    def __init__(self, fps: float):
        self.period = 1.0 / source_fps(fps)
        self.last: float | None = None  # the previous frame's time, None before the first

    def next(self, reported_s: float) -> float:
        """The frame's time in seconds, given the container's (``reported_s``, NaN if none)."""
        t = float(reported_s)
        if not math.isfinite(t) or (self.last is not None and t <= self.last):
            t = 0.0 if self.last is None else self.last + self.period
        self.last = t
        return t


class FramePicker:
    """Keep at most ``fps`` frames a second, by timestamp.

    A frame is kept when its time (seconds) reaches the next due time, which
    is the last kept frame's time plus one period (``1 / fps``); a frame
    early by less than :data:`DUE_TOLERANCE` of a period, and by less than
    about half the interval since the frame before it, counts as due
    (jittered timestamps). Kept frames are thus evenly spaced when the source is
    (60 fps at 30: every 2nd frame; 120 fps at 30: every 4th; 50 fps at 30:
    every 2nd, i.e. 25 fps; 25 fps at 30: every frame), and a
    variable-frame-rate source keeps its own times. ``fps`` 0 keeps every frame.
    """

    def __init__(self, fps: float = EVERY_FRAME):
        self.fps = check_analysis_fps(fps)
        self.period = 1.0 / self.fps if self.fps > 0 else 0.0
        self._due = -math.inf
        self._last_t = -math.inf
        self.seen = 0   # frames offered
        self.kept = 0   # frames kept

    def keep(self, t: float) -> bool:
        """True if the frame at ``t`` seconds is to be analysed (call once per frame, in order)."""
        self.seen += 1
        early = min(DUE_TOLERANCE * self.period, DUE_INTERVAL_FRACTION * (t - self._last_t))
        self._last_t = t
        if self.period > 0 and t < self._due - early:
            return False
        self._due = t + self.period
        self.kept += 1
        return True


def pick(timestamps, fps: float) -> np.ndarray:
    """(N,) bool: which of ``timestamps`` (seconds, increasing) a :class:`FramePicker` at ``fps`` keeps."""
    picker = FramePicker(fps)
    import numpy as np  # here, so the command line starts without numpy
    return np.array([picker.keep(float(t)) for t in timestamps], dtype=bool)


def analysis_scale(width: int, height: int, long_side: int) -> float:
    """Factor (analysis pixels per source pixel, ≤ 1) that brings the long side down to
    ``long_side`` pixels; 1 when the frame is no larger or ``long_side`` is 0 (full size)."""
    longest = max(width, height)
    if long_side == FULL_SIZE or longest <= long_side:
        return 1.0
    return long_side / longest


def downscale(bgr: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """The frame shrunk (area interpolation) to a long side of ``long_side`` pixels, and the
    factor used (analysis pixels per source pixel); the frame itself when no smaller is needed."""
    h, w = bgr.shape[:2]
    scale = analysis_scale(w, h, long_side)
    if scale >= 1.0:
        return bgr, 1.0
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    import cv2  # here, so the command line starts without OpenCV
    return cv2.resize(bgr, size, interpolation=cv2.INTER_AREA), scale


__all__ = ["DEFAULT_ANALYSIS_FPS", "DEFAULT_ANALYSIS_LONG_SIDE", "EVERY_FRAME", "FALLBACK_FPS", "FULL_SIZE",
           "FrameClock", "FramePicker", "SOURCE_FPS_RANGE", "analysis_scale", "check_analysis_fps",
           "check_long_side", "downscale", "pick", "source_fps"]
