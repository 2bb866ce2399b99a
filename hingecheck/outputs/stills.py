"""Stills for the visual report, kept during the one pass over the video.

:class:`StillKeeper` sees every frame as the pose model runs (the
``on_pose`` hook of :func:`hingecheck.io.extract.extract_pose`, or the live
loop) and keeps a bounded, evenly spaced set of them, downscaled and
JPEG-compressed, with their landmarks: every ``stride``-th frame, the stride
doubling (and every other kept frame dropped) whenever more than
``capacity`` are held. Each is cropped to the lifter (the frame's
landmarks, with a margin) before it is downscaled, so the body fills it. Memory stays at ``capacity`` small JPEGs whatever
the video's length, and once the reps are known any frame of the clip has
a kept frame within ``stride / 2`` frames of it. The video is never decoded
a second time.

:func:`render_still` draws a kept frame's skeleton with the existing
skeleton annotator (:mod:`hingecheck.outputs.annotate`), highlighting the body part of
each fault it is shown for.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from hingecheck.io import _quiet  # noqa: F401  (before cv2)
from hingecheck.outputs.annotate import SkeletonAnnotator
from hingecheck.outputs.skeleton import MIN_VISIBILITY
from hingecheck.outputs.state import OverlayState

#: the longer side of a kept still, in pixels
STILL_LONG_SIDE = 480
#: margin around the lifter's landmarks, as a share of their larger extent
CROP_MARGIN = 0.22
#: the most stills kept at once (each about 10 KB): every frame of a 60 fps
#: clip up to 16 s, every 2nd up to 33 s, every 4th up to 66 s...
CAPACITY = 1000
JPEG_QUALITY = 85
#: fewer visible landmarks than this: the still is the whole frame
MIN_CROP_LANDMARKS = 4
#: a crop narrower or shorter than this (pixels) is the whole frame instead
MIN_CROP_PX = 8


@dataclass
class Still:
    """One kept frame: ``jpeg`` of the cropped, downscaled image, landmarks
    in the source frame's pixels, the crop's top-left ``offset`` (source
    pixels) and ``scale`` (still pixels per source pixel)."""

    index: int
    jpeg: bytes
    scale: float
    landmarks: np.ndarray   # (33, 2)
    visibility: np.ndarray  # (33,)
    offset: tuple[int, int] = (0, 0)

    def points(self) -> np.ndarray:
        """The landmarks in the still's pixels."""
        return (self.landmarks - np.asarray(self.offset, np.float32)) * self.scale


def crop_box(landmarks: np.ndarray, visibility: np.ndarray, w: int, h: int,
             margin: float = CROP_MARGIN) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the visible landmarks' box plus ``margin``, inside
    the frame; the whole frame when fewer than four landmarks are seen."""
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(landmarks).all(axis=1) & ~(np.asarray(visibility) < MIN_VISIBILITY)
    if ok.sum() < MIN_CROP_LANDMARKS:
        return 0, 0, w, h
    lo, hi = landmarks[ok].min(axis=0), landmarks[ok].max(axis=0)
    pad = margin * float(max(hi - lo))
    x0, y0 = (max(0, int(v - pad)) for v in lo)
    x1, y1 = min(w, int(hi[0] + pad) + 1), min(h, int(hi[1] + pad) + 1)
    big_enough = x1 - x0 >= MIN_CROP_PX and y1 - y0 >= MIN_CROP_PX
    return (x0, y0, x1, y1) if big_enough else (0, 0, w, h)


class StillKeeper:
    """A bounded, evenly spaced set of downscaled frames (see the module doc)."""

    def __init__(self, capacity: int = CAPACITY, long_side: int = STILL_LONG_SIDE):
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.capacity = capacity
        self.long_side = long_side
        self.reset()

    def reset(self) -> None:
        """Forget every kept frame (a live set started again)."""
        self.stride = 1
        self._kept: dict[int, Still] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def offer(self, index: int, bgr: np.ndarray, landmarks: np.ndarray, visibility: np.ndarray) -> None:
        """See frame ``index`` (0, 1, 2, ... in order); keep it if it falls on the stride."""
        if index % self.stride:
            return
        x0, y0, x1, y1 = crop_box(landmarks, visibility, bgr.shape[1], bgr.shape[0])
        crop = bgr[y0:y1, x0:x1]
        h, w = crop.shape[:2]
        scale = min(1.0, self.long_side / max(h, w, 1))
        small = crop if scale >= 1.0 else cv2.resize(
            crop, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            return
        self._kept[index] = Still(index, buf.tobytes(), scale, np.array(landmarks, np.float32),
                                  np.array(visibility, np.float32), (x0, y0))
        while len(self._kept) > self.capacity:
            self.stride *= 2
            self._kept = {i: s for i, s in self._kept.items() if i % self.stride == 0}

    def on_pose(self, index: int, bgr: np.ndarray, fp) -> None:
        """The ``on_pose`` hook of :func:`hingecheck.io.extract.extract_pose`."""
        self.offer(index, bgr, fp.image, fp.visibility)

    def nearest(self, index: int) -> Still | None:
        """The kept frame closest to ``index`` (the earlier on a tie), or None."""
        if not self._kept:
            return None
        return min(self._kept.values(), key=lambda s: (abs(s.index - index), s.index))


def render_still(still: Still, side: str, faults: list[str]) -> bytes:
    """The still with its skeleton drawn and the body part of each of
    ``faults`` in red; JPEG bytes. (No angle labels: at a still's size they
    would be too small to read; the report prints the angles beside it.)"""
    img = cv2.imdecode(np.frombuffer(still.jpeg, np.uint8), cv2.IMREAD_COLOR)
    state = OverlayState(landmarks=still.points(), visibility=still.visibility, side=side,
                         active_faults=list(faults))
    SkeletonAnnotator().annotate(img, state)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    return buf.tobytes() if ok else still.jpeg
