"""Video input and output (OpenCV), kept at the edge of the package.

Frames are decoded on a background thread into a small bounded queue so
decoding overlaps inference; frames come out upright (OpenCV applies the
container's rotation metadata). The writer encodes on its own thread and
writes atomically.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

from hingecheck.core.errors import HingecheckError
from hingecheck.io import _quiet  # noqa: F401  (before cv2)
from hingecheck.io.atomic import atomic_path, check_writable, in_place
from hingecheck.io.framerate import FrameClock, FramePicker, check_long_side, downscale, source_fps
from hingecheck.io.notice import warn
from hingecheck.io.videocheck import verify_video

_END = object()


@dataclass(frozen=True)
class VideoInfo:
    path: str
    width: int
    height: int
    fps: float        # frames per second (:func:`~hingecheck.io.framerate.source_fps`: a rate outside its range is 30)
    frame_count: int  # as the container reports it; may be approximate
    duration_s: float | None = None  # presented duration (edit lists honoured), None if unknown


def presented_duration(path: str | Path) -> float | None:
    """The video stream's presented duration in seconds, from PyAV.

    The demuxer applies the container's edit list (a phone's "trim"), so a
    trimmed video reports the duration a player shows, not the span of
    every stored sample. None when PyAV is missing or the file gives none.
    """
    try:
        import av
    except ImportError:  # pragma: no cover - av is a dependency
        return None
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
            if container.duration:
                return container.duration / 1e6
    except (av.FFmpegError, OSError, UnicodeDecodeError) as exc:  # a container PyAV cannot parse
        warn(f"cannot read the presented duration of {path} ({exc}): the truncation check "
             "counts frames instead")
        return None
    return None


def _open(path: str | Path) -> cv2.VideoCapture:
    p = Path(path)
    if not p.exists():
        raise HingecheckError(f"video not found: {p}")
    if p.is_dir():
        raise HingecheckError(f"expected a video file, got a directory: {p}")
    cap = cv2.VideoCapture(str(p))
    if not cap.isOpened():
        raise HingecheckError(f"cannot open video {p}: not a readable video file")
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


def probe(path: str | Path) -> VideoInfo:
    """Open ``path``, decode its first frame, and describe it.

    Raises :class:`HingecheckError` for a missing, unreadable or empty file,
    and for a still image (one frame, or no frame rate).
    """
    cap = _open(path)
    try:
        ok, frame = cap.read()
        if not ok or frame is None:
            raise HingecheckError(f"cannot read video {path}: no decodable frame (corrupt or empty file)")
        fps = cap.get(cv2.CAP_PROP_FPS)
        if not np.isfinite(fps) or fps <= 0:
            raise HingecheckError(f"{path} has no frame rate: a still image, not a video")
        if not cap.grab():
            raise HingecheckError(f"{path} has a single frame: a still image, not a video (film the set)")
        return VideoInfo(str(path), frame.shape[1], frame.shape[0], source_fps(fps),
                         int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), presented_duration(path))
    finally:
        cap.release()


@dataclass
class Frame:
    index: int        # in the video: skipped frames count too
    timestamp: float  # seconds, strictly increasing
    bgr: np.ndarray   # at the analysis size (see ``scale``)
    scale: float = 1.0  # analysis pixels per source pixel (1: the source's size)


class FrameReader:
    """Iterate a video's frames, decoded on a background thread.

    Timestamps come from the container (``CAP_PROP_POS_MSEC``) when they
    increase, else from the frame rate. A decode error midway (truncated
    file) ends the stream; :attr:`error` then says why, and
    :attr:`frames_read` how far it got (every frame, skipped ones too).

    ``analysis_fps`` (frames per second, 0: every frame) yields only the
    frames a :class:`~hingecheck.io.framerate.FramePicker` keeps; the others
    are grabbed but never retrieved (no colour conversion, no copy).
    ``long_side`` (pixels, 0: the source's size) shrinks each yielded frame
    once, here on the decoding thread (:func:`~hingecheck.io.framerate.downscale`).
    """

    def __init__(self, path: str | Path, queue_size: int = 8, *, analysis_fps: float = 0.0,
                 long_side: int = 0):
        self.info = probe(path)
        self._picker = FramePicker(analysis_fps)
        self._long_side = check_long_side(long_side)
        self._cap = _open(path)
        self._q: queue.Queue = queue.Queue(maxsize=queue_size)
        self._stop = threading.Event()
        self.frames_read = 0
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        clock = FrameClock(self.info.fps)
        idx = 0
        try:
            while not self._stop.is_set():
                if not self._cap.grab():
                    break
                t = clock.next(self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
                idx += 1
                if not self._picker.keep(t):
                    continue  # grabbed, not retrieved
                ok, frame = self._cap.retrieve()
                if not ok or frame is None:
                    break
                small, scale = downscale(frame, self._long_side)
                self._put(Frame(idx - 1, t, small, scale))
        except Exception as exc:  # decoder failure: report, don't crash the consumer
            self.error = str(exc)
        finally:
            self.frames_read = idx
            self._cap.release()
            self._put(_END)

    def _put(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator[Frame]:
        while True:
            item = self._q.get()
            if item is _END:
                return
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def __enter__(self) -> "FrameReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


FOURCC = "mp4v"


def check_encodable(path: str | Path) -> None:
    """Fail now, in one line, if no encoder writes ``path``'s format (before a long pose pass).
    Opens a writer on a temporary file beside it and removes it; an output written in
    place (``/dev/null``) is not tried."""
    import os
    import tempfile

    p = check_writable(path)
    if in_place(p):
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=f".tmp{p.suffix}", dir=p.parent)
    os.close(fd)
    try:
        writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*FOURCC), 30.0, (64, 64))
        ok = writer.isOpened()
        writer.release()
    finally:
        Path(tmp).unlink(missing_ok=True)
    if not ok:
        raise HingecheckError(f"cannot write video {p}: no encoder for {p.suffix or 'a name without extension'}"
                              " (use .mp4)")


class VideoWriter:
    """Write BGR frames to an mp4 on a background thread, atomically.

    Use as a context manager: the file appears at ``path`` only when the
    block ends without error and the finished file holds every frame written
    (:func:`~hingecheck.io.videocheck.verify_video`: OpenCV itself reports no
    failed write, e.g. on a full disk); otherwise nothing is left behind and
    an existing file at ``path`` is untouched.

    Frames written with their timestamp (``write(frame, t)``) keep their own
    timing at the writer's constant rate: a gap (dropped frames, a
    variable-frame-rate input) repeats the previous frame, so the video plays
    at the speed it was filmed.
    """

    #: the longest gap filled by repeating a frame, in seconds
    MAX_GAP_S = 60.0

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], queue_size: int = 16,
                 on_failure: Callable[[str], None] | None = None):
        self.on_failure = on_failure  # given: a video found broken on closing is reported to it, not raised
        self.path = Path(path)
        self.fps = fps
        self.size = size
        sfx = None
        if in_place(self.path) and self.path.suffix.lower() not in (".mp4", ".avi", ".mov", ".mkv", ".m4v"):
            sfx = ".mp4"  # /dev/null, a FIFO: encoded as mp4, then copied in
        self._ctx = atomic_path(self.path, suffix=sfx, copy_in_place=True)
        self._q: queue.Queue = queue.Queue(maxsize=queue_size)
        self._thread: threading.Thread | None = None
        self.error: str | None = None
        self.frames_written = 0
        self._t0: float | None = None
        self._last: np.ndarray | None = None

    def __enter__(self) -> "VideoWriter":
        tmp = self._tmp = self._ctx.__enter__()
        try:  # whatever stops us here (a signal while the encoder opens) removes the temporary file
            self._writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*FOURCC), self.fps, self.size)
            if not self._writer.isOpened():
                raise HingecheckError(f"cannot write video {self.path}: no encoder for this format")
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        except BaseException as exc:
            self._ctx.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def _run(self) -> None:
        while True:
            item = self._q.get()
            if item is _END:
                return
            try:
                self._writer.write(item)
            except Exception as exc:  # pragma: no cover - encoder failure
                self.error = str(exc)

    def write(self, frame_bgr: np.ndarray, t: float | None = None) -> None:
        """Queue a frame; with ``t`` (seconds), first repeat the previous frame up to ``t``'s slot."""
        if self.error:
            raise HingecheckError(f"cannot write video {self.path}: {self.error}")
        if t is not None and np.isfinite(t):
            if self._t0 is None:
                self._t0 = t
            due = int(round((t - self._t0) * self.fps))
            due = min(due, self.frames_written + int(self.MAX_GAP_S * self.fps))
            while self._last is not None and self.frames_written < due:
                self._q.put(self._last)
                self.frames_written += 1
        self._q.put(frame_bgr)
        self.frames_written += 1
        self._last = frame_bgr

    def __exit__(self, exc_type, exc, tb) -> bool:
        self._q.put(_END)
        if self._thread is not None:
            self._thread.join()
        self._writer.release()
        if exc_type is None:
            try:  # OpenCV reports no failed write: the finished file must prove itself whole
                if self.error:
                    raise HingecheckError(f"cannot write video {self.path}: {self.error}")
                verify_video(self._tmp, self.frames_written, self.fps, self.path)
            except HingecheckError as failed:
                self._ctx.__exit__(HingecheckError, failed, None)  # removes the temporary file
                if self.on_failure is None:
                    raise
                self.on_failure(str(failed))
                return False
        return bool(self._ctx.__exit__(exc_type, exc, tb))
