"""The live window's screen, readable from where the lifter stands (OpenCV, pure drawing).

The screen is drawn at the window's own size, so the text scales with the
window (and fills the screen in full-screen mode). It is split into the
camera picture, scaled to fit, and a text panel beside it (a portrait
picture on a landscape screen) or below it (a landscape picture), so the
text never covers the lifter. Every line of the verdict, the cue and the
set-up advice is at least :data:`MIN_TEXT_SHARE` of the screen's height
tall (capital letters); the rep count twice that. During set-up a body
outline shows where to stand, side-on. :func:`render_card` draws the
end-of-set card.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from hingecheck.outputs import draw
from hingecheck.outputs.state import BannerLevel

__all__ = ["MIN_TEXT_SHARE", "LiveLayout", "ScreenView", "live_layout", "render_card", "render_screen"]

#: the smallest capital-letter height of the screen's text, as a share of the screen's height
MIN_TEXT_SHARE = 1 / 15
#: the text is sized for this share (a little above the minimum, for rounding)
TEXT_SHARE = 1 / 14
#: the rep count's size relative to the text
COUNTER_FACTOR = 2.0
#: row height of a line of text, as a multiple of the capital height
LINE_SPACING = 1.45
#: text panel lines below a landscape picture
BOTTOM_LINES = 3
#: a panel beside the picture needs at least this share of the screen's width
SIDE_PANEL_MIN = 0.3
#: colour of each level's text on the dark panel (BGR)
LEVEL_TEXT = {BannerLevel.GOOD: (90, 220, 70), BannerLevel.WARN: (0, 200, 255),
              BannerLevel.BAD: draw.FAULT_TEXT, BannerLevel.INFO: draw.TEXT}
PANEL_BG = (25, 25, 25)
OUTLINE_COLOUR = (255, 255, 255)

# A standing lifter seen side-on, facing right: (x, y) in body heights, y=0 the
# top of the head, y=1 the soles, x from the body's centre line.
_HEAD = ((0.0, 0.065), 0.065)
_BODY = ((-0.03, 0.13), (-0.07, 0.17), (-0.085, 0.30), (-0.08, 0.42), (-0.09, 0.52), (-0.07, 0.60),
         (-0.055, 0.75), (-0.06, 0.88), (-0.05, 0.97), (-0.05, 1.0), (0.11, 1.0), (0.10, 0.97),
         (0.03, 0.95), (0.03, 0.75), (0.045, 0.72), (0.05, 0.55), (0.06, 0.47), (0.07, 0.35),
         (0.08, 0.24), (0.06, 0.17), (0.03, 0.13))
#: the outline's top and bottom, as shares of the picture's height
OUTLINE_SPAN = (0.08, 0.95)


@dataclass(frozen=True)
class ScreenView:
    """What the live screen says now."""

    rep_count: int = 0
    status: str | None = None    # set-up advice; replaces the verdict while shown
    verdict: str | None = None   # the last rep's verdict, e.g. "Rep 3: Rounded back"
    cue: str | None = None       # what to do about it
    level: BannerLevel = BannerLevel.INFO
    outline: bool = False        # show where to stand


@dataclass(frozen=True)
class LiveLayout:
    """Where the picture and the panel go on a screen, and the text's font."""

    size: tuple[int, int]                      # screen (width, height)
    picture: tuple[int, int, int, int]         # x, y, width, height
    panel: tuple[int, int, int, int]
    beside: bool                               # the panel is right of the picture (else below)
    scale: float                               # the text's font scale
    thickness: int
    text_px: int                               # capital-letter height of the text, pixels
    line_h: int
    pad: int

    @property
    def stripe(self) -> int:
        """The width of the level-coloured stripe along the panel's edge."""
        return max(3, self.pad // 2)

    @property
    def counter_font(self) -> tuple[float, int]:
        """(scale, thickness) of the rep count."""
        return self.scale * COUNTER_FACTOR, max(2, round(self.thickness * COUNTER_FACTOR * 0.8))


@lru_cache(maxsize=64)
def cap_height(scale: float, thickness: int) -> int:
    """The height of a capital letter as drawn at this font scale, in pixels
    (measured on the ink: the font's reported size includes leading)."""
    w, h, base = draw.text_size("H", scale, thickness)
    mask = np.zeros((h + base + 8, w + 8, 3), np.uint8)
    draw.text(mask, "H", (4, h + 4), scale, (255, 255, 255), thickness)
    rows = np.flatnonzero(mask.max(axis=(1, 2)) > 127)
    return int(rows[-1] - rows[0] + 1) if rows.size else 0


def _font_for(height: int) -> tuple[float, int, int]:
    """(scale, thickness, capital height) of text at least :data:`MIN_TEXT_SHARE` of ``height``."""
    scale = TEXT_SHARE * height / cap_height(1.0, 1)
    thickness = max(2, round(scale * 1.6))
    while cap_height(scale, thickness) < MIN_TEXT_SHARE * height:
        scale *= 1.03
    return scale, thickness, cap_height(scale, thickness)


def _fit(area: tuple[int, int, int, int], fw: int, fh: int) -> tuple[int, int, int, int]:
    """A ``fw`` x ``fh`` picture scaled to fit ``area``, centred."""
    x, y, w, h = area
    s = min(w / fw, h / fh)
    pw, ph = max(1, int(fw * s)), max(1, int(fh * s))
    return x + (w - pw) // 2, y + (h - ph) // 2, pw, ph


@lru_cache(maxsize=32)
def live_layout(screen_w: int, screen_h: int, frame_w: int, frame_h: int) -> LiveLayout:
    """The layout of a ``frame_w`` x ``frame_h`` camera picture on a screen (cached)."""
    scale, thickness, cap = _font_for(screen_h)
    line_h = math.ceil(cap * LINE_SPACING)
    pad = max(4, cap // 3)
    side_w = screen_w - int(screen_h * frame_w / frame_h)
    if side_w >= SIDE_PANEL_MIN * screen_w:
        picture = _fit((0, 0, screen_w - side_w, screen_h), frame_w, frame_h)
        panel = (picture[2], 0, screen_w - picture[2], screen_h)
        beside = True
    else:
        panel_h = min(screen_h // 2, BOTTOM_LINES * line_h + 3 * pad + max(3, pad // 2))
        picture = _fit((0, 0, screen_w, screen_h - panel_h), frame_w, frame_h)
        panel = (0, screen_h - panel_h, screen_w, panel_h)
        beside = False
    return LiveLayout((screen_w, screen_h), picture, panel, beside, scale, thickness, cap, line_h, pad)


def draw_outline(canvas: np.ndarray, picture: tuple[int, int, int, int], thickness: int) -> None:
    """The standing side-on body to step into, centred in the picture."""
    x, y, w, h = picture
    top, bottom = y + OUTLINE_SPAN[0] * h, y + OUTLINE_SPAN[1] * h
    body_h = bottom - top
    cx = x + w / 2

    def pt(p):
        return int(round(cx + p[0] * body_h)), int(round(top + p[1] * body_h))

    poly = np.array([pt(p) for p in _BODY], np.int32)
    centre, r = _HEAD
    for colour, t in ((draw.OUTLINE, thickness + 4), (OUTLINE_COLOUR, thickness)):
        cv2.polylines(canvas, [poly], True, colour, t, cv2.LINE_AA)
        cv2.circle(canvas, pt(centre), int(round(r * body_h)), colour, t, cv2.LINE_AA)


def _clauses(text: str) -> list[str]:
    """``text``, then shorter versions of it cut at its semicolons and commas (longest first)."""
    cuts = [i for i, ch in enumerate(text) if ch in ";,"]
    return [text] + [text[:i].strip() for i in reversed(cuts)]


def _lines(view: ScreenView, lay: LiveLayout, width: int, rows: int) -> list[tuple[str, tuple[int, int, int]]]:
    """(text, colour) of the panel's lines, wrapped to ``width`` pixels; a cue too
    long for the ``rows`` left is cut at a clause (``brace, proud chest``)."""
    def wrapped(text, colour):
        return [(ln, colour) for ln in draw.wrap(text, lay.scale, lay.thickness, width)]

    if view.status:
        return wrapped(view.status, LEVEL_TEXT[BannerLevel.WARN])
    out = wrapped(view.verdict, LEVEL_TEXT[view.level]) if view.verdict else []
    if view.cue:
        options = [wrapped(c, draw.TEXT) for c in _clauses(view.cue)]
        out += next((o for o in options if len(out) + len(o) <= rows), options[-1])
    return out


def _draw_counter(canvas: np.ndarray, lay: LiveLayout, x: int, y: int, count: int) -> tuple[int, int]:
    """The rep count with ``reps`` beside it, top-left at (x, y); returns its (width, height)."""
    cs, ct = lay.counter_font
    label = str(count)
    cw, ch, _ = draw.text_size(label, cs, ct)
    draw.text(canvas, label, (x, y + ch), cs, draw.TEXT, ct)
    draw.text(canvas, "reps", (x + cw + lay.pad, y + ch), lay.scale, draw.DIM_TEXT, lay.thickness)
    return cw + lay.pad + draw.text_size("reps", lay.scale, lay.thickness)[0], ch


def _draw_panel(canvas: np.ndarray, lay: LiveLayout, view: ScreenView) -> None:
    """The text panel: level stripe, rep count, then the advice or the verdict and cue."""
    x, y, w, h = lay.panel
    canvas[y:y + h, x:x + w] = PANEL_BG
    stripe = lay.stripe
    colour = draw.LEVEL_COLOURS[BannerLevel.WARN if view.status else view.level]
    if view.status or view.verdict:
        if lay.beside:
            canvas[y:y + h, x:x + stripe] = colour
        else:
            canvas[y:y + stripe, x:x + w] = colour
    p = lay.pad + stripe
    cw, ch = _draw_counter(canvas, lay, x + p, y + p, view.rep_count)
    if lay.beside:
        tx, ty, tw = x + p, y + p + ch + lay.line_h, w - 2 * p
    else:
        tx, ty, tw = x + p + cw + 2 * lay.pad, y + p, w - cw - 2 * lay.pad - 2 * p
    rows = max(1, (y + h - lay.pad - ty) // lay.line_h)
    for i, (line, col) in enumerate(_lines(view, lay, tw, rows)[:rows]):
        base = ty + i * lay.line_h + lay.text_px + (lay.line_h - lay.text_px) // 2
        draw.text(canvas, line, (tx, base), lay.scale, col, lay.thickness)


def render_screen(frame: np.ndarray, view: ScreenView, size: tuple[int, int]) -> np.ndarray:
    """The screen of ``size`` (width, height): ``frame`` (already annotated) scaled
    into the picture area, the outline if asked for, and the text panel."""
    draw.check_frame(frame)
    sw, sh = size
    fh, fw = frame.shape[:2]
    lay = live_layout(sw, sh, fw, fh)
    canvas = np.zeros((sh, sw, 3), np.uint8)
    x, y, w, h = lay.picture
    canvas[y:y + h, x:x + w] = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA
                                          if w < fw else cv2.INTER_LINEAR)
    if view.outline:
        draw_outline(canvas, lay.picture, max(2, lay.thickness))
    _draw_panel(canvas, lay, view)
    return canvas


def render_card(lines: list[str], size: tuple[int, int], hint: str = "press any key to close") -> np.ndarray:
    """The end-of-set card: ``lines`` (the first as a title) centred on a dark
    screen of ``size``, each at least :data:`MIN_TEXT_SHARE` of its height."""
    sw, sh = size
    scale, thickness, cap = _font_for(sh)
    line_h = math.ceil(cap * LINE_SPACING)
    canvas = np.full((sh, sw, 3), PANEL_BG, np.uint8)
    margin = max(8, sw // 20)
    rows: list[tuple[str, float, int, tuple[int, int, int]]] = []
    ts, tt = scale * 1.3, thickness + 1
    for ln in draw.wrap(lines[0], ts, tt, sw - 2 * margin):
        rows.append((ln, ts, tt, LEVEL_TEXT[BannerLevel.GOOD]))
    for text in lines[1:]:
        rows += [(ln, scale, thickness, draw.TEXT) for ln in draw.wrap(text, scale, thickness, sw - 2 * margin)]
    rows.append((hint, scale * 0.6, max(1, thickness - 1), draw.DIM_TEXT))
    y = max(line_h, (sh - len(rows) * line_h) // 2)
    for text, s, t, colour in rows:
        w, ht, _ = draw.text_size(text, s, t)
        y += line_h
        draw.text(canvas, text, ((sw - w) // 2, y - (line_h - ht) // 2), s, colour, t)
    return canvas
