"""Video → landmarks: the edge that runs decoding and MediaPipe.

Streams frames (decoded on a background thread), keeps only per-frame
numbers (landmarks and the back-contour measure from the mask), never the
images, so memory does not grow with the video's length beyond a few
hundred bytes a frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .backline import back_curvature
from .errors import HingecheckError
from .geometry import choose_side, facing_direction
from .landmarks import NUM_LANDMARKS, SIDES, PoseSequence
from .pose import FramePose, PoseEstimator
from .video import FrameReader


@dataclass
class PoseRun:
    pose: PoseSequence
    frames_read: int
    frame_count: int
    decode_error: str | None


def _curvatures(fp: FramePose) -> np.ndarray:
    """(2 sides × 2 facings) back curvature of one frame; NaN if unmeasurable."""
    out = np.full(4, np.nan)
    if fp.mask is None or not fp.detected:
        return out
    k = 0
    for side in SIDES:
        for facing in (1.0, -1.0):
            out[k] = back_curvature(fp.mask, fp.image[side.shoulder], fp.image[side.hip], facing)
            k += 1
    return out


def extract_pose(video: str | Path, model_path: str | Path, *, segmentation: bool = True,
                 progress: bool = True, on_frame: Callable[[int], None] | None = None) -> PoseRun:
    """Run the Pose Landmarker over every frame of ``video`` (VIDEO mode).

    A frame with no person is a NaN row. Raises :class:`HingecheckError`
    for unreadable video or model.
    """
    from tqdm import tqdm

    with FrameReader(video) as reader, PoseEstimator(model_path, segmentation=segmentation) as est:
        info = reader.info
        n_hint = info.frame_count if info.frame_count > 0 else None
        image, world, vis, pres, ts, curv = [], [], [], [], [], []
        bar = tqdm(total=n_hint, unit="frame", desc=Path(video).name, disable=None if progress else True,
                   leave=False, dynamic_ncols=True)
        try:
            for frame in reader:
                fp = est.detect(frame.bgr, frame.timestamp)
                image.append(fp.image)
                world.append(fp.world)
                vis.append(fp.visibility)
                pres.append(fp.presence)
                ts.append(frame.timestamp)
                if segmentation:
                    curv.append(_curvatures(fp))
                bar.update(1)
                if on_frame is not None:
                    on_frame(frame.index)
        finally:
            bar.close()
        frames_read, err = reader.frames_read, reader.error
    n = len(ts)
    if n == 0:
        raise HingecheckError(f"cannot read video {video}: no decodable frame")
    pose = PoseSequence(np.stack(image), np.stack(world), np.stack(vis), np.stack(pres),
                        np.asarray(ts), (info.width, info.height))
    if segmentation:
        side = choose_side(pose.visibility)
        facing = facing_direction(pose.image, side)
        col = SIDES.index(side) * 2 + (0 if facing > 0 else 1)
        pose.back_curvature = np.stack(curv)[:, col]
    return PoseRun(pose, frames_read, info.frame_count, err)


def check_complete(run: PoseRun, video: str | Path) -> None:
    """Raise if the video looks truncated or if no person was ever seen."""
    if run.decode_error:
        raise HingecheckError(f"video {video} is corrupt: decoding failed after {run.frames_read} frames ({run.decode_error})")
    if run.frame_count > 10 and run.frames_read < 0.9 * run.frame_count:
        raise HingecheckError(
            f"video {video} is truncated or corrupt: decoded {run.frames_read} of {run.frame_count} frames")
    if not run.pose.detected.any():
        raise HingecheckError(f"no person found in {video}: film the whole body, side-on, in good light")


__all__ = ["PoseRun", "extract_pose", "check_complete", "NUM_LANDMARKS"]
