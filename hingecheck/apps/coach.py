"""The live set in progress: frames into the streaming analyser, verdicts
into the banner and the voice, and what the overlay shows on each frame.

Used by :mod:`hingecheck.apps.live`; it neither reads frames nor draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from hingecheck.apps.livetext import screen_verdict
from hingecheck.apps.voice import Voice
from hingecheck.core.config import Thresholds
from hingecheck.core.faults import FAULTS
from hingecheck.core.guidance import setup_guidance
from hingecheck.core.judging import RepVerdict
from hingecheck.core.kinds import LivePhase
from hingecheck.core.stream import StreamingAnalyzer
from hingecheck.core.backline import curvatures
from hingecheck.io.extract import frame_back_contour
from hingecheck.io.pose import FramePose
from hingecheck.outputs.backcurve import back_curve_points
from hingecheck.outputs.livescreen import ScreenView
from hingecheck.outputs.state import BannerLevel, OverlayState
from hingecheck.outputs.stills import StillKeeper
from hingecheck.outputs.timeline import verdict_banner

__all__ = ["FAULT_SHOW_FRAMES", "LUMA_PROBE_SIZE", "LiveCoach", "brightness", "person_box"]

#: a finished rep's faults stay highlighted for this many frames after its end
FAULT_SHOW_FRAMES = 30
#: the frame is shrunk to this (width, height) to measure its brightness
LUMA_PROBE_SIZE = (32, 18)


#: the person's box is widened by this share of its size on each side
BOX_MARGIN = 0.1
#: what the screen says once the set-up is good and before the first rep
READY = "Ready: start your set"
#: the phases in which a rep is under way (no set-up advice from then on)
MOVING = (LivePhase.DOWN, LivePhase.BOTTOM, LivePhase.UP)


def person_box(image: np.ndarray | None, size: tuple[int, int]) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around the landmarks found, widened and clipped to the
    frame of ``size`` (width, height); None when there are none."""
    if image is None:
        return None
    pts = image[np.isfinite(image).all(axis=1)]
    if len(pts) < 2:
        return None
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    mx, my = BOX_MARGIN * (x1 - x0), BOX_MARGIN * (y1 - y0)
    w, h = size
    box = (int(max(0, x0 - mx)), int(max(0, y0 - my)), int(min(w, x1 + mx)), int(min(h, y1 + my)))
    return box if box[2] - box[0] >= 2 and box[3] - box[1] >= 2 else None


def brightness(bgr: np.ndarray, box: tuple[int, int, int, int] | None = None) -> float:
    """The mean luma (0-255) of ``box`` (x0, y0, x1, y1), or of the whole frame
    without one, from a tiny downscaled copy."""
    if box is not None:
        bgr = bgr[box[1]:box[3], box[0]:box[2]]
    small = cv2.resize(bgr, LUMA_PROBE_SIZE, interpolation=cv2.INTER_AREA)
    return float(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).mean())


@dataclass
class LiveCoach:
    """The set in progress: the streaming analyser, the last verdict's banner,
    the voice and the stills. Feeds frames in and says what to show."""

    exercise: str
    th: Thresholds
    frame_size: tuple[int, int]
    voice: Voice
    stills: StillKeeper | None = None
    banner: str | None = None
    level: BannerLevel = BannerLevel.INFO
    on_rep: Callable[[RepVerdict], None] | None = None   # called with each rep's verdict

    def __post_init__(self) -> None:
        self.analyzer = StreamingAnalyzer(self.exercise, self.th, self.frame_size)
        self.started = False     # a rep got under way: no set-up advice from then on
        self.last: RepVerdict | None = None
        self.contour: np.ndarray | None = None   # this frame's back contour (chord lengths), once the side is known

    def reset(self) -> None:
        """Start the set again (key r)."""
        self.analyzer = StreamingAnalyzer(self.exercise, self.th, self.frame_size)
        if self.stills is not None:
            self.stills.reset()
        self.banner, self.level = "set reset", BannerLevel.INFO
        self.started, self.last = False, None

    def push(self, t: float, fp: FramePose) -> None:
        """Analyse the frame at ``t`` seconds; a rep that ended sets the banner
        and says its worst fault's cue."""
        a = self.analyzer
        self.contour = frame_back_contour(fp, a.facing) if a.side is not None else None
        curv = float(curvatures(self.contour[None], self.th)[0]) if self.contour is not None else float("nan")
        for v in a.push(t, fp.image, fp.visibility, curv, fp.world):
            self.banner, self.level = verdict_banner(v)
            self.last = v
            if self.on_rep is not None:
                self.on_rep(v)
            if v.findings:
                worst = max(v.findings, key=lambda f: f.severity)
                self.voice.say(FAULTS[worst.fault].cue)

    def keep_still(self, bgr: np.ndarray, fp: FramePose) -> None:
        """Offer the frame just pushed to the stills (call before the overlay draws on it)."""
        if self.stills is not None:
            self.stills.offer(len(self.analyzer) - 1, bgr, fp.image, fp.visibility)

    def overlay_state(self, bgr: np.ndarray, fp: FramePose) -> OverlayState:
        """What to draw on this frame: set-up guidance, angles, reps, the recent faults."""
        a = self.analyzer
        image = fp.image if fp.detected else None
        status = self.setup_status(bgr, fp)
        active: list[str] = []
        if a.verdicts and a.verdicts[-1].rep.end >= len(a) - FAULT_SHOW_FRAMES:
            active = list(a.verdicts[-1].faults)
        return OverlayState(landmarks=image, visibility=fp.visibility,
                            side=a.side if a.side else "left", angles=a.current_angles(),
                            rep_count=a.rep_count, phase=a.phase, active_faults=active,
                            banner=self.banner, banner_level=self.level, status=status,
                            back_curve=back_curve_points(image, self.contour, a.facing))

    def setup_status(self, bgr: np.ndarray, fp: FramePose) -> str | None:
        """The set-up advice for this frame; none once a rep got under way."""
        a = self.analyzer
        self.started = self.started or a.rep_count > 0 or a.phase in MOVING
        if self.started:
            return None
        image = fp.image if fp.detected else None
        light = brightness(bgr, person_box(image, a.frame_size))
        return setup_guidance(image, fp.visibility, a.frame_size, light, a.side_on(), self.th.side_on_max,
                              a.calibration is not None)

    def screen_view(self, status: str | None) -> ScreenView:
        """What the live window's text panel says (``status``: this frame's set-up advice)."""
        a = self.analyzer
        if self.last is not None:
            verdict, cue = screen_verdict(self.last)
        elif status is None and not self.started and a.calibration is not None:
            return ScreenView(a.rep_count, None, READY, None, BannerLevel.GOOD)
        else:
            verdict, cue = self.banner, None      # e.g. "set reset"
        return ScreenView(a.rep_count, status, verdict, cue, self.level,
                          outline=status is not None and not self.started)
