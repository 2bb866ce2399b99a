"""The edges that touch the world: video files, cameras, the pose model.

Video reading and writing (OpenCV, PyAV for container metadata), the Pose
Landmarker wrapper, model bundles (download, verify, local folder), video →
landmarks extraction and its on-disk cache, atomic file writes, the native
log filter, and Ctrl-C and SIGTERM as one ``Interrupted`` (``signals``).

May import: ``hingecheck.core`` and third-party I/O libraries.
"""

# native libraries' logs off the terminal, before any module here imports cv2
from hingecheck.io import _quiet  # noqa: F401,E402
