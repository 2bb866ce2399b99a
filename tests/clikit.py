"""Running the real entry point in a subprocess and checking its one-line errors; odd
videos for it (no person, an animated GIF). Shared by the CLI, live, fault and score tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from assets import REPO_ROOT


def run_cli(*args: str, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("HINGECHECK_DEBUG", None)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "hingecheck", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def assert_one_line_error(p: subprocess.CompletedProcess, *needles: str) -> None:
    assert p.returncode != 0
    lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith("hingecheck: error:"), lines[0]
    assert "Traceback" not in p.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def no_person_video(path: Path, frames: int = 45) -> Path:
    import cv2
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30, (320, 240))
    rng = np.random.default_rng(0)
    for i in range(frames):
        img = np.full((240, 320, 3), 90, np.uint8)
        cv2.rectangle(img, (20 + i, 40), (120 + i, 140), (30, 160, 200), -1)  # a moving box, no person
        img = cv2.add(img, rng.integers(0, 20, img.shape, dtype=np.uint8))
        w.write(img)
    w.release()
    return path


def animated_gif(path, frames=20, ms=100):
    from PIL import Image
    rng = np.random.default_rng(0)
    imgs = [Image.fromarray((rng.random((120, 160, 3)) * 255).astype(np.uint8)) for _ in range(frames)]
    imgs[0].save(path, save_all=True, append_images=imgs[1:], duration=ms, loop=0)
    return path
