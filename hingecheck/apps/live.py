"""``hingecheck live``: coaching at the webcam, rep by rep (the edge).

Frames come from a camera or a file/URL on a background thread that keeps
only the newest frame, so when inference cannot keep up, stale frames are
dropped instead of queued and feedback never lags behind the body. Each
frame goes through the pose model and :class:`~hingecheck.core.stream.StreamingAnalyzer`
(the same geometry, rep and rule code as ``analyze``); a rep's verdict is
shown, and spoken or beeped, as soon as the rep is over.
"""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path

import cv2
import numpy as np

from hingecheck.apps.coach import LiveCoach
from hingecheck.apps.voice import Voice
from hingecheck.core.analysis import Analysis
from hingecheck.core.config import Thresholds
from hingecheck.core.errors import HingecheckError
from hingecheck.io import _quiet  # noqa: F401  (before cv2)
from hingecheck.io.framerate import FramePicker
from hingecheck.io.pose import PoseEstimator
from hingecheck.outputs.annotate import draw_overlay
from hingecheck.outputs.stills import StillKeeper

__all__ = ["FrameSource", "LiveResult", "SourceFrame", "Voice", "run_live"]

#: how long one wait for a frame lasts before the loop checks its stop conditions (s)
FRAME_WAIT_S = 0.5
#: how long the window waits for a key (ms): while paused, and after each frame
PAUSED_KEY_WAIT_MS = 30
RUNNING_KEY_WAIT_MS = 1


@dataclass
class SourceFrame:
    """One frame of a :class:`FrameSource`: its number, time, pixels and arrival time."""

    seq: int
    t: float           # seconds, the source's own clock
    bgr: np.ndarray
    arrival: float     # time.perf_counter() when it became available


class FrameSource:
    """A camera or a video file/URL read on a background thread.

    Only the newest frame is kept: :meth:`get` returns it, and a frame
    replaced before anyone took it counts in :attr:`dropped`. A file is
    paced at its own frame rate (``realtime``) as if it were a camera.
    """

    def __init__(self, camera: int | None = None, source: str | None = None, realtime: bool = True,
                 analysis_fps: float = 0.0):
        self._picker = FramePicker(analysis_fps)  # frames per second analysed (0: every frame)
        self.name = f"camera {camera}" if source is None else str(source)
        self.is_file = source is not None and Path(source).exists()
        if source is not None and not self.is_file and "://" not in str(source):
            raise HingecheckError(f"video not found: {source}")
        self.info = None
        if self.is_file:  # the checks analyze makes: a still image, an unreadable file
            from hingecheck.io.video import probe
            self.info = probe(source)
        self._cap = cv2.VideoCapture(int(camera) if source is None else str(source))
        if not self._cap.isOpened():
            if source is None:
                raise HingecheckError(f"camera {camera} is not available (no camera, or in use by another "
                                      "program); try --camera 1, or --source FILE")
            raise HingecheckError(f"cannot open video source {source}")
        self.fps = self._cap.get(cv2.CAP_PROP_FPS)
        if not np.isfinite(self.fps) or self.fps <= 1 or self.fps > 240:
            self.fps = 30.0
        self.realtime = realtime
        self.dropped = 0
        self.frames_read = 0
        self.last_t = 0.0
        self.error: str | None = None
        self.ended = False
        self._item: SourceFrame | None = None
        self._cv = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        start = time.perf_counter()
        seq = 0
        last_t = -1.0
        try:
            while not self._stop.is_set():
                ok, frame = self._cap.read()
                if not ok or frame is None:
                    if not self.is_file and seq > 0:
                        self.error = f"{self.name} stopped delivering frames (unplugged?)"
                    elif seq == 0:
                        self.error = f"{self.name} delivered no frame"
                    break
                if self.is_file:
                    t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                    if not np.isfinite(t) or t <= last_t:
                        t = last_t + 1.0 / self.fps if seq else 0.0
                    if self.realtime:
                        delay = start + t - time.perf_counter()
                        if delay > 0:
                            time.sleep(delay)
                else:
                    t = time.perf_counter() - start
                last_t = self.last_t = t
                if not self._picker.keep(t):
                    continue
                item = SourceFrame(seq, t, frame, time.perf_counter())
                with self._cv:
                    if self._item is not None:
                        self.dropped += 1
                    self._item = item
                    self._cv.notify()
                seq += 1
                self.frames_read = seq
        except Exception as exc:  # a driver error mid-set: report it, keep what was done
            self.error = f"{self.name} failed: {exc}"
        finally:
            self._cap.release()
            with self._cv:
                self.ended = True
                self._cv.notify()

    def get(self, timeout: float = 1.0) -> SourceFrame | None:
        """The newest frame not yet taken; None when the source has ended."""
        with self._cv:
            end = time.perf_counter() + timeout
            while self._item is None and not self.ended:
                left = end - time.perf_counter()
                if left <= 0:
                    return None
                self._cv.wait(left)
            item, self._item = self._item, None
            return item

    def check_complete(self) -> None:
        """A file that ended: raise, as ``analyze`` does, if it is truncated or corrupt."""
        if self.info is None or not self.ended:
            return
        from hingecheck.io.extract import check_decoded
        check_decoded(self.name, frames_read=self._picker.seen, frame_count=self.info.frame_count,
                      decoded_s=self.last_t + 1.0 / self.fps if self.frames_read else 0.0,
                      duration_s=self.info.duration_s)

    def close(self) -> None:
        self._stop.set()
        with self._cv:
            self._item = None
        self._thread.join(timeout=2)


WINDOW = "hingecheck live"
#: the window's height on screen, in pixels: big enough to read from 2-3 m
WINDOW_HEIGHT = 900


def _open_window(w: int, h: int) -> None:
    """A resizable window without toolbar, scaled to :data:`WINDOW_HEIGHT`
    (the screen scales the picture; nothing is redrawn for it)."""
    flags = cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO | getattr(cv2, "WINDOW_GUI_NORMAL", 0)
    cv2.namedWindow(WINDOW, flags)
    scale = WINDOW_HEIGHT / h
    cv2.resizeWindow(WINDOW, int(round(w * scale)), WINDOW_HEIGHT)


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
    record_error: str | None = None  # why the recording was not kept (it alone is lost)

    def stats(self) -> dict:
        """Frames processed and dropped, frame rate, latency median and 95th percentile."""
        lat = np.asarray(self.latencies_ms)
        return {
            "frames_processed": self.frames, "frames_dropped": self.dropped,
            "processing_fps": round(self.frames / self.wall_s, 1) if self.wall_s > 0 else None,
            "latency_ms_median": round(float(np.median(lat)), 2) if lat.size else None,
            "latency_ms_p95": round(float(np.percentile(lat, 95)), 2) if lat.size else None,
            "source_error": self.source_error,
        }




class Key(IntEnum):
    """The window's keys."""

    QUIT = ord("q")
    PAUSE = ord(" ")
    RESET = ord("r")
    MUTE = ord("m")


class _Window:
    """The on-screen window, or nothing when ``enabled`` is false (headless)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def open(self, w: int, h: int) -> None:
        """Open the window for frames of ``w`` x ``h`` pixels."""
        if self.enabled:
            _open_window(w, h)

    def key(self, wait_ms: int) -> int:
        """The key pressed within ``wait_ms`` (its low byte), -1 when none or headless."""
        return cv2.waitKey(wait_ms) & 0xFF if self.enabled else -1

    def show(self, frame: np.ndarray) -> int:
        """Show ``frame``; return the key pressed meanwhile (see :meth:`key`)."""
        cv2.imshow(WINDOW, frame)
        return self.key(RUNNING_KEY_WAIT_MS)

    def close(self) -> None:
        """Close every window (if any was opened)."""
        if self.enabled:
            cv2.destroyAllWindows()


class _LiveLoop:
    """The frame loop of :func:`run_live`: get, infer, analyse, draw, record, keys."""

    def __init__(self, source: FrameSource, exercise: str, th: Thresholds, window: _Window,
                 voice: Voice, record: Path | None, stills: StillKeeper | None,
                 stop: threading.Event | None,
                 max_seconds: float | None):
        self.source, self.exercise, self.th = source, exercise, th
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
        from hingecheck.io.video import VideoWriter

        h, w = item.bgr.shape[:2]
        self.coach = LiveCoach(self.exercise, self.th, (w, h), self.voice, self.stills)
        self.window.open(w, h)
        if self.record is not None:
            self.writer = stack.enter_context(VideoWriter(self.record, self.source.fps, (w, h),
                                                          on_failure=self._record_failed))

    def _record_failed(self, reason: str) -> None:
        """The recording turned out broken (a full disk): it alone is lost, the set is saved."""
        from hingecheck.io.notice import warn
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
        return True

    def _step(self, est: PoseEstimator, item: SourceFrame) -> bool:
        """One frame through the model, the analyser and the overlay; False to end."""
        fp = est.detect(item.bgr, item.t)
        self.coach.push(item.t, fp)
        self.latencies.append((time.perf_counter() - item.arrival) * 1000.0)
        self.coach.keep_still(item.bgr, fp)
        if not (self.window.enabled or self.writer is not None):
            return True
        frame = draw_overlay(item.bgr, self.coach.overlay_state(item.bgr, fp))
        if self.writer is not None:
            self.writer.write(frame, item.t)  # dropped frames: the previous one held
        return self._on_key(self.window.show(frame)) if self.window.enabled else True

    def run(self, est: PoseEstimator, stack: ExitStack) -> None:
        """Until the source ends, a key or ``stop`` ends the set, or time is up."""
        while not self._should_end():
            item = self.source.get(timeout=FRAME_WAIT_S)
            if item is None:
                if self.source.ended:
                    getattr(self.source, "check_complete", lambda: None)()  # a file: truncated?
                    return
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
             stop: threading.Event | None = None) -> LiveResult:
    """The live loop. Returns when the source ends, on q, when ``stop`` is set
    (Ctrl-C, SIGTERM: the set ends as with q), or after ``max_seconds``.
    A file source that ended is checked as ``analyze`` checks it (truncation).

    ``stills`` (a :class:`~hingecheck.outputs.stills.StillKeeper`), if given, keeps
    a few downscaled frames of the set for the visual report. ``record``, if
    given, is written as the annotated video; it is kept only when the set
    ends without an error.
    """
    win = _Window(window)
    loop = _LiveLoop(source, exercise, th, win, voice or Voice(muted=True), record, stills, stop,
                     max_seconds)
    with ExitStack() as stack:  # closed in reverse: recorder, model, window, source
        stack.callback(source.close)
        stack.callback(win.close)
        est = stack.enter_context(PoseEstimator(model_path, segmentation=segmentation))
        loop.run(est, stack)
    wall = time.perf_counter() - loop.t0
    if loop.coach is None:
        raise HingecheckError(source.error or f"{source.name} delivered no frame")
    return LiveResult(loop.coach.analyzer.finish(), len(loop.latencies), source.dropped, wall,
                      loop.latencies, source.error, loop.quit_by_user, loop.record_error)
