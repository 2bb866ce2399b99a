"""Drawing primitives shared by the overlay annotators (OpenCV, in place).

Text with an optional dark outline, darkened panels, solid fills, degree
rings, word wrapping, and the scale every size is multiplied by. Sizes are
for a 720-pixel short side and scale with ``min(width, height) / 720``
(boosted on portrait frames, see :func:`frame_scale`), so an overlay reads
the same on a 360x640 phone clip as on a 1280x720 one. Colours are BGR.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from hingecheck.outputs.state import BannerLevel

# --- style ---------------------------------------------------------------------------

FONT = cv2.FONT_HERSHEY_DUPLEX
#: the short side (pixels) that every size below is given for
REF_SHORT_SIDE = 720.0
#: sub-pixel bits for lines and circles (a smooth anti-aliased skeleton)
SHIFT = 4
#: one pixel in fixed-point units
ONE = 1 << SHIFT
#: extra scale on portrait frames (see :func:`frame_scale`)
PORTRAIT_BOOST = 1.4

#: Banner / status colours by level (BGR).
LEVEL_COLOURS: dict[BannerLevel, tuple[int, int, int]] = {
    BannerLevel.GOOD: (80, 200, 60),
    BannerLevel.WARN: (0, 190, 255),
    BannerLevel.BAD: (40, 40, 230),
    BannerLevel.INFO: (230, 230, 230),
}

NEAR_BONE = (250, 250, 250)
NEAR_JOINT = (255, 215, 0)      # bright cyan-blue: distinct from the level colours
FAR_BONE = (150, 150, 150)
MID_BONE = (200, 200, 200)
OUTLINE = (20, 20, 20)
WHITE = (255, 255, 255)
HIGHLIGHT = LEVEL_COLOURS[BannerLevel.BAD]
FAULT_TEXT = (80, 80, 255)      # red, lighter than "bad" for contrast on the dark panel
TEXT = (245, 245, 245)
DIM_TEXT = (190, 190, 190)
RULE_LINE = (110, 110, 110)     # the line between the rep counter and the angles
ANGLE_TEXT = (0, 235, 255)      # yellow joint-angle labels
STATUS_TEXT = LEVEL_COLOURS[BannerLevel.WARN]
PANEL_ALPHA = 0.68              # darkening of the HUD panels
#: the Rec. 601 luma weights of (blue, green, red)
LUMA_WEIGHTS = (0.114, 0.587, 0.299)


# --- sizes ---------------------------------------------------------------------------


def frame_scale(frame: np.ndarray) -> float:
    """``min(w, h) / 720``, boosted for portrait frames.

    A portrait clip is shown on a laptop at about the screen's height, i.e.
    enlarged well past its short side, so the plain short-side rule makes its
    text about half the size of a landscape clip's; the boost evens that out.
    """
    h, w = frame.shape[:2]
    k = max(min(w, h), 1) / REF_SHORT_SIDE
    return k * PORTRAIT_BOOST if h > w else k


def px(v: float) -> int:
    """A length scaled to pixels, at least 1."""
    return max(1, int(round(v)))


def check_frame(frame: np.ndarray) -> None:
    """Raise ``ValueError`` unless ``frame`` is an (H, W, 3) uint8 array."""
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 \
            or frame.shape[2] != 3:
        raise ValueError("frame must be an (H, W, 3) uint8 BGR array, got "
                         f"{getattr(frame, 'dtype', type(frame))} {getattr(frame, 'shape', '')}")


def fmt_angle(v) -> str:
    """Degrees as a whole number, or ``--`` when not a finite number."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "--"
    return f"{f:.0f}" if math.isfinite(f) else "--"


# --- text ----------------------------------------------------------------------------


@lru_cache(maxsize=16)
def disc(radius: int) -> np.ndarray:
    """An elliptic structuring element of ``radius`` (cached)."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def text_size(text: str, scale: float, thickness: int) -> tuple[int, int, int]:
    """(width, height above baseline, depth below baseline)."""
    (width, height), base = cv2.getTextSize(text, FONT, scale, thickness)
    return width, height, base


def text(frame: np.ndarray, label: str, org: tuple[int, int], scale: float, colour,
         thickness: int, outline: int = 0) -> None:
    """putText, with a dark outline ``outline`` pixels wide if > 0.

    The outline is the text's mask dilated by a disc, blended dark on the
    text's own small ROI. (A thicker dark putText underneath does not work:
    OpenCV 5's TrueType text ignores thickness beyond regular/bold.)
    """
    if outline > 0:
        _outline(frame, label, org, scale, thickness, outline)
    cv2.putText(frame, label, org, FONT, scale, colour, thickness, cv2.LINE_AA)


def _outline(frame: np.ndarray, label: str, org: tuple[int, int], scale: float,
             thickness: int, outline: int) -> None:
    """Darken the text's mask, dilated by ``outline`` pixels, on its own ROI."""
    h, w = frame.shape[:2]
    width, height, base = text_size(label, scale, thickness)
    pad = outline + 2
    x0, y0 = max(0, org[0] - pad), max(0, org[1] - height - pad)
    x1, y1 = min(w, org[0] + width + pad), min(h, org[1] + base + pad)
    if x1 <= x0 or y1 <= y0:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    cv2.putText(mask, label, (org[0] - x0, org[1] - y0), FONT, scale, 255, thickness,
                cv2.LINE_AA)
    mask = cv2.dilate(mask, disc(outline))
    roi = frame[y0:y1, x0:x1]
    m = mask[:, :, None].astype(np.uint16)
    ink = np.asarray(OUTLINE, np.uint16)
    roi[:] = ((roi * (255 - m) + ink * m + 127) // 255).astype(np.uint8)


def wrap(label: str, scale: float, thickness: int, max_w: int) -> list[str]:
    """Greedy word wrap to ``max_w`` pixels (over-long words are split)."""
    lines: list[str] = []
    cur = ""
    for word in label.split():
        cand = f"{cur} {word}" if cur else word
        if text_size(cand, scale, thickness)[0] <= max_w:
            cur = cand
            continue
        if cur:
            lines.append(cur)
        cur = word
        while len(cur) > 1 and text_size(cur, scale, thickness)[0] > max_w:
            cut = len(cur) - 1
            while cut > 1 and text_size(cur[:cut], scale, thickness)[0] > max_w:
                cut -= 1
            lines.append(cur[:cut])
            cur = cur[cut:]
    if cur:
        lines.append(cur)
    return lines


def line_metrics(scale: float, thickness: int, spacing: float) -> tuple[int, int, int]:
    """(row height, text height, baseline depth) of a line of text at ``spacing``."""
    _, height, base = text_size("Ag", scale, thickness)
    return int(round((height + base) * spacing)), height, base


def degree(frame: np.ndarray, x: int, y_top: int, r: int, colour, thickness: int,
           outline: int = 0) -> int:
    """A small degree ring of radius ``r``: left edge at ``x``, top at ``y_top``.

    Returns the width it takes.
    """
    r = max(2, r)
    c = (x + r, y_top + r)
    if outline > 0:
        cv2.circle(frame, c, r, OUTLINE, thickness + 2 * outline, cv2.LINE_AA)
    cv2.circle(frame, c, r, colour, thickness, cv2.LINE_AA)
    return 2 * r + thickness


# --- rectangles ----------------------------------------------------------------------


def roi(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray | None:
    """The view of a rectangle clipped to the frame, or None if it is empty."""
    h, w = frame.shape[:2]
    x0, x1 = max(0, x0), min(w, x1)
    y0, y1 = max(0, y0), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return None
    return frame[y0:y1, x0:x1]


def panel(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int,
          alpha: float = PANEL_ALPHA) -> None:
    """Darken a rectangle (clipped to the frame) by ``alpha``, blending its ROI only."""
    view = roi(frame, x0, y0, x1, y1)
    if view is None:
        return
    cv2.convertScaleAbs(view, dst=view, alpha=1.0 - alpha, beta=0)


def fill(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour, alpha: float) -> None:
    """Blend a solid colour over a rectangle (clipped to the frame)."""
    view = roi(frame, x0, y0, x1, y1)
    if view is None:
        return
    if alpha >= 1.0:
        view[:] = colour
        return
    # view * (1 - alpha) + colour * alpha, in two saturating passes without a
    # temporary (much faster than addWeighted against a solid image)
    cv2.convertScaleAbs(view, dst=view, alpha=1.0 - alpha, beta=0)
    cv2.add(view, (colour[0] * alpha, colour[1] * alpha, colour[2] * alpha, 0.0), dst=view)


def luma(colour: tuple[int, int, int]) -> float:
    """The brightness (0-255) of a BGR colour."""
    return float(sum(wt * c for wt, c in zip(LUMA_WEIGHTS, colour)))
