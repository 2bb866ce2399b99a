"""Faults made at test time: workers that crash, bad videos, and the CLI run with them.

``python -m faultkit ARGS`` (with ``tests/`` on PYTHONPATH) runs ``hingecheck ARGS``
with :func:`slow_process_clip` given to ``score_batch`` as its worker: a clip whose file
name contains ``$FAULTKIT_CRASH`` kills its worker with SIGSEGV (with
``$FAULTKIT_ONCE`` set to a marker path: only the first time).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import numpy as np


def crashing_process_clip(path, *args):
    from hingecheck.scoring.clipworker import process_clip
    needle = os.environ.get("FAULTKIT_CRASH")
    if needle and needle in Path(path).name:
        once = os.environ.get("FAULTKIT_ONCE")
        if not once or not Path(once).exists():
            if once:
                Path(once).write_text("crashed")
            os.kill(os.getpid(), signal.SIGSEGV)
    return process_clip(path, *args)


def slow_process_clip(path, *args):
    """A clip named with ``$FAULTKIT_SLOW`` takes a minute (for interrupting a batch)."""
    import time
    if os.environ.get("FAULTKIT_SLOW", "\0") in Path(path).name:
        time.sleep(60)
    return crashing_process_clip(path, *args)


def main() -> int:
    import functools

    import hingecheck.scoring.batch as batch
    from hingecheck.apps import cli
    # the command line calls score_batch by name: this one gives it our worker
    batch.score_batch = functools.partial(batch.score_batch, worker=slow_process_clip)
    return cli.main(sys.argv[1:])


def still_image(path: Path) -> Path:
    import cv2
    img = np.full((120, 160, 3), 128, np.uint8)
    cv2.circle(img, (80, 60), 30, (0, 0, 255), -1)
    cv2.imwrite(str(path), img)
    return path


def one_frame_video(path: Path) -> Path:
    import cv2
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (160, 120))
    w.write(np.full((120, 160, 3), 100, np.uint8))
    w.release()
    return path


if __name__ == "__main__":
    sys.exit(main())
