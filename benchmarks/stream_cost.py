"""Per-frame cost of the streaming analyzer against the set's length (a measurement, not a test).

Synthetic sets of 5 to 80 reps are pushed frame by frame; the mean time per
frame should stay flat as the set grows, since each frame's work is bounded
by the window (from the last reported rep to now), not by the set. Run:
``PYTHONPATH=. python benchmarks/stream_cost.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from synthetic import make_hinge  # noqa: E402

from hingecheck.core.config import load_config  # noqa: E402
from hingecheck.core.stream import StreamingAnalyzer  # noqa: E402


def per_frame_ms(n_reps: int, exercise: str = "rdl") -> tuple[int, float, float, float]:
    """(frames, then CPU ms per frame: mean over the set, over its first 10 % and over its
    last 10 %). CPU time (``time.process_time``), so other processes on the machine count less."""
    pose, _ = make_hinge(n_reps=n_reps, noise_px=1.0, seed=1)
    th = load_config().for_exercise(exercise)
    s = StreamingAnalyzer(exercise, th, pose.frame_size)
    cost = np.zeros(len(pose))
    for i in range(len(pose)):
        t0 = time.process_time()
        s.push(pose.timestamps[i], pose.image[i], pose.visibility[i])
        cost[i] = time.process_time() - t0
    tenth = len(pose) // 10
    return len(pose), 1000 * cost.mean(), 1000 * cost[:tenth].mean(), 1000 * cost[-tenth:].mean()


if __name__ == "__main__":
    per_frame_ms(1)  # imports (scipy.signal) and caches warmed up
    for n in (5, 20, 80):
        frames, mean, head, tail = per_frame_ms(n)
        print(f"{n:3d} reps, {frames:5d} frames: {mean:.2f} ms/frame (CPU) mean; "
              f"first 10 % {head:.2f}, last 10 % {tail:.2f}")
