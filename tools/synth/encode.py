"""H.264 mp4 writing through PyAV (already a hingecheck dependency)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


class VideoWriter:
    """Write RGB uint8 frames to an H.264 (yuv420p) mp4, atomically.

    ``crf`` is x264's constant rate factor (18 near-lossless … 35 rough).
    The file appears at ``path`` only when the writer closes cleanly.
    """

    def __init__(self, path: Path, camera, crf: int = 30):
        self.path = Path(path)
        self.tmp = self.path.with_name(f".{self.path.name}.part")
        self.camera, self.crf = camera, crf

    def __enter__(self) -> "VideoWriter":
        import av
        from fractions import Fraction
        self.container = av.open(str(self.tmp), "w", format="mp4")
        self.stream = self.container.add_stream("libx264", rate=Fraction(self.camera.fps).limit_denominator(1001))
        self.stream.width, self.stream.height = self.camera.width, self.camera.height_px
        self.stream.pix_fmt = "yuv420p"
        self.stream.thread_count = int(os.environ.get("SYNTH_ENCODE_THREADS", "0"))  # 0 = x264's choice
        self.stream.options = {"crf": str(self.crf), "preset": "medium", "tune": "animation"}
        return self

    def write(self, rgb: np.ndarray) -> None:
        """Encode one (H, W, 3) uint8 RGB frame."""
        import av
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                for packet in self.stream.encode():
                    self.container.mux(packet)
        finally:
            self.container.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)
