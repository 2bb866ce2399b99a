"""What a cache entry of ``hingecheck score`` must hold, and failed clips kept as failures.

An entry ``OUT/cache/<key>.json`` is either a result (what
:func:`hingecheck.scoring.batch.process_clip` returns) or a failure: the clip's
one-line error, under the same key, so a rerun does not run a clip that
crashed or was rejected again unless ``--retry-failed`` says so. An entry of
any other shape (hand-edited, from another version, cut short) is a miss,
never an error.
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

#: what the scores, metrics and report read of a cached result
RESULT_KEYS = {"clip_faults": list, "rep_count": int, "judged_reps": int, "reps_found": int,
               "cant_judge": bool, "view": str, "reps": list}
REP_KEYS = ("index", "complete", "t_start", "t_end", "faults", "cant_judge")


def valid_result(result) -> bool:
    """True if ``result`` has every field, of the right type, that the outputs read."""
    if not isinstance(result, dict):
        return False
    for key, typ in RESULT_KEYS.items():
        if not isinstance(result.get(key), typ):
            return False
    if not all(isinstance(f, str) for f in result["clip_faults"]):
        return False
    return all(isinstance(r, dict) and all(k in r for k in REP_KEYS) and isinstance(r["faults"], list)
               and isinstance(r["cant_judge"], dict) and isinstance(r.get("fault_spans", []), list)
               for r in result["reps"])


def valid_entry(data, fmt: int) -> bool:
    """A result entry or a failure entry of cache format ``fmt``."""
    if not isinstance(data, dict) or data.get("format") != fmt:
        return False
    if data.get("failed") is True:
        return isinstance(data.get("error"), str) and bool(data["error"])
    return valid_result(data.get("result")) and isinstance(data.get("timing", {}), dict)


def failure_entry(fmt: int, meta: dict, error: str) -> dict:
    """The cache entry of a clip that failed (``meta``: clip, exercise, key)."""
    return {"format": fmt, **meta, "failed": True, "error": error}


def cached_record(base: dict, key: str, hit: dict) -> dict:
    """The batch record of a cache hit, result or failure."""
    if hit.get("failed"):
        return {**base, "key": key, "cached": True, "error": hit["error"]}
    return {**base, "key": key, "cached": True, "result": hit["result"], "timing": hit.get("timing") or {}}


def record_outcome(plan, task, rec: dict, records: dict, *, cache_results: bool) -> None:
    """Keep what a task returned: its record in ``records``, a failure in the cache
    (and the result too with ``cache_results``, when the worker could not write it)."""
    from hingecheck.scoring.batch import task_record

    if rec.get("error"):
        meta = {"clip": task.job.clip, "exercise": task.job.exercise, "key": task.key}
        keep_cache_entry(task.cache_file, failure_entry(CACHE_FORMAT, meta, rec["error"]))
    elif cache_results:
        keep_cache_entry(task.cache_file, rec)
    records[task.index] = task_record(task, rec)


# ------------------------------------------------------------- keys and files

CACHE_FORMAT = 1


def file_sha256(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
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
    from hingecheck.io.extract import POSE_CACHE_FORMAT
    blob = json.dumps({"clip": clip_hash, "model": model_hash, "pose_format": POSE_CACHE_FORMAT,
                       "segmentation": True, **_analysis(analysis_fps, long_side)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def read_cache(path: Path) -> dict | None:
    """A valid cache entry (a result, or a failure with ``"failed": true``), else None."""
    from hingecheck.scoring.cache import valid_entry
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if valid_entry(data, CACHE_FORMAT) else None


def write_cache_entry(cache_file: str | os.PathLike, rec: dict) -> None:
    """Write one clip's cache entry (what :func:`process_clip` returns) atomically."""
    from hingecheck.outputs.serialize import dump_json
    write_text_atomic(cache_file, dump_json(rec))


def keep_cache_entry(cache_file: str | os.PathLike, rec: dict) -> bool:
    """:func:`write_cache_entry`, where a cache that cannot be written (a full disk) costs
    only the entry: a warning, and False. The clip's record is reported all the same."""
    try:
        write_cache_entry(cache_file, rec)
    except HingecheckError as exc:
        from hingecheck.io.notice import warn
        warn(f"cache entry not kept: {exc}; the clip's result is reported all the same")
        return False
    return True


def plot_path(cache_file: str | os.PathLike) -> Path:
    """Where the angle plot of a cache entry is kept: beside it, as .png."""
    return Path(cache_file).with_suffix(".png")
