"""The verdict banner: a full-width band in the level's colour, placed away from the lifter's legs.

:func:`draw_banner` draws it; :func:`banner_place` puts it at the bottom or,
when the lifter's lower legs reach into a bottom band (a portrait phone
clip, feet near the edge), at the top, so it never hides the shins and feet
where the squatting highlight is. Layouts (wrapping, font fitting) are
cached per text and frame size.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from hingecheck.core.kinds import StrEnum
from hingecheck.core.landmarks import PLACED_VISIBILITY, Landmark
from hingecheck.outputs import draw
from hingecheck.outputs.draw import px
from hingecheck.outputs.state import BannerLevel, OverlayState

__all__ = ["BannerPlace", "banner_height", "banner_place", "draw_banner", "is_blank"]

#: opacity of the level colour in the banner (the feet show through)
BANNER_ALPHA = 0.8
#: banner colours brighter than this luma get dark text, the others white
BANNER_LIGHT_LUMA = 140
_DARK_INK = (20, 20, 20)
#: the most banner lines before the font shrinks (portrait, landscape)
BANNER_MAX_LINES = (4, 3)
#: the smallest banner font, as a share of the full size
BANNER_MIN_FONT = 0.55
#: each step a banner font shrinks by
BANNER_FONT_STEP = 0.85
#: the landmarks a banner keeps clear of: the lower legs and feet
LOWER_LEGS = tuple(Landmark[f"{side}_{part}"] for side in ("LEFT", "RIGHT")
                   for part in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX"))
#: room kept between a banner and the lower legs, as a share of the frame's height
LEG_MARGIN = 0.03


class BannerPlace(StrEnum):
    """Where the verdict banner goes."""

    TOP = "top"
    BOTTOM = "bottom"


def is_blank(label: str | None) -> bool:
    """True for None, an empty or an all-blank text."""
    return not label or not str(label).strip()


@lru_cache(maxsize=64)
def _banner_layout(label: str, w: int, h: int, k: float
                   ) -> tuple[tuple[str, ...], float, int, int, int]:
    """(lines, font scale, thickness, line height, band height) of a banner (cached)."""
    margin = px(24 * k)
    scale = 1.0 * k
    thickness = px(2 * k)
    max_lines = BANNER_MAX_LINES[0] if h > w else BANNER_MAX_LINES[1]
    lines = draw.wrap(label, scale, thickness, w - 2 * margin)
    while len(lines) > max_lines and scale > BANNER_MIN_FONT * k:
        scale *= BANNER_FONT_STEP
        lines = draw.wrap(label, scale, thickness, w - 2 * margin)
    line_h, _, _ = draw.line_metrics(scale, thickness, 1.35)
    pad = px(14 * k)
    return tuple(lines), scale, thickness, line_h, len(lines) * line_h + 2 * pad


def banner_height(frame: np.ndarray, label: str | None) -> int:
    """The height in pixels of the banner of ``label`` on ``frame`` (0 for no text)."""
    if is_blank(label):
        return 0
    h, w = frame.shape[:2]
    return min(h, _banner_layout(str(label), w, h, draw.frame_scale(frame))[4])


def banner_place(frame: np.ndarray, state: OverlayState) -> BannerPlace:
    """Top when the lifter's lower legs reach into a bottom banner (or, none
    seen, on a portrait frame); else bottom."""
    h, w = frame.shape[:2]
    if state.landmarks is not None:
        pts = np.asarray(state.landmarks, float)[list(LOWER_LEGS)]
        seen = np.isfinite(pts).all(axis=1)
        if state.visibility is not None:
            seen &= np.asarray(state.visibility, float)[list(LOWER_LEGS)] >= PLACED_VISIBILITY
        if seen.any():
            edge = h - banner_height(frame, state.banner) - LEG_MARGIN * h
            return BannerPlace.TOP if (pts[seen, 1] > edge).any() else BannerPlace.BOTTOM
    return BannerPlace.TOP if h > w else BannerPlace.BOTTOM


def draw_banner(frame: np.ndarray, label: str | None,
                level: BannerLevel | str = BannerLevel.INFO,
                place: BannerPlace = BannerPlace.BOTTOM) -> np.ndarray:
    """A full-width band at the bottom (or top) in the level's colour, text wrapped to fit.

    Dark text on the light colours (good, warn, info), white text on bad.
    Nothing is drawn for empty text; an unknown level draws as info.
    """
    draw.check_frame(frame)
    if is_blank(label):
        return frame
    label = str(label)
    h, w = frame.shape[:2]
    k = draw.frame_scale(frame)
    colour = draw.LEVEL_COLOURS[BannerLevel.parse(level)]
    lines, scale, thickness, line_h, band_h = _banner_layout(label, w, h, k)
    band_h = min(band_h, h)
    y0 = h - band_h if place is BannerPlace.BOTTOM else 0
    draw.fill(frame, 0, y0, w, y0 + band_h, colour, BANNER_ALPHA)
    # a solid edge towards the picture makes the band read as one block
    edge = y0 if place is BannerPlace.BOTTOM else band_h - px(3 * k)
    frame[edge:edge + px(3 * k)] = colour
    ink = _DARK_INK if draw.luma(colour) > BANNER_LIGHT_LUMA else draw.WHITE
    margin = px(24 * k)
    pad = px(14 * k)
    _, height, base = draw.text_size("Ag", scale, thickness)
    y = y0 + pad + (line_h - (height + base)) // 2 + height
    for line in lines:
        if y > y0 + band_h:
            break
        draw.text(frame, line, (margin, y), scale, ink, thickness)
        y += line_h
    return frame


