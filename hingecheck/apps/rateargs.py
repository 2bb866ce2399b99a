"""The command line's analysis-rate and size options (``analyze``, ``score``, ``live``)."""

from __future__ import annotations

import argparse

from hingecheck.core.errors import HingecheckError
from hingecheck.io.framerate import (
    DEFAULT_ANALYSIS_FPS,
    DEFAULT_ANALYSIS_LONG_SIDE,
    check_analysis_fps,
    check_long_side,
)

#: the tallest annotated video ``--video-height`` accepts, in pixels (8K)
MAX_VIDEO_HEIGHT = 4320
#: the shortest, in pixels
MIN_VIDEO_HEIGHT = 64


def add_rate_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--analysis-fps", type=float, default=DEFAULT_ANALYSIS_FPS, metavar="N",
                   help=f"run the pose model on at most N frames a second, picked by timestamp "
                        f"(default {DEFAULT_ANALYSIS_FPS:g}; 0 = every frame)")


def add_analysis_args(p: argparse.ArgumentParser, video_height: bool = False) -> None:
    """``--analysis-fps`` and ``--analysis-size`` (and ``--video-height``)."""
    if video_height:
        add_video_height_arg(p)
    add_rate_arg(p)
    p.add_argument("--analysis-size", type=int, default=DEFAULT_ANALYSIS_LONG_SIDE, metavar="PX",
                   help=f"shrink larger frames to this long side (pixels) for the pose model "
                        f"(default {DEFAULT_ANALYSIS_LONG_SIDE}; 0 = the source's size)")


def add_video_height_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--video-height", type=int, default=None, metavar="PX",
                   help="height of the annotated video in pixels (default: the source's)")


def analysis_options(args: argparse.Namespace) -> tuple[float, int]:
    """(analysis rate in frames per second, long side in pixels) from ``args``; a one-line
    error for a bad value (``--video-height`` too)."""
    options = check_analysis_fps(args.analysis_fps), check_long_side(getattr(args, "analysis_size", 0))
    check_video_height(getattr(args, "video_height", None))
    return options


def check_video_height(px: int | None) -> int | None:
    """``px`` (pixels) if None or within 64..4320, else a one-line error."""
    if px is not None and not MIN_VIDEO_HEIGHT <= px <= MAX_VIDEO_HEIGHT:
        raise HingecheckError(f"--video-height must be {MIN_VIDEO_HEIGHT}-{MAX_VIDEO_HEIGHT} pixels, got {px}")
    return px
