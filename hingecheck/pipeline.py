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
from .buffers import GrowBuffer
from .landmarks import NUM_LANDMARKS, Landmark, PoseSequence
from .pose import FramePose, PoseEstimator
from .video import FrameReader


@dataclass
class PoseRun:
    pose: PoseSequence
    frames_read: int
    frame_count: int
    decode_error: str | None


def frame_back_curvature(fp: FramePose, facing: float) -> float:
    """Back curvature (see :mod:`hingecheck.backline`) of one frame, from the
    mid-shoulder and mid-hip points; NaN without a mask or a person."""
    if fp.mask is None or not fp.detected:
        return float("nan")
    sh = 0.5 * (fp.image[Landmark.LEFT_SHOULDER] + fp.image[Landmark.RIGHT_SHOULDER])
    hip = 0.5 * (fp.image[Landmark.LEFT_HIP] + fp.image[Landmark.RIGHT_HIP])
    return back_curvature(fp.mask, sh, hip, facing)


def extract_pose(video: str | Path, model_path: str | Path, *, segmentation: bool = True,
                 progress: bool = True, on_frame: Callable[[int], None] | None = None) -> PoseRun:
    """Run the Pose Landmarker over every frame of ``video`` (VIDEO mode).

    A frame with no person is a NaN row. Per-frame numbers are kept in
    float32 buffers (about 1 KB a frame); frames themselves are not kept.
    Raises :class:`HingecheckError` for unreadable video or model.
    """
    from tqdm import tqdm

    f32 = np.float32
    image, world = GrowBuffer((NUM_LANDMARKS, 2), f32), GrowBuffer((NUM_LANDMARKS, 3), f32)
    vis, pres = GrowBuffer((NUM_LANDMARKS,), f32), GrowBuffer((NUM_LANDMARKS,), f32)
    ts, curv = GrowBuffer(()), GrowBuffer((2,), f32)
    with FrameReader(video) as reader, PoseEstimator(model_path, segmentation=segmentation) as est:
        info = reader.info
        n_hint = info.frame_count if info.frame_count > 0 else None
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
                    # both facings: which way the lifter faces is known only at the end
                    curv.append((frame_back_curvature(fp, 1.0), frame_back_curvature(fp, -1.0)))
                bar.update(1)
                if on_frame is not None:
                    on_frame(frame.index)
        finally:
            bar.close()
        frames_read, err = reader.frames_read, reader.error
    if len(ts) == 0:
        raise HingecheckError(f"cannot read video {video}: no decodable frame")
    pose = PoseSequence(image.data, world.data, vis.data, pres.data, ts.data, (info.width, info.height))
    if segmentation:
        side = choose_side(pose.visibility)
        facing = facing_direction(pose.image, side)
        pose.back_curvature = curv.data[:, 0 if facing > 0 else 1]
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
