"""``hingecheck live``: coaching at the webcam, rep by rep (the edge).

Frames come from a camera or a file/URL on a background thread that keeps
only the newest frame, so when inference cannot keep up, stale frames are
dropped instead of queued and feedback never lags behind the body. Each
frame goes through the pose model and :class:`~hingecheck.core.stream.StreamingAnalyzer`
(the same geometry, rep and rule code as ``analyze``); a rep's verdict is
shown, and spoken or beeped, as soon as the rep is over.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from hingecheck.core.analysis import Analysis
from hingecheck.core.config import Thresholds
from hingecheck.core.errors import HingecheckError
from hingecheck.core.faults import FAULTS
from hingecheck.core.guidance import setup_guidance
from hingecheck.core.stream import StreamingAnalyzer
from hingecheck.io import _quiet  # noqa: F401  (before cv2)
from hingecheck.io.extract import frame_back_curvature
from hingecheck.io.framerate import FramePicker
from hingecheck.io.pose import PoseEstimator
from hingecheck.outputs.timeline import verdict_banner


@dataclass
class SourceFrame:
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


class Voice:
    """Speaks a cue (espeak-ng/espeak/spd-say/say when present) or beeps,
    at most once per ``cooldown_s`` so it does not nag."""

    ENGINES = ("espeak-ng", "espeak", "spd-say", "say")

    def __init__(self, muted: bool = False, cooldown_s: float = 4.0):
        self.muted = muted
        self.cooldown_s = cooldown_s
        self._last = -np.inf
        self.engine = next(filter(None, map(shutil.which, self.ENGINES)), None)
        self.spoken: list[str] = []

    def say(self, text: str) -> None:
        now = time.monotonic()
        if self.muted or now - self._last < self.cooldown_s:
            return
        self._last = now
        self.spoken.append(text)
        if self.engine:
            try:
                subprocess.Popen([self.engine, text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                return
            except OSError:
                pass
        if sys.stdout.isatty():
            sys.stdout.write("\a")
            sys.stdout.flush()


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
    analysis: Analysis
    frames: int
    dropped: int
    wall_s: float
    latencies_ms: list[float] = field(default_factory=list)
    source_error: str | None = None
    quit_by_user: bool = False

    def stats(self) -> dict:
        lat = np.asarray(self.latencies_ms)
        return {
            "frames_processed": self.frames, "frames_dropped": self.dropped,
            "processing_fps": round(self.frames / self.wall_s, 1) if self.wall_s > 0 else None,
            "latency_ms_median": round(float(np.median(lat)), 2) if lat.size else None,
            "latency_ms_p95": round(float(np.percentile(lat, 95)), 2) if lat.size else None,
            "source_error": self.source_error,
        }


def run_live(source: FrameSource, model_path: str | Path, exercise: str, th: Thresholds, *,
             window: bool = True, voice: Voice | None = None, record: Path | None = None,
             segmentation: bool = True, max_seconds: float | None = None, stills=None,
             stop: threading.Event | None = None) -> LiveResult:
    """The live loop. Returns when the source ends, on q, when ``stop`` is set
    (Ctrl-C, SIGTERM: the set ends as with q), or after ``max_seconds``.
    A file source that ended is checked as ``analyze`` checks it (truncation).

    ``stills`` (a :class:`~hingecheck.outputs.stills.StillKeeper`), if given, keeps
    a few downscaled frames of the set for the visual report.
    """
    from hingecheck.io.video import VideoWriter
    from hingecheck.outputs.annotate import OverlayState, draw_overlay

    voice = voice or Voice(muted=True)
    analyzer: StreamingAnalyzer | None = None
    latencies: list[float] = []
    banner, level = None, "info"
    paused = False
    quit_by_user = False
    writer = None
    writer_ctx = None
    frames = 0
    t0 = time.perf_counter()
    try:
        with PoseEstimator(model_path, segmentation=segmentation) as est:
            while True:
                if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
                    break
                if stop is not None and stop.is_set():
                    quit_by_user = True
                    break
                item = source.get(timeout=0.5)
                if item is None:
                    if source.ended:
                        getattr(source, "check_complete", lambda: None)()  # a file: truncated?
                        break
                    continue
                if analyzer is None:
                    h, w = item.bgr.shape[:2]
                    analyzer = StreamingAnalyzer(exercise, th, (w, h))
                    if window:
                        _open_window(w, h)
                    if record is not None:
                        ctx = VideoWriter(record, source.fps, (w, h))
                        writer = ctx.__enter__()  # (its own cleanup if this fails)
                        writer_ctx = ctx
                if paused:
                    key = cv2.waitKey(30) & 0xFF if window else -1
                    if key == ord(" "):
                        paused = False
                    elif key == ord("q"):
                        quit_by_user = True
                        break
                    continue
                fp = est.detect(item.bgr, item.t)
                curv = frame_back_curvature(fp, analyzer.facing) if analyzer.side is not None else float("nan")
                new = analyzer.push(item.t, fp.image, fp.visibility, curv)
                for v in new:
                    banner, level = verdict_banner(v)
                    if v.findings:
                        worst = max(v.findings, key=lambda f: f.severity)
                        voice.say(FAULTS[worst.fault].cue)
                latencies.append((time.perf_counter() - item.arrival) * 1000.0)
                frames += 1
                if stills is not None:  # after the verdict, before the overlay draws on the frame
                    stills.offer(len(analyzer) - 1, item.bgr, fp.image, fp.visibility)
                if window or writer is not None:
                    small = cv2.resize(item.bgr, (32, 18), interpolation=cv2.INTER_AREA)
                    luma = float(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).mean())
                    status = setup_guidance(fp.image if fp.detected else None, fp.visibility,
                                            analyzer.frame_size, luma, analyzer.side_on(), th.side_on_max,
                                            analyzer.calibration is not None or analyzer.rep_count > 0)
                    active = []
                    if analyzer.verdicts and analyzer.verdicts[-1].rep.end >= len(analyzer) - 30:
                        active = analyzer.verdicts[-1].faults
                    state = OverlayState(landmarks=fp.image if fp.detected else None, visibility=fp.visibility,
                                         side=analyzer.side.name if analyzer.side else "left",
                                         angles=analyzer.current_angles(), rep_count=analyzer.rep_count,
                                         phase=analyzer.phase, active_faults=list(active), banner=banner,
                                         banner_level=level, status=status)
                    frame = draw_overlay(item.bgr, state)
                    if writer is not None:
                        writer.write(frame, item.t)  # dropped frames: the previous one held
                    if window:
                        cv2.imshow(WINDOW, frame)
                        key = cv2.waitKey(1) & 0xFF
                        if key == ord("q"):
                            quit_by_user = True
                            break
                        if key == ord(" "):
                            paused = True
                        elif key == ord("r"):
                            analyzer = StreamingAnalyzer(exercise, th, analyzer.frame_size)
                            if stills is not None:
                                stills.reset()
                            banner, level = "set reset", "info"
                        elif key == ord("m"):
                            voice.muted = not voice.muted
    except BaseException as exc:
        if writer_ctx is not None:
            writer_ctx.__exit__(type(exc), exc, exc.__traceback__)
            writer_ctx = None
        raise
    finally:
        source.close()
        if window:
            cv2.destroyAllWindows()
    if writer_ctx is not None:
        writer_ctx.__exit__(None, None, None)
    wall = time.perf_counter() - t0
    if analyzer is None:
        raise HingecheckError(source.error or f"{source.name} delivered no frame")
    return LiveResult(analyzer.finish(), frames, source.dropped, wall, latencies, source.error, quit_by_user)
