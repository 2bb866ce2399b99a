"""The score cache as storage: keys, and :class:`~hingecheck.outputs.records.ClipRecord` entries read and written.

An entry ``OUT/cache/<key>.json`` is a clip's record: a result, or a failure (the
clip's one-line error under the same key, so a rerun does not run a clip that crashed
or was rejected again unless ``--retry-failed`` says so). An entry of any other shape
(hand-edited, from another version, cut short) is a miss, never an error. What a batch
does with the entries (which clips run, what a task's outcome is) is
:mod:`hingecheck.scoring.plan`'s and :mod:`hingecheck.scoring.runner`'s.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from hingecheck import __version__
from hingecheck.core.errors import HingecheckError
from hingecheck.io.atomic import write_text_atomic
from hingecheck.io.extract import POSE_CACHE_FORMAT
from hingecheck.io.notice import warn
from hingecheck.outputs.records import RECORD_FORMAT, ClipRecord, RecordError
from hingecheck.outputs.serialize import dump_json

#: the cache entry's format: the record's (part of every cache key)
CACHE_FORMAT = RECORD_FORMAT
#: bytes read at a time when hashing a file
_HASH_CHUNK = 1 << 20


def file_sha256(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(_HASH_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _analysis(analysis_fps: float, long_side: int) -> dict:
    """The analysis rate (frames per second, 0: every frame) and size (long side in pixels,
    0: the source's) as a key's part: results at one never pass for another's."""
    return {"analysis_fps": float(analysis_fps), "analysis_long_side": int(long_side)}


def cache_key(clip_hash: str, model_hash: str, thresholds, exercise: str, *,
              analysis_fps: float, long_side: int) -> str:
    """Key of a clip's result in ``OUT/cache``: the clip, the model, the thresholds, the exercise,
    the analysis rate and size, the version and the cache format."""
    th = dataclasses.asdict(thresholds) if dataclasses.is_dataclass(thresholds) else dict(thresholds)
    blob = json.dumps({"clip": clip_hash, "model": model_hash, "thresholds": th, "exercise": exercise,
                       "version": __version__, "format": CACHE_FORMAT, "segmentation": True,
                       **_analysis(analysis_fps, long_side)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def pose_key(clip_hash: str, model_hash: str, *, analysis_fps: float, long_side: int) -> str:
    """Key of a clip's landmarks in ``OUT/cache/pose``: the clip, the model, the analysis rate and
    size and the extraction format (not the thresholds, so re-judging with other thresholds needs
    no pose model)."""
    blob = json.dumps({"clip": clip_hash, "model": model_hash, "pose_format": POSE_CACHE_FORMAT,
                       "segmentation": True, **_analysis(analysis_fps, long_side)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def read_cache(path: str | os.PathLike) -> ClipRecord | None:
    """The record of a valid cache entry (a result, or a failure), else None (a miss)."""
    try:
        return ClipRecord.from_entry(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError):  # RecordError is a ValueError: another format or shape is a miss
        return None


def write_cache_entry(cache_file: str | os.PathLike, rec: ClipRecord) -> None:
    """Write one clip's cache entry atomically."""
    write_text_atomic(cache_file, dump_json(rec.to_entry()))


def keep_cache_entry(cache_file: str | os.PathLike, rec: ClipRecord) -> bool:
    """:func:`write_cache_entry`, where a cache that cannot be written (a full disk) costs
    only the entry: a warning, and False. The clip's record is reported all the same."""
    try:
        write_cache_entry(cache_file, rec)
    except HingecheckError as exc:
        warn(f"cache entry not kept: {exc}; the clip's result is reported all the same")
        return False
    return True


__all__ = ["CACHE_FORMAT", "file_sha256", "cache_key", "pose_key", "read_cache", "write_cache_entry",
           "keep_cache_entry", "RecordError"]
