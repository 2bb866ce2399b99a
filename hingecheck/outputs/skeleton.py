"""The body on the overlay: skeleton, joint-angle labels, the faults' body parts.

:func:`draw_skeleton` draws :data:`~hingecheck.core.landmarks.SKELETON`
(near side thick and bright, far side thin and grey, fault parts red);
:func:`draw_angle_labels` writes the hip and knee angles beside those
joints; :func:`fault_highlights` says which joints and bones each fault is
about (its ``parts`` in :data:`~hingecheck.core.faults.FAULTS`). Landmarks that are NaN, infinite or not visible
enough are skipped; nothing is ever converted to int while NaN.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import cv2
import numpy as np

from hingecheck.core.faults import FAULTS
from hingecheck.core.geometry import facing_direction
from hingecheck.core.landmarks import (
    LEFT,
    PLACED_VISIBILITY,
    RIGHT,
    SKELETON,
    BodySide,
    Landmark,
    legs_name,
    with_legs,
)
from hingecheck.outputs import draw
from hingecheck.outputs.draw import ONE, SHIFT, px

__all__ = ["MIN_VISIBILITY", "draw_angle_labels", "draw_skeleton",
           "fault_highlights"]

#: landmarks below this MediaPipe visibility are not drawn (the one "placed" cut-off)
MIN_VISIBILITY = PLACED_VISIBILITY
#: the joints of one side's chain drawn as dots, as BodySide attribute names
CHAIN_JOINTS = ("ear", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")
#: coordinates are clipped to this many frame sizes around the frame before
#: the int conversion
_CLIP_FRAMES = 4.0

def as_side(side: str | BodySide) -> BodySide:
    """``side`` as a :class:`BodySide` (any string but ``"right"`` is the left)."""
    if isinstance(side, BodySide):
        return side
    return RIGHT if str(side).lower() == RIGHT.name else LEFT


def _mirror(side: BodySide) -> BodySide:
    """The side opposite ``side``'s name (LEFT for RIGHT)."""
    return RIGHT if side.name == LEFT.name else LEFT


def _other(side: BodySide) -> BodySide:
    """The chain behind ``side``: the far upper body on the other legs (for a chain read
    on the standing leg of a single-leg lift, :func:`~hingecheck.core.landmarks.with_legs`,
    the near upper body's far side on the free leg)."""
    return with_legs(_mirror(side), RIGHT if legs_name(side) == LEFT.name else LEFT)


def _chain_landmarks(side: BodySide) -> frozenset[int]:
    return frozenset(int(getattr(side, name)) for name in CHAIN_JOINTS)


def _is_side(lm: Landmark, side: BodySide) -> bool:
    """True when the landmark is one of ``side``'s chain (the near one)."""
    return int(lm) in _chain_landmarks(side)


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
    span = _CLIP_FRAMES * max(w, h)
    safe = np.where(ok[:, None], xy, 0.0)
    safe = np.clip(safe, -span, span)
    pts = np.rint(safe * ONE).astype(np.int32)
    return pts, ok


def _facing(pts: np.ndarray, ok: np.ndarray, side: BodySide) -> int:
    """+1 if the lifter faces image-right, -1 if image-left, by the one facing
    rule every layer uses (:func:`~hingecheck.core.geometry.facing_direction`)
    on this frame's usable points."""
    xy = np.where(ok[:, None], pts / ONE, np.nan)
    return int(facing_direction(xy[None], side))


# --- fault -> body parts --------------------------------------------------------------


def fault_highlights(active_faults: Iterable[str], side: str | BodySide = "left"
                     ) -> tuple[set[int], set[tuple[Landmark, Landmark]]]:
    """(joints, bones) of the near side to highlight for these faults.

    Bones are returned in both orders so a lookup does not depend on the
    order :data:`~hingecheck.core.landmarks.SKELETON` lists them in. Unknown fault
    ids highlight nothing.
    """
    s = as_side(side)
    joints: set[int] = set()
    bones: set[tuple[Landmark, Landmark]] = set()
    for fid in active_faults:
        spec = FAULTS.get(fid)
        if spec is None:
            continue
        joints.update(int(getattr(s, j)) for j in spec.parts.joints)
        for a, b in spec.parts.bones:
            la, lb = getattr(s, a), getattr(s, b)
            bones.add((la, lb))
            bones.add((lb, la))
    return joints, bones


# --- skeleton -------------------------------------------------------------------------


def _bones(s: BodySide) -> tuple[tuple[Landmark, Landmark], ...]:
    """:data:`~hingecheck.core.landmarks.SKELETON`, plus the trunk of a chain read across
    sides (the near shoulder to the standing leg's hip), which it does not hold."""
    trunk = (s.shoulder, s.hip)
    if trunk in SKELETON or trunk[::-1] in SKELETON:
        return SKELETON
    return SKELETON + (trunk,)


def _bone_groups(pts: np.ndarray, ok: np.ndarray, s: BodySide,
                 hl_bones: set[tuple[int, int]]) -> dict[str, list]:
    """The drawable bones as segments, by how they are drawn: near, mid, far, red."""
    groups: dict[str, list] = {"near": [], "mid": [], "far": [], "red": []}
    for a, b in _bones(s):
        if not (ok[a] and ok[b]):
            continue
        seg = (tuple(pts[a]), tuple(pts[b]))
        if (int(a), int(b)) in hl_bones or (int(b), int(a)) in hl_bones:
            groups["red"].append(seg)
        elif _is_side(a, s) and _is_side(b, s):
            groups["near"].append(seg)
        elif _is_side(a, s) or _is_side(b, s):
            groups["mid"].append(seg)
        else:
            groups["far"].append(seg)
    return groups


def _draw_bones(frame: np.ndarray, groups: dict[str, list], k: float) -> None:
    """Far and mid bones thin; near and red ones over a dark outline."""
    near_t = px(6 * k)
    aa = cv2.LINE_AA
    for p, q in groups["far"]:
        cv2.line(frame, p, q, draw.FAR_BONE, px(3 * k), aa, SHIFT)
    for p, q in groups["mid"]:
        cv2.line(frame, p, q, draw.MID_BONE, px(4 * k), aa, SHIFT)
    for p, q in groups["near"] + groups["red"]:
        cv2.line(frame, p, q, draw.OUTLINE, near_t + 2 * px(2 * k), aa, SHIFT)
    for p, q in groups["near"]:
        cv2.line(frame, p, q, draw.NEAR_BONE, near_t, aa, SHIFT)
    for p, q in groups["red"]:
        cv2.line(frame, p, q, draw.HIGHLIGHT, px(9 * k), aa, SHIFT)


def _draw_joints(frame: np.ndarray, pts: np.ndarray, ok: np.ndarray, s: BodySide,
                 hl: set[int], k: float) -> None:
    """Far side small grey dots, near side bright dots with a dark ring, faults red."""
    aa = cv2.LINE_AA
    r_near = px(7 * k) * ONE
    r_hl = px(13 * k) * ONE
    for lmk in (getattr(_other(s), name) for name in CHAIN_JOINTS):
        if ok[lmk] and int(lmk) not in hl:
            cv2.circle(frame, tuple(pts[lmk]), px(3 * k) * ONE, draw.FAR_BONE, -1, aa, SHIFT)
    for lmk in (getattr(s, name) for name in CHAIN_JOINTS):
        if ok[lmk] and int(lmk) not in hl:
            c = tuple(pts[lmk])
            cv2.circle(frame, c, r_near, draw.NEAR_JOINT, -1, aa, SHIFT)
            cv2.circle(frame, c, r_near, draw.OUTLINE, px(2 * k), aa, SHIFT)
    for i in sorted(hl):
        if 0 <= i < ok.shape[0] and ok[i]:
            c = tuple(pts[i])
            cv2.circle(frame, c, r_hl, draw.OUTLINE, -1, aa, SHIFT)
            cv2.circle(frame, c, r_hl - px(3 * k) * ONE, draw.HIGHLIGHT, -1, aa, SHIFT)
            cv2.circle(frame, c, r_hl, draw.WHITE, px(2 * k), aa, SHIFT)


def draw_skeleton(frame: np.ndarray, landmarks: np.ndarray | None,
                  visibility: np.ndarray | None, side: str | BodySide = "left",
                  highlight: Collection[int] = frozenset(),
                  min_visibility: float = MIN_VISIBILITY,
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
    draw.check_frame(frame)
    got = _points(frame, landmarks, visibility, min_visibility)
    if got is None:
        return frame
    pts, ok = got
    s = as_side(side)
    k = draw.frame_scale(frame)
    hl = {int(i) for i in highlight}
    if highlight_bones is None:
        hl_bones = {(int(a), int(b)) for a, b in _bones(s) if int(a) in hl and int(b) in hl}
    else:
        hl_bones = {(int(a), int(b)) for a, b in highlight_bones}
    _draw_bones(frame, _bone_groups(pts, ok, s, hl_bones), k)
    _draw_joints(frame, pts, ok, s, hl, k)
    return frame


# --- angle labels ---------------------------------------------------------------------


def _angle_label(frame: np.ndarray, joint: tuple[int, int], label: str, direction: int,
                 k: float) -> None:
    """One outlined ``95°`` label beside the ``joint`` pixel, on ``direction``'s side."""
    h, w = frame.shape[:2]
    scale, thickness, outline, gap = 0.95 * k, px(2 * k), px(3 * k), px(24 * k)
    width, height, _ = draw.text_size(label, scale, thickness)
    r = max(2, int(round(height * 0.16)))
    deg = 0 if label == "--" else 2 * r + thickness + px(3 * k)
    full = width + deg
    cx, cy = joint
    x = cx + gap if direction > 0 else cx - gap - full
    y = cy + height // 2
    # keep the label on screen
    x = min(max(x, outline), max(outline, w - full - outline))
    y = min(max(y, height + outline), max(height + outline, h - outline))
    draw.text(frame, label, (x, y), scale, draw.ANGLE_TEXT, thickness, outline)
    if deg:
        draw.degree(frame, x + width + px(3 * k), y - height, r, draw.ANGLE_TEXT,
                    max(1, thickness - 1), max(1, outline - 1))


def draw_angle_labels(frame: np.ndarray, landmarks: np.ndarray | None,
                      side: str | BodySide, angles: Mapping[str, float],
                      visibility: np.ndarray | None = None,
                      min_visibility: float = MIN_VISIBILITY) -> np.ndarray:
    """Small outlined labels (``95°``) next to the near side's hip and knee.

    The hip label goes behind the hips and the knee label in front of the
    knee (from the facing of the foot or face), away from the bones. Only
    the ``"hip"`` and ``"knee"`` entries of ``angles`` are drawn; NaN shows
    ``--``; a missing joint or a missing entry draws nothing.
    """
    draw.check_frame(frame)
    got = _points(frame, landmarks, visibility, min_visibility)
    if got is None or not angles:
        return frame
    pts, ok = got
    s = as_side(side)
    k = draw.frame_scale(frame)
    face = _facing(pts, ok, s)
    for name, lmk, direction in (("hip", s.hip, -face), ("knee", s.knee, face)):
        if name not in angles or not ok[lmk]:
            continue
        joint = (int(pts[lmk, 0]) >> SHIFT, int(pts[lmk, 1]) >> SHIFT)
        _angle_label(frame, joint, draw.fmt_angle(angles[name]), direction, k)
    return frame
