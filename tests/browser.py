"""A real headless Chromium for the HTML report tests.

``require_chromium()`` skips the test when no Chromium is installed, and
fails it in CI (``CI=true``), where ``.ci/run`` installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from assets import _missing

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: marks, in a copy of the page, how many images decoded once it has loaded
PROBE = ("<script>window.addEventListener('load',function(){var a=[].slice.call(document.images);"
         "document.body.setAttribute('data-images',a.length);document.body.setAttribute('data-images-ok',"
         "a.filter(function(i){return i.complete&&i.naturalWidth>0}).length);});</script>")


def require_chromium() -> str:
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    _missing("no Chromium found (Debian: apt-get install chromium)")


def _run(args: list[str]) -> subprocess.CompletedProcess:
    chromium = require_chromium()
    with tempfile.TemporaryDirectory(prefix="hingecheck-chromium-") as profile:
        return subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                               "--no-first-run", f"--user-data-dir={profile}", "--virtual-time-budget=5000",
                               *args], capture_output=True, text=True, timeout=120)


def dump_dom(page: Path) -> str:
    """The DOM of ``page`` once loaded (a copy with :data:`PROBE` added is opened)."""
    probe = page.with_name(page.stem + ".probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    p = _run(["--dump-dom", probe.resolve().as_uri()])
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout


def screenshot(page: Path, png: Path, size: tuple[int, int] = (1200, 3000)) -> Path:
    p = _run([f"--screenshot={png}", f"--window-size={size[0]},{size[1]}", page.resolve().as_uri()])
    assert p.returncode == 0 and png.is_file() and png.stat().st_size > 0, p.stderr[-2000:]
    return png
