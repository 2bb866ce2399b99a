"""A phone camera app's MJPEG stream, served on 127.0.0.1 from a clip's frames.

Like IP Webcam style apps: ``GET /video`` answers ``multipart/x-mixed-replace``
with one JPEG per part, paced at the stream's frame rate. The stream is one
live camera: every connection continues from where the clip is now. With
``drop_after`` the first connection is closed after that many frames (the
Wi-Fi drops) and the next one is accepted; once the clip is over the server
answers 404 (the app was closed).
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2

BOUNDARY = "hingecheckframe"


def clip_jpegs(path, step: int = 1, quality: int = 85) -> list[bytes]:
    """Every ``step``-th frame of a clip, JPEG-encoded."""
    cap = cv2.VideoCapture(str(path))
    out, i = [], 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if i % step == 0:
            out.append(cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes())
        i += 1
    cap.release()
    return out


class MjpegServer:
    """Serve ``jpegs`` at ``fps`` on 127.0.0.1 (a free port); a context manager."""

    def __init__(self, jpegs: list[bytes], fps: float, drop_after: int | None = None):
        self.jpegs, self.fps, self.drop_after = jpegs, fps, drop_after
        self.pos = 0                     # the next frame to send, across connections
        self.connections = 0
        self.dropped = threading.Event()  # set once the first connection was cut
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):   # keep the test output clean
                pass

            def do_GET(self):
                server.serve(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/video"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve(self, h: BaseHTTPRequestHandler) -> None:
        with self.lock:
            if h.path != "/video" or self.pos >= len(self.jpegs):
                h.send_error(404)
                return
            self.connections += 1
            first = self.connections == 1
        h.send_response(200)
        h.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        h.send_header("Cache-Control", "no-cache")
        h.end_headers()
        sent = 0
        next_t = time.perf_counter()
        try:
            while self.pos < len(self.jpegs):
                if first and self.drop_after is not None and sent >= self.drop_after:
                    self.dropped.set()
                    break                       # the connection drops mid-stream
                jpg = self.jpegs[self.pos]
                h.wfile.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpg)}\r\n\r\n"
                              .encode() + jpg + b"\r\n")
                h.wfile.flush()
                self.pos += 1
                sent += 1
                next_t += 1.0 / self.fps        # a camera's pace (the server's clock, not the test's)
                time.sleep(max(0.0, next_t - time.perf_counter()))
        except (BrokenPipeError, ConnectionResetError):
            pass
        h.close_connection = True

    def __enter__(self) -> MjpegServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


__all__ = ["MjpegServer", "clip_jpegs", "free_port"]
