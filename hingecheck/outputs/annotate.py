"""Annotators: draw a frame's overlay (skeleton, angles, HUD, banner).

Drawing only, in the style of ``roboflow/supervision`` annotators: no
inference, no analysis, no file I/O. Every function draws with OpenCV on a
BGR ``uint8`` frame **in place** and returns that same array, so calls chain.
*What* to show comes from :mod:`hingecheck.outputs.timeline`; this module decides
*how* it looks.

Everything (font scale, line thickness, margins, banner height) scales with
``min(width, height) / 720``, so the overlay reads the same on a 360x640
portrait phone clip as on a 1280x720 landscape one. Text sits on
semi-transparent dark panels (blended on the panel's ROI only) or has a dark
outline. Landmarks that are NaN, infinite or not visible enough are skipped;
nothing is ever converted to int while NaN.

Typical use, per frame::

    state = OverlayState(landmarks=pose.image[i], visibility=pose.visibility[i],
                         side="left", angles={"hip": 95.0}, rep_count=3)
    draw_overlay(frame, state)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

from hingecheck.core.faults import FAULTS
from hingecheck.core.landmarks import LEFT, RIGHT, SKELETON, BodySide, Landmark

__all__ = [
    "LEVEL_COLOURS",
    "FAULT_PARTS",
    "OverlayState",
    "draw_angle_labels",
    "draw_banner",
    "draw_hud",
    "draw_overlay",
    "draw_skeleton",
    "fault_highlights",
]

#: Banner / status colours by level (BGR).
LEVEL_COLOURS: dict[str, tuple[int, int, int]] = {
    "good": (80, 200, 60),
    "warn": (0, 190, 255),
    "bad": (40, 40, 230),
    "info": (230, 230, 230),
}

# --- style (BGR; sizes are for a 720-pixel short side, scaled per frame) -----
FONT = cv2.FONT_HERSHEY_DUPLEX
_REF = 720.0
_SHIFT = 4  # sub-pixel bits for lines/circles (smooth anti-aliased skeleton)
_ONE = 1 << _SHIFT

_NEAR_BONE = (250, 250, 250)
_NEAR_JOINT = (255, 215, 0)      # bright cyan-blue: distinct from the level colours
_FAR_BONE = (150, 150, 150)
_MID_BONE = (200, 200, 200)
_OUTLINE = (20, 20, 20)
_HIGHLIGHT = LEVEL_COLOURS["bad"]
_FAULT_TEXT = (80, 80, 255)      # red, lighter than "bad" for contrast on the dark panel
_TEXT = (245, 245, 245)
_DIM_TEXT = (190, 190, 190)
_ANGLE_TEXT = (0, 235, 255)      # yellow joint-angle labels
_STATUS_TEXT = LEVEL_COLOURS["warn"]
_PANEL_ALPHA = 0.68              # darkening of the HUD panels
_BANNER_ALPHA = 0.8              # opacity of the level colour in the banner (feet show through)
_PORTRAIT_BOOST = 1.4            # extra scale on portrait frames (see _scale)

#: Per fault id: (joints, bones) of the near side to highlight, as
#: :class:`~hingecheck.core.landmarks.BodySide` attribute names.
FAULT_PARTS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "squatting": (("knee",), (("knee", "ankle"),)),
    "rounded_back": ((), (("shoulder", "hip"),)),
    "hyperextension": ((), (("shoulder", "hip"),)),
    "dropped_head": ((), (("ear", "shoulder"),)),
    "hips_rise_first": (("hip",), ()),
    "incomplete_lockout": (("hip",), ()),
    "excess_knee_bend": (("knee",), ()),
}


@dataclass
class OverlayState:
    """Everything drawn on one frame.

    Attributes
    ----------
    landmarks : (33, 2) pixel coordinates (x right, y down) in this frame, NaN
        rows allowed; ``None`` when no person was found.
    visibility : (33,) MediaPipe visibility scores, or ``None`` (all visible).
    side : ``"left"`` / ``"right"``: the near side, drawn thicker and brighter.
    angles : name -> degrees, e.g. ``{"hip": 95.2, "knee": 140.0}``; NaN shows ``--``.
    rep_count, phase : the rep counter and the movement phase.
    active_faults : fault ids seen in this frame (their body parts turn red).
    banner, banner_level : the bottom band's text and level (good/warn/bad/info).
    status : a small set-up / status line, e.g. ``"turn side-on to the camera"``.
    """

    landmarks: np.ndarray | None
    visibility: np.ndarray | None
    side: str = "left"
    angles: dict[str, float] = field(default_factory=dict)
    rep_count: int = 0
    phase: str = ""
    active_faults: list[str] = field(default_factory=list)
    banner: str | None = None
    banner_level: str = "info"
    status: str | None = None


# --- small helpers --------------------------------------------------------------------


def _scale(frame: np.ndarray) -> float:
    """``min(w, h) / 720``, boosted for portrait frames.

    A portrait clip is shown on a laptop at about the screen's height, i.e.
    enlarged well past its short side, so the plain short-side rule makes its
    text about half the size of a landscape clip's; the boost evens that out.
    """
    h, w = frame.shape[:2]
    k = max(min(w, h), 1) / _REF
    return k * _PORTRAIT_BOOST if h > w else k


def _px(v: float) -> int:
    """A length scaled to pixels, at least 1."""
    return max(1, int(round(v)))


def _check_frame(frame: np.ndarray) -> None:
    if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.ndim != 3 \
            or frame.shape[2] != 3:
        raise ValueError("frame must be an (H, W, 3) uint8 BGR array, got "
                         f"{getattr(frame, 'dtype', type(frame))} {getattr(frame, 'shape', '')}")


def _side(side: str | BodySide) -> BodySide:
    if isinstance(side, BodySide):
        return side
    return RIGHT if str(side).lower() == "right" else LEFT


def _is_side(lm: Landmark, side: BodySide) -> bool:
    return lm.name.startswith(side.name.upper() + "_")


def _points(frame: np.ndarray, landmarks, visibility, min_visibility: float):
    """(fixed-point int points (33, 2), usable mask (33,)) or None.

    A landmark is usable when both coordinates are finite and its visibility
    (if given) is >= ``min_visibility`` (a NaN visibility is not). Coordinates
    are clipped to a few frame sizes around the frame before the int
    conversion, which only ever sees finite numbers.
    """
    if landmarks is None:
        return None
    lm = np.asarray(landmarks, dtype=float)
    if lm.ndim != 2 or lm.shape[1] < 2 or lm.shape[0] < len(Landmark):
        return None
    xy = lm[:, :2]
    ok = np.isfinite(xy).all(axis=1)
    if visibility is not None:
        vis = np.asarray(visibility, dtype=float).reshape(-1)
        if vis.shape[0] >= ok.shape[0]:
            with np.errstate(invalid="ignore"):
                ok &= vis[: ok.shape[0]] >= min_visibility
    if not ok.any():
        return None
    h, w = frame.shape[:2]
    span = 4.0 * max(w, h)
    safe = np.where(ok[:, None], xy, 0.0)
    safe = np.clip(safe, -span, span)
    pts = np.rint(safe * _ONE).astype(np.int32)
    return pts, ok


@lru_cache(maxsize=16)
def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def _text(frame, text: str, org: tuple[int, int], scale: float, colour, thick: int,
          outline: int = 0) -> None:
    """putText, with a dark outline ``outline`` pixels wide if > 0.

    The outline is the text's mask dilated by a disc, blended dark on the
    text's own small ROI. (A thicker dark putText underneath does not work:
    OpenCV 5's TrueType text ignores thickness beyond regular/bold.)
    """
    if outline > 0:
        h, w = frame.shape[:2]
        tw, th, base = _text_size(text, scale, thick)
        pad = outline + 2
        x0, y0 = max(0, org[0] - pad), max(0, org[1] - th - pad)
        x1, y1 = min(w, org[0] + tw + pad), min(h, org[1] + base + pad)
        if x1 > x0 and y1 > y0:
            mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
            cv2.putText(mask, text, (org[0] - x0, org[1] - y0), FONT, scale, 255, thick,
                        cv2.LINE_AA)
            mask = cv2.dilate(mask, _disc(outline))
            roi = frame[y0:y1, x0:x1]
            m = mask[:, :, None].astype(np.uint16)
            ink = np.asarray(_OUTLINE, np.uint16)
            roi[:] = ((roi * (255 - m) + ink * m + 127) // 255).astype(np.uint8)
    cv2.putText(frame, text, org, FONT, scale, colour, thick, cv2.LINE_AA)


def _text_size(text: str, scale: float, thick: int) -> tuple[int, int, int]:
    """(width, height above baseline, depth below baseline)."""
    (tw, th), base = cv2.getTextSize(text, FONT, scale, thick)
    return tw, th, base


def _roi(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray | None:
    """The view of a rectangle clipped to the frame, or None if it is empty."""
    h, w = frame.shape[:2]
    x0, x1 = max(0, x0), min(w, x1)
    y0, y1 = max(0, y0), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return None
    return frame[y0:y1, x0:x1]


def _panel(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int,
           alpha: float = _PANEL_ALPHA) -> None:
    """Darken a rectangle (clipped to the frame) by ``alpha``, blending its ROI only."""
    roi = _roi(frame, x0, y0, x1, y1)
    if roi is None:
        return
    cv2.convertScaleAbs(roi, dst=roi, alpha=1.0 - alpha, beta=0)


def _fill(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour, alpha: float) -> None:
    """Blend a solid colour over a rectangle (clipped to the frame)."""
    roi = _roi(frame, x0, y0, x1, y1)
    if roi is None:
        return
    if alpha >= 1.0:
        roi[:] = colour
        return
    # roi * (1 - alpha) + colour * alpha, in two saturating passes without a
    # temporary (much faster than addWeighted against a solid image)
    cv2.convertScaleAbs(roi, dst=roi, alpha=1.0 - alpha, beta=0)
    cv2.add(roi, (colour[0] * alpha, colour[1] * alpha, colour[2] * alpha, 0.0), dst=roi)


def _fmt_angle(v) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "--"
    return f"{f:.0f}" if math.isfinite(f) else "--"


def _degree(frame, x: int, y_top: int, r: int, colour, thick: int, outline: int = 0) -> int:
    """A small degree ring of radius ``r``: left edge at ``x``, top at ``y_top``.

    Returns the width it takes.
    """
    r = max(2, r)
    c = (x + r, y_top + r)
    if outline > 0:
        cv2.circle(frame, c, r, _OUTLINE, thick + 2 * outline, cv2.LINE_AA)
    cv2.circle(frame, c, r, colour, thick, cv2.LINE_AA)
    return 2 * r + thick


def _wrap(text: str, scale: float, thick: int, max_w: int) -> list[str]:
    """Greedy word wrap to ``max_w`` pixels (over-long words are split)."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        cand = f"{cur} {word}" if cur else word
        if _text_size(cand, scale, thick)[0] <= max_w:
            cur = cand
            continue
        if cur:
            lines.append(cur)
        cur = word
        while len(cur) > 1 and _text_size(cur, scale, thick)[0] > max_w:
            cut = len(cur) - 1
            while cut > 1 and _text_size(cur[:cut], scale, thick)[0] > max_w:
                cut -= 1
            lines.append(cur[:cut])
            cur = cur[cut:]
    if cur:
        lines.append(cur)
    return lines


def _facing(pts: np.ndarray, ok: np.ndarray, side: BodySide) -> int:
    """+1 if the lifter faces image-right, -1 if image-left (default +1)."""
    for a, b in ((side.heel, side.foot_index), (side.ear, Landmark.NOSE),
                 (side.ankle, side.foot_index)):
        if ok[a] and ok[b] and pts[b, 0] != pts[a, 0]:
            return 1 if pts[b, 0] > pts[a, 0] else -1
    return 1


# --- fault -> body parts --------------------------------------------------------------


def fault_highlights(active_faults: Iterable[str], side: str | BodySide = "left"
                     ) -> tuple[set[int], set[tuple[Landmark, Landmark]]]:
    """(joints, bones) of the near side to highlight for these faults.

    Bones are returned in both orders so a lookup does not depend on the
    order :data:`~hingecheck.core.landmarks.SKELETON` lists them in. Unknown fault
    ids highlight nothing.
    """
    s = _side(side)
    joints: set[int] = set()
    bones: set[tuple[Landmark, Landmark]] = set()
    for fid in active_faults:
        parts = FAULT_PARTS.get(fid)
        if parts is None:
            continue
        for j in parts[0]:
            joints.add(int(getattr(s, j)))
        for a, b in parts[1]:
            la, lb = getattr(s, a), getattr(s, b)
            bones.add((la, lb))
            bones.add((lb, la))
    return joints, bones


def _fault_title(fid: str) -> str:
    info = FAULTS.get(fid)
    return info.title if info is not None else fid.replace("_", " ").capitalize()


# --- annotators -----------------------------------------------------------------------


def draw_skeleton(frame: np.ndarray, landmarks: np.ndarray | None,
                  visibility: np.ndarray | None, side: str | BodySide = "left",
                  highlight: Collection[int] = frozenset(), min_visibility: float = 0.3,
                  highlight_bones: Collection[tuple[int, int]] | None = None) -> np.ndarray:
    """Draw the :data:`~hingecheck.core.landmarks.SKELETON` bones and joints.

    The near ``side`` is drawn thick and bright with a dark outline, the far
    side thin and grey behind it. ``highlight`` holds landmark indices whose
    joints are drawn red; ``highlight_bones`` holds (landmark, landmark) bones
    drawn red. When ``highlight_bones`` is None, a bone is highlighted when
    both its ends are in ``highlight``. Landmarks that are NaN or below
    ``min_visibility`` (NaN visibility counts as below) are skipped, and so
    is every bone touching them.
    """
    _check_frame(frame)
    got = _points(frame, landmarks, visibility, min_visibility)
    if got is None:
        return frame
    pts, ok = got
    s = _side(side)
    k = _scale(frame)
    near_t = _px(6 * k)
    far_t = _px(3 * k)
    mid_t = _px(4 * k)
    out_t = near_t + 2 * _px(2 * k)
    hl_t = _px(9 * k)
    hl = {int(i) for i in highlight}
    if highlight_bones is None:
        hl_bones = {(a, b) for a, b in SKELETON if int(a) in hl and int(b) in hl}
    else:
        hl_bones = {(int(a), int(b)) for a, b in highlight_bones}

    near_bones, mid_bones, far_bones, red_bones = [], [], [], []
    for a, b in SKELETON:
        if not (ok[a] and ok[b]):
            continue
        seg = (tuple(pts[a]), tuple(pts[b]))
        if (int(a), int(b)) in hl_bones or (int(b), int(a)) in hl_bones:
            red_bones.append(seg)
        elif _is_side(a, s) and _is_side(b, s):
            near_bones.append(seg)
        elif _is_side(a, s) or _is_side(b, s):
            mid_bones.append(seg)
        else:
            far_bones.append(seg)

    aa = cv2.LINE_AA
    for p, q in far_bones:
        cv2.line(frame, p, q, _FAR_BONE, far_t, aa, _SHIFT)
    for p, q in mid_bones:
        cv2.line(frame, p, q, _MID_BONE, mid_t, aa, _SHIFT)
    for p, q in near_bones + red_bones:
        cv2.line(frame, p, q, _OUTLINE, out_t, aa, _SHIFT)
    for p, q in near_bones:
        cv2.line(frame, p, q, _NEAR_BONE, near_t, aa, _SHIFT)
    for p, q in red_bones:
        cv2.line(frame, p, q, _HIGHLIGHT, hl_t, aa, _SHIFT)

    # joints: far side small and grey, near side bright dots with a dark ring
    r_far = _px(3 * k) * _ONE
    r_near = _px(7 * k) * _ONE
    r_ring = _px(2 * k)
    r_hl = _px(13 * k) * _ONE
    near_joints = (s.ear, s.shoulder, s.elbow, s.wrist, s.hip, s.knee, s.ankle, s.heel,
                   s.foot_index)
    far = _side("right" if s.name == "left" else "left")
    for lmk in (far.ear, far.shoulder, far.elbow, far.wrist, far.hip, far.knee, far.ankle,
                far.heel, far.foot_index):
        if ok[lmk] and int(lmk) not in hl:
            cv2.circle(frame, tuple(pts[lmk]), r_far, _FAR_BONE, -1, aa, _SHIFT)
    for lmk in near_joints:
        if ok[lmk] and int(lmk) not in hl:
            c = tuple(pts[lmk])
            cv2.circle(frame, c, r_near, _NEAR_JOINT, -1, aa, _SHIFT)
            cv2.circle(frame, c, r_near, _OUTLINE, r_ring, aa, _SHIFT)
    for i in sorted(hl):
        if 0 <= i < ok.shape[0] and ok[i]:
            c = tuple(pts[i])
            cv2.circle(frame, c, r_hl, _OUTLINE, -1, aa, _SHIFT)
            cv2.circle(frame, c, r_hl - _px(3 * k) * _ONE, _HIGHLIGHT, -1, aa, _SHIFT)
            cv2.circle(frame, c, r_hl, (255, 255, 255), _px(2 * k), aa, _SHIFT)
    return frame


def draw_angle_labels(frame: np.ndarray, landmarks: np.ndarray | None,
                      side: str | BodySide, angles: Mapping[str, float],
                      visibility: np.ndarray | None = None,
                      min_visibility: float = 0.3) -> np.ndarray:
    """Small outlined labels (``95°``) next to the near side's hip and knee.

    The hip label goes behind the hips and the knee label in front of the
    knee (from the facing of the foot or face), away from the bones. Only
    the ``"hip"`` and ``"knee"`` entries of ``angles`` are drawn; NaN shows
    ``--``; a missing joint or a missing entry draws nothing.
    """
    _check_frame(frame)
    got = _points(frame, landmarks, visibility, min_visibility)
    if got is None or not angles:
        return frame
    pts, ok = got
    s = _side(side)
    k = _scale(frame)
    face = _facing(pts, ok, s)
    fs = 0.95 * k
    th = _px(2 * k)
    ol = _px(3 * k)
    gap = _px(24 * k)
    h, w = frame.shape[:2]
    for name, lmk, direction in (("hip", s.hip, -face), ("knee", s.knee, face)):
        if name not in angles or not ok[lmk]:
            continue
        txt = _fmt_angle(angles[name])
        tw, tht, _ = _text_size(txt, fs, th)
        r = max(2, int(round(tht * 0.16)))
        deg = 0 if txt == "--" else 2 * r + th + _px(3 * k)
        full = tw + deg
        cx, cy = int(pts[lmk, 0]) >> _SHIFT, int(pts[lmk, 1]) >> _SHIFT
        x = cx + gap if direction > 0 else cx - gap - full
        y = cy + tht // 2
        # keep the label on screen
        x = min(max(x, ol), max(ol, w - full - ol))
        y = min(max(y, tht + ol), max(tht + ol, h - ol))
        _text(frame, txt, (x, y), fs, _ANGLE_TEXT, th, ol)
        if deg:
            _degree(frame, x + tw + _px(3 * k), y - tht, r, _ANGLE_TEXT, max(1, th - 1),
                    max(1, ol - 1))
    return frame


@lru_cache(maxsize=64)
def _banner_layout(text: str, w: int, h: int, k: float
                   ) -> tuple[tuple[str, ...], float, int, int, int]:
    """(lines, font scale, thickness, line height, band height) of a banner (cached)."""
    margin = _px(24 * k)
    fs = 1.0 * k
    th = _px(2 * k)
    max_lines = 4 if h > w else 3
    lines = _wrap(text, fs, th, w - 2 * margin)
    while len(lines) > max_lines and fs > 0.55 * k:
        fs *= 0.85
        lines = _wrap(text, fs, th, w - 2 * margin)
    _, tht, base = _text_size("Ag", fs, th)
    line_h = int(round((tht + base) * 1.35))
    pad = _px(14 * k)
    return tuple(lines), fs, th, line_h, len(lines) * line_h + 2 * pad


def draw_banner(frame: np.ndarray, text: str | None, level: str = "info") -> np.ndarray:
    """A full-width band at the bottom in the level's colour, text wrapped to fit.

    Dark text on the light colours (good, warn, info), white text on bad.
    Nothing is drawn for empty text; an unknown level draws as info.
    """
    _check_frame(frame)
    if not text or not str(text).strip():
        return frame
    text = str(text)
    h, w = frame.shape[:2]
    k = _scale(frame)
    colour = LEVEL_COLOURS.get(level, LEVEL_COLOURS["info"])
    lines, fs, th, line_h, band_h = _banner_layout(text, w, h, k)
    band_h = min(band_h, h)
    y0 = h - band_h
    _fill(frame, 0, y0, w, h, colour, _BANNER_ALPHA)
    # a solid top edge makes the band read as one block
    frame[y0:y0 + _px(3 * k)] = colour
    b, g, r = colour
    luma = 0.114 * b + 0.587 * g + 0.299 * r
    ink = (20, 20, 20) if luma > 140 else (255, 255, 255)
    margin = _px(24 * k)
    pad = _px(14 * k)
    _, tht, base = _text_size("Ag", fs, th)
    y = y0 + pad + (line_h - (tht + base)) // 2 + tht
    for line in lines:
        if y > h:
            break
        _text(frame, line, (margin, y), fs, ink, th)
        y += line_h
    return frame


@lru_cache(maxsize=64)
def _status_layout(text: str, w: int, k: float):
    fs, th = 0.72 * k, _px(1.6 * k)
    lines = tuple(_wrap(text, fs, th, w - 2 * _px(16 * k)))
    _, sh, sbase = _text_size("Ag", fs, th)
    row = int(round((sh + sbase) * 1.3))
    return lines, fs, th, sh, sbase, row


def _status_strip(frame: np.ndarray, status: str | None, k: float) -> int:
    """A full-width dark strip at the top with the status text; returns its height."""
    if not status or not str(status).strip():
        return 0
    h, w = frame.shape[:2]
    lines, fs, th, sh, sbase, row = _status_layout(str(status), w, k)
    pad = _px(6 * k)
    strip_h = len(lines) * row + 2 * pad
    _panel(frame, 0, 0, w, strip_h, 0.7)
    y = pad
    for t in lines:
        tw = _text_size(t, fs, th)[0]
        _text(frame, t, ((w - tw) // 2, y + sh + (row - sh - sbase) // 2), fs, _STATUS_TEXT, th)
        y += row
    return strip_h


@lru_cache(maxsize=64)
def _fault_layout(titles: tuple[str, ...], k: float, avail: int, p: int):
    """Fit the fault list in ``avail`` pixels: full size, else smaller, else wrapped.

    Returns (font scale, thickness, rows of (text, starts an item), panel
    width, panel height, row height, text height, baseline depth). When even
    wrapping does not fit, the full-size layout is returned (the caller then
    stacks the panel under the first one).
    """
    def layout(fs: float, wrap_w: int | None):
        th = _px(2 * k)
        dot = _px(7 * k * fs / (0.8 * k))
        indent = 2 * dot + _px(10 * k)
        rows: list[tuple[str, bool]] = []
        for t in titles:
            lines = _wrap(t, fs, th, wrap_w - indent) if wrap_w else [t]
            rows += [(ln, i == 0) for i, ln in enumerate(lines)]
        _, fh, fbase = _text_size("Ag", fs, th)
        frow = int(round((fh + fbase) * 1.35))
        pw = indent + max(_text_size(r, fs, th)[0] for r, _ in rows) + 2 * p
        return fs, th, tuple(rows), pw, len(rows) * frow + 2 * p, frow, fh, fbase

    full = layout(0.8 * k, None)
    if full[3] <= avail:
        return full
    for f in (0.9, 0.8):
        cand = layout(0.8 * k * f, None)
        if cand[3] <= avail:
            return cand
    if avail - 2 * p > 110 * k:
        cand = layout(0.8 * k * 0.8, avail - 2 * p)
        if cand[3] <= avail:
            return cand
    return full


def draw_hud(frame: np.ndarray, state: OverlayState) -> np.ndarray:
    """Rep counter (big) with the phase, the angle panel, active faults, status line.

    The status line, if any, is a full-width strip along the top (set-up
    advice; it keeps the bottom, where the feet and the banner are, clear).
    Below it, top-left: a dark panel with the rep count, the phase and the
    angles; top-right (under the first panel when the frame is too narrow):
    the active faults by title, in red.
    """
    _check_frame(frame)
    h, w = frame.shape[:2]
    k = _scale(frame)
    m = _px(16 * k)          # outer margin
    p = _px(14 * k)          # panel padding

    # ---- panel 1: rep counter, phase, angles ----
    big_fs, big_th = 3.0 * k, _px(6 * k)
    lab_fs, lab_th = 0.7 * k, _px(1.6 * k)
    ph_fs, ph_th = 0.85 * k, _px(2 * k)
    ang_fs, ang_th = 0.72 * k, _px(1.6 * k)

    try:
        count = str(int(state.rep_count or 0))
    except (TypeError, ValueError, OverflowError):   # e.g. a NaN count
        count = "-"
    cw, ch, _ = _text_size(count, big_fs, big_th)
    lw, lh, _ = _text_size("REPS", lab_fs, lab_th)
    phase = str(state.phase or "")
    pw, phh, _ = _text_size(phase, ph_fs, ph_th) if phase else (0, 0, 0)
    gap = _px(14 * k)
    top_w = cw + gap + max(lw, pw)
    top_h = max(ch, lh + (phh + _px(12 * k) if phase else 0))

    angle_rows = [(str(n), _fmt_angle(v)) for n, v in (state.angles or {}).items()]
    _, ah, abase = _text_size("Ag", ang_fs, ang_th)
    row_h = int(round((ah + abase) * 1.3))
    deg_r = max(2, int(round(ah * 0.18)))
    deg_w = 2 * deg_r + ang_th + _px(3 * k)
    name_w = max((_text_size(n, ang_fs, ang_th)[0] for n, _ in angle_rows), default=0)
    val_w = max((_text_size(v, ang_fs, ang_th)[0] for _, v in angle_rows), default=0)
    ang_w = name_w + _px(18 * k) + val_w + deg_w if angle_rows else 0
    sep = _px(10 * k) if angle_rows else 0
    ang_h = len(angle_rows) * row_h

    pw1 = max(top_w, ang_w) + 2 * p
    ph1 = top_h + sep + ang_h + 2 * p
    x0, y0 = m, m + _status_strip(frame, state.status, k)
    _panel(frame, x0, y0, x0 + pw1, y0 + ph1)
    # count, baseline at the bottom of the top block
    cy = y0 + p + top_h
    _text(frame, count, (x0 + p, y0 + p + ch), big_fs, _TEXT, big_th)
    lx = x0 + p + cw + gap
    _text(frame, "REPS", (lx, y0 + p + lh), lab_fs, _DIM_TEXT, lab_th)
    if phase:
        _text(frame, phase, (lx, y0 + p + lh + _px(12 * k) + phh), ph_fs, _TEXT, ph_th)
    if angle_rows:
        ly = cy + sep // 2
        cv2.line(frame, (x0 + p, ly), (x0 + pw1 - p, ly), (110, 110, 110), _px(1 * k))
        y = cy + sep
        for name, val in angle_rows:
            base_y = y + ah + (row_h - ah - abase) // 2
            _text(frame, name, (x0 + p, base_y), ang_fs, _DIM_TEXT, ang_th)
            vw = _text_size(val, ang_fs, ang_th)[0]
            vx = x0 + p + name_w + _px(18 * k) + val_w - vw
            _text(frame, val, (vx, base_y), ang_fs, _TEXT, ang_th)
            if val != "--":
                _degree(frame, x0 + p + name_w + _px(18 * k) + val_w + _px(2 * k),
                        base_y - ah, deg_r, _TEXT, max(1, ang_th - 1))
            y += row_h

    # ---- panel 2: active faults ----
    faults = list(dict.fromkeys(state.active_faults or []))
    if faults:
        titles = tuple(_fault_title(f) for f in faults)
        avail = w - (x0 + pw1) - 2 * m        # room to the right of panel 1
        fs, th, rows, pw2, ph2, frow, fh, fbase = _fault_layout(titles, k, avail, p)
        if pw2 <= avail:
            fx0, fy0 = w - m - pw2, y0
        else:                                 # too narrow: stack under panel 1
            fx0, fy0 = m, y0 + ph1 + _px(10 * k)
        _panel(frame, fx0, fy0, fx0 + pw2, fy0 + ph2)
        dot = _px(7 * k * fs / (0.8 * k))
        indent = 2 * dot + _px(10 * k)
        y = fy0 + p
        for line, first in rows:
            base_y = y + fh + (frow - fh - fbase) // 2
            if first:
                cv2.circle(frame, (fx0 + p + dot, base_y - fh // 2), dot, _HIGHLIGHT, -1,
                           cv2.LINE_AA)
            _text(frame, line, (fx0 + p + indent, base_y), fs, _FAULT_TEXT, th)
            y += frow

    return frame


def draw_overlay(frame: np.ndarray, state: OverlayState) -> np.ndarray:
    """Skeleton (faults highlighted), joint-angle labels, HUD and banner."""
    _check_frame(frame)
    joints, bones = fault_highlights(state.active_faults or (), state.side)
    draw_skeleton(frame, state.landmarks, state.visibility, state.side,
                  highlight=joints, highlight_bones=bones)
    draw_angle_labels(frame, state.landmarks, state.side, state.angles or {},
                      visibility=state.visibility)
    draw_hud(frame, state)
    draw_banner(frame, state.banner, state.banner_level)
    return frame
