"""The text on the overlay besides the verdict banner: status strip, rep panel, fault panel.

:func:`draw_hud` is the status strip along the top (under the banner when
:mod:`~hingecheck.outputs.banner` puts that at the top), the rep counter /
phase / angles panel top-left and the active faults top-right. Text sits on semi-transparent
dark panels blended on the panel's ROI only. Layouts (wrapping, font
fitting) are cached per text and frame size, so a video's frames cost one
layout each.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import NamedTuple

import cv2
import numpy as np

from hingecheck.core.faults import FAULTS
from hingecheck.outputs import draw
from hingecheck.outputs.banner import BannerPlace, banner_height, banner_place, is_blank
from hingecheck.outputs.draw import px
from hingecheck.outputs.state import OverlayState

__all__ = ["draw_hud"]

#: darkening of the status strip
STATUS_ALPHA = 0.7
#: shrink factors tried for a fault list too wide for the room beside the rep panel
FAULT_FONT_STEPS = (0.9, 0.8)
#: a fault list is wrapped only when the room exceeds this (pixels at 720)
FAULT_MIN_WRAP_WIDTH = 110
def _shown(label: object) -> str:
    """The text shown for a label: an enum's value (``"down"``, not
    ``"Phase.DOWN"``), any other value as a string, nothing for None."""
    if isinstance(label, Enum):
        label = label.value
    return str(label or "")


# --- status strip ---------------------------------------------------------------------


@lru_cache(maxsize=64)
def _status_layout(label: str, w: int, k: float):
    """(lines, font scale, thickness, text height, baseline depth, row height) (cached)."""
    scale, thickness = 0.72 * k, px(1.6 * k)
    lines = tuple(draw.wrap(label, scale, thickness, w - 2 * px(16 * k)))
    row, height, base = draw.line_metrics(scale, thickness, 1.3)
    return lines, scale, thickness, height, base, row


def _status_strip(frame: np.ndarray, status: str | None, k: float, top: int = 0) -> int:
    """A full-width dark strip from ``top`` down with the status text; returns its height."""
    if is_blank(status):
        return 0
    h, w = frame.shape[:2]
    lines, scale, thickness, height, base, row = _status_layout(str(status), w, k)
    pad = px(6 * k)
    strip_h = len(lines) * row + 2 * pad
    draw.panel(frame, 0, top, w, top + strip_h, STATUS_ALPHA)
    y = top + pad
    for line in lines:
        width = draw.text_size(line, scale, thickness)[0]
        draw.text(frame, line, ((w - width) // 2, y + height + (row - height - base) // 2),
                  scale, draw.STATUS_TEXT, thickness)
        y += row
    return strip_h


# --- rep panel: counter, phase, angles ------------------------------------------------


@dataclass(frozen=True)
class _Counter:
    """The big rep count with ``REPS`` and the phase beside it."""

    count: str
    phase: str
    k: float

    def _fonts(self):
        """(scale, thickness) of the count, the ``REPS`` label and the phase."""
        k = self.k
        return (3.0 * k, px(6 * k)), (0.7 * k, px(1.6 * k)), (0.85 * k, px(2 * k))

    def _sizes(self):
        """Widths and heights of the count, the label and the phase."""
        big, lab, ph = self._fonts()
        cw, ch, _ = draw.text_size(self.count, *big)
        lw, lh, _ = draw.text_size("REPS", *lab)
        pw, phh, _ = draw.text_size(self.phase, *ph) if self.phase else (0, 0, 0)
        return cw, ch, lw, lh, pw, phh

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the block."""
        cw, ch, lw, lh, pw, phh = self._sizes()
        height = max(ch, lh + (phh + px(12 * self.k) if self.phase else 0))
        return cw + px(14 * self.k) + max(lw, pw), height

    def draw(self, frame: np.ndarray, x: int, y: int) -> None:
        """Draw with the block's top-left at (x, y)."""
        big, lab, ph = self._fonts()
        cw, ch, _, lh, _, phh = self._sizes()
        draw.text(frame, self.count, (x, y + ch), big[0], draw.TEXT, big[1])
        lx = x + cw + px(14 * self.k)
        draw.text(frame, "REPS", (lx, y + lh), lab[0], draw.DIM_TEXT, lab[1])
        if self.phase:
            draw.text(frame, self.phase, (lx, y + lh + px(12 * self.k) + phh), ph[0], draw.TEXT,
                      ph[1])


@dataclass(frozen=True)
class _AngleTable:
    """Rows of angle name and value (right-aligned, with a degree ring)."""

    rows: tuple[tuple[str, str], ...]
    k: float

    def _metrics(self):
        """(scale, thickness, row height, text height, baseline, name width,
        value width, degree ring radius)."""
        scale, thickness = 0.72 * self.k, px(1.6 * self.k)
        row_h, height, base = draw.line_metrics(scale, thickness, 1.3)
        name_w = max((draw.text_size(n, scale, thickness)[0] for n, _ in self.rows), default=0)
        val_w = max((draw.text_size(v, scale, thickness)[0] for _, v in self.rows), default=0)
        deg_r = max(2, int(round(height * 0.18)))
        return scale, thickness, row_h, height, base, name_w, val_w, deg_r

    @property
    def sep(self) -> int:
        """The gap above the table (holding a rule line), 0 without rows."""
        return px(10 * self.k) if self.rows else 0

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the rows (without :attr:`sep`)."""
        if not self.rows:
            return 0, 0
        _, thickness, row_h, _, _, name_w, val_w, deg_r = self._metrics()
        deg_w = 2 * deg_r + thickness + px(3 * self.k)
        return name_w + px(18 * self.k) + val_w + deg_w, len(self.rows) * row_h

    def draw(self, frame: np.ndarray, x: int, y: int, rule_w: int) -> None:
        """The rule line ``rule_w`` wide and the rows below it, from (x, y)."""
        if not self.rows:
            return
        scale, thickness, row_h, height, base, name_w, val_w, deg_r = self._metrics()
        k = self.k
        ly = y + self.sep // 2
        cv2.line(frame, (x, ly), (x + rule_w, ly), draw.RULE_LINE, px(1 * k))
        y += self.sep
        val_right = x + name_w + px(18 * k) + val_w
        for name, val in self.rows:
            base_y = y + height + (row_h - height - base) // 2
            draw.text(frame, name, (x, base_y), scale, draw.DIM_TEXT, thickness)
            vw = draw.text_size(val, scale, thickness)[0]
            draw.text(frame, val, (val_right - vw, base_y), scale, draw.TEXT, thickness)
            if val != "--":
                draw.degree(frame, val_right + px(2 * k), base_y - height, deg_r, draw.TEXT,
                            max(1, thickness - 1))
            y += row_h


def _count_text(rep_count) -> str:
    """The rep counter's text; ``-`` for a count that is not a number."""
    try:
        return str(int(rep_count or 0))
    except (TypeError, ValueError, OverflowError):   # e.g. a NaN count
        return "-"


def _draw_rep_panel(frame: np.ndarray, state: OverlayState, x0: int, y0: int, p: int,
                    k: float) -> tuple[int, int]:
    """Panel 1 at (x0, y0) with padding ``p``; returns its (width, height)."""
    counter = _Counter(_count_text(state.rep_count), _shown(state.phase), k)
    table = _AngleTable(tuple((str(n), draw.fmt_angle(v)) for n, v in (state.angles or {}).items()),
                        k)
    (top_w, top_h), (ang_w, ang_h) = counter.size, table.size
    pw1 = max(top_w, ang_w) + 2 * p
    ph1 = top_h + table.sep + ang_h + 2 * p
    draw.panel(frame, x0, y0, x0 + pw1, y0 + ph1)
    counter.draw(frame, x0 + p, y0 + p)
    table.draw(frame, x0 + p, y0 + p + top_h, pw1 - 2 * p)
    return pw1, ph1


# --- fault panel ----------------------------------------------------------------------


def _fault_dot(scale: float, k: float) -> int:
    """The radius of an item's red dot at font ``scale``."""
    return px(7 * k * scale / (0.8 * k))


class _FaultLayout(NamedTuple):
    """The fault list laid out: font, rows of (text, starts an item), panel size, line metrics."""

    scale: float
    thickness: int
    rows: tuple[tuple[str, bool], ...]
    width: int
    height: int
    row_h: int
    text_h: int
    base: int


def _fault_rows(titles: tuple[str, ...], scale: float, k: float, p: int,
                wrap_w: int | None) -> _FaultLayout:
    """The fault list laid out at ``scale``, wrapped to ``wrap_w`` if given."""
    thickness = px(2 * k)
    indent = 2 * _fault_dot(scale, k) + px(10 * k)
    rows: list[tuple[str, bool]] = []
    for t in titles:
        lines = draw.wrap(t, scale, thickness, wrap_w - indent) if wrap_w else [t]
        rows += [(ln, i == 0) for i, ln in enumerate(lines)]
    frow, fh, fbase = draw.line_metrics(scale, thickness, 1.35)
    pw = indent + max(draw.text_size(r, scale, thickness)[0] for r, _ in rows) + 2 * p
    return _FaultLayout(scale, thickness, tuple(rows), pw, len(rows) * frow + 2 * p, frow, fh, fbase)


@lru_cache(maxsize=64)
def _fault_layout(titles: tuple[str, ...], k: float, avail: int, p: int) -> _FaultLayout:
    """Fit the fault list in ``avail`` pixels: full size, else smaller, else wrapped.

    When even wrapping does not fit, the full-size layout is returned (the
    caller then stacks the panel under the first one).
    """
    full = _fault_rows(titles, 0.8 * k, k, p, None)
    if full.width <= avail:
        return full
    for f in FAULT_FONT_STEPS:
        cand = _fault_rows(titles, 0.8 * k * f, k, p, None)
        if cand.width <= avail:
            return cand
    if avail - 2 * p > FAULT_MIN_WRAP_WIDTH * k:
        cand = _fault_rows(titles, 0.8 * k * FAULT_FONT_STEPS[-1], k, p, avail - 2 * p)
        if cand.width <= avail:
            return cand
    return full


def _fault_title(fid: str) -> str:
    """A fault's title; an unknown id made readable."""
    info = FAULTS.get(fid)
    return info.title if info is not None else fid.replace("_", " ").capitalize()


def _draw_fault_panel(frame: np.ndarray, faults: list[str], panel1: tuple[int, int, int, int],
                      m: int, p: int, k: float) -> None:
    """The active faults top-right, or under panel 1 (x0, y0, width, height) if too narrow."""
    w = frame.shape[1]
    x0, y0, pw1, ph1 = panel1
    titles = tuple(_fault_title(f) for f in faults)
    avail = w - (x0 + pw1) - 2 * m        # room to the right of panel 1
    lay = _fault_layout(titles, k, avail, p)
    if lay.width <= avail:
        fx0, fy0 = w - m - lay.width, y0
    else:                                 # too narrow: stack under panel 1
        fx0, fy0 = m, y0 + ph1 + px(10 * k)
    draw.panel(frame, fx0, fy0, fx0 + lay.width, fy0 + lay.height)
    dot = _fault_dot(lay.scale, k)
    indent = 2 * dot + px(10 * k)
    y = fy0 + p
    for line, first in lay.rows:
        base_y = y + lay.text_h + (lay.row_h - lay.text_h - lay.base) // 2
        if first:
            cv2.circle(frame, (fx0 + p + dot, base_y - lay.text_h // 2), dot, draw.HIGHLIGHT, -1,
                       cv2.LINE_AA)
        draw.text(frame, line, (fx0 + p + indent, base_y), lay.scale, draw.FAULT_TEXT,
                  lay.thickness)
        y += lay.row_h


def draw_hud(frame: np.ndarray, state: OverlayState) -> np.ndarray:
    """Rep counter (big) with the phase, the angle panel, active faults, status line.

    The status line, if any, is a full-width strip along the top, under the
    banner when that is at the top (see :func:`banner_place`).
    Below it, top-left: a dark panel with the rep count, the phase and the
    angles; top-right (under the first panel when the frame is too narrow):
    the active faults by title, in red.
    """
    draw.check_frame(frame)
    k = draw.frame_scale(frame)
    m = px(16 * k)          # outer margin
    p = px(14 * k)          # panel padding
    top = banner_height(frame, state.banner) if banner_place(frame, state) is BannerPlace.TOP else 0
    x0, y0 = m, top + m + _status_strip(frame, state.status, k, top)
    pw1, ph1 = _draw_rep_panel(frame, state, x0, y0, p, k)
    faults = list(dict.fromkeys(state.active_faults or []))
    if faults:
        _draw_fault_panel(frame, faults, (x0, y0, pw1, ph1), m, p, k)
    return frame
