"""What a worker process runs for one clip of ``hingecheck score``: :func:`process_clip`.

It analyses the clip (:func:`~hingecheck.io.videoanalysis.analyze_video`) and returns its
:class:`~hingecheck.outputs.records.ClipRecord`, never raising: a clip that cannot be
analysed is a record with its one-line error. The runner is given it as its worker
(:func:`hingecheck.scoring.runner.run_plan`); tests give theirs instead. The angle plot is
drawn with the outputs (:mod:`hingecheck.scoring.results`), not here.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path
from typing import Callable, Iterator

from hingecheck.core.config import Thresholds
from hingecheck.core.errors import HingecheckError
from hingecheck.io.videoanalysis import analyze_video
from hingecheck.outputs.records import ClipRecord
from hingecheck.outputs.serialize import clip_result, json_safe
from hingecheck.scoring.cache import keep_cache_entry
from hingecheck.scoring.plan import DEFAULT_ANALYSIS

#: numpy's warnings on a clip's stretches without a person (NaN-only slices): expected,
#: handled by the NaN-aware code, and once per worker they would bury the progress bar
EXPECTED_WARNINGS = r"(Mean of empty slice|All-NaN slice encountered|Degrees of freedom <= 0)"


@contextlib.contextmanager
def quiet_expected_warnings() -> Iterator[None]:
    """Within it, numpy's expected NaN-slice RuntimeWarnings are silenced; any other warning is
    shown, and the filters are put back on leaving."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=EXPECTED_WARNINGS, category=RuntimeWarning)
        yield


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, HingecheckError):
        return " ".join(str(exc).split())
    return " ".join(f"internal error: {type(exc).__name__}: {exc}".split())


def guarded(work: Callable[[], ClipRecord], meta: dict) -> ClipRecord:
    """``work()`` in a worker (numpy's expected warnings silenced), never raising: its record, or
    a record of ``meta``'s clip (clip, exercise, key) with the one-line error."""
    try:
        with quiet_expected_warnings():
            return work()
    except BaseException as exc:  # noqa: BLE001 - a worker never takes the batch down
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):  # stopped: nothing to report
            raise
        return ClipRecord(meta["clip"], meta["exercise"], key=meta.get("key"), error=_error_text(exc))


def process_clip(path: str, exercise: str, thresholds: dict, model: str, cache_file: str | None,
                 meta: dict | None = None, pose_file: str | None = None,
                 analysis: tuple[float, int] = DEFAULT_ANALYSIS) -> ClipRecord:
    """Run one clip (in a worker process); never raises.

    Returns the clip's record: a result with its timing (seconds), or its one-line error; a
    result is also written atomically to ``cache_file``. ``meta``: the clip's name, exercise
    and cache key (each by default: the file's name, ``exercise``, no key). Landmarks are read from
    (or kept in) ``pose_file`` when one is given. ``analysis``: the analysis rate (frames
    per second, 0: every frame) and long side (pixels, 0: the source's size).
    """
    meta = {"clip": Path(path).name, "exercise": exercise, "key": None, **(meta or {})}

    def work() -> ClipRecord:
        va = analyze_video(path, exercise, Thresholds(**thresholds), model, pose_file=pose_file,
                           analysis_fps=analysis[0], long_side=analysis[1])
        rec = ClipRecord(meta["clip"], meta["exercise"], key=meta.get("key"),
                         result=clip_result(va.analysis),
                         timing=json_safe(va.timing()))
        if cache_file:
            keep_cache_entry(cache_file, rec)
        return rec
    return guarded(work, meta)


__all__ = ["process_clip", "guarded", "quiet_expected_warnings", "EXPECTED_WARNINGS"]
