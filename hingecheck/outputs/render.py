"""The annotated video: decode again, draw each frame's view, encode.

A second pass over the file (no inference) so that the analysis, which
needs the whole clip, can be shown from the first frame, while frames are
never held in memory. Decoding and encoding run on their own threads.

Every frame of the video is written, also those the pose model skipped (an
analysis rate below the video's): a skipped frame shows the landmarks
interpolated in time between the analysed frames either side of it, and the
view (angles, counter, faults) of the nearest one, so the video does not
stutter.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hingecheck.core.analysis import Analysis
from hingecheck.core.landmarks import PoseSequence
from hingecheck.io.video import FrameReader, VideoWriter
from hingecheck.outputs.annotate import OverlayState, draw_overlay
from hingecheck.outputs.backcurve import back_curve_points
from hingecheck.outputs.timeline import frame_views

#: a frame further than this from every analysed frame (seconds) is drawn without landmarks
MAX_INTERPOLATION_GAP_S = 0.3


def pose_at(pose: PoseSequence, t: float) -> tuple[int, np.ndarray, np.ndarray]:
    """The pose at ``t`` seconds: (nearest analysed row, landmarks (33, 2) in pixels,
    visibility (33,)). Between two analysed rows the landmarks are interpolated
    linearly in time (NaN where either is NaN; the nearer row's where one is
    missing); beyond :data:`MAX_INTERPOLATION_GAP_S` from both, NaN."""
    ts = pose.timestamps
    j = int(np.searchsorted(ts, t))
    lo, hi = max(j - 1, 0), min(j, len(ts) - 1)
    near = lo if abs(t - ts[lo]) <= abs(ts[hi] - t) else hi
    if abs(ts[near] - t) > MAX_INTERPOLATION_GAP_S:
        return near, np.full_like(pose.image[near], np.nan), pose.visibility[near]
    if lo == hi or ts[hi] == ts[lo]:
        return near, pose.image[near], pose.visibility[near]
    w = float(np.clip((t - ts[lo]) / (ts[hi] - ts[lo]), 0.0, 1.0))
    mixed = (1.0 - w) * pose.image[lo] + w * pose.image[hi]
    one_missing = np.isnan(mixed) & ~np.isnan(pose.image[near])
    mixed[one_missing] = pose.image[near][one_missing]
    vis = np.minimum(pose.visibility[lo], pose.visibility[hi])
    return near, mixed, np.where(np.isnan(vis), pose.visibility[near], vis)


def output_size(width: int, height: int, video_height: int | None) -> tuple[int, int]:
    """(width, height) in pixels of the annotated video: the source's, or ``video_height`` tall
    with the source's aspect (both even, as encoders want)."""
    if video_height is None or video_height == height:
        return width, height
    def even(v: float) -> int:
        return max(2, int(round(v / 2.0)) * 2)
    return even(width * video_height / height), even(video_height)


def render_annotated(video: str | Path, pose: PoseSequence, analysis: Analysis,
                     out: str | Path, progress: bool = True, height: int | None = None,
                     back_contour: np.ndarray | None = None) -> None:
    """Write ``out``: every frame of the video with skeleton, angles, rep counter and faults,
    at the source's size or ``height`` pixels tall (the source's aspect). ``back_contour``
    ((F, K) chord lengths per analysed row, see :class:`hingecheck.io.extract.PoseRun`), when
    given, draws a rounded back as the edge the mask measured instead of a straight line."""
    from tqdm import tqdm

    views = frame_views(analysis)
    with FrameReader(video) as reader:
        info = reader.info
        size = output_size(info.width, info.height, height)
        scale = np.array([size[0] / info.width, size[1] / info.height])
        n = info.frame_count if info.frame_count > 0 else None
        with VideoWriter(out, info.fps, size) as writer:
            for frame in tqdm(reader, total=n, unit="frame", desc="annotating", disable=None if progress else True,
                              leave=False):
                i, landmarks, visibility = pose_at(pose, frame.timestamp)
                bgr = frame.bgr if size == (info.width, info.height) else cv2.resize(
                    frame.bgr, size, interpolation=cv2.INTER_AREA)
                fv = views[i]
                curve = back_curve_points(landmarks * scale, None if back_contour is None else back_contour[i],
                                          analysis.facing)
                state = OverlayState(
                    back_curve=curve,
                    landmarks=landmarks * scale, visibility=visibility, side=analysis.side,
                    angles=fv.angles, rep_count=fv.rep_count, phase=fv.phase,
                    active_faults=fv.active_faults, banner=fv.banner, banner_level=fv.banner_level,
                    status=None if analysis.view == "side" else f"camera view: {analysis.view}",
                )
                writer.write(draw_overlay(bgr, state), frame.timestamp)  # its own timing
