"""Is a finished video whole? Checked before it replaces anything.

OpenCV's writer does not report a failed write: on a full disk FFmpeg only
logs ``Failed to write frame`` and the file is left without its index (no
``moov`` atom). So the finished temporary file is opened with PyAV (its
container parsed, every packet counted, nothing decoded) and must hold the
frames that were written and last as long as they should.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hingecheck.core.errors import HingecheckError

#: the duration may differ from frames / fps by this many frame periods (container rounding)
DURATION_SLACK_FRAMES = 2


def free_mb(folder: str | os.PathLike) -> float | None:
    """Free space (MB) of the filesystem holding ``folder``; None if it cannot be read."""
    try:
        return shutil.disk_usage(folder).free / 1e6
    except OSError:
        return None


def count_frames(path: str | os.PathLike) -> tuple[int, float | None]:
    """(video packets, presented duration in seconds or None) of ``path``, from its container.

    Raises :class:`HingecheckError` if PyAV cannot open it as a video."""
    import av
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise HingecheckError("it holds no video stream")
            stream = container.streams.video[0]
            n = sum(1 for p in container.demux(stream) if p.size)
            dur = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else None
            return n, dur
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise HingecheckError(f"the container cannot be read: {getattr(exc, 'strerror', None) or exc}") from None


def verify_video(path: str | os.PathLike, frames: int, fps: float, target: str | os.PathLike) -> None:
    """Raise a one-line :class:`HingecheckError` naming ``target`` unless the file at
    ``path`` is a readable video of ``frames`` frames lasting ``frames / fps`` seconds."""
    folder = Path(target).parent if str(Path(target).parent) else Path(".")
    space = free_mb(folder)
    hint = "is the disk full?" + ("" if space is None else f" {space:.1f} MB free in {folder}")
    try:
        n, dur = count_frames(path)
    except HingecheckError as exc:
        raise HingecheckError(f"cannot write video {target}: the encoder's output is unreadable, {exc} "
                              f"({hint})") from None
    if n != frames:
        raise HingecheckError(f"cannot write video {target}: the encoder kept {n} of {frames} frames ({hint})")
    if dur is not None and frames and abs(dur - frames / fps) > DURATION_SLACK_FRAMES / fps:
        raise HingecheckError(f"cannot write video {target}: it lasts {dur:.2f} s instead of "
                              f"{frames / fps:.2f} s ({hint})")


__all__ = ["count_frames", "free_mb", "verify_video"]
