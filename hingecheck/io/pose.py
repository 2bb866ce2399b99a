"""MediaPipe Pose Landmarker (Tasks API) at the edge of the package.

Turns frames into landmark rows: image landmarks in pixels, world
landmarks in metres, and visibility. A frame with no person is a
row of NaN, never dropped.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from hingecheck.core.errors import HingecheckError
from hingecheck.core.landmarks import NUM_LANDMARKS, person_detected
from hingecheck.io import _quiet  # noqa: F401  (before cv2)
from hingecheck.io.stderrfilter import filtered_stderr


def _mediapipe():
    """``(mediapipe, BaseOptions, vision)``, imported on first use (so a process that
    draws or parses but runs no model never loads MediaPipe); a missing mediapipe is
    a one-line :class:`HingecheckError`, not an ImportError trace."""
    try:
        import mediapipe as mp
        from mediapipe.tasks.python import BaseOptions
        from mediapipe.tasks.python import vision as mp_vision
    except ImportError as exc:  # pragma: no cover
        raise HingecheckError(f"mediapipe is not installed ({exc}); run: pip install .") from None
    return mp, BaseOptions, mp_vision


@dataclass
class FramePose:
    """One frame's landmarks; all NaN when no person was detected."""

    image: np.ndarray       # (33, 2) pixels of the source frame
    world: np.ndarray       # (33, 3) metres
    visibility: np.ndarray  # (33,) in [0, 1]
    mask: np.ndarray | None = None  # (H, W) float32 in [0, 1] at the analysis size, when asked for
    mask_scale: tuple[float, float] = (1.0, 1.0)  # (x, y) mask pixels per source pixel

    def mask_points(self, points: np.ndarray) -> np.ndarray:
        """``points`` (..., 2) in source pixels, in the mask's pixels."""
        return np.asarray(points, float) * np.asarray(self.mask_scale)

    @classmethod
    def missing(cls) -> "FramePose":
        return cls(np.full((NUM_LANDMARKS, 2), np.nan), np.full((NUM_LANDMARKS, 3), np.nan),
                   np.full(NUM_LANDMARKS, np.nan))

    @property
    def detected(self) -> bool:
        return bool(person_detected(self.image[None])[0])


def result_to_frame_pose(result, width: int, height: int) -> FramePose:
    """Convert a ``PoseLandmarkerResult`` (first person) to a :class:`FramePose`.

    The landmarks are normalised to the image the model saw, so they are
    mapped to a ``width`` x ``height`` pixel frame (the source's size when
    the model saw it downscaled); the mask stays at the model's image size
    and ``mask_scale`` says how to reach it from those pixels.
    """
    if not result.pose_landmarks:
        return FramePose.missing()
    lms = result.pose_landmarks[0]
    arr = np.array([(lm.x, lm.y, lm.visibility or 0.0) for lm in lms], dtype=float)
    image = arr[:, :2] * (width, height)
    if result.pose_world_landmarks:
        world = np.array([(lm.x, lm.y, lm.z) for lm in result.pose_world_landmarks[0]], dtype=float)
    else:
        world = np.full((NUM_LANDMARKS, 3), np.nan)
    mask = None
    if result.segmentation_masks:
        # numpy_view() points into memory the result owns and MediaPipe frees:
        # copy before the array outlives the result
        view = result.segmentation_masks[0].numpy_view()
        mask = np.array(view[..., 0] if view.ndim == 3 else view, dtype=np.float32, copy=True)
    scale = (1.0, 1.0) if mask is None else (mask.shape[1] / width, mask.shape[0] / height)
    return FramePose(image, world, arr[:, 2], mask, scale)


@contextlib.contextmanager
def quiet_stderr():
    """Silence native (C++) writes to file descriptor 2 for the block.

    TFLite prints INFO lines when a model is loaded; they would bury the
    tool's own output. Python-level errors are raised, not printed, so
    nothing of ours is lost.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


class PoseEstimator:
    """A PoseLandmarker in VIDEO mode.

    ``live`` uses VIDEO mode too: its frame source keeps only the newest
    frame, which gives LIVE_STREAM's dropping of stale frames while results
    stay synchronous and identical to ``analyze`` on the same frames.

    Parameters
    ----------
    model_path : path to a ``.task`` bundle.
    segmentation : also output the person mask (used for back curvature).
    """

    def __init__(self, model_path: str | Path, segmentation: bool = False,
                 min_detection: float = 0.5, min_presence: float = 0.5,
                 min_tracking: float = 0.5):
        _, BaseOptions, mp_vision = _mediapipe()
        mode = mp_vision.RunningMode.VIDEO
        opts = mp_vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path)),
            running_mode=mode,
            num_poses=1,
            min_pose_detection_confidence=min_detection,
            min_pose_presence_confidence=min_presence,
            min_tracking_confidence=min_tracking,
            output_segmentation_masks=segmentation,
        )
        # its graph threads log between our calls too: filter those lines while it lives
        self._filter = filtered_stderr()
        self._filter.__enter__()
        try:
            with quiet_stderr():
                self._landmarker = mp_vision.PoseLandmarker.create_from_options(opts)
        except Exception as exc:
            self._filter.__exit__(None, None, None)
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise HingecheckError(f"cannot load pose model {model_path}: {msg}") from None
        self._last_ms = -1

    def _timestamp_ms(self, t: float) -> int:
        ms = int(round(t * 1000.0))
        if ms <= self._last_ms:  # MediaPipe needs strictly increasing timestamps
            ms = self._last_ms + 1
        self._last_ms = ms
        return ms

    @staticmethod
    def to_image(frame_bgr: np.ndarray):
        mp = _mediapipe()[0]
        rgb = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB)
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)

    def detect(self, frame_bgr: np.ndarray, t: float, size: tuple[int, int] | None = None) -> FramePose:
        """Landmarks of the frame at ``t`` seconds (VIDEO mode), in pixels of a frame of
        ``size`` (width, height; default the frame's own: give the source's size for a
        frame downscaled for the model)."""
        return self.detect_image(self.to_image(frame_bgr), t, size or (frame_bgr.shape[1], frame_bgr.shape[0]))

    def detect_image(self, image, t: float, size: tuple[int, int]) -> FramePose:
        """:meth:`detect` of an ``mp.Image`` made by :meth:`to_image` (``size``: width, height in pixels)."""
        ms = self._timestamp_ms(t)
        # the C++ side logs graph warnings on the first call and, now and
        # then, a LiteRT note about input alignment: keep them off the tool's
        # one-line messages (Python-level errors are raised, not printed)
        with quiet_stderr():
            result = self._landmarker.detect_for_video(image, ms)
        return result_to_frame_pose(result, size[0], size[1])

    def close(self) -> None:
        try:
            with quiet_stderr():  # mediapipe 1.2.3 logs its accelerators' teardown
                self._landmarker.close()
        finally:
            self._filter.__exit__(None, None, None)

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
