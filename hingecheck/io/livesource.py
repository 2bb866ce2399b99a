"""The frames of a live set: a camera, a video file, or a stream URL (a phone).

Frames are read on a background thread that keeps only the newest frame, so
when inference cannot keep up, stale frames are dropped instead of queued
and feedback never lags behind the body. A file is paced at its own frame
rate (``realtime``) as if it were a camera. A stream (an RTSP or HTTP/MJPEG
URL, e.g. a phone's camera app) that drops is reconnected with a bounded
number of retries and growing waits; the set goes on across the gap (the
frames keep the stream's own clock), and only when every retry fails does
the source end with an error.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from hingecheck.core.errors import HingecheckError
from hingecheck.io import _quiet  # noqa: F401  (before cv2)
from hingecheck.io.extract import check_decoded
from hingecheck.io.framerate import FrameClock, FramePicker, source_fps
from hingecheck.io.video import probe

__all__ = ["FrameSource", "SourceFrame", "is_stream_url"]

#: how long opening a stream, and waiting for one of its frames, may take (ms)
STREAM_TIMEOUT_MS = 5000
#: waits before each reconnect attempt after a stream drops (s): bounded, growing
RECONNECT_WAITS_S = (0.5, 1.0, 2.0, 4.0, 8.0)


def is_stream_url(source: str) -> bool:
    """True for a network stream URL such as ``rtsp://...`` or ``http://.../video``."""
    return "://" in source and not source.lower().startswith("file://")


def _open(camera: int | None, source: str | None, stream: bool) -> cv2.VideoCapture:
    """A capture for the camera, the file or the stream (streams with timeouts)."""
    if source is None:
        return cv2.VideoCapture(int(camera))
    if stream:
        if source.lower().startswith("rtsp"):  # over TCP: no lost packets (smeared frames) on Wi-Fi
            os.environ.setdefault("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;tcp")
        return cv2.VideoCapture(source, cv2.CAP_FFMPEG, [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, STREAM_TIMEOUT_MS,
                                                         cv2.CAP_PROP_READ_TIMEOUT_MSEC, STREAM_TIMEOUT_MS])
    return cv2.VideoCapture(str(source))


@dataclass
class SourceFrame:
    """One frame of a :class:`FrameSource`: its number, time, pixels and arrival time."""

    seq: int
    t: float           # seconds, the source's own clock
    bgr: np.ndarray
    arrival: float     # time.perf_counter() when it became available


class FrameSource:
    """A camera, a video file or a stream URL read on a background thread.

    Only the newest frame is kept: :meth:`get` returns it, and a frame
    replaced before anyone took it counts in :attr:`dropped` (a file read
    with ``realtime=False`` waits for :meth:`get` instead: no frame dropped). A stream that
    drops is reopened after each of ``reconnect_waits`` (seconds, default
    :data:`RECONNECT_WAITS_S`) until it answers; :attr:`reconnects`
    counts the successes. ``on_event`` (if given) is told, in one line, of
    each drop and reconnect.
    """

    def __init__(self, camera: int | None = None, source: str | None = None, realtime: bool = True,
                 analysis_fps: float = 0.0, on_event: Callable[[str], None] | None = None,
                 reconnect_waits: tuple[float, ...] = RECONNECT_WAITS_S):
        self._picker = FramePicker(analysis_fps)  # frames per second analysed (0: every frame)
        self.name = f"camera {camera}" if source is None else str(source)
        self.is_file = source is not None and Path(source).exists()
        self.is_stream = source is not None and not self.is_file and is_stream_url(str(source))
        if source is not None and not self.is_file and not self.is_stream:
            raise HingecheckError(f"video not found: {source}")
        self.info = None
        if self.is_file:  # the checks analyze makes: a still image, an unreadable file
            self.info = probe(source)
        self._open = lambda: _open(camera, source, self.is_stream)
        self._cap = self._open()
        if not self._cap.isOpened():
            self._cap.release()
            raise HingecheckError(self._cannot_open(camera))
        self.fps = source_fps(self._cap.get(cv2.CAP_PROP_FPS))  # frames per second
        self._frame_clock = FrameClock(self.fps)
        self.realtime = realtime
        #: a file not paced at real time hands over every frame (the reader waits for
        #: :meth:`get`), so ``live --source FILE --as-fast-as-possible`` sees what ``analyze`` sees
        self.lossless = self.is_file and not realtime
        self.on_event = on_event
        self.reconnect_waits = reconnect_waits
        self.dropped = 0
        self.frames_read = 0
        self.reconnects = 0
        self.last_t = 0.0
        self.error: str | None = None
        self.ended = False
        self._item: SourceFrame | None = None
        self._cv = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _cannot_open(self, camera: int | None) -> str:
        """The one-line error when the source does not open."""
        if self.is_stream:
            return (f"cannot connect to {self.name}: check the address, that the phone's camera app is "
                    "serving, and that the phone and this computer are on the same network")
        if self.is_file:
            return f"cannot open video source {self.name}"
        return (f"camera {camera} is not available (no camera, or in use by another "
                "program); try --camera 1, or --source FILE")

    def _tell(self, message: str) -> None:
        if self.on_event is not None:
            self.on_event(message)

    def _reconnect(self) -> bool:
        """Reopen a dropped stream, waiting longer before each try; False when every try failed."""
        self._cap.release()
        tries = len(self.reconnect_waits)
        for i, wait in enumerate(self.reconnect_waits, 1):
            self._tell(f"{self.name}: the stream dropped; reconnecting ({i}/{tries})")
            if self._stop.wait(wait):
                return False
            self._cap = self._open()
            if self._cap.isOpened():
                self.reconnects += 1
                self._tell(f"{self.name}: reconnected; the set goes on")
                return True
            self._cap.release()
        self.error = (f"{self.name}: the stream dropped and {tries} reconnects over "
                      f"{sum(self.reconnect_waits):.0f} s failed (is the phone's camera app still serving?)")
        return False

    def _read(self, seq: int) -> np.ndarray | None:
        """The next frame; None at the end (``error`` says why, if it is one)."""
        while not self._stop.is_set():
            ok, frame = self._cap.read()
            if ok and frame is not None:
                return frame
            if self.is_stream and seq > 0:
                if self._reconnect():
                    continue
                return None
            if not self.is_file and seq > 0:
                self.error = f"{self.name} stopped delivering frames (unplugged?)"
            elif seq == 0:
                self.error = f"{self.name} delivered no frame"
            return None
        return None

    def _clock(self, start: float) -> float:
        """The frame's time (s): a file's own timestamps (repaired by a
        :class:`~hingecheck.io.framerate.FrameClock`, paced if ``realtime``), else the wall clock."""
        if not self.is_file:
            return time.perf_counter() - start
        t = self._frame_clock.next(self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
        if self.realtime:
            delay = start + t - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        return t

    def _run(self) -> None:
        start = time.perf_counter()
        seq = 0
        try:
            while not self._stop.is_set():
                frame = self._read(seq)
                if frame is None:
                    break
                t = self.last_t = self._clock(start)
                if not self._picker.keep(t):
                    continue
                item = SourceFrame(seq, t, frame, time.perf_counter())
                with self._cv:
                    while self.lossless and self._item is not None and not self._stop.is_set():
                        self._cv.wait(0.5)  # an unpaced file waits for its reader: no frame lost
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
            self._cv.notify()
            return item

    def check_complete(self) -> None:
        """A file that ended: raise, as ``analyze`` does, if it is truncated or corrupt."""
        if self.info is None or not self.ended:
            return
        check_decoded(self.name, frames_read=self._picker.seen, frame_count=self.info.frame_count,
                      decoded_s=self.last_t + 1.0 / self.fps if self.frames_read else 0.0,
                      duration_s=self.info.duration_s)

    def close(self) -> None:
        self._stop.set()
        with self._cv:
            self._item = None
            self._cv.notify_all()
        self._thread.join(timeout=2)
