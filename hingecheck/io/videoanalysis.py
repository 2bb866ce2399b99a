"""One video → one analysis: the path ``analyze`` and ``score`` share.

Decode and run the pose model (or read the landmarks a pose cache kept),
check the video was read whole and shows a person, then analyse the pose.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from hingecheck.core.analysis import Analysis, analyze_pose
from hingecheck.core.config import Thresholds
from hingecheck.core.errors import HingecheckError
from hingecheck.io.bundles import resolve_model
from hingecheck.io.extract import PoseRun, check_complete, extract_pose, load_pose_run, save_pose_run
from hingecheck.io.framerate import DEFAULT_ANALYSIS_FPS, DEFAULT_ANALYSIS_LONG_SIDE
from hingecheck.io.notice import warn
from hingecheck.io.pose import FramePose


@dataclass(frozen=True)
class VideoAnalysis:
    """An analysed video: its landmarks, the analysis, and where the time went (seconds)."""
    run: PoseRun
    analysis: Analysis
    pose_s: float        # decoding and the pose model (or reading the pose cache)
    analysis_s: float    # features, reps and rules

    @property
    def frames(self) -> int:
        return len(self.run.pose)

    def timing(self) -> dict:
        """The timing block of a report: seconds, and frames per second over the whole run."""
        total = self.pose_s + self.analysis_s
        return {"pose_s": round(self.pose_s, 3), "analysis_s": round(self.analysis_s, 4),
                "total_s": round(total, 3), "fps": round(self.frames / total, 1) if total > 0 else None}


def pose_run(video: str | Path, model_path: str | Path, *, pose_file: str | Path | None = None,
             segmentation: bool = True, progress: bool = False,
             on_pose: Callable[[int, np.ndarray, FramePose], None] | None = None,
             analysis_fps: float = DEFAULT_ANALYSIS_FPS, long_side: int = DEFAULT_ANALYSIS_LONG_SIDE,
             th: Thresholds | None = None) -> PoseRun:
    """The video's landmarks: from ``pose_file`` when it holds them, else from the
    pose model (and then kept in ``pose_file``, if one is named). ``analysis_fps``
    (frames per second, 0: every frame) and ``long_side`` (pixels, 0: the source's
    size): see :func:`~hingecheck.io.extract.extract_pose`; ``pose_file``'s name
    must say them (:func:`hingecheck.scoring.cache.pose_key`). ``th``: the thresholds
    the back curve is measured with (None: the built-in ones)."""
    run = load_pose_run(pose_file, th) if pose_file and Path(pose_file).is_file() else None
    if run is None:
        run = extract_pose(video, model_path, segmentation=segmentation, progress=progress, on_pose=on_pose,
                           analysis_fps=analysis_fps, long_side=long_side, th=th)
        if pose_file:
            _keep_pose_run(Path(pose_file), run)
    return run


def _keep_pose_run(pose_file: Path, run: PoseRun) -> None:
    """Keep the landmarks for the next run; a cache that cannot be written (a full disk)
    costs only the cache, with a warning."""
    try:
        pose_file.parent.mkdir(parents=True, exist_ok=True)
        save_pose_run(pose_file, run)
    except (OSError, HingecheckError) as exc:
        warn(f"pose cache {pose_file} not kept ({getattr(exc, 'strerror', None) or exc}); "
             "the clip is analysed all the same")


def analyze_video(video: str | Path, exercise: str, thresholds: Thresholds, model_path: str | Path, *,
                  pose_file: str | Path | None = None, segmentation: bool = True, progress: bool = False,
                  on_pose: Callable[[int, np.ndarray, FramePose], None] | None = None,
                  analysis_fps: float = DEFAULT_ANALYSIS_FPS,
                  long_side: int = DEFAULT_ANALYSIS_LONG_SIDE) -> VideoAnalysis:
    """Landmarks (see :func:`pose_run`: ``analysis_fps`` frames per second, 0 every
    frame; ``long_side`` pixels, 0 the source's size; the defaults are the
    command line's), the completeness checks, then :func:`analyze_pose`.
    ``model_path`` is a ``.task`` file or a model name (``lite``, ``full``,
    ``heavy``), found or downloaded as ``--model`` is
    (:func:`~hingecheck.io.bundles.resolve_model`).

    Raises :class:`~hingecheck.core.errors.HingecheckError` with a one-line
    message for an unreadable, truncated or sideways video, a video with no
    person, or a model that cannot load.
    """
    t0 = time.perf_counter()
    if not Path(model_path).is_file():
        model_path = resolve_model(model_path, progress=progress)
    run = pose_run(video, model_path, pose_file=pose_file, segmentation=segmentation, progress=progress,
                   on_pose=on_pose, analysis_fps=analysis_fps, long_side=long_side, th=thresholds)
    check_complete(run, video)
    t1 = time.perf_counter()
    analysis = analyze_pose(run.pose, exercise, thresholds)
    return VideoAnalysis(run, analysis, t1 - t0, time.perf_counter() - t1)


__all__ = ["VideoAnalysis", "analyze_video", "pose_run"]
