"""The live window on a real (virtual) X display: the screen follows the window's size.

The window runs in a child process, so that the X server can be stopped
after it without taking the test process's GUI toolkit down with it.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys

import pytest
from assets import REPO_ROOT, _missing

SCRIPT = r"""
import json, sys
import cv2
from hingecheck.apps.live import WINDOW, _Window
from hingecheck.outputs.livescreen import ScreenView, live_layout, render_screen
from hingecheck.outputs.state import BannerLevel

cap = cv2.VideoCapture(sys.argv[1]); ok, frame = cap.read(); cap.release()
view = ScreenView(2, verdict="Rep 2: Rounded back", cue="brace, proud chest", level=BannerLevel.BAD)
win = _Window(True)
win.open()

def settle(want):
    # show the screen until the window reports the size asked for (bounded)
    for _ in range(400):
        size = win.screen_size()
        shown = render_screen(frame, view, size)
        win.show(shown)
        if size == want:
            return size, shown.shape[:2]
        cv2.waitKey(5)
    return size, shown.shape[:2]

first = settle((1600, 900))
cv2.resizeWindow(WINDOW, 1280, 720)
second = settle((1280, 720))
win.close()
print(json.dumps({"first": first, "second": second,
                  "text_px": [live_layout(*s[0], frame.shape[1], frame.shape[0]).text_px for s in (first, second)]}))
"""


@pytest.fixture
def x_display():
    """A virtual X display (Xvfb, 1920x1080); its name, e.g. ``:5``."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        _missing("no Xvfb found (Debian: apt-get install xvfb)")
    r, w = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(w), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(w)
    try:
        ready, _, _ = select.select([r], [], [], 30)     # Xvfb writes its display number when ready
        number = os.read(r, 64).decode().strip() if ready else ""
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        os.close(r)
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.display
def test_the_screen_is_drawn_at_the_windows_size(x_display):
    clip = REPO_ROOT / "sample_videos" / "rounded_back.mp4"
    env = dict(os.environ, DISPLAY=x_display, QT_QPA_PLATFORM="xcb",
               PYTHONPATH=str(REPO_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("WAYLAND_DISPLAY", None)
    p = subprocess.run([sys.executable, "-c", SCRIPT, str(clip)], env=env, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["first"] == [[1600, 900], [900, 1600]]          # the window's first size, 16:9
    assert out["second"] == [[1280, 720], [720, 1280]]         # resized: the screen follows
    assert out["text_px"][0] >= 900 / 15 and out["text_px"][1] >= 720 / 15
