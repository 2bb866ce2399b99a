"""Overlay annotators: small objects that draw one layer of a frame's overlay.

In the style of ``roboflow/supervision``: each annotator has one method,
``annotate(frame, state) -> frame``, that draws on a BGR ``uint8`` frame
**in place** and returns that same array, so calls chain. Annotators only
draw: no inference, no measuring, no state updates, no file I/O. *What* to
show comes from :mod:`hingecheck.outputs.timeline` (a finished analysis) or
the live loop, as an :class:`~hingecheck.outputs.state.OverlayState`;
:func:`draw_overlay` composes a list of annotators (by default
:data:`DEFAULT_ANNOTATORS`: skeleton, the measured back curve, angle labels, HUD, banner).

The drawing itself lives in :mod:`~hingecheck.outputs.draw` (primitives),
:mod:`~hingecheck.outputs.skeleton` (the body) and
:mod:`~hingecheck.outputs.hud` (the text panels) and :mod:`~hingecheck.outputs.banner`
(the verdict banner); their public functions
are importable from here too.

Typical use, per frame::

    state = OverlayState(landmarks=pose.image[i], visibility=pose.visibility[i],
                         side=LEFT, angles={"hip": 95.0}, rep_count=3)
    draw_overlay(frame, state)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from hingecheck.core.landmarks import PLACED_VISIBILITY
from hingecheck.outputs.draw import LEVEL_COLOURS, check_frame
from hingecheck.outputs.backcurve import BACK_FAULT, BackCurveAnnotator, shows_back_curve
from hingecheck.outputs.banner import banner_place, draw_banner
from hingecheck.outputs.hud import draw_hud
from hingecheck.outputs.skeleton import (
    draw_angle_labels,
    draw_skeleton,
    fault_highlights,
)
from hingecheck.outputs.state import BannerLevel, OverlayState

__all__ = [
    "DEFAULT_ANNOTATORS",
    "LEVEL_COLOURS",
    "AngleLabelAnnotator",
    "Annotator",
    "BackCurveAnnotator",
    "BannerAnnotator",
    "BannerLevel",
    "HudAnnotator",
    "OverlayState",
    "SkeletonAnnotator",
    "draw_angle_labels",
    "draw_banner",
    "draw_hud",
    "draw_overlay",
    "draw_skeleton",
    "fault_highlights",
]


class Annotator(Protocol):
    """Draws one layer of the overlay on ``frame`` in place and returns it."""

    def annotate(self, frame: np.ndarray, state: OverlayState) -> np.ndarray:
        """Draw ``state``'s layer on ``frame`` (in place); return ``frame``."""
        ...


@dataclass(frozen=True)
class SkeletonAnnotator:
    """The skeleton, with the body parts of ``state.active_faults`` in red (a
    rounded back with its measured curve is left to :class:`BackCurveAnnotator`)."""

    min_visibility: float = PLACED_VISIBILITY

    def annotate(self, frame: np.ndarray, state: OverlayState) -> np.ndarray:
        """Draw the skeleton of ``state.landmarks`` (see :func:`draw_skeleton`)."""
        faults = [f for f in state.active_faults or () if not (f == BACK_FAULT and shows_back_curve(state))]
        joints, bones = fault_highlights(faults, state.side)
        return draw_skeleton(frame, state.landmarks, state.visibility, state.side,
                             highlight=joints, min_visibility=self.min_visibility,
                             highlight_bones=bones)


@dataclass(frozen=True)
class AngleLabelAnnotator:
    """The hip and knee angles beside those joints."""

    min_visibility: float = PLACED_VISIBILITY

    def annotate(self, frame: np.ndarray, state: OverlayState) -> np.ndarray:
        """Draw the labels (see :func:`draw_angle_labels`)."""
        return draw_angle_labels(frame, state.landmarks, state.side, state.angles or {},
                                 visibility=state.visibility, min_visibility=self.min_visibility)


@dataclass(frozen=True)
class HudAnnotator:
    """The status strip, the rep panel and the active faults."""

    def annotate(self, frame: np.ndarray, state: OverlayState) -> np.ndarray:
        """Draw the HUD (see :func:`draw_hud`)."""
        return draw_hud(frame, state)


@dataclass(frozen=True)
class BannerAnnotator:
    """The verdict banner, along the bottom or the top, away from the lifter's legs."""

    def annotate(self, frame: np.ndarray, state: OverlayState) -> np.ndarray:
        """Draw ``state.banner`` in ``state.banner_level``'s colour where
        :func:`~hingecheck.outputs.hud.banner_place` puts it (see :func:`draw_banner`)."""
        return draw_banner(frame, state.banner, state.banner_level, banner_place(frame, state))


#: The full overlay, bottom layer first.
DEFAULT_ANNOTATORS: tuple[Annotator, ...] = (
    SkeletonAnnotator(), BackCurveAnnotator(), AngleLabelAnnotator(), HudAnnotator(), BannerAnnotator())


def draw_overlay(frame: np.ndarray, state: OverlayState,
                 annotators: Sequence[Annotator] = DEFAULT_ANNOTATORS) -> np.ndarray:
    """Apply ``annotators`` in order (by default skeleton, back curve, angle labels, HUD, banner)."""
    check_frame(frame)
    for annotator in annotators:
        frame = annotator.annotate(frame, state)
    return frame
