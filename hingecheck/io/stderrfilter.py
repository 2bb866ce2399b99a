"""Keep native log lines (absl/glog ``W0000 ...``, TFLite ``INFO: ...``) off standard error.

MediaPipe's graph threads log when they please, also between the calls that
:func:`hingecheck.io.pose.quiet_stderr` wraps, so a ``W0000 ...
landmark_projection_calculator`` line can land in the middle of the tool's
output. While a :func:`filtered_stderr` block runs, file descriptor 2 is a
pipe read by a thread that forwards every line except native log lines to
the real standard error, in order. Python's own messages pass through.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from typing import Iterator

#: absl/glog (``W0000 00:00:...``, ``I1201 ...``), TFLite/LiteRT (``INFO: [...]``, ``WARNING: [...]``)
NATIVE_LOG = re.compile(rb"^(?:[IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\]|(?:INFO|WARNING|VERBOSE): |"
                        rb"WARNING: All log messages before absl::InitializeLog)")

_lock = threading.Lock()
_depth = 0
_state: dict = {}


def _pump(read_fd: int, out_fd: int) -> None:
    buf = b""
    with os.fdopen(read_fd, "rb", buffering=0) as src:
        while True:
            chunk = src.read(65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if not NATIVE_LOG.match(line):
                    os.write(out_fd, line + b"\n")
            if buf and not NATIVE_LOG.match(buf):  # a progress bar's "\r...": shown now, not at its newline
                os.write(out_fd, buf)
                buf = b""
    if buf and not NATIVE_LOG.match(buf):
        os.write(out_fd, buf)


@contextlib.contextmanager
def filtered_stderr() -> Iterator[None]:
    """Filter native log lines out of file descriptor 2 for the block (re-entrant)."""
    global _depth
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    with _lock:
        _depth += 1
        if _depth == 1:
            sys.stderr.flush()
            saved = os.dup(fd)
            r, w = os.pipe()
            thread = threading.Thread(target=_pump, args=(r, saved), daemon=True, name="stderr-filter")
            thread.start()
            os.dup2(w, fd)
            os.close(w)
            _state.update(fd=fd, saved=saved, thread=thread)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.stderr.flush()
                os.dup2(_state["saved"], _state["fd"])  # the pipe's last writer closes: the pump drains
                _state["thread"].join(timeout=5)
                os.close(_state["saved"])
                _state.clear()


__all__ = ["filtered_stderr", "NATIVE_LOG"]
