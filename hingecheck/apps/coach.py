"""The live set in progress: frames into the streaming analyser, verdicts
into the banner and the voice, and what the overlay shows on each frame.

Used by :mod:`hingecheck.apps.live`; it neither reads frames nor draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from hingecheck.apps.voice import Voice
from hingecheck.core.config import Thresholds
from hingecheck.core.faults import FAULTS
from hingecheck.core.guidance import setup_guidance
from hingecheck.core.stream import StreamingAnalyzer
from hingecheck.io.extract import frame_back_curvature
from hingecheck.io.pose import FramePose
from hingecheck.outputs.state import BannerLevel, OverlayState
from hingecheck.outputs.stills import StillKeeper
from hingecheck.outputs.timeline import verdict_banner

__all__ = ["FAULT_SHOW_FRAMES", "LUMA_PROBE_SIZE", "LiveCoach", "brightness"]

#: a finished rep's faults stay highlighted for this many frames after its end
FAULT_SHOW_FRAMES = 30
#: the frame is shrunk to this (width, height) to measure its brightness
LUMA_PROBE_SIZE = (32, 18)


def brightness(bgr: np.ndarray) -> float:
    """The frame's mean luma (0-255), from a tiny downscaled copy."""
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

    def __post_init__(self) -> None:
        self.analyzer = StreamingAnalyzer(self.exercise, self.th, self.frame_size)

    def reset(self) -> None:
        """Start the set again (key r)."""
        self.analyzer = StreamingAnalyzer(self.exercise, self.th, self.frame_size)
        if self.stills is not None:
            self.stills.reset()
        self.banner, self.level = "set reset", BannerLevel.INFO

    def push(self, t: float, fp: FramePose) -> None:
        """Analyse the frame at ``t`` seconds; a rep that ended sets the banner
        and says its worst fault's cue."""
        a = self.analyzer
        curv = frame_back_curvature(fp, a.facing) if a.side is not None else float("nan")
        for v in a.push(t, fp.image, fp.visibility, curv, fp.world):
            self.banner, self.level = verdict_banner(v)
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
        calibrated = a.calibration is not None or a.rep_count > 0
        status = setup_guidance(image, fp.visibility, a.frame_size, brightness(bgr), a.side_on(),
                                self.th.side_on_max, calibrated)
        active: list[str] = []
        if a.verdicts and a.verdicts[-1].rep.end >= len(a) - FAULT_SHOW_FRAMES:
            active = list(a.verdicts[-1].faults)
        return OverlayState(landmarks=image, visibility=fp.visibility,
                            side=a.side.name if a.side else "left", angles=a.current_angles(),
                            rep_count=a.rep_count, phase=a.phase, active_faults=active,
                            banner=self.banner, banner_level=self.level, status=status)
