"""A phone camera app's RTSP stream on 127.0.0.1: GStreamer's RTSP server
(Debian: python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good),
run by the system Python in a child process, serving a clip's H.264 as is
at ``rtsp://127.0.0.1:PORT/live`` (each client gets the clip from its start,
paced at its own frame rate)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from assets import _missing

SYSTEM_PYTHON = "/usr/bin/python3"
SERVER = r"""
import sys, gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtspServer, GLib
Gst.init(None)
clip, port = sys.argv[1], sys.argv[2]
server = GstRtspServer.RTSPServer()
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(f"( filesrc location={clip} ! qtdemux ! rtph264pay name=pay0 pt=96 config-interval=1 )")
server.get_mount_points().add_factory("/live", factory)
if server.attach(None) == 0:
    sys.exit("cannot listen on " + port)
print("ready", flush=True)
GLib.MainLoop().run()
"""
PROBE = 'import gi; gi.require_version("Gst", "1.0"); gi.require_version("GstRtspServer", "1.0")'


def require_rtsp_server() -> None:
    """Skip (fail in CI) unless the system Python has GStreamer's RTSP server."""
    ok = Path(SYSTEM_PYTHON).exists() and subprocess.run(
        [SYSTEM_PYTHON, "-c", PROBE], capture_output=True, timeout=60).returncode == 0
    if not ok:
        _missing("no GStreamer RTSP server for the system Python (Debian: apt-get install python3-gi "
                 "gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good)")


class RtspServer:
    """The server on ``port`` serving ``clip``; :meth:`start` waits for it to listen."""

    def __init__(self, clip: Path, port: int):
        self.clip, self.port = clip, port
        self.url = f"rtsp://127.0.0.1:{port}/live"
        self.proc: subprocess.Popen | None = None

    def start(self) -> RtspServer:
        self.proc = subprocess.Popen([SYSTEM_PYTHON, "-c", SERVER, str(self.clip), str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()        # blocks until the server listens (or dies: "")
        assert line.strip() == "ready", f"the RTSP server did not start (exit {self.proc.poll()})"
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if self.proc is not None:
            self.proc.stdout.close()
        self.proc = None
