"""``hingecheck live``: coaching at the webcam or a phone, rep by rep (the edge).

Frames come from a :class:`~hingecheck.io.livesource.FrameSource` (a camera,
a file, or a phone's stream, newest frame only). Each frame goes through the
pose model and :class:`~hingecheck.core.stream.StreamingAnalyzer` (the same
geometry, rep and rule code as ``analyze``); a rep's verdict is shown, and
spoken or beeped, as soon as the rep is over. The window is drawn at its own
size by :mod:`hingecheck.outputs.livescreen` (readable from 3 m; ``f``
toggles full screen) and ends with the set's card, held until a key.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

import cv2
import numpy as np

from hingecheck.apps.coach import LiveCoach
from hingecheck.apps.livetext import set_card
from hingecheck.apps.voice import Voice
from hingecheck.core.analysis import Analysis
from hingecheck.core.config import Thresholds
from hingecheck.core.errors import HingecheckError
from hingecheck.core.judging import RepVerdict
from hingecheck.core.stream import Revision
from hingecheck.io import _quiet  # noqa: F401  (before cv2)
from hingecheck.io.livesource import FrameSource, SourceFrame
from hingecheck.io.notice import warn
from hingecheck.io.pose import PoseEstimator
from hingecheck.io.video import VideoWriter
from hingecheck.outputs.annotate import AngleLabelAnnotator, SkeletonAnnotator, draw_overlay
from hingecheck.outputs.livescreen import render_card, render_screen
from hingecheck.outputs.stills import StillKeeper

__all__ = ["FrameSource", "LiveResult", "SourceFrame", "Voice", "run_live"]

#: how long one wait for a frame lasts before the loop checks its stop conditions (s)
FRAME_WAIT_S = 0.5
#: how long the window waits for a key (ms): while paused, and after each frame
PAUSED_KEY_WAIT_MS = 30
RUNNING_KEY_WAIT_MS = 1


WINDOW = "hingecheck live"
#: the window's first height on screen, in pixels (16:9); the screen is then
#: drawn at whatever size the window has, full screen included
WINDOW_HEIGHT = 900
#: the screen's height when the window's size cannot be read
FALLBACK_HEIGHT = 720
#: a window smaller than this (either side, pixels) is drawn at the fallback size
MIN_SCREEN = 64
#: how long the end-of-set card waits for a key each time round (ms)
CARD_KEY_WAIT_MS = 100
#: the annotators drawn on the live picture (the screen's text panel replaces the HUD and banner)
SCREEN_ANNOTATORS = (SkeletonAnnotator(), AngleLabelAnnotator())


@dataclass
class LiveResult:
    """What a live set produced: the analysis and the loop's own statistics."""

    analysis: Analysis
    frames: int
    dropped: int
    wall_s: float
    latencies_ms: list[float] = field(default_factory=list)
    source_error: str | None = None
    quit_by_user: bool = False
    reconnects: int = 0       # times a dropped stream was reopened
    record_error: str | None = None  # why the recording was not kept (it alone is lost)
    #: reps the set's report judged otherwise than the cue given live (see StreamingAnalyzer.revisions)
    revisions: list[Revision] = field(default_factory=list)

    def stats(self) -> dict:
        """Frames processed and dropped, frame rate, latency median and 95th percentile."""
        lat = np.asarray(self.latencies_ms)
        return {
            "frames_processed": self.frames, "frames_dropped": self.dropped,
            "processing_fps": round(self.frames / self.wall_s, 1) if self.wall_s > 0 else None,
            "latency_ms_median": round(float(np.median(lat)), 2) if lat.size else None,
            "latency_ms_p95": round(float(np.percentile(lat, 95)), 2) if lat.size else None,
            "source_error": self.source_error,
            "reconnects": self.reconnects,
            "reps_revised_after_set": [dataclasses.asdict(r) for r in self.revisions],
        }




class Key(IntEnum):
    """The window's keys."""

    QUIT = ord("q")
    PAUSE = ord(" ")
    RESET = ord("r")
    MUTE = ord("m")
    FULLSCREEN = ord("f")


class _Window:
    """The on-screen window, or nothing when ``enabled`` is false (headless)."""

    def __init__(self, enabled: bool, fullscreen: bool = False):
        self.enabled = enabled
        self.fullscreen = fullscreen

    def open(self) -> None:
        """Open the window (16:9, :data:`WINDOW_HEIGHT` tall, or full screen)."""
        if not self.enabled:
            return
        cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL | cv2.WINDOW_FREERATIO | getattr(cv2, "WINDOW_GUI_NORMAL", 0))
        cv2.resizeWindow(WINDOW, WINDOW_HEIGHT * 16 // 9, WINDOW_HEIGHT)
        if self.fullscreen:
            self._apply_fullscreen()

    def _apply_fullscreen(self) -> None:
        cv2.setWindowProperty(WINDOW, cv2.WND_PROP_FULLSCREEN,
                              cv2.WINDOW_FULLSCREEN if self.fullscreen else cv2.WINDOW_NORMAL)

    def toggle_fullscreen(self) -> None:
        """Full screen on or off (key f)."""
        self.fullscreen = not self.fullscreen
        self._apply_fullscreen()

    def screen_size(self) -> tuple[int, int]:
        """(width, height) to draw the screen at: the window's own size."""
        try:
            _, _, w, h = cv2.getWindowImageRect(WINDOW)
        except cv2.error:
            w = h = 0
        if w < MIN_SCREEN or h < MIN_SCREEN:
            return FALLBACK_HEIGHT * 16 // 9, FALLBACK_HEIGHT
        return w, h

    def key(self, wait_ms: int) -> int:
        """The key pressed within ``wait_ms`` (its low byte), -1 when none or headless."""
        if not self.enabled:
            return -1
        k = cv2.waitKey(wait_ms)
        return -1 if k < 0 else k & 0xFF

    def show(self, frame: np.ndarray) -> int:
        """Show ``frame``; return the key pressed meanwhile (see :meth:`key`)."""
        cv2.imshow(WINDOW, frame)
        return self.key(RUNNING_KEY_WAIT_MS)

    def closed(self) -> bool:
        """True once the user closed the window."""
        try:
            return cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1
        except cv2.error:
            return True

    def hold_card(self, lines: list[str], stop: threading.Event | None) -> None:
        """The end-of-set card until a key (f toggles full screen), the window
        is closed, or ``stop`` is set."""
        while self.enabled and not (stop is not None and stop.is_set()):
            cv2.imshow(WINDOW, render_card(lines, self.screen_size()))
            key = self.key(CARD_KEY_WAIT_MS)
            if key == Key.FULLSCREEN:
                self.toggle_fullscreen()
            elif key >= 0 or self.closed():
                return

    def close(self) -> None:
        """Close every window (if any was opened)."""
        if self.enabled:
            cv2.destroyAllWindows()


class _LiveLoop:
    """The frame loop of :func:`run_live`: get, infer, analyse, draw, record, keys."""

    def __init__(self, source: FrameSource, exercise: str, th: Thresholds, window: _Window,
                 voice: Voice, record: Path | None, stills: StillKeeper | None,
                 stop: threading.Event | None,
                 max_seconds: float | None, on_rep: Callable[[RepVerdict], None] | None = None):
        self.source, self.exercise, self.th, self.on_rep = source, exercise, th, on_rep
        self.window, self.voice, self.record, self.stills = window, voice, record, stills
        self.stop, self.max_seconds = stop, max_seconds
        self.coach: LiveCoach | None = None
        self.writer = None
        self.record_error: str | None = None
        self.paused = False
        self.quit_by_user = False
        self.latencies: list[float] = []
        self.t0 = time.perf_counter()

    def _should_end(self) -> bool:
        """Time is up, or ``stop`` is set (which counts as the user quitting)."""
        if self.max_seconds is not None and time.perf_counter() - self.t0 > self.max_seconds:
            return True
        if self.stop is not None and self.stop.is_set():
            self.quit_by_user = True
            return True
        return False

    def _start(self, item: SourceFrame, stack: ExitStack) -> None:
        """The first frame: its size sets up the analyser, the window and the recorder."""

        h, w = item.bgr.shape[:2]
        self.coach = LiveCoach(self.exercise, self.th, (w, h), self.voice, self.stills, on_rep=self.on_rep)
        self.window.open()
        if self.record is not None:
            self.writer = stack.enter_context(VideoWriter(self.record, self.source.fps, (w, h),
                                                          on_failure=self._record_failed))

    def _record_failed(self, reason: str) -> None:
        """The recording turned out broken (a full disk): it alone is lost, the set is saved."""
        warn(f"annotated video not written: {reason}")
        self.record_error = reason

    def _on_key(self, key: int) -> bool:
        """Act on a key; False when it ends the set."""
        if key == Key.QUIT:
            self.quit_by_user = True
            return False
        if key == Key.PAUSE:
            self.paused = not self.paused
        elif key == Key.RESET and not self.paused:
            self.coach.reset()
        elif key == Key.MUTE and not self.paused:
            self.voice.muted = not self.voice.muted
        elif key == Key.FULLSCREEN:
            self.window.toggle_fullscreen()
        return True

    def _step(self, est: PoseEstimator, item: SourceFrame) -> bool:
        """One frame through the model, the analyser and the overlay; False to end."""
        fp = est.detect(item.bgr, item.t)
        self.coach.push(item.t, fp)
        self.latencies.append((time.perf_counter() - item.arrival) * 1000.0)
        self.coach.keep_still(item.bgr, fp)
        if not (self.window.enabled or self.writer is not None):
            return True
        state = self.coach.overlay_state(item.bgr, fp)
        if self.writer is not None:  # the annotated video, as analyze draws it
            frame = item.bgr.copy() if self.window.enabled else item.bgr
            self.writer.write(draw_overlay(frame, state), item.t)  # dropped frames: the previous one held
        if not self.window.enabled:
            return True
        picture = draw_overlay(item.bgr, state, SCREEN_ANNOTATORS)
        screen = render_screen(picture, self.coach.screen_view(state.status), self.window.screen_size())
        return self._on_key(self.window.show(screen))

    def run(self, est: PoseEstimator, stack: ExitStack) -> None:
        """Until the source ends, a key or ``stop`` ends the set, or time is up."""
        while not self._should_end():
            item = self.source.get(timeout=FRAME_WAIT_S)
            if item is None:
                if self.source.ended:
                    getattr(self.source, "check_complete", lambda: None)()  # a file: truncated?
                    return
                if self.coach is not None and not self._on_key(self.window.key(PAUSED_KEY_WAIT_MS)):
                    return   # a stream reconnecting: the window still answers its keys
                continue
            if self.coach is None:
                self._start(item, stack)
            if self.paused:  # the frame is skipped; only space (resume) and q act
                if not self._on_key(self.window.key(PAUSED_KEY_WAIT_MS)):
                    return
                continue
            if not self._step(est, item):
                return


def run_live(source: FrameSource, model_path: str | Path, exercise: str, th: Thresholds, *,
             window: bool = True, voice: Voice | None = None, record: Path | None = None,
             segmentation: bool = True, max_seconds: float | None = None,
             stills: StillKeeper | None = None,
             stop: threading.Event | None = None, fullscreen: bool = False,
             on_rep: Callable[[RepVerdict], None] | None = None) -> LiveResult:
    """The live loop. Returns when the source ends, on q, when ``stop`` is set
    (Ctrl-C, SIGTERM: the set ends as with q), or after ``max_seconds``.
    A file source that ended is checked as ``analyze`` checks it (truncation).

    ``stills`` (a :class:`~hingecheck.outputs.stills.StillKeeper`), if given, keeps
    a few downscaled frames of the set for the visual report. ``record``, if
    given, is written as the annotated video; it is kept only when the set
    ends without an error. ``on_rep`` is called with each rep's verdict as
    the rep ends (e.g. to print it when there is no window). With a window,
    the set's card is shown at the end until a key (not after ``stop``).
    """
    win = _Window(window, fullscreen)
    loop = _LiveLoop(source, exercise, th, win, voice or Voice(muted=True), record, stills, stop,
                     max_seconds, on_rep)
    with ExitStack() as stack:  # closed in reverse: recorder, model, window, source
        stack.callback(source.close)
        stack.callback(win.close)
        est = stack.enter_context(PoseEstimator(model_path, segmentation=segmentation))
        loop.run(est, stack)
        wall = time.perf_counter() - loop.t0
        if loop.coach is None:
            raise HingecheckError(source.error or f"{source.name} delivered no frame")
        analysis = loop.coach.analyzer.finish()
        source.close()   # nothing more to read while the card is up
        win.hold_card(set_card(analysis).lines(), stop)
    return LiveResult(analysis, len(loop.latencies), source.dropped, wall, loop.latencies, source.error,
                      loop.quit_by_user, getattr(source, "reconnects", 0), loop.record_error,
                      loop.coach.analyzer.revisions())
