"""Checks made before the pose model starts: is there room for the outputs?

The folders' existence and permissions are checked by
:func:`hingecheck.io.atomic.check_writable`; here the free space. The annotated
video's size is estimated from the source's frame count and the output's
pixels; the estimate errs high (about twice what the committed sample clips
take), so a refusal means the video would very likely not fit. The writer's own
check (:func:`hingecheck.io.videocheck.verify_video`) still guards the case the
estimate misses.
"""

from __future__ import annotations

import os
from pathlib import Path

from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import in_place
from hingecheck.io.video import probe
from hingecheck.io.videocheck import free_mb
from hingecheck.outputs.render import output_size

#: estimated bytes per output pixel per frame of the annotated mp4v video (the
#: committed 640x480 samples take 0.014)
VIDEO_BYTES_PER_PIXEL = 0.03
#: room kept for each report, JSON or HTML (bytes; a 4-rep set takes 4 KB and 0.1 MB)
REPORT_BYTES = 250_000


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def check_space(folder: str | os.PathLike, need_bytes: float, what: str, way_out: str) -> None:
    """Raise a one-line :class:`HingecheckError` if ``folder`` has less than ``need_bytes``
    free for ``what`` (unknown free space passes)."""
    free = free_mb(folder)
    if free is not None and free * 1e6 < need_bytes:
        raise HingecheckError(f"not enough space for {what}: about {need_bytes / 1e6:.1f} MB needed, "
                              f"{free:.1f} MB free in {folder}; {way_out}")


def video_bytes_estimate(frames: int, size: tuple[int, int]) -> float:
    """Estimated bytes of an annotated video of ``frames`` frames of ``size`` (width, height) pixels."""
    return max(frames, 1) * size[0] * size[1] * VIDEO_BYTES_PER_PIXEL


def check_analyze_space(video: Path, video_out: Path | None, reports: list[Path], video_height: int | None) -> None:
    """Room for ``analyze``'s outputs: the annotated video's estimate in its folder, and
    :data:`REPORT_BYTES` beside each report (outputs written in place are not checked)."""
    need: dict[Path, float] = {}
    for r in reports:
        if r is not None and not in_place(r):
            need[_folder(r).resolve()] = need.get(_folder(r).resolve(), 0.0) + REPORT_BYTES
    if video_out is not None and not in_place(video_out):
        info = probe(video)
        frames = info.frame_count if info.frame_count > 0 else int((info.duration_s or 0) * info.fps)
        est = video_bytes_estimate(frames, output_size(info.width, info.height, video_height))
        folder = _folder(video_out).resolve()
        if est + need.get(folder, 0.0) > 0:
            check_space(folder, est + need.pop(folder, 0.0), f"the annotated video {video_out}",
                        "free some space, write it elsewhere (--video OUT), make it smaller "
                        "(--video-height PX) or leave it out (--no-video)")
    for folder, b in need.items():
        check_space(folder, b, "the reports", "free some space or write the reports elsewhere (--json OUT, --html OUT)")


__all__ = ["check_analyze_space", "check_space", "video_bytes_estimate"]
