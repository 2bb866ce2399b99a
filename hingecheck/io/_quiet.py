"""Keep native libraries' log lines (FFmpeg, OpenCV, TFLite, glog) off the
terminal, so the user sees only hingecheck's own messages. Import this
before cv2 or mediapipe; explicit settings in the environment win."""

import os

os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
