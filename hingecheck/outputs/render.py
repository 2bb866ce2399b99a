"""The annotated video: decode again, draw each frame's view, encode.

A second pass over the file (no inference) so that the analysis, which
needs the whole clip, can be shown from the first frame, while frames are
never held in memory. Decoding and encoding run on their own threads.
"""

from __future__ import annotations

from pathlib import Path

from hingecheck.core.analysis import Analysis
from hingecheck.core.landmarks import PoseSequence
from hingecheck.io.video import FrameReader, VideoWriter
from hingecheck.outputs.annotate import OverlayState, draw_overlay
from hingecheck.outputs.timeline import frame_views


def render_annotated(video: str | Path, pose: PoseSequence, analysis: Analysis,
                     out: str | Path, progress: bool = True) -> None:
    """Write ``out``: the video with skeleton, angles, rep counter and faults."""
    from tqdm import tqdm

    views = frame_views(analysis)
    n = len(views)
    with FrameReader(video) as reader:
        info = reader.info
        fps = pose.fps if pose.fps == pose.fps else info.fps
        with VideoWriter(out, fps, (info.width, info.height)) as writer:
            for frame in tqdm(reader, total=n, unit="frame", desc="annotating", disable=None if progress else True, leave=False):
                i = frame.index
                if i >= n:
                    break
                fv = views[i]
                state = OverlayState(
                    landmarks=pose.image[i], visibility=pose.visibility[i], side=analysis.side,
                    angles=fv.angles, rep_count=fv.rep_count, phase=fv.phase,
                    active_faults=fv.active_faults, banner=fv.banner, banner_level=fv.banner_level,
                    status=None if analysis.view == "side" else f"camera view: {analysis.view}",
                )
                writer.write(draw_overlay(frame.bgr, state), frame.timestamp)  # its own timing
