"""What a cache entry of ``hingecheck score`` must hold, and failed clips kept as failures.

An entry ``OUT/cache/<key>.json`` is either a result (what
:func:`hingecheck.score.process_clip` returns) or a failure: the clip's
one-line error, under the same key, so a rerun does not run a clip that
crashed or was rejected again unless ``--retry-failed`` says so. An entry of
any other shape (hand-edited, from another version, cut short) is a miss,
never an error.
"""

from __future__ import annotations

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
    from .score import CACHE_FORMAT, task_record, write_cache_entry

    if rec.get("error"):
        meta = {"clip": task.job.clip, "exercise": task.job.exercise, "key": task.key}
        write_cache_entry(task.cache_file, failure_entry(CACHE_FORMAT, meta, rec["error"]))
    elif cache_results:
        write_cache_entry(task.cache_file, rec)
    records[task.index] = task_record(task, rec)


__all__ = ["valid_entry", "valid_result", "failure_entry", "cached_record", "record_outcome"]
