"""Where a batch keeps what it knows of each clip, under ``OUT/cache``.

The cache entry ``<key>.json``, its angle plot ``<key>.png`` beside it, and the landmarks
``pose/<pose key>.npz``. A leaf: the cache, the planner and the outputs all name paths
here, and it imports nothing of hingecheck.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR = "cache"
POSE_DIR = "pose"


def cache_dir(out: str | os.PathLike) -> Path:
    """``OUT/cache``."""
    return Path(out) / CACHE_DIR


def entry_file(cache: str | os.PathLike, key: str) -> Path:
    """The cache entry of the clip with cache key ``key``."""
    return Path(cache) / f"{key}.json"


def plot_file(cache: str | os.PathLike, key: str) -> Path:
    """Where the angle plot of the clip with cache key ``key`` is kept: beside its entry, as .png."""
    return Path(cache) / f"{key}.png"


def pose_file(cache: str | os.PathLike, pose_key: str) -> Path:
    """The landmarks of a clip (:func:`hingecheck.scoring.cache.pose_key`)."""
    return Path(cache) / POSE_DIR / f"{pose_key}.npz"
