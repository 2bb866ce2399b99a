"""Video → landmarks: the edge that runs decoding and MediaPipe.

Streams frames (decoded on a background thread), keeps only per-frame
numbers (landmarks and the back-contour measure from the mask), never the
images, so memory does not grow with the video's length beyond a few
hundred bytes a frame.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from hingecheck.core.backline import SAMPLES, back_contour, curvatures
from hingecheck.core.buffers import GrowBuffer
from hingecheck.core.config import Thresholds
from hingecheck.core.errors import HingecheckError
from hingecheck.core.geometry import leg_axis_tilt, lifter_side
from hingecheck.core.landmarks import NUM_LANDMARKS, Landmark, PoseSequence
from hingecheck.io.atomic import atomic_path
from hingecheck.io.notice import warn
from hingecheck.io.pose import FramePose, PoseEstimator
from hingecheck.io.video import FrameReader


@dataclass
class PoseRun:
    pose: PoseSequence
    frames_read: int
    frame_count: int
    decode_error: str | None
    duration_s: float | None = None  # the container's presented duration, if known
    back_contour: np.ndarray | None = None  # (F, K) mask contour of the back, chord lengths
    analysis_fps: float = 0.0  # frames per second the pose model saw at most (0: every frame)
    long_side: int = 0         # pixels: the long side the frames were shrunk to (0: source size)

    @property
    def decoded_s(self) -> float:
        """Presented time the decoded frames cover: last timestamp plus one frame."""
        t = self.pose.timestamps
        if t.size == 0:
            return 0.0
        fps = self.pose.fps
        return float(t[-1]) + (1.0 / fps if np.isfinite(fps) else 0.0)


def frame_back_contour(fp: FramePose, facing: float) -> np.ndarray:
    """Back contour (see :mod:`hingecheck.core.backline`) of one frame, from the
    mid-shoulder and mid-hip points; NaN without a mask or a person."""
    if fp.mask is None or not fp.detected:
        return np.full(SAMPLES.size, np.nan)
    sh = 0.5 * (fp.image[Landmark.LEFT_SHOULDER] + fp.image[Landmark.RIGHT_SHOULDER])
    hip = 0.5 * (fp.image[Landmark.LEFT_HIP] + fp.image[Landmark.RIGHT_HIP])
    # the mask is at the size the model saw: measure in its pixels (chord lengths are scale-free)
    return back_contour(fp.mask, fp.mask_points(sh), fp.mask_points(hip), facing)


def extract_pose(video: str | Path, model_path: str | Path, *, segmentation: bool = True,
                 progress: bool = True,
                 on_pose: Callable[[int, np.ndarray, FramePose], None] | None = None,
                 analysis_fps: float = 0.0, long_side: int = 0, th: Thresholds | None = None) -> PoseRun:
    """Run the Pose Landmarker over the frames of ``video`` (VIDEO mode).

    ``analysis_fps`` (frames per second, 0: every frame) picks frames by timestamp
    (:class:`~hingecheck.io.framerate.FramePicker`): a row per kept frame, at its own
    time. ``long_side`` (pixels, 0: the source's size) shrinks large frames for the
    model; landmarks are in source pixels either way (``frame_size`` is the source's).
    A frame with no person is a NaN row. Per-frame numbers are kept in float32
    buffers (about 1.4 KB a frame), never the frames. ``on_pose(row, bgr, frame_pose)``,
    if given, sees each analysed frame (at the analysis size, landmarks in its pixels)
    during this pass (e.g. a :class:`hingecheck.outputs.stills.StillKeeper`); ``row``
    is its row in the returned pose. The back curve is measured with ``th``'s fit
    gates (:func:`back_curvatures`). Raises :class:`HingecheckError` for unreadable
    video or model.
    """
    from tqdm import tqdm

    f32 = np.float32
    image, vis = GrowBuffer((NUM_LANDMARKS, 2), f32), GrowBuffer((NUM_LANDMARKS,), f32)
    world = GrowBuffer((NUM_LANDMARKS, 3), f32)
    ts, contour = GrowBuffer(()), GrowBuffer((2, SAMPLES.size), f32)
    with FrameReader(video, analysis_fps=analysis_fps, long_side=long_side) as reader, \
            PoseEstimator(model_path, segmentation=segmentation) as est:
        info = reader.info
        size = (info.width, info.height)
        n_hint = info.frame_count if info.frame_count > 0 else None
        bar = tqdm(total=n_hint, unit="frame", desc=Path(video).name, disable=None if progress else True,
                   leave=False, dynamic_ncols=True)
        try:
            for frame in reader:
                fp = est.detect(frame.bgr, frame.timestamp, size)
                image.append(fp.image)
                vis.append(fp.visibility)
                world.append(fp.world)
                ts.append(frame.timestamp)
                if on_pose is not None:
                    on_pose(len(ts) - 1, frame.bgr, in_frame_pixels(fp, frame.scale))
                if segmentation:
                    # both facings: which way the lifter faces is known only at the end
                    contour.append((frame_back_contour(fp, 1.0), frame_back_contour(fp, -1.0)))
                bar.update(frame.index + 1 - bar.n)
        finally:
            bar.close()
        frames_read, err = reader.frames_read, reader.error
    if len(ts) == 0:
        raise HingecheckError(f"cannot read video {video}: no decodable frame")
    back = None
    if segmentation:
        _, facing = lifter_side(image.data, vis.data)  # the same choice the analysis makes
        back = np.ascontiguousarray(contour.data[:, 0 if facing > 0 else 1])
    pose = PoseSequence(image.data, vis.data, ts.data, (info.width, info.height),
                        back_curvatures(back, th), world.data)
    return PoseRun(pose, frames_read, info.frame_count, err, info.duration_s, back, analysis_fps, long_side)


def back_curvatures(contour: np.ndarray | None, th: Thresholds | None) -> np.ndarray | None:
    """:func:`~hingecheck.core.backline.curvatures` of a clip's back contour (None: no mask),
    gated by ``th``'s ``back_fit_*`` (None: the built-in thresholds; the landmarks are
    read before a caller without a config has chosen one)."""
    return None if contour is None else curvatures(contour, Thresholds() if th is None else th)


def in_frame_pixels(fp: FramePose, scale: float) -> FramePose:
    """``fp`` with its image landmarks in the pixels of a frame shrunk by ``scale``."""
    return fp if scale == 1.0 else dataclasses.replace(fp, image=fp.image * scale)


#: legs further than this from the image's vertical (degrees, median over the
#: clip): the video is turned sideways, not a lifter hinging
MAX_LEG_AXIS_TILT_DEG = 55.0

#: bump when what :func:`save_pose_run` stores changes
POSE_CACHE_FORMAT = 4  # 4: world landmarks kept (the camera's yaw)


def save_pose_run(path: str | Path, run: PoseRun) -> None:
    """Keep a clip's landmarks and back contour in a compressed ``.npz``
    (atomically), so scoring and tuning can re-judge without the pose model."""

    p = run.pose
    arrays = dict(image=p.image, visibility=p.visibility,
                  timestamps=p.timestamps, frame_size=np.asarray(p.frame_size),
                  counts=np.asarray([run.frames_read, run.frame_count]),
                  duration_s=np.asarray(np.nan if run.duration_s is None else run.duration_s),
                  decode_error=np.asarray(run.decode_error or ""),
                  analysis=np.asarray([run.analysis_fps, run.long_side], dtype=float),
                  format=np.asarray(POSE_CACHE_FORMAT))
    if run.back_contour is not None:
        arrays["back_contour"] = run.back_contour
    if p.world is not None:
        arrays["world"] = p.world
    with atomic_path(path, suffix=".npz") as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)


def load_pose_run(path: str | Path, th: Thresholds | None = None) -> PoseRun | None:
    """What :func:`save_pose_run` kept, or None if absent or of another format
    (the back curve measured from the kept contour, see :func:`back_curvatures`).

    A file that cannot be read (damaged, not an ``.npz``) is a miss too, with a
    warning (the pose model runs again). A file of this format that lacks a field
    or holds a wrong one is a bug in this module and raises.
    """
    import zipfile
    try:
        d = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        warn(f"pose cache {path} cannot be read ({exc}): running the pose model again")
        return None
    with d:
        if "format" not in d.files or int(d["format"]) != POSE_CACHE_FORMAT:
            return None  # written by another version: a plain miss
        back = d["back_contour"] if "back_contour" in d.files else None
        fs = tuple(int(v) for v in d["frame_size"])
        pose = PoseSequence(d["image"], d["visibility"], d["timestamps"], (fs[0], fs[1]),
                            back_curvatures(back, th),
                            d["world"] if "world" in d.files else None)
        dur = float(d["duration_s"])
        err = str(d["decode_error"])
        fps, long_side = (float(v) for v in d["analysis"])
        return PoseRun(pose, int(d["counts"][0]), int(d["counts"][1]), err or None,
                       dur if np.isfinite(dur) else None, back, fps, int(long_side))


def check_decoded(video: str | Path, *, frames_read: int, frame_count: int, decoded_s: float,
                  duration_s: float | None, decode_error: str | None = None) -> None:
    """Raise if the decoded frames fall short of what the container promises (a truncated file).

    ``decoded_s`` is the presented time the decoded frames cover. Shared by
    ``analyze`` and ``score`` (:func:`check_complete`) and ``live --source FILE``.
    """
    if decode_error:
        raise HingecheckError(f"video {video} is corrupt: decoding failed after {frames_read} frames ({decode_error})")
    # the presented duration honours edit lists (a phone's trim): a trimmed
    # video presents fewer frames than it stores, and is not truncated
    if duration_s is not None and duration_s > 0.5:
        if decoded_s < 0.9 * duration_s:
            raise HingecheckError(f"video {video} is truncated or corrupt: decoded {decoded_s:.2f} s "
                                  f"of its {duration_s:.2f} s")
    elif frame_count > 10 and frames_read < 0.9 * frame_count:
        raise HingecheckError(
            f"video {video} is truncated or corrupt: decoded {frames_read} of {frame_count} frames")


def check_complete(run: PoseRun, video: str | Path) -> None:
    """Raise if the video looks truncated or if no person was ever seen."""
    check_decoded(video, frames_read=run.frames_read, frame_count=run.frame_count, decoded_s=run.decoded_s,
                  duration_s=run.duration_s, decode_error=run.decode_error)
    if not run.pose.detected.any():
        raise HingecheckError(f"no person found in {video}: film the whole body, side-on, in good light")
    tilt = leg_axis_tilt(run.pose.image)
    if tilt > MAX_LEG_AXIS_TILT_DEG:
        raise HingecheckError(f"the lifter lies along the frame in {video} (legs {tilt:.0f} degrees from "
                              "upright): the video looks turned sideways; rotate it upright and try again")


__all__ = ["PoseRun", "extract_pose", "check_complete", "check_decoded", "NUM_LANDMARKS"]
